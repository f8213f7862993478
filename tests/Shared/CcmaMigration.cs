using System.Text.RegularExpressions;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Tests.Shared;

/// <summary>
/// A whole Data Center space copied into a Cloud emulator the way Atlassian's migration assistant leaves it: the
/// people (matched by e-mail, as CCMA does), the page tree with new ids, bodies with mentions turned into account ids
/// and links by page id pointing at the copies, labels, attachments (same bytes), footer comments with their replies, inline comments on the same markers,
/// and page restrictions with the same people and groups. Written straight into the emulators' stores: this is the
/// starting point of a test, not the code under test, and it shares nothing with SpaceSync's own translator.
/// </summary>
public static class CcmaMigration
{
    private static readonly Regex UserKey = new("ri:userkey=\"([^\"]+)\"", RegexOptions.CultureInvariant);
    private static readonly Regex Username = new("ri:username=\"([^\"]+)\"", RegexOptions.CultureInvariant);
    private static readonly Regex ViewPage = new(@"(?:/confluence)?/pages/viewpage\.action\?pageId=(\d+)", RegexOptions.CultureInvariant);

    /// <summary>Data Center page id → Cloud page id of the copies (home page included).</summary>
    public static IReadOnlyDictionary<long, long> Copy(EmulatorState dc, EmulatorState cloud, string key, string blobFolder)
    {
        Directory.CreateDirectory(blobFolder);
        foreach (var user in dc.GetUsers())
        {
            if (cloud.FindUserByEmail(user.Email) is null) cloud.AddUser(user.DisplayName, user.Email, user.Username, user.TimeZone);
        }

        User CloudUser(User dcUser) => cloud.FindUserByEmail(dcUser.Email)!;

        var dcSpace = dc.FindSpaceByKey(key) ?? throw new InvalidOperationException($"No Data Center space {key}.");
        var cloudSpace = cloud.CreateSpace(key, dcSpace.Name);
        var pages = dc.GetPages(key).Where(p => !p.IsBlogPost && p.Status == "current").ToList();
        var byId = pages.ToDictionary(p => p.Id);
        var ids = new Dictionary<long, long> { [dcSpace.HomepageId] = cloudSpace.HomepageId };

        int Depth(Page p) => p.ParentId is long parent && byId.ContainsKey(parent) ? 1 + Depth(byId[parent]) : 0;
        foreach (var page in pages.Where(p => p.Id != dcSpace.HomepageId).OrderBy(Depth).ThenBy(p => p.Id))
        {
            // Bodies come in a second pass: a link may point at a page copied later.
            var created = cloud.CreatePage(cloudSpace.Id, page.Title, "<p>migrating</p>", ids[page.ParentId!.Value], CloudUser(page.Creator));
            ids[page.Id] = created.Id;
        }

        foreach (var page in pages)
        {
            var copy = cloud.FindPage(ids[page.Id])!;
            cloud.UpdatePage(copy.Id, new PageUpdate(copy.Current.Number + 1, page.Title, Body(dc, cloud, key, ids, page.Current.Body)), CloudUser(page.Current.Author));
            if (page.Labels.Count > 0) cloud.AddLabels(copy.Id, page.Labels.Select(l => (l.Prefix, l.Name)));
            foreach (var attachment in page.Attachments.Where(a => a.Status == "current"))
            {
                var current = attachment.Current;
                var path = Path.Combine(blobFolder, Guid.NewGuid().ToString("N"));
                File.Copy(current.FilePath, path);
                cloud.AddAttachment(copy.Id, attachment.FileName, current.MediaType, path, current.Comment, current.MinorEdit, CloudUser(current.Author));
            }

            var comments = new Dictionary<long, long>();
            foreach (var comment in page.Comments.OrderBy(c => c.Id))
            {
                long? parent = comment.ParentCommentId is long p ? comments[p] : null;
                var words = Body(dc, cloud, key, ids, comment.Current.Body);
                if (comment.IsInline && parent is null && comment.MarkerRef is { } marker)
                {
                    // The body came with its markers: the copy attaches to the same ref, resolved or not as it was.
                    var thread = cloud.AttachInlineComment(copy.Id, marker, comment.OriginalSelection ?? "", words, CloudUser(comment.Creator));
                    if (comment.ResolutionStatus == "resolved") cloud.SetInlineResolution(thread.Id, resolved: true, CloudUser(comment.ResolutionBy ?? comment.Creator));
                    comments[comment.Id] = thread.Id;
                    continue;
                }

                comments[comment.Id] = cloud.AddComment(copy.Id, words, parent, CloudUser(comment.Creator)).Id;
            }

            foreach (var (operation, restriction) in page.Restrictions)
            {
                if (restriction.Users.Count == 0 && restriction.Groups.Count == 0) continue;
                cloud.SetRestriction(copy.Id, operation, restriction.Users.Select(CloudUser).ToList(), restriction.Groups.ToList());
            }
        }

        return ids;
    }

    /// <summary>A Data Center body as CCMA writes it on Cloud: mentions by account id, id links to the copies.</summary>
    public static string Body(EmulatorState dc, EmulatorState cloud, string key, IReadOnlyDictionary<long, long> ids, string body)
    {
        string AccountOf(User? user) => user is null ? "unknown" : cloud.FindUserByEmail(user.Email)?.AccountId ?? "unknown";
        body = UserKey.Replace(body, m => $"ri:account-id=\"{AccountOf(dc.FindUserByKey(m.Groups[1].Value))}\"");
        body = Username.Replace(body, m => $"ri:account-id=\"{AccountOf(dc.FindUserByUsername(m.Groups[1].Value))}\"");
        return ViewPage.Replace(body, m => ids.TryGetValue(long.Parse(m.Groups[1].Value), out var copy) ? $"/wiki/spaces/{key}/pages/{copy}" : m.Value);
    }
}
