using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using Xunit;
using static SpaceSync.Core.Tests.State.StateSamples;

namespace SpaceSync.Core.Tests.State;

public abstract class PairTests : IDisposable
{
    private readonly StateTarget _target;
    private readonly ManualClock _clock = new();
    private readonly StateStore _store;

    protected PairTests(StateTarget target)
    {
        _target = target;
        _store = _target.Open(_clock);
        _store.SaveSpace(new SpaceRecord("ENG", "ENG2"));
    }

    public void Dispose()
    {
        _store.Dispose();
        _target.Dispose();
    }

    [Fact]
    public void The_pair_generation_counts_pairs_added_and_given_other_page_ids_not_new_versions()
    {
        // Links cross by the pair table: a hash recorded for an unsettled page is taken only under the same generation.
        var start = _store.PairGeneration();
        var saved = _store.SavePair(Pair("100", "9100"));
        Assert.Equal(start + 1, _store.PairGeneration());
        _store.SavePair(saved with { DataCenterVersion = 7, CloudVersion = 5, Title = "Renamed", BaseHash = "h2" });
        Assert.Equal(start + 1, _store.PairGeneration());
        _store.SavePair(saved with { CloudPageId = "9200" }); // created again on Cloud after a purge
        Assert.Equal(start + 2, _store.PairGeneration());
    }

    [Fact]
    public void A_run_lists_the_pairs_lean_and_writing_one_back_keeps_its_base_body()
    {
        var parent = _store.SavePair(Pair("100", "9100", title: "Parent") with { BaseBody = "<p>parent</p>" });
        var child = _store.SavePair(Pair("101", "9101", parent.Id, title: "Child") with { Status = PairStatus.TrashedOnCloud, BaseBody = "<p>child</p>" });
        _store.SaveSpace(new SpaceRecord("OPS", "OPS2"));
        _store.SavePair(Pair("200", "9200", space: "OPS"));

        var lean = _store.ListPairsForRun("ENG");

        // The rows ListPairs gives, less the update time (a run never reads it), base bodies left in the file.
        Assert.Equal(_store.ListPairs("ENG").Select(p => p with { UpdatedAt = default }), lean);
        Assert.All(lean, p => Assert.Null(p.BaseBody));
        Assert.Equal(new[] { PairStatus.Active, PairStatus.TrashedOnCloud }, lean.Select(p => p.Status));
        Assert.Equal(parent.Id, lean[1].ParentPairId);
        // A run writes back the record it loaded: the stored base body stays.
        _store.SavePair(lean[1] with { DataCenterVersion = 2 });
        Assert.Equal("<p>child</p>", _store.GetBaseBody(child.Id));
    }

    [Fact]
    public void A_saved_pair_reads_back_whole_by_id_and_by_either_page_id()
    {
        var saved = _store.SavePair(Pair("100", "9100", title: "Runbooks") with { Status = PairStatus.TrashedOnDataCenter });

        Assert.NotEqual(0, saved.Id);
        Assert.Equal(_clock.UtcNow, saved.UpdatedAt);
        Assert.Equal(saved, _store.GetPair(saved.Id));
        Assert.Equal(saved, _store.FindPair("ENG", SiteKind.DataCenter, "100"));
        Assert.Equal(saved, _store.FindPair("ENG", SiteKind.Cloud, "9100"));
        // Ids are per side: a Cloud id is not looked up among Data Center ids.
        Assert.Null(_store.FindPair("ENG", SiteKind.DataCenter, "9100"));
        Assert.Null(_store.FindPair("OPS", SiteKind.Cloud, "9100"));
    }

    [Fact]
    public void Saving_by_id_updates_and_saving_an_already_paired_Data_Center_page_updates_that_pair()
    {
        var saved = _store.SavePair(Pair("100", "9100"));
        _clock.Advance(TimeSpan.FromMinutes(5));

        var edited = _store.SavePair(saved with { DataCenterVersion = 4, CloudVersion = 3, Title = "Renamed", BaseHash = "h2", BaseBody = "<p>new</p>" });
        Assert.Equal(saved.Id, edited.Id);
        Assert.Equal(_clock.UtcNow, edited.UpdatedAt);
        Assert.Equal(edited, _store.GetPair(saved.Id));

        var again = _store.SavePair(Pair("100", "9100") with { CloudVersion = 7 });
        Assert.Equal(saved.Id, again.Id);
        Assert.Equal(7, Assert.Single(_store.ListPairs("ENG")).CloudVersion);
    }

    [Fact]
    public void Listing_pairs_leaves_their_base_bodies_in_the_file_and_saving_a_listed_pair_keeps_its_body()
    {
        var saved = _store.SavePair(Pair("100", "9100") with { BaseBody = "<p>the agreed text</p>" });

        var listed = Assert.Single(_store.ListPairs("ENG"));
        Assert.Null(listed.BaseBody);
        Assert.Equal("<p>the agreed text</p>", _store.GetBaseBody(listed.Id));
        Assert.Equal("<p>the agreed text</p>", _store.GetPair(saved.Id)!.BaseBody);

        // A listed pair written back (new versions, no new body) keeps the stored body; a new body replaces it.
        _store.SavePair(listed with { DataCenterVersion = 2 });
        Assert.Equal("<p>the agreed text</p>", _store.GetBaseBody(saved.Id));
        Assert.Equal(2, _store.GetPair(saved.Id)!.DataCenterVersion);
        _store.SavePair(listed with { BaseBody = "<p>next</p>" });
        Assert.Equal("<p>next</p>", _store.GetBaseBody(saved.Id));
        Assert.Null(_store.GetBaseBody(saved.Id + 1000));

        // A new pair must bring its body: there is nothing stored to keep.
        Assert.Throws<ArgumentException>(() => _store.SavePair(Pair("200", "9200") with { BaseBody = null }));
    }

    [Fact]
    public void A_Cloud_page_cannot_be_paired_twice_in_a_space()
    {
        _store.SavePair(Pair("100", "9100"));
        var ex = Assert.Throws<StateStoreException>(() => _store.SavePair(Pair("200", "9100")));
        Assert.Equal(StateErrorKind.WriteRejected, ex.Kind);
        Assert.Contains("UNIQUE", ex.Message);
        Assert.Single(_store.ListPairs("ENG"));
    }

    [Fact]
    public void Updating_a_pair_that_does_not_exist_is_an_error()
    {
        var ex = Assert.Throws<StateStoreException>(() => _store.SavePair(Pair("100", "9100") with { Id = 99 }));
        Assert.Equal(StateErrorKind.NotFound, ex.Kind);
    }

    [Fact]
    public void The_parent_must_be_an_existing_pair_and_a_parent_with_children_cannot_be_removed()
    {
        var parent = _store.SavePair(Pair("1", "901", title: "Home"));
        var child = _store.SavePair(Pair("2", "902", parent: parent.Id, title: "Child"));
        Assert.Equal(parent.Id, _store.FindPair("ENG", SiteKind.Cloud, "902")!.ParentPairId);

        var orphan = Assert.Throws<StateStoreException>(() => _store.SavePair(Pair("3", "903", parent: 12345)));
        Assert.Equal(StateErrorKind.WriteRejected, orphan.Kind);

        var removal = Assert.Throws<StateStoreException>(() => _store.RecordPageOutcome(new PageOutcome { RemovedPairId = parent.Id }));
        Assert.Equal(StateErrorKind.WriteRejected, removal.Kind);
        Assert.NotNull(_store.GetPair(parent.Id));
        Assert.Equal(2, _store.ListPairs("ENG").Count);
        Assert.Equal(child, _store.GetPair(child.Id));
    }

    [Fact]
    public void Removing_a_space_removes_its_pairs_intents_and_conflicts_but_keeps_runs_and_history()
    {
        _store.SaveSpace(new SpaceRecord("OPS", "OPS"));
        var parent = _store.SavePair(Pair("1", "901"));
        var child = _store.SavePair(Pair("2", "902", parent: parent.Id));
        _store.RecordConflict(new ConflictRecord { PairId = child.Id, DataCenterVersion = 4, CloudVersion = 3, BaseDataCenterVersion = 3, BaseCloudVersion = 2, Reason = "both edited" });
        _store.RecordCreateIntent(new CreateIntent { SpaceKey = "ENG", SourceSide = SiteKind.DataCenter, SourcePageId = "5", Title = "New" });
        var run = _store.StartRun("ENG", RunKind.Sync);
        _store.AddHistory(new HistoryEntry { RunId = run.Id, SpaceKey = "ENG", Action = "update-cloud" });
        var other = _store.SavePair(Pair("1", "901", space: "OPS"));

        Assert.True(_store.RemoveSpace("ENG"));

        Assert.Null(_store.GetSpace("ENG"));
        Assert.Empty(_store.ListPairs("ENG"));
        Assert.Empty(_store.ListCreateIntents("ENG"));
        Assert.Null(_store.GetOpenConflict(child.Id));
        Assert.Single(_store.ListRuns("ENG"));
        Assert.Single(_store.ListHistory("ENG"));
        Assert.Equal(other, _store.GetPair(other.Id));
        Assert.False(_store.RemoveSpace("ENG"));
    }

    [Fact]
    public void A_space_row_reads_back_with_its_marks()
    {
        var space = new SpaceRecord("ENG", "ENG2")
        {
            BaselineAt = _clock.UtcNow,
            DataCenterChangesSince = _clock.UtcNow.AddMinutes(-3),
            CloudChangesSince = new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.FromHours(1)),
        };
        _store.SaveSpace(space);
        var read = _store.GetSpace("ENG")!;
        Assert.Equal(space, read);
        Assert.Equal(TimeSpan.Zero, read.CloudChangesSince!.Value.Offset);
        Assert.Equal(new[] { "ENG" }, _store.ListSpaces().Select(s => s.SpaceKey));
    }
}

public sealed class PairTestsOnSqlite() : PairTests(new SqliteTarget());

[Collection(PostgresCollection.Name)]
public sealed class PairTestsOnPostgres(PostgresServer server) : PairTests(new PostgresTarget(server, typeof(PairTestsOnPostgres)));
