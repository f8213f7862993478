using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using Xunit;
using static SpaceSync.Core.Tests.State.StateSamples;

namespace SpaceSync.Core.Tests.State;

public abstract class PageOutcomeTests : IDisposable
{
    private readonly StateTarget _target;
    private readonly StateStore _store;
    private readonly RunRecord _run;

    protected PageOutcomeTests(StateTarget target)
    {
        _target = target;
        _store = _target.Open();
        _store.SaveSpace(new SpaceRecord("ENG", "ENG2"));
        _run = _store.StartRun("ENG", RunKind.Sync);
    }

    public void Dispose()
    {
        _store.Dispose();
        _target.Dispose();
    }

    private HistoryEntry Entry(string action, long? runId = null) =>
        new() { RunId = runId ?? _run.Id, SpaceKey = "ENG", DataCenterPageId = "555", Action = action };

    [Fact]
    public void An_outcome_writes_pair_intent_completion_conflict_and_history_together()
    {
        var intent = _store.RecordCreateIntent(new CreateIntent { SpaceKey = "ENG", SourceSide = SiteKind.DataCenter, SourcePageId = "555", Title = "New" });

        var pair = _store.RecordPageOutcome(new PageOutcome
        {
            Pair = Pair("555", "9555", title: "New"),
            CompletedIntentId = intent.Id,
            Conflict = new ConflictRecord { DataCenterVersion = 5, CloudVersion = 4, BaseDataCenterVersion = 3, BaseCloudVersion = 2, Reason = "edited on both sides" },
            History = new[] { Entry("create-cloud"), Entry("conflict") },
        })!;

        Assert.Equal(pair, _store.GetPair(pair.Id));
        Assert.Empty(_store.ListCreateIntents("ENG"));
        Assert.Equal(pair.Id, _store.GetOpenConflict(pair.Id)!.PairId);
        Assert.Equal(new[] { "create-cloud", "conflict" }, _store.ListHistory("ENG").Select(h => h.Action));
    }

    [Fact]
    public void A_failure_in_the_middle_of_an_outcome_leaves_nothing_of_it()
    {
        var existing = _store.SavePair(Pair("100", "9100"));
        var intent = _store.RecordCreateIntent(new CreateIntent { SpaceKey = "ENG", SourceSide = SiteKind.DataCenter, SourcePageId = "555", Title = "New" });

        // Removal, pair insert and intent completion succeed; the second history row names a run that does not exist.
        var ex = Assert.Throws<StateStoreException>(() => _store.RecordPageOutcome(new PageOutcome
        {
            RemovedPairId = existing.Id,
            Pair = Pair("555", "9555"),
            CompletedIntentId = intent.Id,
            History = new[] { Entry("create-cloud"), Entry("trash-cloud", runId: 999) },
        }));
        Assert.Equal(StateErrorKind.WriteRejected, ex.Kind);
        Assert.Contains("Nothing of it was written", ex.Message);

        Assert.Equal(existing, _store.GetPair(existing.Id));
        Assert.Null(_store.FindPair("ENG", SiteKind.DataCenter, "555"));
        Assert.Equal(intent, Assert.Single(_store.ListCreateIntents("ENG")));
        Assert.Empty(_store.ListHistory("ENG"));

        // The store is still usable: the failed transaction was rolled back, not left open.
        _store.RecordPageOutcome(new PageOutcome { Pair = Pair("555", "9555"), CompletedIntentId = intent.Id, History = new[] { Entry("create-cloud") } });
        Assert.Equal(2, _store.ListPairs("ENG").Count);
    }

    [Fact]
    public void An_outcome_completing_an_intent_that_is_gone_writes_nothing()
    {
        var ex = Assert.Throws<StateStoreException>(() => _store.RecordPageOutcome(new PageOutcome
        {
            Pair = Pair("555", "9555"),
            CompletedIntentId = 4242,
            History = new[] { Entry("create-cloud") },
        }));
        Assert.Equal(StateErrorKind.NotFound, ex.Kind);
        Assert.Empty(_store.ListPairs("ENG"));
        Assert.Empty(_store.ListHistory("ENG"));
    }

    [Fact]
    public void An_outcome_can_resolve_the_pairs_open_conflict()
    {
        var pair = _store.SavePair(Pair("100", "9100"));
        var conflict = _store.RecordConflict(new ConflictRecord { PairId = pair.Id, DataCenterVersion = 4, CloudVersion = 3, BaseDataCenterVersion = 3, BaseCloudVersion = 2, Reason = "both edited" });

        _store.RecordPageOutcome(new PageOutcome
        {
            Pair = pair with { DataCenterVersion = 5, CloudVersion = 4 },
            ResolvedConflict = new ConflictResolution(conflict.Id, "prefer-cloud; Data Center v4 kept in its history"),
            History = new[] { Entry("update-datacenter") },
        });

        Assert.Null(_store.GetOpenConflict(pair.Id));
        var resolved = Assert.Single(_store.ListConflicts("ENG", includeResolved: true));
        Assert.StartsWith("prefer-cloud", resolved.Resolution);
        Assert.NotNull(resolved.ResolvedAt);
        Assert.Empty(_store.ListConflicts("ENG"));
    }
}

public sealed class PageOutcomeTestsOnSqlite() : PageOutcomeTests(new SqliteTarget());

[Collection(PostgresCollection.Name)]
public sealed class PageOutcomeTestsOnPostgres(PostgresServer server) : PageOutcomeTests(new PostgresTarget(server, typeof(PageOutcomeTestsOnPostgres)));
