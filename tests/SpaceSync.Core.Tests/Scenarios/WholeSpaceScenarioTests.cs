using System.Text.RegularExpressions;
using SpaceSync.Core.Content;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Scenarios;

/// <summary>
/// Issue 4's done-when, end to end over real HTTP: a 300-page space with attachments (one of 52 MB), labels, comments,
/// mentions of twenty people, cross-page links and restricted pages; edits of every kind on both sites; one run
/// converges, a second writes nothing; and every seeded page crosses Data Center → Cloud → Data Center unchanged.
/// </summary>
[Trait("Category", "Scenario")]
public sealed class WholeSpaceScenarioTests(ITestOutputHelper output)
{
    private const long LargeFileSize = 52L * 1024 * 1024;

    [Fact]
    public async Task Edits_of_every_kind_on_both_sites_converge_in_one_run_and_the_second_run_writes_nothing()
    {
        await using var world = await WholeSpaceWorld.StartAsync(pageCount: 300);
        var dc = world.Dc;
        var cloud = world.Cloud;
        var picker = new Picker(world);
        var person07 = dc.FindUserByEmail("person07@example.com")!;
        var person15 = cloud.FindUserByEmail("person15@example.com")!;

        // ---- Data Center: body with a new mention and a link by id, new page, rename, move, trash
        var dcEdited = picker.Take(dc);
        var linkTarget = picker.Take(dc);
        dc.UpdatePage(dcEdited.Id, new PageUpdate(dcEdited.Current.Number + 1, null, dcEdited.Current.Body +
            $"<p>Ask <ac:link><ri:user ri:userkey=\"{person07.UserKey}\" /></ac:link> and read <a href=\"/confluence/pages/viewpage.action?pageId={linkTarget.Id}\">this</a>.</p>"));
        var dcParent = picker.Take(dc);
        var dcNew = dc.CreatePage(dc.FindSpaceByKey(WholeSpaceWorld.Key)!.Id, "Written on Data Center after the migration",
            $"<p>New, by <ac:link><ri:user ri:userkey=\"{person07.UserKey}\" /></ac:link>.</p>", dcParent.Id, person07);
        var dcRenamed = picker.Take(dc);
        dc.UpdatePage(dcRenamed.Id, new PageUpdate(dcRenamed.Current.Number + 1, dcRenamed.Title + " (renamed on DC)", null));
        var dcMoved = picker.TakeLeaf(dc);
        var dcNewParent = picker.Take(dc);
        dc.UpdatePage(dcMoved.Id, new PageUpdate(dcMoved.Current.Number + 1, null, null, Move: true, NewParentId: dcNewParent.Id));
        var dcTrashed = picker.TakeLeaf(dc);
        dc.TrashPage(dcTrashed.Id);

        // labels, attachments (a 52 MB file, a new version, a removal), comments (new, reply, edit, delete)
        var dcLabelled = picker.Take(dc);
        dc.AddLabels(dcLabelled.Id, new[] { ("global", "added-on-dc") });
        var dcUnlabelled = picker.Take(dc, p => p.Labels.Count > 0);
        var dcRemovedLabel = dcUnlabelled.Labels[0].Name;
        dc.RemoveLabel(dcUnlabelled.Id, dcRemovedLabel);
        var dcLarge = picker.Take(dc);
        var largePath = world.NewLargeBlob(LargeFileSize, seed: 11);
        var largeHash = WholeSpaceWorld.Sha256Of(largePath);
        dc.AddAttachment(dcLarge.Id, "recording.bin", "application/octet-stream", largePath, "52 MB", false, person07);
        var dcNewVersion = picker.Take(dc, p => p.Attachments.Any(a => a.Status == "current"));
        var dcVersioned = dcNewVersion.Attachments.First(a => a.Status == "current");
        dc.AddAttachmentVersion(dcNewVersion.Id, dcVersioned.Id, dcVersioned.Current.MediaType, world.NewBlob("second version from DC"u8.ToArray()), null, false);
        var dcAttachmentGone = picker.Take(dc, p => p.Attachments.Any(a => a.Status == "current"));
        var dcGoneFile = dcAttachmentGone.Attachments.First(a => a.Status == "current");
        dc.TrashAttachment(dcGoneFile.Id);
        var dcCommented = picker.Take(dc);
        dc.AddComment(dcCommented.Id, $"<p>New comment mentioning <ac:link><ri:user ri:userkey=\"{person07.UserKey}\" /></ac:link>.</p>", null, person07);
        // Footer comments: the seeded inline ones never cross (InlineCommentRunnerTests).
        var dcReplied = picker.Take(dc, p => p.Comments.Any(c => !c.IsInline));
        dc.AddComment(dcReplied.Id, "<p>A reply written on Data Center.</p>", dcReplied.Comments.First(c => !c.IsInline).Id, person07);
        var dcCommentEdited = picker.Take(dc, p => p.Comments.Any(c => !c.IsInline));
        var editedComment = dcCommentEdited.Comments.First(c => !c.IsInline);
        dc.UpdateComment(editedComment.Id, editedComment.Current.Number + 1, "<p>Edited on Data Center.</p>");
        var dcCommentDeleted = picker.Take(dc, p => p.Comments.Count(c => c.ParentCommentId is null && !c.IsInline) > 0);
        dc.DeleteComment(dcCommentDeleted.Comments.First(c => c.ParentCommentId is null && !c.IsInline).Id);

        // a restricted page edited on Data Center: skip mode leaves its Cloud twin alone
        var restricted = picker.Take(dc, WholeSpaceWorld.IsRestricted, restricted: true);
        var restrictedTwin = world.CloudTwin(restricted);
        var restrictedTwinVersion = restrictedTwin.Current.Number;
        dc.UpdatePage(restricted.Id, new PageUpdate(restricted.Current.Number + 1, null, restricted.Current.Body + "<p>Secret addition.</p>"));

        // ---- Cloud: body with a mention and an emoji, new page, rename, move, trash, labels, attachments, comments
        var cloudEdited = world.CloudTwin(picker.Take(dc));
        cloud.UpdatePage(cloudEdited.Id, new PageUpdate(cloudEdited.Current.Number + 1, null, cloudEdited.Current.Body +
            $"<p>Owner now <ac:link><ri:user ri:account-id=\"{person15.AccountId}\" /></ac:link> " +
            "<ac:emoticon ac:name=\"tick\" ac:emoji-shortname=\":check_mark:\" ac:emoji-id=\"atlassian-check_mark\" ac:emoji-fallback=\":check_mark:\" />.</p>"));
        var cloudParent = world.CloudTwin(picker.Take(dc));
        var cloudNew = cloud.CreatePage(cloud.FindSpaceByKey(WholeSpaceWorld.Key)!.Id, "Written on Cloud after the migration",
            $"<p>New, by <ac:link><ri:user ri:account-id=\"{person15.AccountId}\" /></ac:link>.</p>", cloudParent.Id, person15);
        var cloudRenamed = world.CloudTwin(picker.Take(dc));
        cloud.UpdatePage(cloudRenamed.Id, new PageUpdate(cloudRenamed.Current.Number + 1, cloudRenamed.Title + " (renamed on Cloud)", null));
        var cloudMoved = world.CloudTwin(picker.TakeLeaf(dc));
        var cloudNewParent = world.CloudTwin(picker.Take(dc));
        cloud.UpdatePage(cloudMoved.Id, new PageUpdate(cloudMoved.Current.Number + 1, null, null, Move: true, NewParentId: cloudNewParent.Id));
        var cloudTrashed = world.CloudTwin(picker.TakeLeaf(dc));
        cloud.TrashPage(cloudTrashed.Id);
        var cloudLabelled = world.CloudTwin(picker.Take(dc));
        cloud.AddLabels(cloudLabelled.Id, new[] { ("global", "added-on-cloud") });
        var cloudUnlabelled = world.CloudTwin(picker.Take(dc, p => p.Labels.Count > 0));
        var cloudRemovedLabel = cloudUnlabelled.Labels[0].Name;
        cloud.RemoveLabel(cloudUnlabelled.Id, cloudRemovedLabel);
        var cloudAttached = world.CloudTwin(picker.Take(dc));
        cloud.AddAttachment(cloudAttached.Id, "from-cloud.txt", "text/plain", world.NewBlob("uploaded on Cloud"u8.ToArray()), null, false, person15);
        var cloudNewVersion = world.CloudTwin(picker.Take(dc, p => p.Attachments.Any(a => a.Status == "current")));
        var cloudVersioned = cloudNewVersion.Attachments.First(a => a.Status == "current");
        cloud.AddAttachmentVersion(cloudNewVersion.Id, cloudVersioned.Id, cloudVersioned.Current.MediaType, world.NewBlob("second version from Cloud"u8.ToArray()), null, false);
        var cloudAttachmentGone = world.CloudTwin(picker.Take(dc, p => p.Attachments.Any(a => a.Status == "current")));
        cloud.TrashAttachment(cloudAttachmentGone.Attachments.First(a => a.Status == "current").Id);
        var cloudCommented = world.CloudTwin(picker.Take(dc));
        cloud.AddComment(cloudCommented.Id, $"<p>Cloud comment for <ac:link><ri:user ri:account-id=\"{person15.AccountId}\" /></ac:link>.</p>", null, person15);
        var cloudCommentEdited = world.CloudTwin(picker.Take(dc, p => p.Comments.Any(c => !c.IsInline)));
        var cloudComment = cloudCommentEdited.Comments.First(c => !c.IsInline);
        cloud.UpdateComment(cloudComment.Id, cloudComment.Current.Number + 1, "<p>Edited on Cloud.</p>");

        // ---- one run converges
        var run = await world.SyncAsync();
        Report("converging run", run);
        // Exactly the edits made, nothing copied twice: two new pages, two trashes; three new comments (one a reply), one
        // edit each way, one deletion (a comment with its reply); the migration's comments and files stay paired.
        Assert.Equal((2, 2, 3, 2), (run.Count("Create"), run.Count("Trash"), run.Count("CommentsCreated"), run.Count("CommentsUpdated")));
        Assert.Equal(4, run.Count("UploadAttachment"));
        Assert.Empty(run.Errors);
        Assert.Empty(run.Conflicts);
        world.AssertConverged();

        // mentions translated, links rewritten, Cloud-only markup shown the Data Center way
        var dcEditedOnCloud = world.CloudTwin(dcEdited);
        Assert.Contains($"ri:account-id=\"{cloud.FindUserByEmail("person07@example.com")!.AccountId}\"", dcEditedOnCloud.Current.Body);
        Assert.Matches($"/pages/{world.CloudTwin(linkTarget).Id}\\b", dcEditedOnCloud.Current.Body);
        Assert.DoesNotContain("ri:userkey", string.Concat(WholeSpaceWorld.CurrentPages(cloud).Select(p => p.Current.Body)));
        var cloudEditedOnDc = world.DcTwin(cloudEdited);
        Assert.Contains($"ri:userkey=\"{dc.FindUserByEmail("person15@example.com")!.UserKey}\"", cloudEditedOnDc.Current.Body);
        Assert.DoesNotContain("ri:account-id", string.Concat(WholeSpaceWorld.CurrentPages(dc).Select(p => p.Current.Body)));
        Assert.DoesNotContain("emoji-id", cloudEditedOnDc.Current.Body);

        // the rest of each edit arrived where it should
        Assert.Equal(dcRenamed.Title, world.CloudTwin(dcRenamed).Title);
        Assert.Equal(world.CloudTwin(dcNewParent).Id, world.CloudTwin(dcMoved).ParentId);
        Assert.Equal("trashed", world.CloudTwin(dcTrashed).Status);
        Assert.Equal(world.DcTwin(cloudNewParent).Id, world.DcTwin(cloudMoved).ParentId);
        Assert.Equal("trashed", world.DcTwin(cloudTrashed).Status);
        Assert.Equal(world.CloudTwin(dcParent).Id, world.CloudTwin(dcNew).ParentId);
        Assert.Equal(world.DcTwin(cloudParent).Id, world.DcTwin(cloudNew).ParentId);
        Assert.Contains(world.CloudTwin(dcLabelled).Labels, l => l.Name == "added-on-dc");
        Assert.DoesNotContain(world.CloudTwin(dcUnlabelled).Labels, l => l.Name == dcRemovedLabel);
        Assert.Contains(world.DcTwin(cloudLabelled).Labels, l => l.Name == "added-on-cloud");
        Assert.DoesNotContain(world.DcTwin(cloudUnlabelled).Labels, l => l.Name == cloudRemovedLabel);
        var largeOnCloud = world.CloudTwin(dcLarge).Attachments.Single(a => a.FileName == "recording.bin" && a.Status == "current");
        Assert.Equal(LargeFileSize, largeOnCloud.Current.Size);
        Assert.Equal(largeHash, WholeSpaceWorld.Sha256Of(largeOnCloud.Current.FilePath));
        Assert.DoesNotContain(world.CloudTwin(dcAttachmentGone).Attachments, a => a.Status == "current" && a.FileName == dcGoneFile.FileName);

        // the restricted page: not written on Cloud
        Assert.Equal(restrictedTwinVersion, world.Cloud.FindPage(restrictedTwin.Id)!.Current.Number);
        Assert.DoesNotContain("Secret addition", world.Cloud.FindPage(restrictedTwin.Id)!.Current.Body);

        // ---- a second run writes nothing, and a full read agrees
        dc.Stats.Reset();
        cloud.Stats.Reset();
        var second = await world.SyncAsync();
        Report("second run", second);
        foreach (var r in dc.Stats.ByRoute.Concat(cloud.Stats.ByRoute).Where(r => !r.Key.StartsWith("GET ", StringComparison.Ordinal)))
            output.WriteLine($"  unexpected write {r.Key}: {r.Value}");
        Assert.Empty(second.Errors);
        Assert.Equal(0, WholeSpaceWorld.WritesOn(dc));
        Assert.Equal(0, WholeSpaceWorld.WritesOn(cloud));
        var full = await world.SyncAsync(fullListing: true);
        Assert.Empty(full.Errors);
        Assert.Equal(0, WholeSpaceWorld.WritesOn(dc));
        Assert.Equal(0, WholeSpaceWorld.WritesOn(cloud));
    }

    [Fact]
    public async Task Every_seeded_page_sent_from_Data_Center_to_Cloud_and_back_comes_back_equal()
    {
        await using var world = await WholeSpaceWorld.StartAsync(pageCount: 300, restricted: RestrictedPagesMode.Mirror);
        var dc = world.Dc;
        var cloud = world.Cloud;
        var originals = WholeSpaceWorld.CurrentPages(dc).ToDictionary(p => p.Id, p => p.Current.Body);

        // Out: every page gets a line on Data Center, so its whole body crosses to Cloud through SpaceSync.
        foreach (var page in WholeSpaceWorld.CurrentPages(dc))
            dc.UpdatePage(page.Id, new PageUpdate(page.Current.Number + 1, null, page.Current.Body + "<p>Out to Cloud.</p>"));
        var outward = await world.SyncAsync();
        Assert.Empty(outward.Errors);

        // Back: every Cloud copy gets a line, so the body SpaceSync wrote on Cloud crosses back whole.
        foreach (var page in WholeSpaceWorld.CurrentPages(cloud))
            cloud.UpdatePage(page.Id, new PageUpdate(page.Current.Number + 1, null, page.Current.Body + "<p>Back to Data Center.</p>"));
        var back = await world.SyncAsync();
        Assert.Empty(back.Errors);

        var differing = new List<string>();
        foreach (var (id, original) in originals)
        {
            var page = dc.FindPage(id)!;
            // Data Center itself saves a legacy ri:username mention as ri:userkey; that is the one respelling allowed.
            var expected = ContentNormalizer.Normalize(LegacyMentionsAsKeys(dc, original + "<p>Out to Cloud.</p><p>Back to Data Center.</p>"));
            if (ContentNormalizer.Normalize(page.Current.Body) != expected) differing.Add($"{page.Id} \"{page.Title}\"");
        }

        Assert.True(differing.Count == 0, $"{differing.Count} of {originals.Count} pages came back different: " + string.Join(", ", differing.Take(10)));
    }

    private void Report(string what, SyncRunResult run) =>
        output.WriteLine($"{what}: {run.Listing} listing, {run.Requests} requests, " +
                         string.Join(", ", run.Counts.Where(c => c.Value != 0).Select(c => $"{c.Key} {c.Value}")));

    private static string LegacyMentionsAsKeys(EmulatorState dc, string body) =>
        Regex.Replace(body, "ri:username=\"([^\"]+)\"", m => $"ri:userkey=\"{dc.FindUserByUsername(m.Groups[1].Value)!.UserKey}\"");

    /// <summary>Hands out distinct, unrestricted Data Center pages below the home page, in id order, for one edit each.</summary>
    private sealed class Picker
    {
        private readonly WholeSpaceWorld _world;
        private readonly HashSet<long> _taken = new();

        public Picker(WholeSpaceWorld world) => _world = world;

        public Page Take(EmulatorState dc, Func<Page, bool>? where = null, bool restricted = false)
        {
            var page = Candidates(dc).First(p => WholeSpaceWorld.IsRestrictedOrHidden(dc, p) == restricted && (where is null || where(p)));
            _taken.Add(page.Id);
            if (page.ParentId is long parent) _taken.Add(parent); // a parent is left alone, so moves and trashes stay independent
            return page;
        }

        /// <summary>A page with no current children (a trash or move then concerns only itself).</summary>
        public Page TakeLeaf(EmulatorState dc)
        {
            var current = WholeSpaceWorld.CurrentPages(dc);
            return Take(dc, p => current.All(c => c.ParentId != p.Id));
        }

        private IEnumerable<Page> Candidates(EmulatorState dc)
        {
            var home = dc.FindSpaceByKey(WholeSpaceWorld.Key)!.HomepageId;
            return WholeSpaceWorld.CurrentPages(dc)
                .Where(p => p.Id != home && !_taken.Contains(p.Id))
                .Where(p => p.ParentId is not long parent || !_taken.Contains(parent))
                .OrderBy(p => p.Id);
        }
    }
}
