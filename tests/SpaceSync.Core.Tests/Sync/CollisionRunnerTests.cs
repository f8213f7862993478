using SpaceSync.Core.Scope;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Sites;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Issue 4 item 7 against both emulators: a page new on one side whose title the other side's space already holds
/// (Confluence answers a duplicate title with 400). Paired when the content is the same; otherwise reported with the
/// next step — never a failed run, never a silent rename.
/// </summary>
public sealed class CollisionRunnerTests(ITestOutputHelper output)
{
    private const string Body = "<p>Terms we use, from <strong>A</strong> to Z.</p>";

    private static async Task<RunnerWorld> SyncedWorldAsync()
    {
        var world = await RunnerWorld.StartAsync(pageCount: 12);
        await world.BaselineAsync();
        var first = await world.SyncAsync(); // structural; leaves the marks, so the next runs read only changes
        Assert.Equal(ListingMode.Structural, first.Listing);
        return world;
    }

    private static Page NewPage(EmulatorState state, string title, string body)
    {
        var space = state.FindSpaceByKey(RunnerWorld.Key)!;
        return state.CreatePage(space.Id, title, body, space.HomepageId);
    }

    /// <summary>A page made days ago: a change query from the last run's mark does not list it.</summary>
    private static Page OldPage(EmulatorState state, string title, string body)
    {
        var clock = state.Clock;
        state.Clock = new FixedClock(DateTimeOffset.UtcNow.AddDays(-3));
        try { return NewPage(state, title, body); }
        finally { state.Clock = clock; }
    }

    private static List<Page> Titled(EmulatorState state, string title) =>
        RunnerWorld.CurrentPages(state).Where(p => string.Equals(p.Title, title, StringComparison.OrdinalIgnoreCase)).ToList();

    private void Show(SyncRunResult result)
    {
        output.WriteLine($"-- {result.Listing} run");
        foreach (var o in result.Outcomes) output.WriteLine($"{o.Outcome}: {o.Action} → {o.Message}");
        foreach (var i in result.Plan.Items.Where(i => i.Warnings.Count > 0)) output.WriteLine($"{i.Status} {i.Title}: {string.Join(" | ", i.Warnings)}");
    }

    private static void AssertQuiet(SyncRunResult result)
    {
        Assert.Empty(result.Errors);
        Assert.DoesNotContain(result.Outcomes, o => o.Outcome == ActionOutcomeKind.Failed);
        Assert.DoesNotContain(result.Plan.Actions, a => a.WritesSite);
    }

    [Fact]
    public async Task New_pages_with_one_title_and_one_content_on_both_sites_are_paired_without_a_duplicate()
    {
        await using var world = await SyncedWorldAsync();
        var dc = NewPage(world.Dc, "Glossary", Body);
        var cloud = NewPage(world.Cloud, "Glossary", Body.Replace("<p>", "<p >")); // the same once normalized

        var run = await world.SyncAsync();
        Show(run);
        Assert.Equal(ListingMode.Changes, run.Listing);
        Assert.Empty(run.Errors);
        Assert.Equal(1, run.Count(nameof(SyncActionKind.Adopt)));
        Assert.Equal(0, run.Count(nameof(SyncActionKind.Create)));
        Assert.Equal(cloud.Id.ToString(), world.PairOfDc(dc.Id).CloudPageId);
        Assert.Single(Titled(world.Cloud, "Glossary"));
        Assert.Single(Titled(world.Dc, "Glossary"));
        world.AssertSidesEqual();

        var again = await world.SyncAsync();
        Show(again);
        AssertQuiet(again);
    }

    [Fact]
    public async Task New_pages_with_one_title_and_different_content_are_left_alone_and_reported_on_every_run_until_resolved()
    {
        await using var world = await SyncedWorldAsync();
        var dc = NewPage(world.Dc, "Glossary", "<p>Data Center glossary.</p>");
        var cloud = NewPage(world.Cloud, "GLOSSARY", "<p>Cloud glossary.</p>");
        var warnings = new List<string>();
        using var log = EngineLog.Create(null, (level, text) => { if (level == EngineLogLevel.Warning) warnings.Add(text); });

        for (var run = 1; run <= 2; run++)
        {
            world.SearchCaughtUp();
            var result = await SyncRunner.RunAsync(world.DcSite, world.CloudSite, world.State, world.Space, new SyncRunOptions(), log, CancellationToken.None);
            Show(result);
            Assert.Equal(ListingMode.Changes, result.Listing);
            AssertQuiet(result);
            var item = Assert.Single(result.Plan.Items, i => i.Action == SyncPlanner.TitleCollision);
            Assert.Equal(DriftStatus.Unpaired, item.Status);
            Assert.Equal((dc.Id.ToString(), cloud.Id.ToString()), (item.DataCenterId, item.CloudId));
            Assert.Contains("rename one of them", item.Warnings[0]);
            Assert.Contains(warnings, w => w.Contains("different content") && w.Contains("Glossary"));
            warnings.Clear();
        }

        // Both untouched, unpaired, and still read by the next run.
        Assert.Equal(1, world.Dc.FindPage(dc.Id)!.Current.Number);
        Assert.Equal(1, world.Cloud.FindPage(cloud.Id)!.Current.Number);
        Assert.Null(world.State.FindPair(RunnerWorld.Key, SiteKind.DataCenter, dc.Id.ToString()));
        var unsettled = world.State.GetReadMarks(RunnerWorld.Key).Unsettled;
        Assert.Contains(new Core.State.UnsettledPage(SiteKind.DataCenter, dc.Id.ToString()), unsettled);
        Assert.Contains(new Core.State.UnsettledPage(SiteKind.Cloud, cloud.Id.ToString()), unsettled);

        // Resolved by renaming one: the next run copies both.
        RunnerWorld.Edit(world.Cloud, world.Cloud.FindPage(cloud.Id)!, title: "Glossary (Cloud)");
        var resolved = await world.SyncAsync();
        Show(resolved);
        Assert.Empty(resolved.Errors);
        Assert.Equal(2, resolved.Count(nameof(SyncActionKind.Create)));
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_create_refused_for_a_title_the_change_query_did_not_show_pairs_with_the_page_of_the_same_content()
    {
        await using var world = await SyncedWorldAsync();
        // On Cloud for days, never paired (say a page the baseline could not place); its title differs in case only.
        var old = OldPage(world.Cloud, "glossary", Body);
        var dc = NewPage(world.Dc, "Glossary", Body);

        var run = await world.SyncAsync();
        Show(run);
        Assert.Equal(ListingMode.Changes, run.Listing);
        Assert.DoesNotContain(run.Plan.Items, i => i.CloudId == old.Id.ToString()); // not seen: only the 400 tells
        var outcome = Assert.Single(run.Outcomes, o => o.Action.Kind == SyncActionKind.Create);
        Assert.Equal(ActionOutcomeKind.Done, outcome.Outcome);
        Assert.Contains("already had this title and the same content", outcome.Message);
        Assert.Null(outcome.CreatedPageId);
        Assert.Equal((0, 1), (run.Count(nameof(SyncActionKind.Create)), run.Count("PairedByTitle")));
        Assert.Empty(run.Errors);
        Assert.Equal(old.Id.ToString(), world.PairOfDc(dc.Id).CloudPageId);
        Assert.Single(Titled(world.Cloud, "Glossary"));
        Assert.Empty(world.State.ListCreateIntents(RunnerWorld.Key));
        Assert.Contains(world.State.ListHistory(RunnerWorld.Key), h => h.Action == "adopt-existing-title" && h.CloudPageId == old.Id.ToString());

        // The page that was there first keeps its title: the next run carries it to the new page.
        var next = await world.SyncAsync();
        Show(next);
        Assert.Empty(next.Errors);
        Assert.Equal("glossary", world.Dc.FindPage(dc.Id)!.Title);
        Assert.Equal("glossary", world.Cloud.FindPage(old.Id)!.Title);
        world.AssertSidesEqual();

        AssertQuiet(await world.SyncAsync());
    }

    [Fact]
    public async Task A_create_refused_for_a_title_held_by_other_content_is_skipped_not_failed_and_reported_until_resolved()
    {
        await using var world = await SyncedWorldAsync();
        var old = OldPage(world.Cloud, "Glossary", "<p>The Cloud team's own glossary.</p>");
        var dc = NewPage(world.Dc, "Glossary", Body);

        var run = await world.SyncAsync();
        Show(run);
        Assert.Equal(ListingMode.Changes, run.Listing);
        var outcome = Assert.Single(run.Outcomes, o => o.Action.Kind == SyncActionKind.Create);
        Assert.Equal(ActionOutcomeKind.Skipped, outcome.Outcome);
        Assert.Contains($"page {old.Id}", outcome.Message);
        Assert.Contains("rename one of them", outcome.Message);
        Assert.Empty(run.Errors);
        Assert.Equal(0, run.Count("Failed"));
        Assert.Equal(Core.State.RunOutcome.Succeeded, world.State.GetRun(run.RunId!.Value)!.Outcome);
        Assert.Empty(world.State.ListCreateIntents(RunnerWorld.Key));
        Assert.Equal(1, world.Cloud.FindPage(old.Id)!.Current.Number);
        Assert.Single(Titled(world.Cloud, "Glossary"));

        // The next run reads both pages again: the planner now sees the collision and writes nothing.
        var again = await world.SyncAsync();
        Show(again);
        Assert.Equal(ListingMode.Changes, again.Listing);
        AssertQuiet(again);
        var item = Assert.Single(again.Plan.Items, i => i.Action == SyncPlanner.TitleCollision);
        Assert.Equal((dc.Id.ToString(), old.Id.ToString()), (item.DataCenterId, item.CloudId));

        // Made equal by hand: paired.
        RunnerWorld.Edit(world.Cloud, world.Cloud.FindPage(old.Id)!, body: Body);
        var paired = await world.SyncAsync();
        Show(paired);
        Assert.Equal(1, paired.Count(nameof(SyncActionKind.Adopt)));
        world.AssertSidesEqual();
        AssertQuiet(await world.SyncAsync());
    }

    [Fact]
    public async Task A_create_refused_because_a_paired_page_still_holds_the_title_waits_for_the_rename_that_frees_it()
    {
        await using var world = await SyncedWorldAsync();
        var taken = new List<long>();
        var renamed = RunnerWorld.Leaf(world.Dc, taken);
        var title = renamed.Title;
        RunnerWorld.Edit(world.Dc, renamed, title: title + " (2025)");
        var dc = NewPage(world.Dc, title, Body);

        var run = await world.SyncAsync();
        Show(run);
        Assert.Empty(run.Errors);
        var item = Assert.Single(run.Plan.Items, i => i.Action == SyncPlanner.TitleCollision);
        Assert.Equal(dc.Id.ToString(), item.DataCenterId);
        Assert.Contains("once this run carries that rename", item.Warnings[0]);
        Assert.Equal(title + " (2025)", world.CloudTwin(renamed).Title);

        var next = await world.SyncAsync();
        Show(next);
        Assert.Empty(next.Errors);
        Assert.Equal(1, next.Count(nameof(SyncActionKind.Create)));
        world.AssertSidesEqual();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>Crash recovery must not take a page that already held the title for the one an interrupted create made.</summary>
public sealed class CollisionRecoveryTests
{
    [Fact]
    public async Task An_interrupted_create_does_not_adopt_an_older_namesake_with_other_content()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 12);
        await world.BaselineAsync();
        var cloudSpace = world.Cloud.FindSpaceByKey(RunnerWorld.Key)!;
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        var clock = world.Cloud.Clock;
        world.Cloud.Clock = new OldClock(DateTimeOffset.UtcNow.AddDays(-3));
        var old = world.Cloud.CreatePage(cloudSpace.Id, "Glossary", "<p>The Cloud team's own glossary.</p>", cloudSpace.HomepageId);
        world.Cloud.Clock = clock;
        var dc = world.Dc.CreatePage(dcSpace.Id, "Glossary", "<p>Ours.</p>", dcSpace.HomepageId);
        // A run tried the create (Cloud refused it: the title is taken) and died before it could drop its intent.
        world.State.RecordCreateIntent(new Core.State.CreateIntent
        {
            SpaceKey = RunnerWorld.Key, SourceSide = SiteKind.DataCenter, SourcePageId = dc.Id.ToString(),
            Title = dc.Title, TargetParentId = cloudSpace.HomepageId.ToString(),
        });

        var run = await world.SyncAsync();
        Assert.Equal(0, run.AdoptedIntents);
        Assert.Empty(run.Errors);
        Assert.Empty(world.State.ListCreateIntents(RunnerWorld.Key));
        Assert.Null(world.State.FindPair(RunnerWorld.Key, SiteKind.DataCenter, dc.Id.ToString()));
        var item = Assert.Single(run.Plan.Items, i => i.Action == SyncPlanner.TitleCollision);
        Assert.Equal((dc.Id.ToString(), old.Id.ToString()), (item.DataCenterId, item.CloudId));
        Assert.Equal("<p>The Cloud team's own glossary.</p>", world.Cloud.FindPage(old.Id)!.Current.Body);
    }

    private sealed class OldClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
