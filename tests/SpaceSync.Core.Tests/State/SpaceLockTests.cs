using SpaceSync.Core.State;
using Xunit;

namespace SpaceSync.Core.Tests.State;

public abstract class SpaceLockTests : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);
    private readonly StateTarget _target;
    private readonly ManualClock _clock = new();
    private readonly StateStore _store;

    protected SpaceLockTests(StateTarget target)
    {
        _target = target;
        _store = _target.Open(_clock);
    }

    public void Dispose()
    {
        _store.Dispose();
        _target.Dispose();
    }

    [Fact]
    public void The_first_owner_gets_the_lock_and_a_second_owner_is_refused_and_told_who_holds_it()
    {
        var first = _store.TryAcquireLock("ENG", "host/1/a", Lease);
        Assert.True(first.Acquired);
        Assert.Equal(new SpaceLock("ENG", "host/1/a", _clock.UtcNow, _clock.UtcNow + Lease), first.Holder);
        Assert.Null(first.TakenOverFrom);

        _clock.Advance(TimeSpan.FromMinutes(9));
        var second = _store.TryAcquireLock("ENG", "host/2/b", Lease);
        Assert.False(second.Acquired);
        Assert.Equal(first.Holder, second.Holder);
        Assert.Equal(first.Holder, _store.GetLock("ENG"));

        // Other spaces are independent.
        Assert.True(_store.TryAcquireLock("OPS", "host/2/b", Lease).Acquired);
    }

    [Fact]
    public void An_expired_lock_is_taken_over_and_the_dead_owner_is_reported()
    {
        var dead = _store.TryAcquireLock("ENG", "host/1/a", Lease).Holder;
        _clock.Advance(Lease + TimeSpan.FromSeconds(1));

        var takeover = _store.TryAcquireLock("ENG", "host/2/b", Lease);
        Assert.True(takeover.Acquired);
        Assert.Equal(dead, takeover.TakenOverFrom);
        Assert.Equal("host/2/b", _store.GetLock("ENG")!.OwnerId);
        // The dead owner, come back, has lost it.
        Assert.False(_store.RenewLock("ENG", "host/1/a", Lease));
        Assert.False(_store.TryAcquireLock("ENG", "host/1/a", Lease).Acquired);
    }

    [Fact]
    public void Renewal_extends_only_the_owners_lock_and_acquiring_again_keeps_the_acquired_time()
    {
        var acquiredAt = _clock.UtcNow;
        _store.TryAcquireLock("ENG", "host/1/a", Lease);
        _clock.Advance(TimeSpan.FromMinutes(8));

        Assert.True(_store.RenewLock("ENG", "host/1/a", Lease));
        Assert.Equal(new SpaceLock("ENG", "host/1/a", acquiredAt, _clock.UtcNow + Lease), _store.GetLock("ENG"));
        Assert.False(_store.RenewLock("ENG", "host/2/b", Lease));
        Assert.False(_store.RenewLock("OPS", "host/1/a", Lease));

        // Past the original expiry, still held thanks to the renewal.
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.False(_store.TryAcquireLock("ENG", "host/2/b", Lease).Acquired);
        var again = _store.TryAcquireLock("ENG", "host/1/a", Lease);
        Assert.True(again.Acquired);
        Assert.Equal(acquiredAt, again.Holder.AcquiredAt);
    }

    [Fact]
    public void Only_the_owner_can_release()
    {
        _store.TryAcquireLock("ENG", "host/1/a", Lease);

        var ex = Assert.Throws<StateStoreException>(() => _store.ReleaseLock("ENG", "host/2/b"));
        Assert.Equal(StateErrorKind.LockHeldByOther, ex.Kind);
        Assert.Contains("held by host/1/a", ex.Message);
        Assert.NotNull(_store.GetLock("ENG"));

        _store.ReleaseLock("ENG", "host/1/a");
        Assert.Null(_store.GetLock("ENG"));
        _store.ReleaseLock("ENG", "host/1/a"); // already free: nothing to do
        Assert.True(_store.TryAcquireLock("ENG", "host/2/b", Lease).Acquired);
    }

    [Fact]
    public void Two_connections_racing_for_the_same_lock_produce_exactly_one_winner()
    {
        _target.OpenOther("race").Dispose();
        using var storeA = _target.OpenOther("race");
        using var storeB = _target.OpenOther("race");
        var owners = new[] { StateStore.NewLockOwnerId(), StateStore.NewLockOwnerId() };
        Assert.NotEqual(owners[0], owners[1]);

        for (var round = 0; round < 25; round++)
        {
            var space = "S" + round;
            using var start = new Barrier(2);
            var results = new LockAttempt[2];
            var errors = new Exception?[2];
            var threads = new[] { storeA, storeB }.Select((store, i) => new Thread(() =>
            {
                start.SignalAndWait();
                try { results[i] = store.TryAcquireLock(space, owners[i], Lease); }
                catch (Exception ex) { errors[i] = ex; } // an exception on a thread would kill the test host
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.All(errors, e => Assert.Null(e));

            Assert.Single(results, r => r.Acquired);
            var winner = results.Single(r => r.Acquired).Holder.OwnerId;
            Assert.All(results, r => Assert.Equal(winner, r.Holder.OwnerId));
            Assert.Equal(winner, storeA.GetLock(space)!.OwnerId);
        }
    }

    // ---- fenced writes: a run's writes check, in their own transaction, that the lock is still the run's

    private static PageOutcome OutcomeOf(string dcId, long runId) => new()
    {
        Pair = StateSamples.Pair(dcId, "9" + dcId),
        History = new[] { new HistoryEntry { RunId = runId, SpaceKey = "ENG", DataCenterPageId = dcId, Action = "create-cloud" } },
    };

    [Fact]
    public void A_fenced_write_from_an_owner_whose_lock_was_taken_over_writes_nothing()
    {
        _store.SaveSpace(new SpaceRecord("ENG", "ENG"));
        var run = _store.StartRun("ENG", RunKind.Sync);
        Assert.True(_store.TryAcquireLock("ENG", "machine-a/1/1/a", Lease).Acquired);
        using var fence = _store.Fence("ENG", "machine-a/1/1/a");
        _store.RecordPageOutcome(OutcomeOf("100", run.Id)); // still its lock: written

        // Machine A stalls past its lease (a GC pause, a suspended VM); machine B, on its own connection, takes the space.
        _clock.Advance(Lease + TimeSpan.FromSeconds(1));
        using var machineB = _target.Open(_clock);
        Assert.True(machineB.TryAcquireLock("ENG", "machine-b/2/2/b", Lease).Acquired);

        var refused = Assert.Throws<StateStoreException>(() => _store.RecordPageOutcome(OutcomeOf("200", run.Id)));
        Assert.Equal(StateErrorKind.LockLost, refused.Kind);
        Assert.Contains("machine-b/2/2/b", refused.Message);
        Assert.Equal(StateErrorKind.LockLost, Assert.Throws<StateStoreException>(() => _store.SavePair(StateSamples.Pair("300", "9300"))).Kind);
        Assert.Equal(new[] { "100" }, machineB.ListPairs("ENG").Select(p => p.DataCenterPageId));
        Assert.Single(machineB.ListHistory("ENG"));

        // Its own run row is still closed, as failed; the space's marks and last run are left to machine B.
        var marks = new ChangeMarks(_clock.UtcNow, _clock.UtcNow);
        Assert.Equal(StateErrorKind.LockLost,
            Assert.Throws<StateStoreException>(() => _store.FinishRun(run.Id, RunOutcome.Succeeded, new Dictionary<string, int>(), 3, marks)).Kind);
        Assert.Equal(RunOutcome.Failed, machineB.GetRun(run.Id)!.Outcome);
        Assert.Null(machineB.GetSpace("ENG")!.LastRunId);
        Assert.Equal("machine-b/2/2/b", machineB.GetLock("ENG")!.OwnerId);
    }

    [Fact]
    public void A_fenced_write_after_the_lease_ended_is_refused_even_before_anyone_takes_the_lock()
    {
        _store.SaveSpace(new SpaceRecord("ENG", "ENG"));
        var run = _store.StartRun("ENG", RunKind.Sync);
        Assert.True(_store.TryAcquireLock("ENG", "machine-a/1/1/a", Lease).Acquired);
        using (_store.Fence("ENG", "machine-a/1/1/a"))
        {
            _clock.Advance(Lease);
            Assert.Equal(StateErrorKind.LockLost, Assert.Throws<StateStoreException>(() => _store.RecordPageOutcome(OutcomeOf("100", run.Id))).Kind);
            Assert.Empty(_store.ListPairs("ENG"));
            // Renewed in time (the heartbeat), the same owner writes again.
            Assert.True(_store.RenewLock("ENG", "machine-a/1/1/a", Lease));
            _store.RecordPageOutcome(OutcomeOf("100", run.Id));
        }

        // Without a fence (no run holds this store), writes are not checked.
        _store.ReleaseLock("ENG", "machine-a/1/1/a");
        _store.RecordPageOutcome(OutcomeOf("200", run.Id));
        Assert.Equal(2, _store.ListPairs("ENG").Count);
    }

    [Fact]
    public void A_second_connection_to_the_same_state_sees_and_renews_the_same_lock()
    {
        Assert.True(_store.TryAcquireLock("ENG", "machine-a/1/1/a", Lease).Acquired);
        using var another = _store.OpenAnother();

        Assert.Equal(_store.GetLock("ENG"), another.GetLock("ENG"));
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(another.RenewLock("ENG", "machine-a/1/1/a", Lease));
        Assert.Equal(_clock.UtcNow + Lease, _store.GetLock("ENG")!.ExpiresAt);
        Assert.Equal(_store.Path, another.Path);
    }

    [Fact]
    public void A_lease_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _store.TryAcquireLock("ENG", "host/1/a", TimeSpan.Zero));
    }
    [Fact]
    public void Two_machines_sharing_the_state_get_one_lock_and_the_other_takes_it_over_only_after_its_lease()
    {
        // Two stores on one state, each its own connection, as two workers on two machines: their owners name other hosts,
        // so only the lease can free the lock (a dead process elsewhere cannot be seen from here).
        using var machineA = _target.OpenOther("shared", _clock);
        using var machineB = _target.OpenOther("shared", _clock);
        var ownerA = $"worker-a/{int.MaxValue}/1/a";
        var ownerB = $"worker-b/{int.MaxValue}/1/b";
        using var start = new Barrier(2);
        var results = new LockAttempt?[2];
        var errors = new Exception?[2];
        var threads = new[] { (machineA, ownerA), (machineB, ownerB) }.Select((m, i) => new Thread(() =>
        {
            start.SignalAndWait();
            try { results[i] = m.Item1.TryAcquireLock("ENG", m.Item2, Lease); }
            catch (Exception ex) { errors[i] = ex; }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.All(errors, e => Assert.Null(e));
        Assert.Single(results, r => r!.Acquired);

        var winner = results.Single(r => r!.Acquired)!.Holder;
        var (winnerStore, loserStore, loser) = winner.OwnerId == ownerA ? (machineA, machineB, ownerB) : (machineB, machineA, ownerA);
        _clock.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.False(loserStore.TryAcquireLock("ENG", loser, Lease).Acquired);

        // The winner dies without releasing; after its lease the other machine takes over, and the winner, back, has lost it.
        _clock.Advance(TimeSpan.FromSeconds(2));
        var takeover = loserStore.TryAcquireLock("ENG", loser, Lease);
        Assert.True(takeover.Acquired);
        Assert.Equal(winner, takeover.TakenOverFrom);
        Assert.False(winnerStore.RenewLock("ENG", winner.OwnerId, Lease));
        Assert.Equal(StateErrorKind.LockHeldByOther,
            Assert.Throws<StateStoreException>(() => winnerStore.ReleaseLock("ENG", winner.OwnerId)).Kind);
        Assert.Equal(loser, winnerStore.GetLock("ENG")!.OwnerId);
    }

    [Fact]
    public void A_lock_whose_process_is_gone_from_this_machine_is_taken_over_before_its_lease_ends()
    {
        // No process has this id (pid_max is far below it on every system we run on).
        var dead = $"{Environment.MachineName}/{int.MaxValue}/{DateTime.UtcNow.Ticks}/dead";
        _store.TryAcquireLock("ENG", dead, Lease);

        var next = _store.TryAcquireLock("ENG", "next-run", Lease);

        Assert.True(next.Acquired);
        Assert.Equal(dead, next.TakenOverFrom!.OwnerId);
    }

    [Fact]
    public void A_pid_now_running_a_process_started_at_another_time_is_a_gone_holder()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var reused = $"{Environment.MachineName}/{self.Id}/{TimeSpan.TicksPerSecond * 42}/old";
        _store.TryAcquireLock("ENG", reused, Lease);

        Assert.True(_store.TryAcquireLock("ENG", "next-run", Lease).Acquired);
    }

    [Fact]
    public void A_live_holder_on_this_machine_or_any_holder_elsewhere_keeps_the_lock_until_its_lease_ends()
    {
        _store.TryAcquireLock("ENG", LockOwner.NewId(), Lease); // this very process: alive
        _store.TryAcquireLock("OPS", $"another-machine/{int.MaxValue}/1/x", Lease); // cannot be checked from here
        _store.TryAcquireLock("QA", $"{Environment.MachineName}/{int.MaxValue}/x", Lease); // old three-part id, pid gone

        Assert.False(_store.TryAcquireLock("ENG", "next-run", Lease).Acquired);
        Assert.False(_store.TryAcquireLock("OPS", "next-run", Lease).Acquired);
        Assert.True(_store.TryAcquireLock("QA", "next-run", Lease).Acquired);
        Assert.False(LockOwner.IsGoneFromThisMachine("not an owner id"));
    }
}

public sealed class SpaceLockTestsOnSqlite() : SpaceLockTests(new SqliteTarget());

[Collection(PostgresCollection.Name)]
public sealed class SpaceLockTestsOnPostgres(PostgresServer server) : SpaceLockTests(new PostgresTarget(server, typeof(SpaceLockTestsOnPostgres)));
