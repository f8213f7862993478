using SpaceSync.Core.Logging;
using SpaceSync.Core.Sync;
using SpaceSync.Core.Tests.State;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// The lock heartbeat on PostgreSQL when its session is ended under it (a failover, an idle-session killer, a firewall):
/// Npgsql refuses every later command on that connection, so the heartbeat must renew on a new one before the lease ends.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RunLockPostgresTests(PostgresServer server) : IDisposable
{
    private readonly PostgresTarget _target = new(server, typeof(RunLockPostgresTests));

    public void Dispose() => _target.Dispose();

    [Fact]
    public async Task A_heartbeat_whose_session_the_server_ended_renews_on_a_new_connection_and_keeps_the_lock()
    {
        using var state = _target.Open();
        var warnings = new List<string>();
        using var log = EngineLog.Create(null, (level, text) => { if (level == EngineLogLevel.Warning) lock (warnings) warnings.Add(text); });
        var lease = TimeSpan.FromSeconds(3); // renewed every second
        using var held = RunLock.Take(state, "ENG", lease, log, CancellationToken.None);
        // The run's own store last asks for conflicts: every other session of the test database but this probe's is the heartbeat's.
        Assert.Empty(state.ListConflicts("ENG"));
        var firstExpiry = state.GetLock("ENG")!.ExpiresAt;
        await WaitUntil(() => state.GetLock("ENG")!.ExpiresAt > firstExpiry, TimeSpan.FromSeconds(10), "the heartbeat's first renewal");
        Assert.Empty(state.ListConflicts("ENG"));

        var ended = Convert.ToInt64(_target.ScalarRaw(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() " +
            "AND query NOT LIKE '%conflicts%'"));
        Assert.Equal(1, ended);

        // Two leases later the lock is still this run's, renewed after the session ended, and the run was not stopped.
        await Task.Delay(lease * 2);
        Assert.False(held.Lost, "the run was stopped although the state server was reachable all along");
        var current = state.GetLock("ENG")!;
        Assert.Equal(held.Owner, current.OwnerId);
        Assert.True(current.ExpiresAt > DateTimeOffset.UtcNow, $"the lease ended at {current.ExpiresAt:u}: nobody renewed it");
        lock (warnings) Assert.Contains(warnings, w => w.Contains("trying again on a new connection"));
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("Waited in vain for " + what);
            await Task.Delay(100);
        }
    }
}
