using Microsoft.Data.Sqlite;
using SpaceSync.Core.Content;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Tests.Sync;
using SpaceSync.State.PostgreSql;
using Xunit;

namespace SpaceSync.Core.Tests.State;

/// <summary>
/// Copying a whole state between stores (StateCopy, Copy-SyncState): a state made by a real baseline and syncs over HTTP
/// against both emulators goes SQLite → PostgreSQL → SQLite and comes back row for row.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StateCopyTests(PostgresServer server) : IDisposable
{
    private readonly PostgresTarget _postgres = new(server, typeof(StateCopyTests));
    private readonly SqliteTarget _sqlite = new();

    public void Dispose()
    {
        _postgres.Dispose();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task A_state_made_by_real_runs_round_trips_SQLite_to_PostgreSQL_to_SQLite_row_for_row()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 20);
        await MakeStateWithEveryTableAsync(world);
        var source = world.State;
        var counts = StateCopy.CountRows(source);
        Assert.All(counts.Where(c => c.Key != "locks"), c => Assert.True(c.Value > 0, $"{c.Key} is empty: the round trip would not cover it"));
        // An expired lock of a run that ended long ago: the one kind of row not copied.
        using (var raw = StateSamples.Raw(source.Path))
            StateSamples.Execute(raw, "INSERT INTO locks VALUES ('OLD', 'host:1:x', '2020-01-01T00:00:00.0000000Z', '2020-01-01T01:00:00.0000000Z')");

        StateCopyResult there, back;
        using (var postgres = _postgres.Open())
        {
            there = StateCopy.Copy(source, postgres, force: false);
            using var file = _sqlite.OpenOther("copy");
            back = StateCopy.Copy(postgres, file, force: false);
            // A copied identity keeps numbering after the largest copied id, so the next run's rows do not collide.
            var run = postgres.StartRun(RunnerWorld.Key, RunKind.Sync).Id;
            Assert.True(run > source.ListRuns(RunnerWorld.Key).Max(r => r.Id));
            Assert.Equal(PairsOf(source), PairsOf(postgres));
        }

        Assert.True(there.Verified);
        Assert.True(back.Verified);
        Assert.Equal(1, there.LocksNotCopied);
        Assert.Equal(there.Tables.Select(t => (t.Table, t.SourceRows, t.SourceHash)), back.Tables.Select(t => (t.Table, t.DestinationRows, t.DestinationHash)));

        // Independent of the copier's own hashes: every row of every table of both files, compared as SQLite holds them.
        var original = Dump(source.Path);
        var copy = Dump(_sqlite.File("copy"));
        Assert.Empty(copy["locks"]);
        original.Remove("locks");
        copy.Remove("locks");
        Assert.Equal(original.Keys.OrderBy(k => k), copy.Keys.OrderBy(k => k));
        foreach (var table in original.Keys)
            Assert.True(original[table].SequenceEqual(copy[table]), $"{table} differs after the round trip");
    }

    [Fact]
    public void Rows_cross_in_several_batches_with_nulls_and_values_mixed_and_come_back_alike()
    {
        using (_sqlite.Open()) { }
        // 1,201 runs: two full batches (the statement reused) and a short one; every column null in some rows, set in others.
        _sqlite.ExecuteRaw(@"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1201)
INSERT INTO runs (run_id, space_key, kind, started_at, finished_at, outcome, counts_json, requests)
SELECT i, 'S' || (i % 7), 'sync', '2026-01-01T00:00:00.0000000Z',
       CASE WHEN i % 3 = 0 THEN NULL ELSE '2026-01-01T00:01:00.0000000Z' END,
       CASE WHEN i % 3 = 0 THEN NULL ELSE 'succeeded' END,
       CASE WHEN i % 2 = 0 THEN NULL ELSE '{""Update"":' || i || '}' END,
       CASE WHEN i % 5 = 0 THEN NULL ELSE i * 3 END FROM n");
        using var source = _sqlite.Open();
        using var postgres = _postgres.Open();
        using var back = _sqlite.OpenOther("back");

        var there = StateCopy.Copy(source, postgres, force: false);
        var home = StateCopy.Copy(postgres, back, force: false);

        Assert.Equal(1201, there.Tables.Single(t => t.Table == "runs").DestinationRows);
        Assert.True(there.Verified && home.Verified);
        Assert.Equal(Dump(source.Path)["runs"], Dump(_sqlite.File("back"))["runs"]);
    }

    [Fact]
    public void A_destination_that_holds_a_state_is_refused_unless_forced_and_then_replaced_whole()
    {
        using var source = _sqlite.Open();
        var spaceA = source.StartRun("AAA", RunKind.Baseline).Id;
        source.FinishRun(spaceA, RunOutcome.Succeeded, new Dictionary<string, int> { ["Create"] = 1 }, 3);
        using var destination = _postgres.Open();
        destination.StartRun("OTHER", RunKind.Sync);
        destination.StartRun("OTHER", RunKind.Sync);

        var refused = Assert.Throws<StateStoreException>(() => StateCopy.Copy(source, destination, force: false));
        Assert.Equal(StateErrorKind.DestinationNotEmpty, refused.Kind);
        Assert.Equal(2, destination.ListRuns("OTHER").Count); // untouched

        var forced = StateCopy.Copy(source, destination, force: true);
        Assert.True(forced.Emptied);
        Assert.Empty(destination.ListRuns("OTHER"));
        Assert.Equal(spaceA, Assert.Single(destination.ListRuns("AAA")).Id);
    }

    [Fact]
    public void A_live_run_on_the_destination_stops_even_a_forced_copy()
    {
        using var source = _sqlite.Open();
        source.StartRun("AAA", RunKind.Baseline);
        using var destination = _postgres.Open();
        Assert.True(destination.TryAcquireLock("BUSY", "worker-2", TimeSpan.FromHours(1)).Acquired);

        var refused = Assert.Throws<StateStoreException>(() => StateCopy.Copy(source, destination, force: true));
        Assert.Equal(StateErrorKind.LockHeldByOther, refused.Kind);
        Assert.NotNull(destination.GetLock("BUSY"));
        Assert.Empty(destination.ListRuns("AAA"));
    }

    [Fact]
    public void A_table_the_copier_does_not_know_fails_the_copy_before_anything_is_written()
    {
        using var source = _postgres.Open();
        source.StartRun("AAA", RunKind.Baseline);
        _postgres.ExecuteRaw("CREATE TABLE shiny_new_rows (id bigint PRIMARY KEY)");
        using var destination = _sqlite.Open();

        var refused = Assert.Throws<StateStoreException>(() => StateCopy.Copy(source, destination, force: false));
        Assert.Equal(StateErrorKind.CopyUnknownTable, refused.Kind);
        Assert.Contains("shiny_new_rows", refused.Message);
        Assert.All(StateCopy.CountRows(destination).Values, n => Assert.Equal(0, n));
    }

    [Fact]
    public void A_copy_that_arrives_altered_in_a_SQLite_file_is_refused_naming_the_row_and_column_and_the_file_keeps_its_state()
    {
        using var source = _postgres.Open();
        MakeRuns(source, 3);
        using (var before = _sqlite.Open())
            before.StartRun("OLD", RunKind.Sync);
        // A real fault between what was sent and what was stored: the file rewrites each run it receives.
        _sqlite.ExecuteRaw("CREATE TRIGGER tamper AFTER INSERT ON runs BEGIN UPDATE runs SET outcome = 'Tampered' WHERE run_id = NEW.run_id; END");
        using var destination = _sqlite.Open();

        var refused = Assert.Throws<StateStoreException>(() => StateCopy.Copy(source, destination, force: true));

        Assert.Equal(StateErrorKind.CopyMismatch, refused.Kind);
        Assert.Contains($"runs's row run_id {source.ListRuns("AAA").Min(r => r.Id)} differs in outcome", refused.Message);
        Assert.Contains("rolled back", refused.Message);
        Assert.Equal(StateCopySide.Destination, StateCopy.SideOf(refused));
        Assert.Single(destination.ListRuns("OLD")); // the state it held, not emptied
        Assert.Empty(destination.ListRuns("AAA"));
    }

    [Fact]
    public void A_copy_that_arrives_with_extra_rows_in_PostgreSQL_is_refused_naming_the_counts_and_the_schema_stays_empty()
    {
        using var source = _sqlite.Open();
        MakeRuns(source, 2);
        using var destination = _postgres.Open();
        // Each history row received brings a second one along: the counts differ, not only the hashes.
        _postgres.ExecuteRaw(@"
CREATE FUNCTION echo_run() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.space_key <> 'ECHO' THEN
    INSERT INTO runs (run_id, space_key, kind, started_at) VALUES (NEW.run_id + 1000, 'ECHO', NEW.kind, NEW.started_at);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER echo AFTER INSERT ON runs FOR EACH ROW EXECUTE FUNCTION echo_run();");

        var refused = Assert.Throws<StateStoreException>(() => StateCopy.Copy(source, destination, force: false));

        Assert.Equal(StateErrorKind.CopyMismatch, refused.Kind);
        Assert.Contains("runs has 2 rows in the source and 4 in the copy", refused.Message);
        Assert.All(StateCopy.CountRows(destination).Values, n => Assert.Equal(0, n));
    }

    [Fact]
    public void A_source_that_fails_while_being_read_is_named_as_the_source_not_the_destination()
    {
        // The source's server connection is cut mid-copy (its backend terminated), by a trigger of the destination's runs.
        var application = "copygaps-source-" + Guid.NewGuid().ToString("N")[..8];
        _postgres.OpenOther("source").Dispose();
        using var source = PostgresStateStore.Open(
            new Npgsql.NpgsqlConnectionStringBuilder(_postgres.ConnectionString) { ApplicationName = application }.ConnectionString, _postgres.Schema("source"));
        MakeRuns(source, 2);
        using var destination = _postgres.Open();
        _postgres.ExecuteRaw($@"
CREATE FUNCTION cut_source() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{application}';
  PERFORM pg_sleep(0.2);
  RETURN NEW;
END $$;
CREATE TRIGGER cut AFTER INSERT ON runs FOR EACH ROW EXECUTE FUNCTION cut_source();");

        var failed = Assert.Throws<StateStoreException>(() => StateCopy.Copy(source, destination, force: false));

        Assert.Equal(StateCopySide.Source, StateCopy.SideOf(failed));
        Assert.Contains(source.Path, failed.Message);
        Assert.Contains("copy's source", failed.Message);
        Assert.DoesNotContain(destination.Path, failed.Message);
        Assert.All(StateCopy.CountRows(destination).Values, n => Assert.Equal(0, n));
    }

    private static void MakeRuns(StateStore store, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var run = store.StartRun("AAA", RunKind.Sync).Id;
            store.FinishRun(run, RunOutcome.Succeeded, new Dictionary<string, int> { ["Update"] = i }, 2);
        }
    }

    [Fact]
    public void A_state_is_not_copied_onto_itself()
    {
        using var source = _sqlite.Open();
        using var same = _sqlite.Open();
        Assert.Equal(StateErrorKind.DestinationNotEmpty, Assert.Throws<StateStoreException>(() => StateCopy.Copy(source, same, force: true)).Kind);
    }

    /// <summary>
    /// A baseline and syncs with labels, attachments and comments on, an open conflict (unsettled page), then the rows a
    /// quiet emulator run leaves empty (open intents, folders, restricted pages) written through the store as a run would.
    /// </summary>
    private static async Task MakeStateWithEveryTableAsync(RunnerWorld world)
    {
        world.Space = world.Space with { Content = new ResolvedContent(true, true, true, false) };
        await world.BaselineAsync();
        var taken = new List<long>();
        var both = RunnerWorld.Leaf(world.Dc, taken);
        RunnerWorld.Edit(world.Dc, both, body: "<p>Data Center text.</p>");
        RunnerWorld.Edit(world.Cloud, world.CloudTwin(both), body: "<p>Cloud text.</p>");
        var edited = RunnerWorld.Leaf(world.Dc, taken);
        RunnerWorld.Edit(world.Dc, edited, body: "<p>Edited once.</p>");
        Assert.Empty((await world.SyncAsync()).Errors);

        var state = world.State;
        var pairs = state.ListPairs(RunnerWorld.Key);
        var pair = pairs.First(p => p.ParentPairId != null);
        var now = DateTimeOffset.UtcNow;
        state.SetBaseLabels(pair.Id, new[] { "team-a", "ünïcode" });
        state.SaveAttachmentPair(new AttachmentPairRecord
        {
            SpaceKey = RunnerWorld.Key, PairId = pair.Id, DataCenterAttachmentId = "att1", CloudAttachmentId = "att9", FileName = "plan.pdf",
            DataCenterVersion = 2, CloudVersion = 1, Size = 12345, Sha256 = new string('a', 64), UpdatedAt = now,
        });
        state.SaveCommentPair(new CommentPairRecord
        {
            SpaceKey = RunnerWorld.Key, PairId = pair.Id, DataCenterCommentId = "c1", CloudCommentId = "c9", OriginSide = SiteKind.DataCenter,
            DataCenterVersion = 1, CloudVersion = 1, BaseHash = "h", UpdatedAt = now,
        });
        state.RecordCommentIntent(new CommentIntent
        {
            SpaceKey = RunnerWorld.Key, PairId = pair.Id, SourceSide = SiteKind.Cloud, SourceCommentId = "c7", TargetPageId = pair.DataCenterPageId,
            BodyHash = "b", CreatedAt = now,
        });
        state.RecordCreateIntent(new CreateIntent
        {
            SpaceKey = RunnerWorld.Key, SourceSide = SiteKind.DataCenter, SourcePageId = "999999", Title = "Half made", CreatedAt = now,
        });
        state.SaveCloudFolders(RunnerWorld.Key, new[] { new SiteContainer { Id = "f1", Type = "folder", Title = "Team", Version = 1 } }, replaceAll: true);
        state.SaveRestrictedPages(RunnerWorld.Key, new[] { new RestrictedPageRecord("4242", null, "Secret", "restricted to 2 users") },
            Array.Empty<string>(), replaceAll: true);
    }

    private static List<string> PairsOf(StateStore store) =>
        store.ListPairs(RunnerWorld.Key).Select(p => $"{p.Id}|{p.ParentPairId}|{p.DataCenterPageId}|{p.CloudPageId}|{p.Title}|{p.BaseHash}|{p.BaseBody}").ToList();

    /// <summary>Every table of an SQLite state file, each row as text (type and value), sorted.</summary>
    private static Dictionary<string, List<string>> Dump(string path)
    {
        using var raw = StateSamples.Raw(path);
        var tables = new List<string>();
        using (var list = raw.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'";
            using var reader = list.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }

        var dump = new Dictionary<string, List<string>>();
        foreach (var table in tables)
        {
            using var select = raw.CreateCommand();
            select.CommandText = $"SELECT * FROM {table}";
            using var reader = select.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read())
                rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : reader.GetFieldType(i).Name + ":" + reader.GetValue(i))));
            rows.Sort(StringComparer.Ordinal);
            dump[table] = rows;
        }

        return dump;
    }
}
