using SpaceSync.Core.Tests.Content;
using SpaceSync.Core.Reporting;
using SpaceSync.Core.Content;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Issue 13 item 5, over both emulators: a page body that does not parse as storage format (a DOCTYPE, malformed XML, an
/// entity HTML does not define, a character XML forbids, nesting past the parser's bound) is never written to the other site
/// nor merged. That page fails alone — its reason names the page, the space, the site and what the parser found — the rest
/// of the run goes on, and the pair keeps its base, so the run after the page is fixed carries it. Bodies are planted in the
/// emulators' stores directly, as an old page or an import holds them (both products refuse such a body through REST).
/// </summary>
public sealed class UnreadableBodyRunnerTests
{
    private const string Billion = "<!DOCTYPE p [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><p>&lol2;</p>";

    public static TheoryData<string, string> Bodies() => new()
    {
        { Billion, "DOCTYPE" },
        { "<p>Unclosed paragraph <b>bold</p>", "line 1" },
        { "<p>An entity HTML does not have: &bogus;</p>", "&bogus;" },
        { "<p>A control character \u0001 here</p>", "line 1" },
        { string.Concat(Enumerable.Repeat("<div>", StorageDocument.MaxDepth + 1)) + "deep" + string.Concat(Enumerable.Repeat("</div>", StorageDocument.MaxDepth + 1)), "nested deeper" },
    };

    /// <summary>Requests that change something (anything but GET) the site has answered so far.</summary>
    private static long Writes(EmulatorState site) =>
        site.Stats.ByRoute.Where(r => !r.Key.StartsWith("GET ", StringComparison.Ordinal)).Sum(r => r.Value);

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_Data_Center_body_that_does_not_parse_is_not_written_to_Cloud_and_fails_alone(string broken, string said)
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 12);
        await world.BaselineAsync();
        var taken = new List<long>();
        var bad = RunnerWorld.Leaf(world.Dc, taken);
        var good = RunnerWorld.Leaf(world.Dc, taken);
        var badTwin = world.CloudTwin(bad);
        var (twinVersion, twinBody) = (badTwin.Current.Number, badTwin.Current.Body);
        var pairBefore = world.PairOfDc(bad.Id);
        RunnerWorld.Edit(world.Dc, bad, body: broken);
        RunnerWorld.Edit(world.Dc, good, body: "<p>A good edit still crosses.</p>");
        var cloudWrites = Writes(world.Cloud);

        var sync = await world.SyncAsync();

        Assert.Equal(1, Writes(world.Cloud) - cloudWrites); // the good page's PUT, nothing for the broken one
        var twin = world.Cloud.FindPage(badTwin.Id)!;
        Assert.Equal(twinVersion, twin.Current.Number);
        Assert.Equal(twinBody, twin.Current.Body);
        StoredBody.AssertSameContent("<p>A good edit still crosses.</p>", world.CloudTwin(good).Current.Body);
        var error = Assert.Single(sync.Errors);
        Assert.Contains($"\"{bad.Title}\"", error);
        Assert.Contains($"page {bad.Id} in space {RunnerWorld.Key} on Data Center", error);
        Assert.Contains(said, error);
        Assert.True(error.Length < 1000, error);
        Assert.Equal(1, sync.Count("Failed"));
        Assert.Equal(1, sync.Count("Update"));
        var item = Assert.Single(sync.Plan.Items, i => i.DataCenterId == bad.Id.ToString());
        Assert.Equal(DriftStatus.Unreadable, item.Status);
        Assert.Empty(item.ActionIds);
        Assert.Equal(RunOutcome.Failed, world.State.ListRuns(RunnerWorld.Key, newest: 1).Single().Outcome);
        Assert.Contains(world.State.ListHistory(RunnerWorld.Key), h => h.Action == "unreadable" && h.DataCenterPageId == bad.Id.ToString());
        Assert.Equal(pairBefore.DataCenterVersion, world.PairOfDc(bad.Id).DataCenterVersion); // the pair waits at its base
        Assert.Equal(pairBefore.BaseHash, world.PairOfDc(bad.Id).BaseHash);

        // Read again by the next (change query) run, still failing, still writing nothing; once fixed it crosses.
        var again = await world.SyncAsync();
        Assert.Single(again.Errors);
        Assert.Equal(twinVersion, world.Cloud.FindPage(badTwin.Id)!.Current.Number);
        RunnerWorld.Edit(world.Dc, world.Dc.FindPage(bad.Id)!, body: "<p>Fixed on Data Center.</p>");
        var fixedRun = await world.SyncAsync();
        Assert.Empty(fixedRun.Errors);
        StoredBody.AssertSameContent("<p>Fixed on Data Center.</p>", world.Cloud.FindPage(badTwin.Id)!.Current.Body);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_Cloud_body_that_does_not_parse_is_not_written_to_Data_Center_and_drift_shows_it_unreadable()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 12);
        await world.BaselineAsync();
        var bad = RunnerWorld.Leaf(world.Dc, new List<long>());
        var cloudPage = world.CloudTwin(bad);
        RunnerWorld.Edit(world.Cloud, cloudPage, body: "<p>Broken on <em>Cloud</p>");
        var dcVersion = world.Dc.FindPage(bad.Id)!.Current.Number;

        var drift = await world.SyncAsync(whatIf: true);
        var shown = Assert.Single(drift.Plan.Items, i => i.CloudId == cloudPage.Id.ToString());
        Assert.Equal(DriftStatus.Unreadable, shown.Status);
        Assert.Equal(SyncPlanner.UnreadableAction, shown.Action);
        Assert.Contains(shown.Warnings, w => w.Contains($"page {cloudPage.Id} in space {RunnerWorld.Key} on Cloud") && w.Contains("line 1, column"));
        Assert.DoesNotContain(drift.Plan.Actions, a => a.PairKey == bad.Id.ToString());

        var dcWrites = Writes(world.Dc);
        var sync = await world.SyncAsync();
        Assert.Equal(0, Writes(world.Dc) - dcWrites);
        Assert.Equal(dcVersion, world.Dc.FindPage(bad.Id)!.Current.Number);
        Assert.Contains(sync.Errors, e => e.Contains($"\"{bad.Title}\"") && e.Contains("on Cloud"));
    }

    [Fact]
    public async Task A_new_page_whose_body_does_not_parse_is_not_created_and_the_other_new_page_is()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 12);
        await world.BaselineAsync();
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        var broken = world.Dc.CreatePage(dcSpace.Id, "Imported with a DOCTYPE", Billion, dcSpace.HomepageId);
        world.Dc.CreatePage(dcSpace.Id, "A good new page", "<p>Hello.</p>", dcSpace.HomepageId);
        var cloudWrites = Writes(world.Cloud);

        var sync = await world.SyncAsync();

        Assert.Equal(1, Writes(world.Cloud) - cloudWrites); // one POST: the good page
        Assert.Contains(RunnerWorld.CurrentPages(world.Cloud), p => p.Title == "A good new page");
        Assert.DoesNotContain(RunnerWorld.CurrentPages(world.Cloud), p => p.Title == broken.Title);
        Assert.Null(world.State.FindPair(RunnerWorld.Key, SiteKind.DataCenter, broken.Id.ToString()));
        var error = Assert.Single(sync.Errors);
        Assert.Contains($"page {broken.Id} in space {RunnerWorld.Key} on Data Center", error);
        Assert.Contains("DOCTYPE", error);

        RunnerWorld.Edit(world.Dc, world.Dc.FindPage(broken.Id)!, body: "<p>Cleaned up.</p>");
        var fixedRun = await world.SyncAsync();
        Assert.Empty(fixedRun.Errors);
        Assert.Contains(RunnerWorld.CurrentPages(world.Cloud), p => p.Title == broken.Title);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task The_baseline_does_not_copy_an_authority_body_that_does_not_parse()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 12);
        var taken = new List<long>();
        var bad = RunnerWorld.Leaf(world.Dc, taken);
        var good = RunnerWorld.Leaf(world.Dc, taken);
        RunnerWorld.Edit(world.Dc, bad, body: "<p>Never closed");
        RunnerWorld.Edit(world.Dc, good, body: "<p>Changed on Data Center after the migration.</p>");
        var twin = world.Cloud.FindPage(long.Parse((await world.BaselineAsync(whatIf: true)).Plan.Pairs.Single(p => p.DataCenter.Id == bad.Id.ToString()).Cloud.Id))!;
        var twinVersion = twin.Current.Number;
        var cloudWrites = Writes(world.Cloud);

        var baseline = await world.BaselineAsync(authority: SyncSide.DataCenter);

        Assert.Equal(1, Writes(world.Cloud) - cloudWrites); // the good page's PUT only
        Assert.Equal(1, baseline.Updated);
        Assert.Equal(twinVersion, world.Cloud.FindPage(twin.Id)!.Current.Number);
        var error = Assert.Single(baseline.Errors);
        Assert.Contains($"\"{bad.Title}\" (page {bad.Id} in space {RunnerWorld.Key} on Data Center)", error);
        var conflict = Assert.Single(world.State.ListConflicts(RunnerWorld.Key));
        Assert.Equal(world.PairOfDc(bad.Id).Id, conflict.PairId);
        Assert.Contains("not storage format", conflict.Reason);
    }

    [Fact]
    public async Task A_merge_never_takes_a_body_that_does_not_parse_as_a_side()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 12);
        world.Space = world.Space with { Conflicts = ConflictPolicy.Merge };
        await world.BaselineAsync();
        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        RunnerWorld.Edit(world.Dc, page, body: "<p>One.</p><p>Two.</p>");
        await world.SyncAsync();
        var cloudPage = world.CloudTwin(page);
        RunnerWorld.Edit(world.Dc, world.Dc.FindPage(page.Id)!, body: "<p>One, edited on Data Center.</p><p>Two.</p>");
        RunnerWorld.Edit(world.Cloud, cloudPage, body: "<p>One.</p><p>Two &undefined; on Cloud.</p>");
        var (dcWrites, cloudWrites) = (Writes(world.Dc), Writes(world.Cloud));

        var sync = await world.SyncAsync();

        Assert.Equal(0, Writes(world.Dc) - dcWrites);
        Assert.Equal(0, Writes(world.Cloud) - cloudWrites);
        Assert.Equal(0, sync.Count("Merged"));
        Assert.Contains(sync.Errors, e => e.Contains($"page {cloudPage.Id} in space {RunnerWorld.Key} on Cloud") && e.Contains("&undefined;"));
        Assert.Empty(world.State.ListConflicts(RunnerWorld.Key)); // a failure, not a collision to resolve
    }

    [Fact]
    public async Task Keeping_a_side_whose_body_does_not_parse_writes_nothing_and_says_why()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 12);
        var bad = RunnerWorld.Leaf(world.Dc, new List<long>());
        RunnerWorld.Edit(world.Dc, bad, body: "<p>Broken <b>at the baseline</p>");
        await world.BaselineAsync(); // no authority: the difference is a conflict, the broken body its base on Data Center
        var conflict = Assert.Single(world.State.ListConflicts(RunnerWorld.Key));
        RunnerWorld.Edit(world.Dc, world.Dc.FindPage(bad.Id)!, body: "<p>Still broken <b>after it</p>");
        var twin = world.CloudTwin(bad);
        var cloudWrites = Writes(world.Cloud);

        world.SearchCaughtUp();
        var resolved = await SyncRunner.ResolveAsync(world.DcSite, world.CloudSite, world.State, world.Space,
            new[] { new ConflictResolutionRequest(conflict.Id, ConflictKeep.DataCenter) }, new SyncRunOptions(), EngineLog.None, CancellationToken.None);

        Assert.Equal(0, Writes(world.Cloud) - cloudWrites);
        Assert.Equal(twin.Current.Number, world.Cloud.FindPage(twin.Id)!.Current.Number);
        var said = Assert.Single(resolved.Conflicts);
        Assert.NotEqual(ResolutionOutcome.Resolved, said.Outcome);
        Assert.Contains("not storage format", said.Message);
        Assert.Contains(resolved.Run!.Errors, e => e.Contains($"page {bad.Id} in space {RunnerWorld.Key} on Data Center") && e.Contains("not storage format"));
        Assert.Single(world.State.ListConflicts(RunnerWorld.Key)); // still open
    }

    [Fact]
    public async Task A_blog_post_whose_body_does_not_parse_is_not_written_and_fails_alone()
    {
        var (world, posts, dc, cloud) = await BlogPostRunnerTests.StartAsync();
        await using var _ = world;
        await BaselineRunner.RunAsync(dc, cloud, world.State, posts, null, false, false, EngineLog.None, CancellationToken.None);
        var post = BlogPostRunnerTests.Posts(world.Dc)[0];
        var twin = world.Cloud.FindPage(long.Parse(world.State.FindPair(posts.Key, SiteKind.DataCenter, post.Id.ToString())!.CloudPageId))!;
        var twinVersion = twin.Current.Number;
        RunnerWorld.Edit(world.Dc, post, body: "<p>A post with <i>broken</b> markup</p>");
        var cloudWrites = Writes(world.Cloud);

        var sync = await BlogPostRunnerTests.SyncAsync(world, posts, dc, cloud);

        Assert.Equal(0, Writes(world.Cloud) - cloudWrites);
        Assert.Equal(twinVersion, world.Cloud.FindPage(twin.Id)!.Current.Number);
        Assert.Contains(sync.Errors, e => e.Contains($"\"{post.Title}\" (page {post.Id} in space {posts.Key} on Data Center)"));
        Assert.Equal(DriftStatus.Unreadable, Assert.Single(sync.Plan.Items, i => i.DataCenterId == post.Id.ToString()).Status);
    }
}
