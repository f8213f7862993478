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
    public static IConfluenceSite DataCenterClient(Uri baseUrl, SiteClientOptions options) => SiteClientFactory.Create(new SiteSettings
    {
        Kind = SiteKind.DataCenter,
        Url = baseUrl,
        Auth = new AuthSettings { Type = AuthType.Bearer, Token = new SecretReference(SecretSource.Environment, "SPACESYNC_DC_TOKEN", null) },
    }, SiteCredential.Bearer("emulator-pat"), options);

    public static IConfluenceSite CloudClient(Uri baseUrl, SiteClientOptions options) => SiteClientFactory.Create(new SiteSettings
    {
        Kind = SiteKind.Cloud,
        Url = baseUrl,
        Auth = new AuthSettings { Type = AuthType.Basic, User = "admin@example.com", Token = new SecretReference(SecretSource.Environment, "SPACESYNC_CLOUD_TOKEN", null) },
    }, SiteCredential.Basic("admin@example.com", "emulator-token"), options);

    /// <summary>
    /// Copies the Data Center space to Cloud through the Cloud API, parents first, as CCMA would leave it: the space
    /// (its home page made by the site, then given the Data Center home page's content), then every current page,
    /// with its labels (CCMA migrates them; written to the emulator directly, as they are no part of what is measured).
    /// Returns Data Center page id → Cloud page id.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> CopyLikeCcmaAsync(EmulatorState dc, EmulatorState cloud,
        IConfluenceSite dcSite, IConfluenceSite cloudSite, string key)
    {
        var none = CancellationToken.None;
        var dcSpace = dc.FindSpaceByKey(key)!;
        cloud.CreateSpace(key, dcSpace.Name);
        var dcSiteSpace = (await dcSite.FindSpaceAsync(key, none))!;
        var cloudSpace = (await cloudSite.FindSpaceAsync(key, none))!;
        var pages = await dcSite.ListPages(dcSiteSpace, withBodies: true, includeTrashed: false).ReadAllAsync(none);
        var byId = pages.ToDictionary(p => p.Id);
        var idMap = new Dictionary<string, string>();
        var home = pages.Single(p => p.Id == dcSiteSpace.HomepageId);
        var cloudHome = (await cloudSite.GetPageAsync(cloudSpace.HomepageId!, none))!;
        await cloudSite.UpdatePageAsync(cloudHome.Id, cloudHome.Version.Number, home.Title, home.Body!, none);
        idMap[home.Id] = cloudHome.Id;
        CopyLabels(home.Id, cloudHome.Id);

        void CopyLabels(string dcId, string cloudId)
        {
            var labels = dc.FindPage(long.Parse(dcId))!.Labels.Select(l => (l.Prefix, l.Name)).ToList();
            if (labels.Count > 0) cloud.AddLabels(long.Parse(cloudId), labels);
        }

        int Depth(SitePage p) => p.ParentId is null || !byId.ContainsKey(p.ParentId) ? 0 : 1 + Depth(byId[p.ParentId]);
        foreach (var page in pages.Where(p => p.Id != home.Id).OrderBy(Depth))
        {
            var parent = page.ParentId is null ? null : idMap[page.ParentId];
            var created = await cloudSite.CreatePageAsync(cloudSpace, parent, page.Title, page.Body!, none);
            idMap[page.Id] = created.Id;
            CopyLabels(page.Id, created.Id);
        }

        return idMap;
    }
}
