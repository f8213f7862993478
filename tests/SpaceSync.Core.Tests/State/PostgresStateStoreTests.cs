using System.Net;
using System.Net.Sockets;
using Npgsql;
using SpaceSync.Core.State;
using SpaceSync.State.PostgreSql;
using Xunit;

namespace SpaceSync.Core.Tests.State;

/// <summary>What only the PostgreSQL state has: its connection string (a secret), its schema, its own migration list.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStateStoreTests : IDisposable
{
    private const string Password = "Tr0ub4dor-never-shown";
    private readonly PostgresTarget _target;

    public PostgresStateStoreTests(PostgresServer server)
    {
        _target = new PostgresTarget(server, typeof(PostgresStateStoreTests));
    }

    public void Dispose() => _target.Dispose();

    private string WithPassword(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Password = Password }.ConnectionString;

    [Fact]
    public void The_connection_strings_password_is_never_in_the_stores_name_nor_in_an_error()
    {
        // The test cluster trusts loopback, so the password is sent and ignored: the store opens with it.
        using (var store = PostgresStateStore.Open(WithPassword(_target.ConnectionString), _target.Schema()))
        {
            Assert.DoesNotContain(Password, store.Path);
            Assert.DoesNotContain(Password, store.ToString());
            Assert.StartsWith("postgresql://postgres@127.0.0.1:", store.Path);
            Assert.EndsWith("#" + _target.Schema(), store.Path);
            var refused = Assert.Throws<StateStoreException>(() => store.SavePair(StateSamples.Pair("1", "2")));
            Assert.DoesNotContain(Password, refused.ToString());
        }

        // Nothing listens on this port: the failure names the server, not the password.
        var closed = ClosedPort();
        var unreachable = new NpgsqlConnectionStringBuilder(WithPassword(_target.ConnectionString)) { Port = closed, Timeout = 3 }.ConnectionString;
        var ex = Assert.Throws<StateStoreException>(() => PostgresStateStore.Open(unreachable));
        Assert.Equal(StateErrorKind.CannotOpen, ex.Kind);
        Assert.Contains($"127.0.0.1:{closed}", ex.Message);
        Assert.DoesNotContain(Password, ex.ToString());

        // A connection string that cannot be parsed is not quoted back.
        var garbled = Assert.Throws<StateStoreException>(() => PostgresStateStore.Open($"Host=127.0.0.1;Password={Password};Nonsense Key=1"));
        Assert.Equal(StateErrorKind.CannotOpen, garbled.Kind);
        Assert.DoesNotContain(Password, garbled.ToString());
    }

    [Fact]
    public void A_schema_holding_another_programs_tables_is_refused_and_left_alone()
    {
        var schema = _target.Schema("other");
        using (var raw = new NpgsqlConnection(_target.ConnectionString))
        {
            raw.Open();
            using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.customers (id bigint PRIMARY KEY, name text)", raw);
            command.ExecuteNonQuery();
        }

        var ex = Assert.Throws<StateStoreException>(() => _target.OpenOther("other"));
        Assert.Equal(StateErrorKind.NotSpaceSyncState, ex.Kind);
        Assert.Equal(1L, _target.ScalarRaw($"SELECT count(*) FROM pg_tables WHERE schemaname = '{schema}'", "other"));
    }

    [Fact]
    public void A_schema_name_that_would_need_quoting_is_refused_before_connecting()
    {
        Assert.Throws<ArgumentException>(() => PostgresStateStore.Open(_target.ConnectionString, "Space Sync; DROP"));
    }

    [Fact]
    public void What_only_an_SQLite_file_can_do_is_refused_clearly()
    {
        using var store = _target.Open();
        store.SaveSpace(new SpaceRecord("ENG", "ENG2"));
        var ex = Assert.Throws<StateStoreException>(() => store.ArchiveSpace("ENG"));
        Assert.Equal(StateErrorKind.NotSupportedByProvider, ex.Kind);
        Assert.Contains("SQLite state file only", ex.Message);
        Assert.NotNull(store.GetSpace("ENG"));
        Assert.Equal("PostgreSQL", store.Provider);
    }

    [Fact]
    public void A_forward_step_migrates_an_older_state_and_a_failing_one_leaves_it_at_its_version()
    {
        using (var store = _target.Open())
            store.SaveSpace(new SpaceRecord("ENG", "ENG2"));

        // The next step after the ones this build has: the state made by the real steps is the "older" one.
        var current = PostgresSchema.BaseVersion + PostgresSchema.Migrations.Count;
        var failing = new SchemaMigration(current + 1, "add a table, then fail", command =>
        {
            command.CommandText = "CREATE TABLE half_done (x bigint)";
            command.ExecuteNonQuery();
            throw new InvalidOperationException("disk on fire");
        });
        var ex = Assert.Throws<StateStoreException>(() =>
            PostgresStateStore.Open(_target.ConnectionString, _target.Schema(), null, PostgresSchema.Migrations.Append(failing).ToList(), requireCurrent: false));
        Assert.Equal(StateErrorKind.MigrationFailed, ex.Kind);
        Assert.Contains("disk on fire", ex.Message);
        Assert.Equal(current, _target.SchemaVersion);
        Assert.Equal(true, _target.ScalarRaw("SELECT to_regclass('half_done') IS NULL"));

        var step = new SchemaMigration(current + 1, "add a table", StateSchema.Script("CREATE TABLE next_thing (x bigint)"));
        using (var migrated = PostgresStateStore.Open(_target.ConnectionString, _target.Schema(), null, PostgresSchema.Migrations.Append(step).ToList(), requireCurrent: false))
        {
            Assert.Equal(current + 1, migrated.SchemaVersion);
            Assert.NotNull(migrated.GetSpace("ENG"));
        }
        Assert.Equal(current + 1, _target.SchemaVersion);
        Assert.Equal(false, _target.ScalarRaw("SELECT to_regclass('next_thing') IS NULL"));

        // This SpaceSync, one step behind that one, refuses the state.
        Assert.Equal(StateErrorKind.NewerSchema, Assert.Throws<StateStoreException>(() => _target.Open()).Kind);
    }

    [Fact]
    public void A_worker_killed_while_writing_leaves_no_write_lock_behind()
    {
        using var store = _target.OpenWithBusyTimeout(TimeSpan.FromMilliseconds(300));
        using var killed = _target.HoldWriteLock();
        Assert.Equal(StateErrorKind.Busy, Assert.Throws<StateStoreException>(() => store.SaveSpace(new SpaceRecord("ENG", "ENG2"))).Kind);

        // The server ends the dead worker's session (as when its process or machine dies): its transaction and lock go with it.
        var pid = ((Npgsql.NpgsqlConnection)killed).ProcessID;
        _target.ScalarRaw($"SELECT pg_terminate_backend({pid})");
        store.SaveSpace(new SpaceRecord("ENG", "ENG2"));
        Assert.NotNull(store.GetSpace("ENG"));
    }

    [Fact]
    public void The_PostgreSQL_schema_keeps_pace_with_the_SQLite_one()
    {
        // A new SQLite step without its PostgreSQL twin must fail loudly here, not in a worker.
        Assert.Equal(StateStore.CurrentSchemaVersion, PostgresSchema.BaseVersion + PostgresSchema.Migrations.Count);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
