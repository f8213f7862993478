using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using SpaceSync.Core.Tests.State;
using SpaceSync.Emulator.Faults;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// The executor's lanes (scope maxConcurrentWrites): with 2 the two sites are written at once, one writer each; with 1
/// every action runs in plan order, one at a time. Data Center's page updates are held by its emulator (the write is
/// done, the answer comes later), and the order in which outcomes are reported shows whether Cloud was written
/// meanwhile. No time is measured.
/// </summary>
public sealed class WriteLaneRunnerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task With_two_writers_Cloud_is_written_while_a_Data_Center_update_waits_for_its_answer()
    {
        var (plan, reported, result) = await RunWithDataCenterHeldAsync(writers: 2);

        // The first write of the plan is Data Center's; Cloud's three are reported before its held answer came back.
        var dcUpdate = plan.First(a => a.Kind == SyncActionKind.Update);
        Assert.Equal(SyncSide.DataCenter, dcUpdate.Target);
        Assert.Equal(SyncSide.DataCenter, reported[^1].Target);
        Assert.All(reported.Take(3), a => Assert.Equal(SyncSide.Cloud, a.Target));
        // Outcomes stay in plan order whatever order they finished in.
        Assert.Equal(plan.Select(a => a.Id), result.Outcomes.Select(o => o.Action.Id));
        Assert.Empty(result.Errors);
        Assert.Equal(4, result.Count("Update"));
    }

    [Fact]
    public async Task With_one_writer_the_actions_run_one_at_a_time_in_plan_order()
    {
        var (plan, reported, result) = await RunWithDataCenterHeldAsync(writers: 1);

        Assert.Equal(SyncSide.DataCenter, plan.First(a => a.Kind == SyncActionKind.Update).Target);
        Assert.Equal(plan.Select(a => a.Id), reported.Select(a => a.Id));
        Assert.Equal(plan.Select(a => a.Id), result.Outcomes.Select(o => o.Action.Id));
        Assert.Empty(result.Errors);
        Assert.Equal(4, result.Count("Update"));
    }

    [Fact]
    public async Task A_page_created_on_one_site_gets_its_labels_after_the_create_whatever_the_other_lane_does()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 20);
        world.Space = world.Space with { Content = world.Space.Content with { Labels = true } };
        await world.BaselineAsync();
        await world.SyncAsync(fullListing: true);
        // A new Data Center page with a label (create + labels on Cloud) and Cloud edits to carry to Data Center.
        var parent = RunnerWorld.Leaf(world.Dc, new List<long>());
        var created = world.Dc.CreatePage(world.Dc.FindSpaceByKey(RunnerWorld.Key)!.Id, "Lane child", "<p>New on Data Center.</p>", parent.Id);
        world.Dc.AddLabels(created.Id, new[] { ("global", "lane-label") });
        var taken = new List<long> { parent.Id };
        for (var i = 0; i < 3; i++)
        {
            var page = RunnerWorld.Leaf(world.Dc, taken);
            RunnerWorld.Edit(world.Cloud, world.CloudTwin(page), body: $"<p>Cloud edit {i}.</p>");
        }

        var result = await world.SyncAsync();

        Assert.Empty(result.Errors);
        Assert.Equal(1, result.Count("Create"));
        Assert.Equal(3, result.Count("Update"));
        var twin = world.CloudTwin(world.Dc.FindPage(created.Id)!);
        Assert.Contains(twin.Labels, l => l.Name == "lane-label");
        Assert.All(result.Outcomes, o => Assert.Equal(ActionOutcomeKind.Done, o.Outcome));
    }

    [Fact]
    public async Task A_pair_with_writes_on_both_sites_keeps_its_plan_order_while_the_lanes_run_at_once()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 20);
        world.Space = world.Space with { Content = world.Space.Content with { Labels = true } };
        await world.BaselineAsync();
        await world.SyncAsync(fullListing: true);
        var leaves = Leaves(world, 2);
        // Both sites' writes for one pair: its body edited on Cloud (an update of Data Center), a label added on Data
        // Center (a labels action on Cloud). Another page edited on Data Center gives the Cloud lane other work.
        var both = leaves[0];
        RunnerWorld.Edit(world.Cloud, world.CloudTwin(both), body: "<p>Cloud body edit.</p>");
        world.Dc.AddLabels(both.Id, new[] { ("global", "lane-label") });
        RunnerWorld.Edit(world.Dc, leaves[1], body: "<p>Data Center edit.</p>");
        HoldDataCenterUpdates(world);
        var reported = new List<SyncAction>();
        world.SearchCaughtUp();

        var result = await SyncRunner.RunAsync(world.DcSite, world.CloudSite, world.State, world.Space,
            new SyncRunOptions { FullListing = true, Progress = new SynchronousProgress(o => { lock (reported) reported.Add(o.Action); }) }, EngineLog.None, None);

        world.DcEmulator.Faults.Apply(new FaultSettings());
        Assert.Empty(result.Errors);
        var pairKey = both.Id.ToString();
        var update = Assert.Single(result.Plan.Actions, a => a.PairKey == pairKey && a.Kind == SyncActionKind.Update);
        var labels = Assert.Single(result.Plan.Actions, a => a.PairKey == pairKey && a.Kind == SyncActionKind.Labels);
        Assert.Equal(SyncSide.DataCenter, update.Target);
        Assert.Equal(SyncSide.Cloud, labels.Target);
        Assert.True(result.Plan.Actions.ToList().IndexOf(update) < result.Plan.Actions.ToList().IndexOf(labels));
        var order = reported.Select(a => a.Id).ToList();
        // The other page's Cloud update went while the held Data Center update waited; the pair's labels waited for it.
        var other = Assert.Single(result.Plan.Actions, a => a.PairKey == leaves[1].Id.ToString());
        Assert.True(order.IndexOf(other.Id) < order.IndexOf(update.Id), string.Join(", ", reported));
        Assert.True(order.IndexOf(update.Id) < order.IndexOf(labels.Id), string.Join(", ", reported));
        Assert.Contains(world.CloudTwin(both).Labels, l => l.Name == "lane-label");
        Assert.Contains("Cloud body edit.", world.Dc.FindPage(both.Id)!.Current.Body);
    }

    [Fact]
    public async Task A_lane_that_loses_the_lock_stops_both_lanes_and_the_run_says_so()
    {
        var clock = new ManualClock();
        await using var world = await RunnerWorld.StartAsync(stateClock: clock);
        await world.BaselineAsync();
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        // Creates on Cloud and updates on Data Center: both lanes have work when the lease is lost.
        for (var i = 1; i <= 60; i++) world.Dc.CreatePage(dcSpace.Id, $"Bulk page {i}", $"<p>Bulk {i}.</p>", dcSpace.HomepageId);
        var edited = Leaves(world, 10);
        foreach (var page in edited) RunnerWorld.Edit(world.Cloud, world.CloudTwin(page), body: $"<p>Cloud edit of {page.Id}.</p>");
        var cloud = world.CloudLosingTheLockAt("Bulk page 10", clock);

        var stopped = await Assert.ThrowsAsync<SyncRunException>(() => world.SyncAsync(cloudSite: cloud));

        Assert.Equal(SyncRunException.SpaceLocked, stopped.Code);
        Assert.Equal("other-run", world.State.GetLock(RunnerWorld.Key)!.OwnerId);
        // Each page's outcome is a fenced write: the first one after the takeover stopped both lanes, far before the 70 writes
        // (a lane's write already under way when it happened finishes; nothing starts after).
        var created = RunnerWorld.CurrentPages(world.Cloud).Count(p => p.Title.StartsWith("Bulk page ", StringComparison.Ordinal));
        var updated = edited.Count(p => world.Dc.FindPage(p.Id)!.Current.Body.Contains("Cloud edit of", StringComparison.Ordinal));
        Assert.InRange(created + updated, 2, 6);
    }

    private static List<SpaceSync.Emulator.Store.Page> Leaves(RunnerWorld world, int count)
    {
        var pages = RunnerWorld.CurrentPages(world.Dc);
        return pages.Where(p => p.ParentId != null && pages.All(c => c.ParentId != p.Id)).OrderBy(p => p.Id).Take(count).ToList();
    }

    /// <summary>Data Center's page updates are done at once and answered 3 s later.</summary>
    private static void HoldDataCenterUpdates(RunnerWorld world) =>
        world.DcEmulator.Faults.Apply(new FaultSettings
        {
            Hold = new HoldSettings { Method = "PUT", PathPrefix = "/confluence/rest/api/content/", Ms = 3_000 },
        });

    /// <summary>One page edited on Cloud (an update written to Data Center, first in the plan) and three edited on Data Center (written to Cloud).</summary>
    private static async Task<(IReadOnlyList<SyncAction> Plan, List<SyncAction> Reported, SyncRunResult Result)> RunWithDataCenterHeldAsync(int writers)
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 20);
        await world.BaselineAsync();
        world.Space = world.Space with { MaxConcurrentWrites = writers };
        var leaves = Leaves(world, 4);
        RunnerWorld.Edit(world.Cloud, world.CloudTwin(leaves[0]), body: "<p>Cloud edit for Data Center.</p>");
        foreach (var page in leaves.Skip(1)) RunnerWorld.Edit(world.Dc, page, body: $"<p>Data Center edit of {page.Id}.</p>");
        HoldDataCenterUpdates(world);
        var reported = new List<SyncAction>();
        var progress = new SynchronousProgress(o => { lock (reported) reported.Add(o.Action); });
        world.SearchCaughtUp();

        var result = await SyncRunner.RunAsync(world.DcSite, world.CloudSite, world.State, world.Space, new SyncRunOptions { Progress = progress },
            EngineLog.None, None);

        world.DcEmulator.Faults.Apply(new FaultSettings());
        Assert.Contains("<p>Cloud edit for Data Center.</p>", world.Dc.FindPage(leaves[0].Id)!.Current.Body);
        foreach (var page in leaves.Skip(1)) Assert.Contains($"Data Center edit of {page.Id}.", world.CloudTwin(page).Current.Body);
        return (result.Plan.Actions, reported, result);
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and lose the order).</summary>
    private sealed class SynchronousProgress(Action<SyncActionOutcome> report) : IProgress<SyncActionOutcome>
    {
        public void Report(SyncActionOutcome value) => report(value);
    }
}
