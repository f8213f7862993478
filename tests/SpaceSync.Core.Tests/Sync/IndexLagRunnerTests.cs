using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using SpaceSync.Tests.Shared;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Runs over both emulators with their search indexes trailing writes (docs/confluence-behaviours.md §5): change
/// queries answer from the index, so a write made just before a run's mark is searchable only after it. The next run
/// still carries it (the change query reaches the site's search lag back before the mark), a run that meets its own
/// writes unindexed undoes none of them, and a label a run just wrote is not taken back. Time moves on the emulators'
/// clocks; runs start without letting the index catch up (unlike RunnerWorld.SyncAsync).
/// </summary>
public sealed class IndexLagRunnerTests
{
    private static readonly TimeSpan Lag = TimeSpan.FromSeconds(5);

    private static Task<SyncRunResult> RunAsync(RunnerWorld world, IConfluenceSite? dcSite = null, IConfluenceSite? cloudSite = null, bool full = false) =>
        SyncRunner.RunAsync(dcSite ?? world.DcSite, cloudSite ?? world.CloudSite, world.State, world.Space,
            new SyncRunOptions { FullListing = full }, EngineLog.None, CancellationToken.None);

    /// <summary>Both emulators on one clock the test moves, starting at <paramref name="start"/>.</summary>
    private static ManualClock OneClock(RunnerWorld world, DateTimeOffset start)
    {
        var clock = new ManualClock(start);
        world.Dc.Clock = clock;
        world.Cloud.Clock = clock;
        return clock;
    }

    private static async Task<RunnerWorld> SyncedWorldAsync(ResolvedContent? content = null)
    {
        var world = await RunnerWorld.StartAsync();
        if (content != null) world.Space = world.Space with { Content = content };
        await world.BaselineAsync();
        var first = await world.SyncAsync(); // structural: every page listed, nothing searched
        Assert.Empty(first.Errors);
        Assert.Empty(first.Plan.Actions);
        Assert.Equal(Lag, world.Dc.IndexLag);
        Assert.Equal(Lag, world.Cloud.IndexLag);
        return world;
    }

    private static int Writes(SyncRunResult run) => run.Outcomes.Count(o => o.Outcome == ActionOutcomeKind.Done && o.Action.WritesSite);

    [Fact]
    public async Task A_write_made_just_before_a_runs_mark_and_searchable_only_after_it_is_carried_by_the_next_run_and_a_run_meeting_its_own_writes_unindexed_undoes_nothing()
    {
        await using var world = await SyncedWorldAsync();
        // Stamped two seconds before the run starts: its mark (the site's Date header, whole seconds) lies after them.
        var clock = OneClock(world, DateTimeOffset.UtcNow.AddSeconds(-2));
        var taken = new List<long>();
        var onDc = RunnerWorld.Leaf(world.Dc, taken);
        var renamed = RunnerWorld.Leaf(world.Dc, taken);
        var renamedOnCloud = world.CloudTwin(renamed);
        RunnerWorld.Edit(world.Dc, onDc, body: "<p>Edited on Data Center just before the run.</p>");
        RunnerWorld.Edit(world.Cloud, renamedOnCloud, title: "Renamed on Cloud just before the run");

        // Neither site's search shows the writes yet: this run does not see them, and its marks pass them by.
        var blind = await RunAsync(world);
        Assert.Equal(ListingMode.Changes, blind.Listing);
        Assert.Empty(blind.Errors);
        Assert.Equal(0, Writes(blind));
        var marks = world.State.GetReadMarks(RunnerWorld.Key);
        Assert.True(marks.DataCenterChangesSince > onDc.Current.When, "the Data Center mark lies after the edit");
        Assert.True(marks.CloudChangesSince > renamedOnCloud.Current.When, "the Cloud mark lies after the rename");

        // Both indexes catch up; the next run reaches back before its marks and carries both writes.
        clock.Advance(Lag);
        var next = await RunAsync(world);
        Assert.Equal(ListingMode.Changes, next.Listing);
        Assert.Empty(next.Errors);
        Assert.Equal(2, next.Count("Update"));
        Assert.Contains("Edited on Data Center just before the run.", world.CloudTwin(onDc).Current.Body);
        Assert.Equal("Renamed on Cloud just before the run", world.Dc.FindPage(renamed.Id)!.Title);
        world.AssertSidesEqual();

        // Renamed on Cloud now, and carried to Data Center; at once another run. Data Center's search still holds the page
        // at the version its user wrote (inside the window, with the old title), older than the one the run wrote: that
        // is no change on Data Center, and nothing is renamed back.
        var twin = world.CloudTwin(onDc);
        RunnerWorld.Edit(world.Cloud, twin, title: "Renamed on Cloud after the crossing");
        clock.Advance(Lag);
        var rename = await RunAsync(world);
        Assert.Equal(1, rename.Count("Update"));
        Assert.Equal("Renamed on Cloud after the crossing", world.Dc.FindPage(onDc.Id)!.Title);
        var again = await RunAsync(world);
        Assert.Empty(again.Errors);
        Assert.Empty(again.Conflicts);
        Assert.Equal(0, Writes(again));
        Assert.Equal("Renamed on Cloud after the crossing", world.CloudTwin(onDc).Title);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_write_searchable_minutes_after_the_mark_is_carried_when_the_scope_allows_that_search_lag()
    {
        await using var world = await SyncedWorldAsync();
        // A busy site: its index trails by 20 minutes; the scope says so (sites.*.searchLagMinutes: 30).
        world.Dc.IndexLag = world.Cloud.IndexLag = TimeSpan.FromMinutes(20);
        using var dcSite = EmulatedPair.DataCenterClient(world.DcEmulator.BaseUrl, new SiteClientOptions { MaxAttempts = 2 }, searchLag: TimeSpan.FromMinutes(30));
        using var cloudSite = EmulatedPair.CloudClient(world.CloudEmulator.BaseUrl, new SiteClientOptions { MaxAttempts = 2 }, searchLag: TimeSpan.FromMinutes(30));
        Assert.Equal(TimeSpan.FromMinutes(30), dcSite.SearchLag);

        // The writes are stamped a quarter of an hour before the run (the emulators' clock set back for them).
        var now = DateTimeOffset.UtcNow;
        var clock = OneClock(world, now.AddMinutes(-15));
        var taken = new List<long>();
        var onDc = RunnerWorld.Leaf(world.Dc, taken);
        var onCloud = world.CloudTwin(RunnerWorld.Leaf(world.Dc, taken));
        RunnerWorld.Edit(world.Dc, onDc, body: "<p>Written a quarter of an hour before the run.</p>");
        RunnerWorld.Edit(world.Cloud, onCloud, body: "<p>Written on Cloud a quarter of an hour before the run.</p>");
        clock.Set(now);

        var blind = await RunAsync(world, dcSite, cloudSite);
        Assert.Equal(0, Writes(blind));
        Assert.True(world.State.GetReadMarks(RunnerWorld.Key).DataCenterChangesSince > onDc.Current.When.AddMinutes(14));

        clock.Advance(TimeSpan.FromMinutes(6)); // both writes indexed now, fifteen minutes older than the marks
        var next = await RunAsync(world, dcSite, cloudSite);
        Assert.Empty(next.Errors);
        Assert.Equal(2, next.Count("Update"));
        Assert.Contains("a quarter of an hour before the run", world.CloudTwin(onDc).Current.Body);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_label_a_run_just_wrote_is_not_taken_back_by_a_run_whose_search_has_not_caught_up()
    {
        await using var world = await SyncedWorldAsync(new ResolvedContent(Labels: true, Attachments: false, Comments: false, Blogposts: false));
        var clock = OneClock(world, DateTimeOffset.UtcNow.AddSeconds(-2));
        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        var twin = world.CloudTwin(page);
        world.Dc.AddLabels(page.Id, new[] { ("global", "fresh") });
        clock.Advance(Lag);

        var carried = await RunAsync(world, full: true);
        Assert.Empty(carried.Errors);
        Assert.Contains(world.Cloud.FindPage(twin.Id)!.Labels, l => l.Name == "fresh");

        // Cloud's search still shows the page without the label this run added; the page itself has it.
        var listed = await RunAsync(world, full: true);
        Assert.Empty(listed.Errors);
        Assert.Equal(0, Writes(listed));
        Assert.Contains(world.Dc.FindPage(page.Id)!.Labels, l => l.Name == "fresh");
        Assert.Contains(world.Cloud.FindPage(twin.Id)!.Labels, l => l.Name == "fresh");
        Assert.Contains("fresh", world.State.GetBaseLabels(world.PairOfDc(page.Id).Id) ?? Array.Empty<string>());
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset now = start;

        public void Advance(TimeSpan by) => now += by;

        public void Set(DateTimeOffset to) => now = to;

        public override DateTimeOffset GetUtcNow() => now;
    }
}
