using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using Xunit;
using static SpaceSync.Core.Tests.State.StateSamples;

namespace SpaceSync.Core.Tests.State;

/// <summary>Each pair's base labels: recorded, read per pair and per space, written with a page outcome, migrated.</summary>
public abstract class LabelStateTests : IDisposable
{
    protected readonly StateTarget _target;
    private readonly StateStore _store;
    private readonly RunRecord _run;

    protected LabelStateTests(StateTarget target)
    {
        _target = target;
        _store = _target.Open();
        _store.SaveSpace(new SpaceRecord("ENG", "ENG2"));
        _store.SaveSpace(new SpaceRecord("OPS", "OPS"));
        _run = _store.StartRun("ENG", RunKind.Sync);
    }

    public void Dispose()
    {
        _store.Dispose();
        _target.Dispose();
    }

    [Fact]
    public void A_pair_has_no_base_labels_until_some_are_recorded_and_an_empty_set_is_not_none()
    {
        var pair = _store.SavePair(Pair("100", "9100"));
        Assert.Null(_store.GetBaseLabels(pair.Id));

        _store.SetBaseLabels(pair.Id, Array.Empty<string>());
        Assert.Equal(Array.Empty<string>(), _store.GetBaseLabels(pair.Id));
    }

    [Fact]
    public void Base_labels_are_stored_lower_cased_distinct_and_sorted()
    {
        var pair = _store.SavePair(Pair("100", "9100"));
        _store.SetBaseLabels(pair.Id, new[] { "Review", "alpha", " review ", "Zeta" });
        Assert.Equal(new[] { "alpha", "review", "zeta" }, _store.GetBaseLabels(pair.Id));
    }

    [Fact]
    public void Saving_the_pair_again_keeps_its_base_labels()
    {
        var pair = _store.SavePair(Pair("100", "9100"));
        _store.SetBaseLabels(pair.Id, new[] { "kept" });

        _store.SavePair(pair with { DataCenterVersion = 7, BaseHash = "new" });
        _store.SavePair(Pair("100", "9100") with { CloudVersion = 9 }); // Id 0: the upsert by Data Center page
        Assert.Equal(new[] { "kept" }, _store.GetBaseLabels(pair.Id));
    }

    [Fact]
    public void A_space_lists_only_its_own_pairs_with_recorded_labels_in_one_read()
    {
        var a = _store.SavePair(Pair("1", "91"));
        var b = _store.SavePair(Pair("2", "92"));
        _store.SavePair(Pair("3", "93")); // never recorded
        var other = _store.SavePair(Pair("1", "91", space: "OPS"));

        _store.SetBaseLabels(new Dictionary<long, IReadOnlyList<string>>
        {
            [a.Id] = new[] { "x", "y" },
            [b.Id] = Array.Empty<string>(),
            [other.Id] = new[] { "elsewhere" },
        });

        var listed = _store.ListBaseLabels("ENG");
        Assert.Equal(new[] { a.Id, b.Id }, listed.Keys.Order());
        Assert.Equal(new[] { "x", "y" }, listed[a.Id]);
        Assert.Empty(listed[b.Id]);
        Assert.Equal(new[] { "elsewhere" }, _store.ListBaseLabels("OPS")[other.Id]);
    }

    [Fact]
    public void Recording_for_a_missing_pair_fails_and_a_batch_with_one_writes_none()
    {
        var pair = _store.SavePair(Pair("1", "91"));

        Assert.Equal(StateErrorKind.NotFound, Assert.Throws<StateStoreException>(() => _store.SetBaseLabels(4242, new[] { "x" })).Kind);
        Assert.Equal(StateErrorKind.NotFound, Assert.Throws<StateStoreException>(() => _store.GetBaseLabels(4242)).Kind);
        var ex = Assert.Throws<StateStoreException>(() => _store.SetBaseLabels(new Dictionary<long, IReadOnlyList<string>>
        {
            [pair.Id] = new[] { "x" },
            [4242] = new[] { "y" },
        }));
        Assert.Equal(StateErrorKind.NotFound, ex.Kind);
        Assert.Null(_store.GetBaseLabels(pair.Id));
    }

    [Fact]
    public void An_empty_label_name_is_refused()
    {
        var pair = _store.SavePair(Pair("1", "91"));
        Assert.Throws<ArgumentException>(() => _store.SetBaseLabels(pair.Id, new[] { "ok", "  " }));
        Assert.Null(_store.GetBaseLabels(pair.Id));
    }

    [Fact]
    public void A_page_outcome_writes_the_base_labels_with_its_pair()
    {
        var stored = _store.RecordPageOutcome(new PageOutcome
        {
            Pair = Pair("555", "9555"),
            BaseLabels = new[] { "b", "A" },
            History = new[] { new HistoryEntry { RunId = _run.Id, SpaceKey = "ENG", DataCenterPageId = "555", Action = "labels" } },
        })!;
        Assert.Equal(new[] { "a", "b" }, _store.GetBaseLabels(stored.Id));

        // Without BaseLabels an outcome leaves them alone (callers that know nothing of labels keep working).
        _store.RecordPageOutcome(new PageOutcome { Pair = stored with { DataCenterVersion = 8 } });
        Assert.Equal(new[] { "a", "b" }, _store.GetBaseLabels(stored.Id));
    }

    [Fact]
    public void An_outcome_whose_later_step_fails_leaves_the_base_labels_as_they_were()
    {
        var pair = _store.SavePair(Pair("555", "9555"));
        _store.SetBaseLabels(pair.Id, new[] { "before" });

        Assert.Throws<StateStoreException>(() => _store.RecordPageOutcome(new PageOutcome
        {
            Pair = pair,
            BaseLabels = new[] { "after" },
            History = new[] { new HistoryEntry { RunId = 999, SpaceKey = "ENG", Action = "labels" } }, // no such run
        }));
        Assert.Equal(new[] { "before" }, _store.GetBaseLabels(pair.Id));
    }

    [Fact]
    public void Base_labels_without_a_pair_in_the_outcome_are_refused()
    {
        Assert.Throws<ArgumentException>(() => _store.RecordPageOutcome(new PageOutcome { BaseLabels = new[] { "x" } }));
    }

    [Fact]
    public void Removing_the_pair_or_its_space_takes_its_labels_along()
    {
        var pair = _store.SavePair(Pair("1", "91"));
        _store.SetBaseLabels(pair.Id, new[] { "x" });
        _store.RecordPageOutcome(new PageOutcome { RemovedPairId = pair.Id });
        Assert.Empty(_store.ListBaseLabels("ENG"));

        var again = _store.SavePair(Pair("1", "91"));
        Assert.Null(_store.GetBaseLabels(again.Id));
    }


    [Fact]
    public void A_stored_value_that_is_not_a_label_array_is_reported_as_unreadable()
    {
        var pair = _store.SavePair(Pair("1", "91"));
        _target.ExecuteRaw("UPDATE pairs SET base_labels = '{\"not\":\"an array\"}' WHERE pair_id = " + pair.Id);

        var ex = Assert.Throws<StateStoreException>(() => _store.GetBaseLabels(pair.Id));
        Assert.Equal(StateErrorKind.UnreadableValue, ex.Kind);
        Assert.Contains($"pair {pair.Id}", ex.Message);
    }
}

public sealed class LabelStateTestsOnSqlite() : LabelStateTests(new SqliteTarget())
{
    // PostgreSQL states start at the current schema version: older versions exist only as SQLite files.
    [Fact]
    public void A_file_from_before_labels_migrates_with_its_pairs_unrecorded()
    {
        var path = ((SqliteTarget)_target).File("old");
        var before = StateSchema.Migrations.TakeWhile(m => !m.Description.StartsWith("labels", StringComparison.Ordinal)).ToList();
        Assert.True(before.Count < StateSchema.Migrations.Count);
        long pairId;
        using (var old = StateStore.Open(path, null, before))
        {
            old.SaveSpace(new SpaceRecord("ENG", "ENG"));
            pairId = old.SavePair(Pair("1", "91")).Id;
        }

        using var migrated = StateStore.Open(path);
        Assert.Equal(StateStore.CurrentSchemaVersion, migrated.SchemaVersion);
        Assert.Null(migrated.GetBaseLabels(pairId));
        migrated.SetBaseLabels(pairId, new[] { "new" });
        Assert.Equal(new[] { "new" }, migrated.GetBaseLabels(pairId));
    }
}

[Collection(PostgresCollection.Name)]
public sealed class LabelStateTestsOnPostgres(PostgresServer server) : LabelStateTests(new PostgresTarget(server, typeof(LabelStateTestsOnPostgres)));
