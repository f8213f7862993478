using SpaceSync.Core.Logging;
using SpaceSync.Core.Reporting;
using SpaceSync.Core.Sync;
using SpaceSync.Core.Tests.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Reporting;

public class PendingChangesTests
{
    private static SyncAction Action(int id, SyncActionKind kind, SyncSide target) =>
        new() { Id = id, Kind = kind, Target = target, Source = target.Other(), Title = "Page " + id };

    private static DriftItem Item(DriftStatus status, params int[] actionIds) =>
        new() { SpaceKey = "ENG", Status = status, Title = status.ToString(), ActionIds = actionIds };

    [Fact]
    public void Counts_site_writes_by_target_and_keeps_state_only_steps_apart()
    {
        var plan = new SyncPlan
        {
            SpaceKey = "ENG",
            Actions = new[]
            {
                Action(1, SyncActionKind.Create, SyncSide.Cloud),
                Action(2, SyncActionKind.Update, SyncSide.Cloud),
                Action(3, SyncActionKind.Trash, SyncSide.Cloud),
                Action(4, SyncActionKind.Restore, SyncSide.DataCenter),
                Action(5, SyncActionKind.Update, SyncSide.DataCenter),
                Action(6, SyncActionKind.Adopt, SyncSide.Cloud),
                Action(7, SyncActionKind.RecordState, SyncSide.DataCenter),
            },
        };

        var pending = PendingChanges.FromPlan(plan);

        Assert.Equal(3, pending.ToCloud);
        Assert.Equal(2, pending.ToDataCenter);
        Assert.Equal(2, pending.StateOnly);
        Assert.Equal(0, pending.Conflicts);
        Assert.False(pending.SitesAgree);
        Assert.Equal("3 toward Cloud, 2 toward Data Center, 2 state-only steps", pending.ToString());
    }

    [Fact]
    public void Counts_only_the_conflicts_a_sync_would_leave_alone()
    {
        var plan = new SyncPlan
        {
            SpaceKey = "ENG",
            Actions = new[] { Action(1, SyncActionKind.Update, SyncSide.DataCenter) },
            Items = new[]
            {
                Item(DriftStatus.Conflict),           // manual policy: left alone
                Item(DriftStatus.Conflict),
                Item(DriftStatus.Conflict, 1),        // a policy that picks a side: it is a write, counted as such
                Item(DriftStatus.CloudAhead, 1),
                Item(DriftStatus.InSync),
            },
        };

        var pending = PendingChanges.FromPlan(plan);

        Assert.Equal(2, pending.Conflicts);
        Assert.Equal(1, pending.ToDataCenter);
        Assert.Equal(0, pending.ToCloud);
        Assert.Equal("0 toward Cloud, 1 toward Data Center, 2 conflicts left alone", pending.ToString());
    }

    [Fact]
    public void An_empty_plan_means_the_sites_agree()
    {
        var pending = PendingChanges.FromPlan(new SyncPlan { SpaceKey = "ENG", Items = new[] { Item(DriftStatus.InSync) } });
        Assert.True(pending.SitesAgree);
        Assert.Equal(new PendingChanges(), pending);
    }

    [Fact]
    public void State_only_steps_alone_leave_the_sites_in_agreement()
    {
        var pending = PendingChanges.FromPlan(new SyncPlan { SpaceKey = "ENG", Actions = new[] { Action(1, SyncActionKind.RecordState, SyncSide.Cloud) } });
        Assert.True(pending.SitesAgree);
        Assert.Equal(1, pending.StateOnly);
    }

    [Fact]
    public async Task Reads_the_sites_without_writing_and_counts_each_way()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 8);
        await world.BaselineAsync();
        var none = await PendingChanges.ReadAsync(world.DcSite, world.CloudSite, world.State, world.Space, EngineLog.None, CancellationToken.None);
        Assert.Equal(new PendingChanges(), none);

        var taken = new List<long>();
        var dcPage = RunnerWorld.Leaf(world.Dc, taken);
        RunnerWorld.Edit(world.Dc, dcPage, body: "<p>Edited on Data Center.</p>");
        var cloudPage = world.CloudTwin(RunnerWorld.Leaf(world.Dc, taken));
        RunnerWorld.Edit(world.Cloud, cloudPage, body: "<p>Edited on Cloud.</p>");
        var both = RunnerWorld.Leaf(world.Dc, taken);
        RunnerWorld.Edit(world.Dc, both, body: "<p>Data Center side.</p>");
        RunnerWorld.Edit(world.Cloud, world.CloudTwin(both), body: "<p>Cloud side.</p>");
        var runsBefore = world.State.ListRuns(RunnerWorld.Key).Count;

        var pending = await PendingChanges.ReadAsync(world.DcSite, world.CloudSite, world.State, world.Space, EngineLog.None, CancellationToken.None);

        Assert.Equal(1, pending.ToCloud);
        Assert.Equal(1, pending.ToDataCenter);
        Assert.Equal(1, pending.Conflicts);
        Assert.Equal(runsBefore, world.State.ListRuns(RunnerWorld.Key).Count);
        Assert.Empty(world.State.ListConflicts(RunnerWorld.Key));
        Assert.NotEqual("<p>Edited on Data Center.</p>", world.Cloud.FindPage(world.CloudTwin(dcPage).Id)!.Current.Body);
    }

    [Fact]
    public async Task A_space_without_a_baseline_has_nothing_to_count()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 3);
        var e = await Assert.ThrowsAsync<SyncRunException>(() =>
            PendingChanges.ReadAsync(world.DcSite, world.CloudSite, world.State, world.Space, EngineLog.None, CancellationToken.None));
        Assert.Equal(SyncRunException.NoBaseline, e.Code);
    }
}
