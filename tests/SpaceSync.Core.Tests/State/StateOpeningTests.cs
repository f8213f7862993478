using SpaceSync.Core.State;
using Xunit;
using static SpaceSync.Core.Tests.State.StateSamples;

namespace SpaceSync.Core.Tests.State;

/// <summary>
/// Opening a state, on both stores: created at the current version, reopened with its data, a newer schema refused, the
/// schema's rules enforced, concurrent first opens, another writer's lock. What only a file has (its bytes, journal,
/// folder) stays in <see cref="StateStoreOpenTests"/>; PostgreSQL's own cases are in <see cref="PostgresStateStoreTests"/>.
/// </summary>
public abstract class StateOpeningTests : IDisposable
{
    private readonly StateTarget _target;

    protected StateOpeningTests(StateTarget target) => _target = target;

    public void Dispose() => _target.Dispose();

    [Fact]
    public void A_new_state_is_at_the_current_version_and_reopens_with_its_data()
    {
        using (var store = _target.Open())
        {
            Assert.Equal(StateStore.CurrentSchemaVersion, store.SchemaVersion);
            Assert.Equal(_target.Provider, store.Provider);
            store.SaveSpace(new SpaceRecord("ENG", "ENG2"));
            store.SavePair(Pair("100", "9100"));
        }

        Assert.Equal(StateStore.CurrentSchemaVersion, _target.SchemaVersion);
        using var reopened = _target.Open();
        Assert.Equal("ENG2", reopened.GetSpace("ENG")!.CloudKey);
        Assert.Equal("9100", Assert.Single(reopened.ListPairs("ENG")).CloudPageId);
    }

    [Fact]
    public void A_state_from_a_newer_SpaceSync_is_refused_naming_both_versions_and_left_as_it_is()
    {
        using (var store = _target.Open())
            store.SaveSpace(new SpaceRecord("ENG", "ENG2"));
        _target.SchemaVersion = 42;

        var ex = Assert.Throws<StateStoreException>(() => _target.Open());
        Assert.Equal(StateErrorKind.NewerSchema, ex.Kind);
        Assert.Contains("schema version 42", ex.Message);
        Assert.Contains($"up to {StateStore.CurrentSchemaVersion}", ex.Message);
        Assert.Equal(42, _target.SchemaVersion);
    }

    [Fact]
    public void The_schemas_rules_are_enforced()
    {
        using var store = _target.Open();
        // No space row ENG: the pair's space reference must be refused.
        var ex = Assert.Throws<StateStoreException>(() => store.SavePair(Pair("1", "2")));
        Assert.Equal(StateErrorKind.WriteRejected, ex.Kind);
        Assert.Contains("FOREIGN KEY", ex.Message);
    }

    [Fact]
    public void Several_workers_opening_the_same_new_state_at_once_all_get_a_working_store()
    {
        for (var round = 0; round < 5; round++)
        {
            var name = "race" + round;
            using var start = new Barrier(4);
            var errors = new Exception?[4];
            var threads = Enumerable.Range(0, 4).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    using var store = _target.OpenOther(name);
                    store.SaveSpace(new SpaceRecord("S" + i, "C" + i));
                }
                catch (Exception ex) { errors[i] = ex; } // an exception on a thread would kill the test host
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.All(errors, e => Assert.Null(e));
            using var reopened = _target.OpenOther(name);
            Assert.Equal(4, reopened.ListSpaces().Count);
        }
    }

    [Fact]
    public void A_write_blocked_by_another_writer_for_too_long_is_a_clear_Busy_error_and_writes_nothing()
    {
        using var store = _target.OpenWithBusyTimeout(TimeSpan.FromMilliseconds(300));
        using (_target.HoldWriteLock())
        {
            var ex = Assert.Throws<StateStoreException>(() => store.SaveSpace(new SpaceRecord("ENG", "ENG2")));
            Assert.Equal(StateErrorKind.Busy, ex.Kind);
            Assert.Contains("saving space ENG", ex.Message);
        }

        Assert.Null(store.GetSpace("ENG"));
        store.SaveSpace(new SpaceRecord("ENG", "ENG2"));
        Assert.NotNull(store.GetSpace("ENG"));
    }
}

public sealed class StateOpeningTestsOnSqlite() : StateOpeningTests(new SqliteTarget());

[Collection(PostgresCollection.Name)]
public sealed class StateOpeningTestsOnPostgres(PostgresServer server) : StateOpeningTests(new PostgresTarget(server, typeof(StateOpeningTestsOnPostgres)));
