using SpaceSync.Core.State;
using Xunit;
using static SpaceSync.Core.Tests.State.StateSamples;

namespace SpaceSync.Core.Tests.State;

public abstract class ConflictTests : IDisposable
{
    private readonly StateTarget _target;
    private readonly ManualClock _clock = new();
    private readonly StateStore _store;

    protected ConflictTests(StateTarget target)
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

    private static ConflictRecord Conflict(long pairId, int dc, int cloud) => new()
    {
        PairId = pairId, DataCenterVersion = dc, CloudVersion = cloud, BaseDataCenterVersion = 3, BaseCloudVersion = 2, Reason = "both edited",
    };

    [Fact]
    public void A_conflict_seen_again_is_the_same_open_conflict_with_fresh_versions()
    {
        var pair = _store.SavePair(Pair("100", "9100"));
        var detectedAt = _clock.UtcNow;
        var first = _store.RecordConflict(Conflict(pair.Id, 4, 3));
        _clock.Advance(TimeSpan.FromHours(1));
        var again = _store.RecordConflict(Conflict(pair.Id, 5, 3));

        Assert.Equal(first.Id, again.Id);
        var open = Assert.Single(_store.ListConflicts("ENG"));
        Assert.Equal((5, 3, 3, 2, detectedAt, "both edited"),
            (open.DataCenterVersion, open.CloudVersion, open.BaseDataCenterVersion, open.BaseCloudVersion, open.DetectedAt, open.Reason));
        Assert.Equal(open, _store.GetOpenConflict(pair.Id));
    }

    [Fact]
    public void A_resolved_conflict_stays_listed_as_resolved_and_a_new_one_can_open()
    {
        var pair = _store.SavePair(Pair("100", "9100"));
        var first = _store.RecordConflict(Conflict(pair.Id, 4, 3));
        _clock.Advance(TimeSpan.FromMinutes(1));
        _store.ResolveConflict(first.Id, "manual: Cloud text kept");

        Assert.Equal(StateErrorKind.NotFound, Assert.Throws<StateStoreException>(() => _store.ResolveConflict(first.Id, "again")).Kind);
        Assert.Empty(_store.ListConflicts("ENG"));
        var second = _store.RecordConflict(Conflict(pair.Id, 6, 5));
        Assert.NotEqual(first.Id, second.Id);

        var all = _store.ListConflicts("ENG", includeResolved: true);
        Assert.Equal(new[] { first.Id, second.Id }, all.Select(c => c.Id));
        Assert.Equal((_clock.UtcNow, "manual: Cloud text kept"), (all[0].ResolvedAt, all[0].Resolution));
        Assert.Null(all[1].ResolvedAt);
    }

    [Fact]
    public void A_conflict_must_name_an_existing_pair()
    {
        Assert.Equal(StateErrorKind.WriteRejected, Assert.Throws<StateStoreException>(() => _store.RecordConflict(Conflict(777, 4, 3))).Kind);
    }
}

public sealed class ConflictTestsOnSqlite() : ConflictTests(new SqliteTarget());

[Collection(PostgresCollection.Name)]
public sealed class ConflictTestsOnPostgres(PostgresServer server) : ConflictTests(new PostgresTarget(server, typeof(ConflictTestsOnPostgres)));
