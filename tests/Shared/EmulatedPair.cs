using SpaceSync.Core.Content.Translation;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Tests.Shared;

/// <summary>
/// What the runner tests and the benchmark both need from a pair of in-process emulators: site clients signed in with
/// the emulators' default credentials, and a Data Center space copied to Cloud as Atlassian's migration assistant
/// leaves it. Compiled into each project that uses it (linked source), so neither references the other.
/// </summary>
public static class EmulatedPair
{
    /// <param name="personalAccessToken">The admin's by default; another user's (added with one) signs in as that user.</param>
    /// <param name="searchLag">The scope's sites.datacenter.searchLagMinutes (null = not set).</param>
    public static IConfluenceSite DataCenterClient(Uri baseUrl, SiteClientOptions options, string personalAccessToken = "emulator-pat",
        TimeSpan? searchLag = null) =>
        SiteClientFactory.Create(new SiteSettings
        {
            Kind = SiteKind.DataCenter,
            Url = baseUrl,
            Auth = new AuthSettings { Type = AuthType.Bearer, Token = new SecretReference(SecretSource.Environment, "SPACESYNC_DC_TOKEN", null) },
            SearchLag = searchLag,
        }, SiteCredential.Bearer(personalAccessToken), options);

    /// <param name="searchLag">The scope's sites.cloud.searchLagMinutes (null = not set).</param>
    public static IConfluenceSite CloudClient(Uri baseUrl, SiteClientOptions options, TimeSpan? searchLag = null) => SiteClientFactory.Create(new SiteSettings
    {
        Kind = SiteKind.Cloud,
        Url = baseUrl,
        Auth = new AuthSettings { Type = AuthType.Basic, User = "admin@example.com", Token = new SecretReference(SecretSource.Environment, "SPACESYNC_CLOUD_TOKEN", null) },
        SearchLag = searchLag,
    }, SiteCredential.Basic("admin@example.com", "emulator-token"), options);

    /// <summary>
    /// Copies the Data Center space to Cloud through the Cloud API, parents first, as CCMA would leave it: the space
    /// (its home page made by the site, then given the Data Center home page's content), then every current page,
    /// with its labels and files (written to the emulator directly, as they are no part of what is measured). CCMA migrates the
    /// users as well (same e-mail address) and leaves mentions as account ids and links by id as the Cloud pages' ids
    /// (those to pages copied before). Returns Data Center page id → Cloud page id.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> CopyLikeCcmaAsync(EmulatorState dc, EmulatorState cloud,
        IConfluenceSite dcSite, IConfluenceSite cloudSite, string key)
    {
        var none = CancellationToken.None;
        var dcSpace = dc.FindSpaceByKey(key)!;
        var translator = MigrateUsers(dc, cloud, dcSite.BaseUrl, cloudSite.BaseUrl, key, out var copied);
        cloud.CreateSpace(key, dcSpace.Name);
        var dcSiteSpace = (await dcSite.FindSpaceAsync(key, none))!;
        var cloudSpace = (await cloudSite.FindSpaceAsync(key, none))!;
        var pages = await dcSite.ListPages(dcSiteSpace, withBodies: true, includeTrashed: false).ReadAllAsync(none);
        var byId = pages.ToDictionary(p => p.Id);
        var idMap = new Dictionary<string, string>();
        var home = pages.Single(p => p.Id == dcSiteSpace.HomepageId);
        var cloudHome = (await cloudSite.GetPageAsync(cloudSpace.HomepageId!, none))!;
        idMap[home.Id] = cloudHome.Id;
        copied[home.Id] = cloudHome.Id;
        await cloudSite.UpdatePageAsync(cloudHome.Id, cloudHome.Version.Number, home.Title, ToCloud(home.Body!), none);
        CopyLabelsAndFiles(home.Id, cloudHome.Id);

        void CopyLabelsAndFiles(string dcId, string cloudId)
        {
            var original = dc.FindPage(long.Parse(dcId))!;
            var labels = original.Labels.Select(l => (l.Prefix, l.Name)).ToList();
            if (labels.Count > 0) cloud.AddLabels(long.Parse(cloudId), labels);
            foreach (var file in original.Attachments.Where(a => a.Status == "current"))
            {
                // Beside the original in the Data Center emulator's own folder, which goes when it does.
                var copy = Path.Combine(Path.GetDirectoryName(file.Current.FilePath)!, "ccma-" + Guid.NewGuid().ToString("N"));
                File.Copy(file.Current.FilePath, copy);
                cloud.AddAttachment(long.Parse(cloudId), file.FileName, file.Current.MediaType, copy, file.Current.Comment, file.Current.MinorEdit);
            }
        }

        int Depth(SitePage p) => p.ParentId is null || !byId.ContainsKey(p.ParentId) ? 0 : 1 + Depth(byId[p.ParentId]);
        foreach (var page in pages.Where(p => p.Id != home.Id).OrderBy(Depth))
        {
            var parent = page.ParentId is null ? null : idMap[page.ParentId];
            var created = await cloudSite.CreatePageAsync(cloudSpace, parent, page.Title, ToCloud(page.Body!), none);
            idMap[page.Id] = created.Id;
            copied[page.Id] = created.Id;
            CopyLabelsAndFiles(page.Id, created.Id);
        }

        return idMap;

        string ToCloud(string body) => translator.Translate(body, TranslationDirection.DataCenterToCloud).Body;
    }

    /// <summary>Gives Cloud an account for each Data Center user (by e-mail), as CCMA does; the translator CCMA's copy uses.</summary>
    private static StorageTranslator MigrateUsers(EmulatorState dc, EmulatorState cloud, Uri dcBase, Uri cloudBase, string key,
        out Dictionary<string, string> copied)
    {
        foreach (var user in dc.GetUsers())
        {
            if (cloud.FindUserByEmail(user.Email) is null && cloud.FindUserByUsername(user.Username) is null)
                cloud.AddUser(user.DisplayName, user.Email, user.Username);
        }

        copied = new Dictionary<string, string>();
        return new StorageTranslator(new TranslationContext(UserMapOf(dc, cloud), new CopiedPages(copied, key))
        {
            DataCenterBaseUrl = dcBase,
            CloudBaseUrl = cloudBase,
        });
    }

    /// <summary>The emulators' users paired by e-mail, as a run's user directory pairs them.</summary>
    public static UserMap UserMapOf(EmulatorState dc, EmulatorState cloud) => new UserMap(
        dc.GetUsers().Select(u => new DataCenterUser(u.UserKey, u.Username, u.Email, u.DisplayName)),
        cloud.GetUsers().Select(u => new CloudUser(u.AccountId, u.Email, u.DisplayName)));

    /// <summary>The pages copied so far, for links by id (the space keeps its key).</summary>
    private sealed class CopiedPages(Dictionary<string, string> copied, string key) : IPageMap
    {
        public PageLocation? CloudPageFor(string dataCenterPageId) =>
            copied.TryGetValue(dataCenterPageId, out var id) ? new PageLocation(id, key) : null;

        public PageLocation? DataCenterPageFor(string cloudPageId)
        {
            var dcId = copied.FirstOrDefault(p => p.Value == cloudPageId).Key;
            return dcId is null ? null : new PageLocation(dcId, key);
        }
    }
}
