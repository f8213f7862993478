using SpaceSync.Core.Content;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Core.Tests.State;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// The engine end to end over HTTP against both emulators with its state on PostgreSQL: the store tests prove each call
/// behaves as on SQLite; this proves a baseline, edits crossing, a conflict and its resolution, and the run history.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStateRunnerTests(PostgresServer server) : IDisposable
{
    private readonly PostgresTarget _target = new(server, typeof(PostgresStateRunnerTests));

    public void Dispose() => _target.Dispose();

    [Fact]
    public async Task A_baseline_and_syncs_with_a_conflict_run_on_a_PostgreSQL_state()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 25, openState: clock => _target.Open(clock));
        Assert.Equal("PostgreSQL", world.State.Provider);

        var baseline = await world.BaselineAsync();
        Assert.Equal(RunnerWorld.CurrentPages(world.Dc).Count, baseline.PairsRecorded);
        world.AssertSidesEqual();

        var taken = new List<long>();
        var dcBody = RunnerWorld.Leaf(world.Dc, taken);
        var cloudBody = world.CloudTwin(RunnerWorld.Leaf(world.Dc, taken));
        var dcTrash = RunnerWorld.Leaf(world.Dc, taken);
        var both = RunnerWorld.Leaf(world.Dc, taken);
        RunnerWorld.Edit(world.Dc, dcBody, body: "<p>Edited on Data Center.</p>" + dcBody.Current.Body);
        RunnerWorld.Edit(world.Cloud, cloudBody, body: cloudBody.Current.Body + "<p>Edited on Cloud.</p>");
        world.Dc.TrashPage(dcTrash.Id);
        world.Dc.CreatePage(world.Dc.FindSpaceByKey(RunnerWorld.Key)!.Id, "New on Data Center", "<p>Fresh page.</p>",
            world.Dc.FindSpaceByKey(RunnerWorld.Key)!.HomepageId);
        RunnerWorld.Edit(world.Dc, both, body: "<p>Data Center text.</p>");
        RunnerWorld.Edit(world.Cloud, world.CloudTwin(both), body: "<p>Cloud text.</p>");

        var sync = await world.SyncAsync();
        Assert.Empty(sync.Errors);
        Assert.Equal(1, sync.Count("Create"));
        Assert.Equal(1, sync.Count("Trash"));
        Assert.Equal(world.PairOfDc(both.Id).Id, Assert.Single(world.State.ListConflicts(RunnerWorld.Key)).PairId);
        Assert.Contains("Edited on Data Center.", world.CloudTwin(dcBody).Current.Body);
        Assert.Empty(world.State.ListCreateIntents(RunnerWorld.Key));

        world.Space = world.Space with { Conflicts = ConflictPolicy.PreferCloud };
        var resolved = await world.SyncAsync();
        Assert.Empty(resolved.Conflicts);
        Assert.Empty(world.State.ListConflicts(RunnerWorld.Key));
        Assert.Equal(ContentNormalizer.Normalize("<p>Cloud text.</p>"), ContentNormalizer.Normalize(world.Dc.FindPage(both.Id)!.Current.Body));
        world.AssertSidesEqual();

        var quiet = await world.SyncAsync();
        Assert.DoesNotContain(quiet.Plan.Actions, a => a.WritesSite);
        var runs = world.State.ListRuns(RunnerWorld.Key);
        Assert.Equal(new[] { RunKind.Baseline, RunKind.Sync, RunKind.Sync, RunKind.Sync }, runs.Select(r => r.Kind));
        Assert.All(runs, r => Assert.Equal(RunOutcome.Succeeded, r.Outcome));
        Assert.Null(world.State.GetLock(RunnerWorld.Key)); // each run released its lock
    }

    [Fact]
    public async Task A_run_whose_lock_expired_and_was_taken_over_by_another_worker_stops_writing()
    {
        var clock = new ManualClock();
        await using var world = await RunnerWorld.StartAsync(stateClock: clock, openState: c => _target.Open(c));
        await world.BaselineAsync();
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        for (var i = 1; i <= 60; i++) world.Dc.CreatePage(dcSpace.Id, $"Bulk page {i}", $"<p>Bulk {i}.</p>", dcSpace.HomepageId);
        // The run stalls past its lease and another worker takes the space.
        var cloud = world.CloudLosingTheLockAt("Bulk page 10", clock);

        var stopped = await Assert.ThrowsAsync<SyncRunException>(() => world.SyncAsync(cloudSite: cloud));
        Assert.Equal(SyncRunException.SpaceLocked, stopped.Code);
        using var otherWorker = _target.Open(clock);
        Assert.Equal("other-run", otherWorker.GetLock(RunnerWorld.Key)!.OwnerId);
        var created = RunnerWorld.CurrentPages(world.Cloud).Count(p => p.Title.StartsWith("Bulk page "));
        Assert.Equal(2, created); // the fenced write of the page created during the takeover was refused, and the run stopped there
        Assert.Equal(RunOutcome.Failed, otherWorker.ListRuns(RunnerWorld.Key, newest: 1).Single().Outcome);
        Assert.Equal(created - 1, otherWorker.ListPairs(RunnerWorld.Key).Count(p => p.Title.StartsWith("Bulk page ")));
        Assert.Single(otherWorker.ListCreateIntents(RunnerWorld.Key)); // adopted by the next run, never created twice
    }
}
