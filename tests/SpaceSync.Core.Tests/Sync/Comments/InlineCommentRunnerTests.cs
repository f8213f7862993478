using SpaceSync.Core.Content;
using SpaceSync.Core.Content.Translation;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync.Comments;

/// <summary>
/// Inline comments against two emulators over real HTTP (docs/confluence-behaviours.md section 7): CQL returns them with the
/// footer comments, and none ever crosses — not as a footer comment, not as a reply; the markers that anchor them are each
/// site's own, never a change, and survive a body written over their page from the other site (one-way or merged).
/// </summary>
public sealed class InlineCommentRunnerTests(ITestOutputHelper output)
{
    private const string Base = "<h2>Ports</h2><p>The agent listens on 8080.</p><p>Logs go to /var/log/agent.</p><p>Owned by the platform team.</p>";

    /// <summary>Synced pages whose body is <see cref="Base"/> on both sites (leaves, so nothing else moves them).</summary>
    private static async Task<(RunnerWorld World, List<(Page Dc, Page Cloud)> Pages)> SyncedPagesAsync(int count, bool comments = false,
        ConflictPolicy conflicts = ConflictPolicy.Manual)
    {
        var world = await RunnerWorld.StartAsync(pageCount: 16);
        world.Space = world.Space with
        {
            Conflicts = conflicts,
            Content = new ResolvedContent(Labels: false, Attachments: false, Comments: comments, Blogposts: false),
        };
        await world.BaselineAsync();
        var taken = new List<long>();
        var dcPages = Enumerable.Range(0, count).Select(_ => RunnerWorld.Leaf(world.Dc, taken)).ToList();
        foreach (var page in dcPages) RunnerWorld.Edit(world.Dc, page, body: Base);
        await world.SyncAsync();
        return (world, dcPages.Select(p => (world.Dc.FindPage(p.Id)!, world.CloudTwin(p))).ToList());
    }

    private void Show(SyncRunResult run)
    {
        output.WriteLine($"{run.Listing}, {run.Requests} requests; " + string.Join(", ", run.Counts.Where(c => c.Value != 0).Select(c => $"{c.Key}={c.Value}")));
        foreach (var o in run.Outcomes) output.WriteLine($"  {o.Outcome}: {o.Message}");
        foreach (var e in run.Errors) output.WriteLine("  error: " + e);
    }

    private static string MarkerOf(Comment thread) => $"ac:ref=\"{thread.MarkerRef}\"";

    [Fact]
    public async Task Inline_comments_on_both_sites_stay_there_and_none_crosses_as_a_footer_comment()
    {
        var (world, pages) = await SyncedPagesAsync(2, comments: true);
        await using var _ = world;
        var (dc, cloud) = pages[0];
        var dcThread = world.Dc.AddInlineComment(dc.Id, "listens on 8080", "<p>Is 8080 still right?</p>");
        var dcReply = world.Dc.AddComment(dc.Id, "<p>Yes.</p>", dcThread.Id);
        var cloudThread = world.Cloud.AddInlineComment(cloud.Id, "platform team", "<p>Which platform team?</p>");
        world.Cloud.AddComment(cloud.Id, "<p>The one in Berlin.</p>", cloudThread.Id);
        var footer = world.Dc.AddComment(dc.Id, "<p>A footer comment, which crosses.</p>");

        var first = await world.SyncAsync(fullListing: true);
        Show(first);
        Assert.Empty(first.Errors);
        Assert.Equal(1, first.Count("CommentsCreated")); // the footer comment, nothing else
        Assert.True(first.Count("InlineComments") >= 4, "both threads with their replies are counted");

        // A change query meets them again: new replies in both threads, a thread resolved, another one added.
        world.Dc.AddComment(dc.Id, "<p>Still yes.</p>", dcThread.Id);
        world.Cloud.AddComment(cloud.Id, "<p>Or Munich.</p>", cloudThread.Id);
        world.Cloud.SetInlineResolution(cloudThread.Id, resolved: true);
        var (dc2, cloud2) = pages[1];
        world.Cloud.AddInlineComment(cloud2.Id, "/var/log/agent", "<p>Rotated?</p>");
        var second = await world.SyncAsync();
        Show(second);
        Assert.Empty(second.Errors);
        Assert.Equal(ListingMode.Changes, second.Listing);
        Assert.Equal(0, second.Count("CommentsCreated") + second.Count("CommentsUpdated") + second.Count("CommentsDeleted"));
        Assert.True(second.Count("InlineComments") >= 3, "the new ones are counted (the change window overlaps the last run)");

        // Footer comments on each site: the seeded ones, the one that crossed; inline ones only where they were written.
        var dcFooter = world.Dc.FindPage(dc.Id)!.Comments.Where(c => !c.IsInline).ToList();
        var cloudFooter = world.Cloud.FindPage(cloud.Id)!.Comments.Where(c => !c.IsInline).ToList();
        Assert.Equal(dcFooter.Count, cloudFooter.Count);
        Assert.DoesNotContain(cloudFooter, c => c.Current.Body.Contains("Is 8080 still right?", StringComparison.Ordinal) || c.Current.Body.Contains("Yes.", StringComparison.Ordinal));
        Assert.DoesNotContain(dcFooter, c => c.Current.Body.Contains("platform team?", StringComparison.Ordinal) || c.Current.Body.Contains("Berlin", StringComparison.Ordinal));
        Assert.DoesNotContain(world.Cloud.FindPage(cloud2.Id)!.Comments, c => !c.IsInline && c.Current.Body.Contains("Rotated", StringComparison.Ordinal));
        Assert.DoesNotContain(world.Dc.FindPage(dc2.Id)!.Comments, c => c.Current.Body.Contains("Rotated", StringComparison.Ordinal));
        var inlineIds = world.Dc.GetPages(RunnerWorld.Key).Concat(world.Cloud.GetPages(RunnerWorld.Key)).SelectMany(p => p.Comments)
            .Where(c => c.IsInline).Select(c => c.Id.ToString()).ToHashSet();
        Assert.DoesNotContain(world.State.ListCommentPairs(RunnerWorld.Key), p => inlineIds.Contains(p.DataCenterCommentId) || inlineIds.Contains(p.CloudCommentId));
        Assert.Contains(world.State.ListCommentPairs(RunnerWorld.Key), p => p.DataCenterCommentId == footer.Id.ToString());
        Assert.Equal("open", dcThread.ResolutionStatus);
        Assert.Equal(dcThread.Id, Assert.Single(world.Dc.FindPage(dc.Id)!.Comments, c => c.Id == dcReply.Id).ParentCommentId);
    }

    [Fact]
    public async Task A_body_crossing_either_way_keeps_the_target_pages_own_inline_anchors()
    {
        var (world, pages) = await SyncedPagesAsync(2);
        await using var _ = world;
        var (dc1, cloud1) = pages[0];
        var (dc2, cloud2) = pages[1];
        var onCloud = world.Cloud.AddInlineComment(cloud1.Id, "listens on 8080", "<p>Cloud's question</p>");
        var onDc = world.Dc.AddInlineComment(dc2.Id, "platform team", "<p>Data Center's question</p>");
        // And an anchor of the source's own, which must not travel.
        var dcOnly = world.Dc.AddInlineComment(dc1.Id, "/var/log/agent", "<p>Stays on Data Center</p>");
        RunnerWorld.Edit(world.Dc, world.Dc.FindPage(dc1.Id)!, body: world.Dc.FindPage(dc1.Id)!.Current.Body + "<p>Added on Data Center.</p>");
        RunnerWorld.Edit(world.Cloud, world.Cloud.FindPage(cloud2.Id)!, body: world.Cloud.FindPage(cloud2.Id)!.Current.Body + "<p>Added on Cloud.</p>");

        var run = await world.SyncAsync();
        Show(run);
        Assert.Empty(run.Errors);
        Assert.Equal(2, run.Count("Update"));

        var cloudBody = world.Cloud.FindPage(cloud1.Id)!.Current.Body;
        Assert.Contains("Added on Data Center.", cloudBody);
        Assert.Contains(MarkerOf(onCloud), cloudBody);
        Assert.DoesNotContain(MarkerOf(dcOnly), cloudBody);
        Assert.Equal("open", onCloud.ResolutionStatus); // not dangling: the write kept its anchor
        Assert.Equal("open", dcOnly.ResolutionStatus);
        var dcBody = world.Dc.FindPage(dc2.Id)!.Current.Body;
        Assert.Contains("Added on Cloud.", dcBody);
        Assert.Contains(MarkerOf(onDc), dcBody);
        Assert.Equal("open", onDc.ResolutionStatus); // not resolved

        // The anchors were no change: the next runs have nothing to do.
        var again = await world.SyncAsync(fullListing: true);
        Show(again);
        Assert.DoesNotContain(again.Plan.Actions, a => a.WritesSite);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task An_edit_of_the_highlighted_text_loses_that_anchor_with_a_warning_and_keeps_a_moved_one()
    {
        var (world, pages) = await SyncedPagesAsync(1);
        await using var _ = world;
        var (dc, cloud) = pages[0];
        var gone = world.Cloud.AddInlineComment(cloud.Id, "listens on 8080", "<p>Port?</p>");
        var moved = world.Cloud.AddInlineComment(cloud.Id, "platform team", "<p>Team?</p>");
        // On Data Center the port changes (the highlighted words go) and the ownership sentence is reworded around its words.
        RunnerWorld.Edit(world.Dc, dc, body: Base.Replace("listens on 8080", "listens on 9090")
            .Replace("Owned by the platform team.", "Since May the platform team owns it."));

        var run = await world.SyncAsync();
        Show(run);
        Assert.Empty(run.Errors);
        var update = Assert.Single(run.Outcomes, o => o.Action.Kind == SyncActionKind.Update);
        Assert.Contains(TranslationWarningCodes.InlineAnchorsLost, update.Message);
        Assert.Contains(run.Plan.Items.SelectMany(i => i.Warnings), w => w.Contains(TranslationWarningCodes.InlineAnchorsLost, StringComparison.Ordinal));
        var body = world.Cloud.FindPage(cloud.Id)!.Current.Body;
        Assert.Contains("listens on 9090", body);
        Assert.DoesNotContain(MarkerOf(gone), body);
        Assert.Equal("dangling", gone.ResolutionStatus); // what Cloud does when the text of an inline comment goes
        Assert.Contains($"<ac:inline-comment-marker {MarkerOf(moved)}>platform team</ac:inline-comment-marker>", body);
        Assert.Equal("open", moved.ResolutionStatus);
    }

    [Fact]
    public async Task A_merge_writes_both_sites_with_their_own_anchors()
    {
        var (world, pages) = await SyncedPagesAsync(1, conflicts: ConflictPolicy.Merge);
        await using var _ = world;
        var (dc, cloud) = pages[0];
        var dcThread = world.Dc.AddInlineComment(dc.Id, "platform team", "<p>Data Center asks</p>");
        var cloudThread = world.Cloud.AddInlineComment(cloud.Id, "platform team", "<p>Cloud asks</p>");
        RunnerWorld.Edit(world.Dc, world.Dc.FindPage(dc.Id)!, body: world.Dc.FindPage(dc.Id)!.Current.Body.Replace("8080", "9090"));
        RunnerWorld.Edit(world.Cloud, world.Cloud.FindPage(cloud.Id)!, body: world.Cloud.FindPage(cloud.Id)!.Current.Body + "<p>Added on Cloud.</p>");

        var run = await world.SyncAsync();
        Show(run);
        Assert.Empty(run.Errors);
        Assert.Empty(run.Conflicts);
        Assert.Equal(1, run.Count("Merged"));
        var expected = ContentNormalizer.Normalize(Base.Replace("8080", "9090") + "<p>Added on Cloud.</p>");
        var dcBody = world.Dc.FindPage(dc.Id)!.Current.Body;
        var cloudBody = world.Cloud.FindPage(cloud.Id)!.Current.Body;
        Assert.Equal(expected, ContentNormalizer.Normalize(dcBody));
        Assert.Equal(expected, ContentNormalizer.Normalize(world.InDataCenterDialect(cloudBody, SyncSide.Cloud)));
        Assert.Contains(MarkerOf(dcThread), dcBody);
        Assert.DoesNotContain(MarkerOf(cloudThread), dcBody);
        Assert.Contains(MarkerOf(cloudThread), cloudBody);
        Assert.DoesNotContain(MarkerOf(dcThread), cloudBody);
        Assert.Equal(("open", "open"), (dcThread.ResolutionStatus, cloudThread.ResolutionStatus));
        var again = await world.SyncAsync();
        Assert.DoesNotContain(again.Plan.Actions, a => a.WritesSite);
    }

    [Fact]
    public async Task A_new_version_that_only_adds_or_moves_markers_is_no_change()
    {
        var (world, pages) = await SyncedPagesAsync(1);
        await using var _ = world;
        var (dc, cloud) = pages[0];
        // Some editors save the page with its markers as a new version: the body differs only by them.
        var marked = Base.Replace("listens on 8080", "<ac:inline-comment-marker ac:ref=\"7f0c2a1e-0000-4000-8000-000000000001\">listens on 8080</ac:inline-comment-marker>");
        RunnerWorld.Edit(world.Dc, world.Dc.FindPage(dc.Id)!, body: marked);
        world.Cloud.AddInlineComment(cloud.Id, "/var/log/agent", "<p>Rotated?</p>");

        var run = await world.SyncAsync(fullListing: true);
        Show(run);
        Assert.DoesNotContain(run.Plan.Actions, a => a.WritesSite);
        Assert.Equal(ContentHash.OfBody(Base), ContentHash.OfBody(marked));
    }

    [Fact]
    public async Task The_bodies_of_pages_about_to_be_overwritten_are_read_in_one_search_a_side()
    {
        var (world, pages) = await SyncedPagesAsync(4);
        await using var _ = world;
        var threads = pages.Select(p => world.Cloud.AddInlineComment(p.Cloud.Id, "listens on 8080", "<p>?</p>")).ToList();
        foreach (var (dc, _) in pages) RunnerWorld.Edit(world.Dc, world.Dc.FindPage(dc.Id)!, body: Base + "<p>Edited on Data Center.</p>");
        world.CloudEmulator.State.Stats.Reset();

        var run = await world.SyncAsync();
        Show(run);
        Assert.Equal(4, run.Count("Update"));
        var stats = world.CloudEmulator.State.Stats;
        output.WriteLine(string.Join(Environment.NewLine, stats.ByRoute.Select(r => $"  {r.Key}: {r.Value}")));
        Assert.Equal(0, stats.Count("GET", "/wiki/api/v2/pages/{id}")); // no GET per page: one search for the four bodies
        Assert.All(threads, t => Assert.Equal("open", t.ResolutionStatus));
        Assert.All(pages, p => Assert.Contains(MarkerOf(threads[pages.IndexOf(p)]), world.Cloud.FindPage(p.Cloud.Id)!.Current.Body));
    }
}
