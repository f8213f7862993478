using Microsoft.Data.Sqlite;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Tests.State;

/// <summary>A temp folder holding real state files; deleted afterwards.</summary>
internal sealed class TempStateFolder : IDisposable
{
    public TempStateFolder()
    {
        Folder = Path.Combine(Path.GetTempPath(), "spacesync-state-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public string File(string name = "spacesync.db") => Path.Combine(Folder, name);

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { /* a leftover temp folder is not a test failure */ }
    }
}

/// <summary>A clock the test moves by hand (lock expiry, time stamps).</summary>
internal sealed class ManualClock : TimeProvider
{
    public DateTimeOffset UtcNow { get; set; } = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => UtcNow;

    public void Advance(TimeSpan by) => UtcNow += by;
}

internal static class StateSamples
{
    public static PairRecord Pair(string dcId, string cloudId, long? parent = null, string space = "ENG", string title = "Page") => new()
    {
        SpaceKey = space,
        DataCenterPageId = dcId,
        CloudPageId = cloudId,
        DataCenterVersion = 3,
        CloudVersion = 2,
        ParentPairId = parent,
        Title = title,
        BaseBody = "<p>Body of " + title + "</p>",
        BaseHash = "hash-" + dcId,
    };

    /// <summary>A raw connection to a state file, bypassing the store (to hand-make or inspect files).</summary>
    public static SqliteConnection Raw(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
