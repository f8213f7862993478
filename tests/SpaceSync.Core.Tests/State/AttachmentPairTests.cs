using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using Xunit;
using static SpaceSync.Core.Tests.State.StateSamples;

namespace SpaceSync.Core.Tests.State;

public abstract class AttachmentPairTests : IDisposable
{
    private const string HashA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private const string HashB = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

    protected readonly StateTarget _target;
    private readonly ManualClock _clock = new();
    private readonly StateStore _store;
    private readonly PairRecord _page;

    protected AttachmentPairTests(StateTarget target)
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

    protected AttachmentPairRecord Sample(string dcId = "5001", string cloudId = "att7001", string name = "diagram.png") => new()
    {
        SpaceKey = "ENG",
        PairId = _page.Id,
        DataCenterAttachmentId = dcId,
        CloudAttachmentId = cloudId,
        FileName = name,
        DataCenterVersion = 2,
        CloudVersion = 1,
        Size = 52_428_800,
        Sha256 = HashA.ToUpperInvariant(),
    };

    [Fact]
    public void Saves_finds_by_either_side_lists_per_page_pair_and_per_space()
    {
        var saved = _store.SaveAttachmentPair(Sample());
        Assert.NotEqual(0, saved.Id);
        Assert.Equal(HashA, saved.Sha256); // stored lowercase
        Assert.Equal(_clock.GetUtcNow(), saved.UpdatedAt);
        var other = _store.SaveAttachmentPair(Sample("5002", "att7002", "notes.txt"));

        Assert.Equal(saved, _store.GetAttachmentPair(saved.Id));
        Assert.Equal(saved, _store.FindAttachmentPair("ENG", SiteKind.DataCenter, "5001"));
        Assert.Equal(saved, _store.FindAttachmentPair("ENG", SiteKind.Cloud, "att7001"));
        Assert.Null(_store.FindAttachmentPair("ENG", SiteKind.Cloud, "5001"));
        Assert.Null(_store.FindAttachmentPair("OPS", SiteKind.DataCenter, "5001"));
        Assert.Equal(new[] { saved.Id, other.Id }, _store.ListAttachmentPairs(_page.Id).Select(a => a.Id));
        Assert.Equal(2, _store.ListAttachmentPairs("ENG").Count);
        Assert.Equal(52_428_800, _store.GetAttachmentPair(saved.Id)!.Size);
    }

    [Fact]
    public void A_new_version_updates_the_row_by_id_or_by_the_data_center_attachment()
    {
        var saved = _store.SaveAttachmentPair(Sample());
        var byId = _store.SaveAttachmentPair(saved with { DataCenterVersion = 3, CloudVersion = 2, Size = 10, Sha256 = HashB });
        Assert.Equal(saved.Id, byId.Id);
        Assert.Equal((3, 2, 10L, HashB), (byId.DataCenterVersion, byId.CloudVersion, byId.Size, byId.Sha256));

        // Id 0 with a Data Center attachment already paired: that row is updated, not a second one made.
        var again = _store.SaveAttachmentPair(Sample() with { CloudAttachmentId = "att7999", CloudVersion = 1 });
        Assert.Equal(saved.Id, again.Id);
        Assert.Equal("att7999", _store.GetAttachmentPair(saved.Id)!.CloudAttachmentId);
        Assert.Single(_store.ListAttachmentPairs("ENG"));
    }

    [Fact]
    public void Refuses_bad_rows_and_pairing_a_cloud_attachment_twice()
    {
        Assert.Throws<ArgumentException>(() => _store.SaveAttachmentPair(Sample() with { Sha256 = "abc" }));
        Assert.Throws<ArgumentException>(() => _store.SaveAttachmentPair(Sample() with { CloudVersion = 0 }));
        Assert.Throws<ArgumentException>(() => _store.SaveAttachmentPair(Sample() with { FileName = "" }));
        Assert.Throws<ArgumentException>(() => _store.SaveAttachmentPair(Sample() with { Size = -1 }));

        _store.SaveAttachmentPair(Sample());
        var twice = Assert.Throws<StateStoreException>(() => _store.SaveAttachmentPair(Sample("5009", "att7001")));
        Assert.Equal(StateErrorKind.WriteRejected, twice.Kind);
        var noPage = Assert.Throws<StateStoreException>(() => _store.SaveAttachmentPair(Sample("5010", "att7010") with { PairId = 999 }));
        Assert.Equal(StateErrorKind.WriteRejected, noPage.Kind);
        var missing = Assert.Throws<StateStoreException>(() => _store.SaveAttachmentPair(Sample() with { Id = 4242 }));
        Assert.Equal(StateErrorKind.NotFound, missing.Kind);
    }

    [Fact]
    public void Removing_the_row_or_its_page_pair_or_its_space_forgets_it()
    {
        var first = _store.SaveAttachmentPair(Sample());
        Assert.True(_store.RemoveAttachmentPair(first.Id));
        Assert.False(_store.RemoveAttachmentPair(first.Id));

        _store.SaveAttachmentPair(Sample());
        Assert.True(_store.RemoveSpace("ENG"));
        Assert.Empty(_store.ListAttachmentPairs("ENG"));
    }
}

public sealed class AttachmentPairTestsOnSqlite() : AttachmentPairTests(new SqliteTarget())
{
    // PostgreSQL states start at the current schema version: older versions exist only as SQLite files.
    [Fact]
    public void The_attachments_migration_is_a_step_of_its_own_on_top_of_the_earlier_schema()
    {
        var step = StateSchema.Migrations.Single(m => m.Description.StartsWith("attachments:", StringComparison.Ordinal));
        var older = ((SqliteTarget)_target).File("older");
        StateStore.Open(older, null, StateSchema.Migrations.Where(m => m.Version < step.Version).ToList()).Dispose();
        using (var raw = Raw(older))
            Assert.Equal(0L, Scalar(raw, "SELECT count(*) FROM sqlite_master WHERE name = 'attachment_pairs'"));
        using (var migrated = StateStore.Open(older))
        {
            migrated.SaveSpace(new SpaceRecord("ENG", "ENG"));
            var page = migrated.SavePair(Pair("1", "2"));
            Assert.NotEqual(0, migrated.SaveAttachmentPair(Sample() with { PairId = page.Id }).Id);
        }
    }
}

[Collection(PostgresCollection.Name)]
public sealed class AttachmentPairTestsOnPostgres(PostgresServer server) : AttachmentPairTests(new PostgresTarget(server, typeof(AttachmentPairTestsOnPostgres)));
