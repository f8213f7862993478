using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using Xunit;
using static SpaceSync.Core.Tests.State.StateSamples;

namespace SpaceSync.Core.Tests.State;

/// <summary>SavePairs: many pairs and their history rows in one transaction, all or nothing.</summary>
public abstract class PairBatchTests : IDisposable
{
    private readonly StateTarget _target;
    private readonly StateStore _store;
    private readonly RunRecord _run;

    protected PairBatchTests(StateTarget target)
    {
        _target = target;
        _store = _target.Open();
        _store.SaveSpace(new SpaceRecord("ENG", "ENG2"));
        _run = _store.StartRun("ENG", RunKind.Baseline);
    }

    public void Dispose()
    {
        _store.Dispose();
        _target.Dispose();
    }

    private HistoryEntry Entry(string dcId, string action = "baseline-pair", long? runId = null) =>
        new() { RunId = runId ?? _run.Id, SpaceKey = "ENG", DataCenterPageId = dcId, Action = action };

    private static PairWrite Write(string dcId, string cloudId, string? parentPage = null, params HistoryEntry[] history) =>
        new() { Pair = Pair(dcId, cloudId, title: "Page " + dcId), ParentDataCenterPageId = parentPage, History = history };

    [Fact]
    public void A_batch_stores_its_pairs_in_order_with_parents_named_by_data_center_page_and_their_history()
    {
        var home = _store.SavePair(Pair("1", "901", title: "Home"));

        var stored = _store.SavePairs(new[]
        {
            Write("2", "902", parentPage: "1", Entry("2")),     // parent stored before the batch
            Write("3", "903", parentPage: "2", Entry("3")),     // parent stored earlier in this batch
            Write("4", "904", parentPage: "3"),
            Write("5", "905", parentPage: null, Entry("5"), Entry("5", "second-row")),
        });

        Assert.Equal(new[] { "2", "3", "4", "5" }, stored.Select(p => p.DataCenterPageId));
        Assert.All(stored, p => Assert.Equal(p, _store.GetPair(p.Id)));
        Assert.Equal(home.Id, stored[0].ParentPairId);
        Assert.Equal(stored[0].Id, stored[1].ParentPairId);
        Assert.Equal(stored[1].Id, stored[2].ParentPairId);
        Assert.Null(stored[3].ParentPairId);
        Assert.Equal(5, _store.ListPairs("ENG").Count);
        Assert.Equal(new[] { "2", "3", "5", "5" }, _store.ListHistory("ENG").Select(h => h.DataCenterPageId));
    }

    [Fact]
    public void A_write_can_open_a_conflict_on_its_pair_and_a_bad_conflict_undoes_the_batch()
    {
        var conflict = new ConflictRecord { PairId = 999, DataCenterVersion = 3, CloudVersion = 2, BaseDataCenterVersion = 3, BaseCloudVersion = 2, Reason = "differs at the baseline" };
        var stored = _store.SavePairs(new[] { Write("1", "901"), Write("2", "902", parentPage: "1") with { Conflict = conflict } });

        var open = Assert.Single(_store.ListConflicts("ENG"));
        Assert.Equal(stored[1].Id, open.PairId);
        Assert.Equal("differs at the baseline", open.Reason);

        Assert.Throws<ArgumentException>(() => _store.SavePairs(new[]
        {
            Write("3", "903", parentPage: "1") with { Conflict = conflict },
            Write("4", "904", parentPage: "1") with { Conflict = conflict with { Reason = "" } },
        }));
        Assert.Equal(2, _store.ListPairs("ENG").Count);
        Assert.Single(_store.ListConflicts("ENG"));
    }

    [Fact]
    public void A_pair_with_its_own_parent_id_keeps_it_and_a_page_already_paired_is_updated_in_place()
    {
        var home = _store.SavePair(Pair("1", "901", title: "Home"));
        var old = _store.SavePair(Pair("2", "902", parent: home.Id));

        var stored = _store.SavePairs(new[]
        {
            new PairWrite { Pair = Pair("2", "912", parent: home.Id) with { DataCenterVersion = 7 } },
            new PairWrite { Pair = Pair("3", "903", parent: home.Id) },
        });

        Assert.Equal(old.Id, stored[0].Id);
        Assert.Equal("912", _store.GetPair(old.Id)!.CloudPageId);
        Assert.Equal(7, _store.GetPair(old.Id)!.DataCenterVersion);
        Assert.Equal(home.Id, stored[1].ParentPairId);
        Assert.Equal(3, _store.ListPairs("ENG").Count);
    }

    [Fact]
    public void A_row_the_file_refuses_late_in_the_batch_leaves_nothing_of_the_batch()
    {
        var before = _store.SavePair(Pair("1", "901", title: "Home"));

        // The third write pairs a Cloud page the first one already holds: the unique index refuses it.
        var ex = Assert.Throws<StateStoreException>(() => _store.SavePairs(new[]
        {
            Write("2", "902", parentPage: "1", Entry("2")),
            Write("3", "903", parentPage: "2", Entry("3")),
            Write("4", "902", parentPage: "2", Entry("4")),
        }));

        Assert.Equal(StateErrorKind.WriteRejected, ex.Kind);
        Assert.Contains("3 pairs", ex.Message);
        Assert.Equal(new[] { before with { BaseBody = null } }, _store.ListPairs("ENG"));   // listed without bodies
        Assert.Empty(_store.ListHistory("ENG"));

        // The failed transaction was rolled back, not left open: the store takes the next batch.
        Assert.Equal(2, _store.SavePairs(new[] { Write("2", "902", parentPage: "1"), Write("3", "903", parentPage: "2") }).Count);
    }

    [Fact]
    public void A_history_row_of_a_run_that_does_not_exist_undoes_the_pairs_written_before_it()
    {
        var ex = Assert.Throws<StateStoreException>(() => _store.SavePairs(new[]
        {
            Write("1", "901", null, Entry("1")),
            Write("2", "902", "1", Entry("2", runId: 4242)),
        }));

        Assert.Equal(StateErrorKind.WriteRejected, ex.Kind);
        Assert.Empty(_store.ListPairs("ENG"));
        Assert.Empty(_store.ListHistory("ENG"));
    }

    [Fact]
    public void A_parent_page_with_no_pair_is_named_in_the_error_and_nothing_is_written()
    {
        var ex = Assert.Throws<StateStoreException>(() => _store.SavePairs(new[]
        {
            Write("1", "901", null, Entry("1")),
            Write("2", "902", parentPage: "77"),
        }));

        Assert.Equal(StateErrorKind.NotFound, ex.Kind);
        Assert.Contains("parent Data Center page 77", ex.Message);
        Assert.Empty(_store.ListPairs("ENG"));
        Assert.Empty(_store.ListHistory("ENG"));
    }

    [Fact]
    public void Both_a_parent_id_and_a_parent_page_or_an_invalid_pair_are_refused_before_anything_stays()
    {
        var home = _store.SavePair(Pair("1", "901", title: "Home"));

        Assert.Throws<ArgumentException>(() => _store.SavePairs(new[]
        {
            Write("2", "902", parentPage: "1"),
            new PairWrite { Pair = Pair("3", "903", parent: home.Id), ParentDataCenterPageId = "1" },
        }));
        Assert.Throws<ArgumentException>(() => _store.SavePairs(new[]
        {
            Write("2", "902", parentPage: "1"),
            new PairWrite { Pair = Pair("3", "903") with { CloudVersion = 0 } },
        }));

        Assert.Equal(new[] { home with { BaseBody = null } }, _store.ListPairs("ENG"));   // listed without bodies
    }

    [Fact]
    public void An_empty_batch_writes_nothing()
    {
        Assert.Empty(_store.SavePairs(Array.Empty<PairWrite>()));
        Assert.Empty(_store.ListPairs("ENG"));
        Assert.Throws<ArgumentNullException>(() => _store.SavePairs(null!));
    }

    [Fact]
    public void Pairs_of_a_space_not_in_the_file_are_refused()
    {
        var ex = Assert.Throws<StateStoreException>(() => _store.SavePairs(new[] { new PairWrite { Pair = Pair("1", "901", space: "OPS") } }));
        Assert.Equal(StateErrorKind.WriteRejected, ex.Kind);
        Assert.Null(_store.FindPair("OPS", SiteKind.DataCenter, "1"));
    }
}

public sealed class PairBatchTestsOnSqlite() : PairBatchTests(new SqliteTarget());

[Collection(PostgresCollection.Name)]
public sealed class PairBatchTestsOnPostgres(PostgresServer server) : PairBatchTests(new PostgresTarget(server, typeof(PairBatchTestsOnPostgres)));
