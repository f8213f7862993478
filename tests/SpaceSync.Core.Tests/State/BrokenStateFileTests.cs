using System.Security.Cryptography;
using SpaceSync.Core.State;
using Xunit;
using static SpaceSync.Core.Tests.State.StateSamples;

namespace SpaceSync.Core.Tests.State;

/// <summary>
/// A state file that is there but broken is refused with a specific kind, its path and what is wrong, and is left exactly as
/// it was: never taken for a new state (that would forget every pair), never given a schema on top.
/// </summary>
public sealed class BrokenStateFileTests : IDisposable
{
    private readonly TempStateFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A state file as SpaceSync leaves it, with a baseline: what a broken file replaces.</summary>
    private static void Healthy(string path)
    {
        using var store = StateStore.Open(path);
        store.SaveSpace(new SpaceRecord("ENG", "ENG2") { BaselineAt = DateTimeOffset.UtcNow });
        store.SavePair(Pair("100", "9100"));
    }

    private static void Sql(string path, string sql)
    {
        using var raw = Raw(path);
        Execute(raw, sql);
    }

    public static TheoryData<string, StateErrorKind, string> Cases() => new()
    {
        { "zero bytes", StateErrorKind.EmptyFile, "is empty (0 bytes)" },
        { "random bytes", StateErrorKind.NotADatabase, "not an SQLite database" },
        { "a short text file", StateErrorKind.NotADatabase, "not an SQLite database" },
        { "an SQLite database with no schema", StateErrorKind.NoSchema, "no tables at all" },
        { "a dropped table", StateErrorKind.SchemaDamaged, "is missing table pairs" },
        { "a dropped column", StateErrorKind.SchemaDamaged, "is missing column spaces.structural_at" },
        { "a dropped index", StateErrorKind.SchemaDamaged, "is missing index conflicts_open_per_pair" },
        { "a newer schema version", StateErrorKind.NewerSchema, "schema version 42" },
        { "another program's database", StateErrorKind.NotSpaceSyncState, "not a SpaceSync state file" },
    };

    private void Make(string path, string what)
    {
        switch (what)
        {
            case "zero bytes":
                File.WriteAllBytes(path, Array.Empty<byte>());
                break;
            case "random bytes":
                var bytes = new byte[8192];
                new Random(13).NextBytes(bytes);
                File.WriteAllBytes(path, bytes);
                break;
            case "a short text file":
                File.WriteAllText(path, "state: here\n");
                break;
            case "an SQLite database with no schema":
                Sql(path, "CREATE TABLE t (x); DROP TABLE t;"); // a valid header, nothing in it
                break;
            case "a dropped table":
                Healthy(path);
                Sql(path, "DROP TABLE pairs");
                break;
            case "a dropped column":
                Healthy(path);
                Sql(path, "ALTER TABLE spaces DROP COLUMN structural_at");
                break;
            case "a dropped index":
                Healthy(path);
                Sql(path, "DROP INDEX conflicts_open_per_pair");
                break;
            case "a newer schema version":
                Healthy(path);
                Sql(path, "PRAGMA user_version = 42");
                break;
            case "another program's database":
                Sql(path, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(what), what, null);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_broken_file_is_refused_naming_it_and_what_is_wrong_and_is_left_byte_for_byte(string what, StateErrorKind kind, string says)
    {
        var path = _temp.File();
        Make(path, what);
        var before = File.ReadAllBytes(path);
        var entries = Directory.GetFileSystemEntries(_temp.Folder).OrderBy(e => e).ToList();

        var ex = Assert.Throws<StateStoreException>(() => StateStore.Open(path).Dispose());

        Assert.Equal(kind, ex.Kind);
        Assert.Contains(path, ex.Message);
        Assert.Contains(says, ex.Message);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(before)), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
        Assert.Equal(entries, Directory.GetFileSystemEntries(_temp.Folder).OrderBy(e => e).ToList()); // no journal, no temp file
    }

    [Fact]
    public void A_path_that_does_not_exist_is_a_new_state_and_no_baseline()
    {
        var path = _temp.File();
        using var store = StateStore.Open(path);
        Assert.Null(store.GetSpace("ENG"));
        Assert.Equal(new[] { path }, Directory.GetFileSystemEntries(_temp.Folder).Where(e => !e.EndsWith("-wal", StringComparison.Ordinal) && !e.EndsWith("-shm", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_table_dropped_under_an_open_store_is_a_StateStoreException_naming_the_file_for_reads_and_writes()
    {
        var path = _temp.File();
        Healthy(path);
        using var store = StateStore.Open(path);
        Sql(path, "DROP TABLE pairs");

        var read = Assert.Throws<StateStoreException>(() => store.ListPairs("ENG"));
        Assert.Equal(StateErrorKind.SchemaDamaged, read.Kind);
        Assert.Contains(path, read.Message);
        Assert.Contains("no such table: pairs", read.Message);

        var write = Assert.Throws<StateStoreException>(() => store.SavePair(Pair("200", "9200")));
        Assert.Equal(StateErrorKind.SchemaDamaged, write.Kind);
        Assert.Contains(path, write.Message);
        Assert.Contains("Nothing of it was written", write.Message);
    }

    [Fact]
    public void The_baseline_check_of_a_run_meets_a_damaged_file_as_a_state_error_not_as_no_baseline()
    {
        var path = _temp.File();
        Healthy(path);
        using var store = StateStore.Open(path);
        Sql(path, "DROP TABLE spaces");

        // What a run's "has it a baseline?" check reads (SyncRunner: GetSpace(key)?.BaselineAt is null means Start-SpaceBaseline first).
        var ex = Assert.Throws<StateStoreException>(() => store.GetSpace("ENG"));
        Assert.Equal(StateErrorKind.SchemaDamaged, ex.Kind);
        Assert.Contains(path, ex.Message);
        Assert.Contains("no such table: spaces", ex.Message);
    }
}
