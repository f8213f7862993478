using Npgsql;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.State.PostgreSql;
using Xunit;

namespace SpaceSync.Core.Tests.State;

/// <summary>
/// Opening a state only to read it (Get-SyncHistory, Get-SyncedSpace, Copy-SyncState's look at its destination): no state
/// yet is null on both stores, and nothing is made for it; and messages name the store as it is, not "the state file".
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StateReadingTests(PostgresServer server) : IDisposable
{
    private readonly PostgresTarget _postgres = new(server, typeof(StateReadingTests));
    private readonly SqliteTarget _sqlite = new();

    public void Dispose()
    {
        _postgres.Dispose();
        _sqlite.Dispose();
    }

    private StateSettings Postgres(string schema) => new()
    {
        Provider = StateProvider.PostgreSql, Path = "", Connection = SecretReference.Parse("env:SPACESYNC_STATE_DB"), Schema = schema,
    };

    [Fact]
    public void Reading_a_PostgreSQL_state_whose_schema_is_missing_finds_none_and_creates_no_schema()
    {
        var schema = _postgres.Schema("absent");

        Assert.Null(StateStores.OpenToRead(Postgres(schema), _postgres.ConnectionString));

        Assert.Equal(0L, SchemaCount(schema));
    }

    [Fact]
    public void Reading_an_empty_PostgreSQL_schema_finds_no_state_and_leaves_it_empty()
    {
        _postgres.OpenOther("made").Dispose();
        var schema = _postgres.Schema("empty");
        Admin($"CREATE SCHEMA {schema}");
        try
        {
            Assert.Null(StateStores.OpenToRead(Postgres(schema), _postgres.ConnectionString));
            Assert.Equal(0L, Admin<long>($"SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{schema}'"));
        }
        finally
        {
            Admin($"DROP SCHEMA {schema} CASCADE");
        }
    }

    [Fact]
    public void Reading_an_existing_PostgreSQL_state_opens_it()
    {
        using (var made = _postgres.Open())
            made.StartRun("AAA", RunKind.Sync);

        using var read = StateStores.OpenToRead(Postgres(_postgres.Schema()), _postgres.ConnectionString);

        Assert.NotNull(read);
        Assert.Single(read!.ListRuns("AAA"));
    }

    [Fact]
    public void Reading_a_PostgreSQL_schema_that_holds_other_tables_is_refused_as_opening_it_is()
    {
        _postgres.OpenOther("made").Dispose();
        var schema = _postgres.Schema("foreign");
        Admin($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.invoices (id bigint)");
        try
        {
            var refused = Assert.Throws<StateStoreException>(() => StateStores.OpenToRead(Postgres(schema), _postgres.ConnectionString));
            Assert.Equal(StateErrorKind.NotSpaceSyncState, refused.Kind);
            Assert.Equal(1L, Admin<long>($"SELECT count(*) FROM pg_tables WHERE schemaname = '{schema}'"));
        }
        finally
        {
            Admin($"DROP SCHEMA {schema} CASCADE");
        }
    }

    [Fact]
    public void Reading_a_SQLite_state_whose_file_is_missing_finds_none_and_makes_no_file()
    {
        var path = _sqlite.File("absent");

        Assert.Null(StateStores.OpenToRead(new StateSettings { Path = path }, null));

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_PostgreSQL_state_is_named_as_one_not_as_a_state_file()
    {
        using var store = _postgres.Open();
        store.StartRun("AAA", RunKind.Sync);
        _postgres.ExecuteRaw("UPDATE runs SET kind = 'rerun'");

        var missing = Assert.Throws<StateStoreException>(() => store.FinishRun(4242, RunOutcome.Succeeded, new Dictionary<string, int>(), 0));
        var unknown = Assert.Throws<StateStoreException>(() => store.ListRuns("AAA"));

        Assert.Contains($"There is no run 4242 in the PostgreSQL state (schema {_postgres.Schema()}, postgresql://", missing.Message);
        Assert.Equal(StateErrorKind.UnreadableValue, unknown.Kind);
        Assert.All(new[] { missing, unknown }, e => Assert.DoesNotContain("state file", e.Message));
    }

    private long SchemaCount(string schema) => Admin<long>($"SELECT count(*) FROM pg_namespace WHERE nspname = '{schema}'");

    private void Admin(string sql)
    {
        using var connection = new NpgsqlConnection(_postgres.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private T Admin<T>(string sql)
    {
        using var connection = new NpgsqlConnection(_postgres.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return (T)command.ExecuteScalar()!;
    }
}
