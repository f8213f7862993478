using System.Diagnostics;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Core.Tests.Scope;
using SpaceSync.Core.Tests.State;
using SpaceSync.Emulator.Faults;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// The run lock across machines: a short lease the run's heartbeat renews on its own connection, a run that stops as soon
/// as its lock is taken over, and the lease the scope file names. "Another worker" is another connection to the same state.
/// </summary>
public class RunLockTests
{
    /// <summary>Requests that change a site (anything but GET), both sites together.</summary>
    private static long Writes(RunnerWorld world) =>
        world.Dc.Stats.ByRoute.Concat(world.Cloud.Stats.ByRoute).Where(r => !r.Key.StartsWith("GET ", StringComparison.Ordinal)).Sum(r => r.Value);

    [Fact]
    public async Task A_run_longer_than_its_lease_keeps_its_lock_and_completes()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        for (var i = 1; i <= 30; i++) world.Dc.CreatePage(dcSpace.Id, $"Slow page {i}", $"<p>Slow {i}.</p>", dcSpace.HomepageId);
        // Renewed every second: a loaded machine may stall a while without the lease running out.
        var lease = TimeSpan.FromSeconds(3);
        world.Space = world.Space with { LockLease = lease };
        world.CloudEmulator.Faults.Apply(new FaultSettings { LatencyMs = 250 });

        // Another worker tries for the space all along: it must never get it while the run lives.
        using var otherWorker = StateStore.Open(world.State.Path);
        using var stop = new CancellationTokenSource();
        int seenHeld = 0, takenOver = 0;
        var probe = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (otherWorker.GetLock(RunnerWorld.Key) != null)
                {
                    seenHeld++;
                    if (otherWorker.TryAcquireLock(RunnerWorld.Key, "worker-b/1/1/b", lease).Acquired) takenOver++;
                }

                await Task.Delay(100);
            }
        });

        var watch = Stopwatch.StartNew();
        var result = await world.SyncAsync();
        watch.Stop();
        stop.Cancel();
        await probe;

        Assert.True(watch.Elapsed > lease * 2, $"the run took {watch.Elapsed}, not longer than two leases");
        Assert.True(seenHeld > 0);
        Assert.Equal(0, takenOver);
        Assert.Equal(30, result.Count("Create"));
        Assert.Equal(RunOutcome.Succeeded, world.State.GetRun(result.RunId!.Value)!.Outcome);
        Assert.Null(world.State.GetLock(RunnerWorld.Key)); // released at the end
        world.CloudEmulator.Faults.Apply(new FaultSettings());
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_run_whose_lock_another_worker_takes_over_stops_with_no_write_and_no_outcome_after()
    {
        var clock = new ManualClock();
        await using var world = await RunnerWorld.StartAsync(stateClock: clock);
        await world.BaselineAsync();
        var taken = new List<long>();
        var edited = Enumerable.Range(0, 10).Select(_ => RunnerWorld.Leaf(world.Dc, taken)).ToList();
        foreach (var page in edited) RunnerWorld.Edit(world.Dc, page, body: $"<p>Data Center edit of {page.Id}.</p>");
        // A short lease: the heartbeat renews every 200 ms. One write at a time, so "after the takeover" is exact.
        world.Space = world.Space with { LockLease = TimeSpan.FromMilliseconds(600), MaxConcurrentWrites = 1 };

        using var otherWorker = StateStore.Open(world.State.Path, clock);
        var updates = 0;
        long writesAtTakeover = -1;
        var historyAtTakeover = -1;
        var cloud = new InterceptingSite(world.CloudSite)
        {
            BeforeUpdate = async _ =>
            {
                if (++updates != 4) return;
                // The run stalled past its lease; another worker, on its own connection, takes the space over.
                clock.Advance(TimeSpan.FromHours(1));
                Assert.True(otherWorker.TryAcquireLock(RunnerWorld.Key, "worker-b/1/1/b", TimeSpan.FromHours(1)).Acquired);
                writesAtTakeover = Writes(world);
                historyAtTakeover = otherWorker.ListHistory(RunnerWorld.Key).Count;
                // Long enough for the heartbeat to find the lock taken and cancel the run's token before this update goes out.
                await Task.Delay(TimeSpan.FromSeconds(2));
            },
        };

        var stopped = await Assert.ThrowsAsync<SyncRunException>(() => world.SyncAsync(cloudSite: cloud));

        Assert.Equal(SyncRunException.SpaceLocked, stopped.Code);
        Assert.Null(stopped.HeldBy); // a failure, never a skip (-SkipLocked reports it as an error)
        Assert.Contains("lost the lock", stopped.Message);
        Assert.Equal(4, updates);
        Assert.Equal(writesAtTakeover, Writes(world)); // no HTTP write after the takeover
        Assert.Equal(historyAtTakeover, otherWorker.ListHistory(RunnerWorld.Key).Count); // no page outcome either
        Assert.Equal(3, edited.Count(p => world.CloudTwin(p).Current.Body.Contains("Data Center edit of", StringComparison.Ordinal)));
        Assert.Equal("worker-b/1/1/b", otherWorker.GetLock(RunnerWorld.Key)!.OwnerId);
        Assert.Equal(RunOutcome.Failed, otherWorker.ListRuns(RunnerWorld.Key, newest: 1).Single().Outcome);

        // The worker that took the space finishes the rest.
        otherWorker.ReleaseLock(RunnerWorld.Key, "worker-b/1/1/b");
        var next = await world.SyncAsync();
        Assert.Equal(7, next.Count("Update"));
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_baseline_whose_lock_is_taken_over_while_it_reads_stops_and_writes_no_pair()
    {
        var clock = new ManualClock();
        await using var world = await RunnerWorld.StartAsync(stateClock: clock);
        world.Space = world.Space with { LockLease = TimeSpan.FromMilliseconds(600) };
        world.CloudEmulator.Faults.Apply(new FaultSettings { LatencyMs = 300 }); // reading Cloud takes seconds

        using var otherWorker = StateStore.Open(world.State.Path, clock);
        var takeover = Task.Run(async () =>
        {
            // Once the baseline has started the space (under its lock) and reads the bodies, it stalls past its lease (as the
            // state sees it) and another worker takes the space over.
            while (otherWorker.GetSpace(RunnerWorld.Key) is null) await Task.Delay(10);
            clock.Advance(TimeSpan.FromHours(1));
            Assert.True(otherWorker.TryAcquireLock(RunnerWorld.Key, "worker-b/1/1/b", TimeSpan.FromHours(1)).Acquired);
        });

        var stopped = await Assert.ThrowsAsync<SyncRunException>(() => world.BaselineAsync());
        await takeover;

        Assert.Equal(SyncRunException.SpaceLocked, stopped.Code);
        Assert.Null(stopped.HeldBy);
        Assert.Empty(otherWorker.ListPairs(RunnerWorld.Key));
        Assert.Null(otherWorker.GetSpace(RunnerWorld.Key)?.BaselineAt);
        Assert.Equal(RunOutcome.Failed, otherWorker.ListRuns(RunnerWorld.Key, newest: 1).Single().Outcome);
        Assert.Equal("worker-b/1/1/b", otherWorker.GetLock(RunnerWorld.Key)!.OwnerId);
    }

    [Fact]
    public async Task The_lease_the_scope_file_names_is_the_lease_of_the_lock_row()
    {
        var scope = ScopeResolver.Resolve(ScopeParser.Parse(ScopeFixtures.Minimal(extra: "state:\n  lockLeaseSeconds: 45\n"), "/scopes/team/spacesync.yaml"));
        var clock = new ManualClock();
        await using var world = await RunnerWorld.StartAsync(stateClock: clock);
        await world.BaselineAsync();
        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        RunnerWorld.Edit(world.Dc, page, body: "<p>Edited.</p>");
        world.Space = world.Space with { LockLease = Assert.Single(scope.Spaces).LockLease };

        using var otherWorker = StateStore.Open(world.State.Path, clock);
        SpaceLock? held = null;
        var cloud = new InterceptingSite(world.CloudSite) { BeforeUpdate = _ => { held = otherWorker.GetLock(RunnerWorld.Key); return Task.CompletedTask; } };
        await world.SyncAsync(cloudSite: cloud);

        Assert.NotNull(held);
        Assert.Equal(TimeSpan.FromSeconds(45), held!.ExpiresAt - held.AcquiredAt);
    }
}
