using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using Xunit;
using static SpaceSync.Core.Tests.State.StateSamples;

namespace SpaceSync.Core.Tests.State;

public abstract class CommentPairTests : IDisposable
{
    private readonly StateTarget _target;
    private readonly ManualClock _clock = new();
    private readonly StateStore _store;
    private readonly PairRecord _page;

    protected CommentPairTests(StateTarget target)
    {
        _target = target;
        _store = _target.Open(_clock);
        _store.SaveSpace(new SpaceRecord("ENG", "ENG"));
        _page = _store.SavePair(Pair("100", "9100"));
    }

    public void Dispose()
    {
        _store.Dispose();
        _target.Dispose();
    }

    private CommentPairRecord Sample(string dcId = "501", string cloudId = "7001") => new()
    {
        SpaceKey = "ENG",
        PairId = _page.Id,
        DataCenterCommentId = dcId,
        CloudCommentId = cloudId,
        OriginSide = SiteKind.Cloud,
        DataCenterVersion = 1,
        CloudVersion = 3,
        BaseHash = "hash-a",
    };

    [Fact]
    public void Saves_lists_updates_and_removes_comment_pairs()
    {
        var saved = _store.SaveCommentPair(Sample());
        Assert.NotEqual(0, saved.Id);
        Assert.Equal(_clock.GetUtcNow(), saved.UpdatedAt);
        var other = _store.SaveCommentPair(Sample("502", "7002"));
        Assert.Equal(new[] { saved, other }, _store.ListCommentPairs("ENG"));
        Assert.Equal(SiteKind.Cloud, _store.ListCommentPairs("ENG")[0].OriginSide);

        var updated = _store.SaveCommentPair(saved with { DataCenterVersion = 2, BaseHash = "hash-b" });
        Assert.Equal(saved.Id, updated.Id);
        Assert.Equal(2, _store.ListCommentPairs("ENG").Single(c => c.Id == saved.Id).DataCenterVersion);

        // Saving the same Data Center comment as new updates its row rather than failing.
        var again = _store.SaveCommentPair(Sample() with { CloudVersion = 4 });
        Assert.Equal(saved.Id, again.Id);

        Assert.True(_store.RemoveCommentPair(saved.Id));
        Assert.False(_store.RemoveCommentPair(saved.Id));
        Assert.Equal(new[] { other.Id }, _store.ListCommentPairs("ENG").Select(c => c.Id));
        Assert.Throws<StateStoreException>(() => _store.SaveCommentPair(Sample("503", "7003") with { Id = 999 }));
    }

    [Fact]
    public void An_intent_is_kept_until_its_pair_is_saved_with_it()
    {
        var intent = _store.RecordCommentIntent(new CommentIntent
        {
            SpaceKey = "ENG", PairId = _page.Id, SourceSide = SiteKind.DataCenter, SourceCommentId = "501", TargetPageId = "9100", BodyHash = "h1",
        });
        Assert.NotEqual(0, intent.Id);
        // A retry refreshes the same intent.
        var retry = _store.RecordCommentIntent(intent with { Id = 0, BodyHash = "h2" });
        Assert.Equal(intent.Id, retry.Id);
        Assert.Equal("h2", Assert.Single(_store.ListCommentIntents("ENG")).BodyHash);

        _store.SaveCommentPair(Sample(), completedIntentId: intent.Id);
        Assert.Empty(_store.ListCommentIntents("ENG"));
        Assert.Single(_store.ListCommentPairs("ENG"));
    }

    [Fact]
    public void Invalid_records_are_refused_before_anything_is_written()
    {
        Assert.Throws<ArgumentException>(() => _store.SaveCommentPair(Sample() with { DataCenterVersion = 0 }));
        Assert.Throws<ArgumentException>(() => _store.SaveCommentPair(Sample() with { CloudCommentId = "" }));
        Assert.Throws<StateStoreException>(() => _store.SaveCommentPair(Sample() with { PairId = 424242 }));
        Assert.Empty(_store.ListCommentPairs("ENG"));
    }
}

public sealed class CommentPairTestsOnSqlite() : CommentPairTests(new SqliteTarget());

[Collection(PostgresCollection.Name)]
public sealed class CommentPairTestsOnPostgres(PostgresServer server) : CommentPairTests(new PostgresTarget(server, typeof(CommentPairTestsOnPostgres)));
