using Npgsql;
using SpaceSync.Core.State;
using SpaceSync.State.PostgreSql;

namespace SpaceSync.Core.Tests.State;

/// <summary>
/// Where a store test keeps its state: an SQLite file or a PostgreSQL schema. The shared store test classes are abstract
/// and take one of these; each has two sealed classes, ...OnSqlite and ...OnPostgres, so every test runs on both stores and
/// a behaviour cannot drift between them. Each target is fresh and empty; <see cref="Open"/> opens the same state again
/// (a second connection: another process or machine), <see cref="OpenOther"/> a second, separate state.
/// </summary>
public abstract class StateTarget : IDisposable
{
    public abstract string Provider { get; }

    public StateStore Open(TimeProvider? clock = null) => OpenOther("state", clock);

    public abstract StateStore OpenOther(string name, TimeProvider? clock = null);

    /// <summary>Runs a statement on the state behind the store's back (to damage or inspect it).</summary>
    public abstract void ExecuteRaw(string sql, string name = "state");

    /// <summary>One value read behind the store's back.</summary>
    public abstract object? ScalarRaw(string sql, string name = "state");

    /// <summary>Opens the state with a short wait for another writer.</summary>
    public abstract StateStore OpenWithBusyTimeout(TimeSpan busy);

    /// <summary>The schema version the state records (SQLite: PRAGMA user_version; PostgreSQL: spacesync_schema).</summary>
    public abstract long SchemaVersion { get; set; }

    /// <summary>Holds the state's write lock from another connection, as another process's write would, until disposed.</summary>
    public abstract IDisposable HoldWriteLock();

    public abstract void Dispose();

    public override string ToString() => Provider;
}

public sealed class SqliteTarget : StateTarget
{
    private readonly TempStateFolder _temp = new();

    public override string Provider => "SQLite";

    public string Folder => _temp.Folder;

    public string File(string name = "state") => _temp.File(name + ".db");

    public override StateStore OpenOther(string name, TimeProvider? clock = null) => StateStore.Open(File(name), clock);

    public override void ExecuteRaw(string sql, string name = "state")
    {
        using var raw = StateSamples.Raw(File(name));
        StateSamples.Execute(raw, sql);
    }

    public override object? ScalarRaw(string sql, string name = "state")
    {
        using var raw = StateSamples.Raw(File(name));
        return StateSamples.Scalar(raw, sql);
    }

    public override StateStore OpenWithBusyTimeout(TimeSpan busy) => StateStore.Open(File(), null, StateSchema.Migrations, busy);

    public override long SchemaVersion
    {
        get => (long)ScalarRaw("PRAGMA user_version")!;
        set => ExecuteRaw($"PRAGMA user_version = {value}");
    }

    public override IDisposable HoldWriteLock()
    {
        var raw = StateSamples.Raw(File());
        StateSamples.Execute(raw, "BEGIN IMMEDIATE");
        return raw; // closing the connection rolls back
    }

    public override void Dispose() => _temp.Dispose();
}

/// <summary>A fresh schema per target (so per test) in its test class's own database.</summary>
public sealed class PostgresTarget : StateTarget
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..12];
    private readonly HashSet<string> _schemas = new();

    public PostgresTarget(PostgresServer server, Type owner) => ConnectionString = server.DatabaseFor(owner);

    public override string Provider => "PostgreSQL";

    /// <summary>The test database (no password: the test cluster trusts loopback).</summary>
    public string ConnectionString { get; }

    public string Schema(string name = "state") => _prefix + "_" + name.ToLowerInvariant().Replace('.', '_');

    public override StateStore OpenOther(string name, TimeProvider? clock = null)
    {
        var schema = Schema(name);
        lock (_schemas) _schemas.Add(schema);
        return PostgresStateStore.Open(ConnectionString, schema, clock);
    }

    /// <summary>A raw connection whose search path is the state's schema, bypassing the store (to inspect or hand-make rows).</summary>
    public NpgsqlConnection Raw(string name = "state")
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = Schema(name) }.ConnectionString);
        connection.Open();
        return connection;
    }

    public override void ExecuteRaw(string sql, string name = "state")
    {
        using var raw = Raw(name);
        using var command = new NpgsqlCommand(sql, raw);
        command.ExecuteNonQuery();
    }

    public override object? ScalarRaw(string sql, string name = "state")
    {
        using var raw = Raw(name);
        using var command = new NpgsqlCommand(sql, raw);
        return command.ExecuteScalar();
    }

    public override StateStore OpenWithBusyTimeout(TimeSpan busy)
    {
        lock (_schemas) _schemas.Add(Schema());
        return PostgresStateStore.Open(ConnectionString, Schema(), null, PostgresSchema.Migrations, requireCurrent: true, busy);
    }

    public override long SchemaVersion
    {
        get => Convert.ToInt64(ScalarRaw("SELECT version FROM spacesync_schema"));
        set => ExecuteRaw($"UPDATE spacesync_schema SET version = {value}");
    }

    public override IDisposable HoldWriteLock()
    {
        var raw = Raw();
        using var command = new NpgsqlCommand(
            $"BEGIN; SELECT pg_advisory_xact_lock({StateSchema.ApplicationId}, hashtext(current_schema()))", raw);
        command.ExecuteNonQuery();
        return raw; // closing the connection ends the transaction and its lock
    }

    public override void Dispose()
    {
        try
        {
            using var connection = new NpgsqlConnection(ConnectionString);
            connection.Open();
            foreach (var schema in _schemas)
            {
                using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
                command.ExecuteNonQuery();
            }
        }
        catch (NpgsqlException)
        {
            // the database is dropped at the end of the run anyway
        }
    }
}
