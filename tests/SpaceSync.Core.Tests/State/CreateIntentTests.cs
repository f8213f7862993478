using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using Xunit;
using static SpaceSync.Core.Tests.State.StateSamples;

namespace SpaceSync.Core.Tests.State;

public abstract class CreateIntentTests : IDisposable
{
    protected readonly StateTarget _target;

    protected CreateIntentTests(StateTarget target) => _target = target;

    public void Dispose() => _target.Dispose();

    protected static CreateIntent NewChildOf(string cloudParent) => new()
    {
        SpaceKey = "ENG",
        SourceSide = SiteKind.DataCenter,
        SourcePageId = "555",
        Title = "Release checklist",
        TargetParentId = cloudParent,
    };

    [Fact]
    public void An_intent_survives_a_crash_before_the_pair_is_written_and_the_next_run_adopts_the_page()
    {
        CreateIntent recorded;
        using (var run1 = _target.Open())
        {
            run1.SaveSpace(new SpaceRecord("ENG", "ENG2"));
            recorded = run1.RecordCreateIntent(NewChildOf("9100"));
            Assert.Equal(SiteKind.Cloud, recorded.TargetSide);
            // The create request went out here; the process died before the pair was written.
        }

        using var run2 = _target.Open();
        Assert.Equal(recorded, Assert.Single(run2.ListCreateIntents("ENG")));
        Assert.Equal(recorded, run2.FindCreateIntent("ENG", SiteKind.DataCenter, "555"));
        // The page found on Cloud under 9100 with this title is recognised as ours...
        Assert.Equal(recorded, Assert.Single(run2.FindCreateIntents("ENG", SiteKind.Cloud, "Release checklist", "9100")));
        Assert.Empty(run2.FindCreateIntents("ENG", SiteKind.Cloud, "Release checklist", "9999"));
        Assert.Empty(run2.FindCreateIntents("ENG", SiteKind.Cloud, "Release checklist", null));
        Assert.Empty(run2.FindCreateIntents("ENG", SiteKind.DataCenter, "Release checklist", "9100"));

        // ...and adopted: pair written, intent completed, in one outcome.
        run2.RecordPageOutcome(new PageOutcome
        {
            Pair = Pair("555", "9177", title: "Release checklist"),
            CompletedIntentId = recorded.Id,
            History = new[] { new HistoryEntry { SpaceKey = "ENG", DataCenterPageId = "555", CloudPageId = "9177", Action = "adopt-cloud" } },
        });
        Assert.Empty(run2.ListCreateIntents("ENG"));
        Assert.Equal("9177", run2.FindPair("ENG", SiteKind.DataCenter, "555")!.CloudPageId);
    }


    [Fact]
    public void A_root_page_intent_is_found_with_a_null_parent()
    {
        using var store = _target.Open();
        store.SaveSpace(new SpaceRecord("ENG", "ENG2"));
        var recorded = store.RecordCreateIntent(NewChildOf("x") with { TargetParentId = null, SourceSide = SiteKind.Cloud });
        Assert.Equal(recorded, Assert.Single(store.FindCreateIntents("ENG", SiteKind.DataCenter, "Release checklist", null)));
        Assert.Empty(store.FindCreateIntents("ENG", SiteKind.DataCenter, "Release checklist", "x"));
    }

    [Fact]
    public void Recording_the_same_source_page_again_refreshes_the_one_intent()
    {
        var clock = new ManualClock();
        using var store = _target.Open(clock);
        store.SaveSpace(new SpaceRecord("ENG", "ENG2"));
        var first = store.RecordCreateIntent(NewChildOf("9100"));
        clock.Advance(TimeSpan.FromHours(1));
        var second = store.RecordCreateIntent(NewChildOf("9200") with { Title = "Renamed meanwhile" });

        Assert.Equal(first.Id, second.Id);
        var only = Assert.Single(store.ListCreateIntents("ENG"));
        Assert.Equal(("Renamed meanwhile", "9200", clock.UtcNow), (only.Title, only.TargetParentId, only.CreatedAt));
        Assert.True(store.RemoveCreateIntent(first.Id));
        Assert.False(store.RemoveCreateIntent(first.Id));
        Assert.Empty(store.ListCreateIntents("ENG"));
    }
}

public sealed class CreateIntentTestsOnSqlite() : CreateIntentTests(new SqliteTarget())
{
    // The WAL file is SQLite's; a PostgreSQL commit's durability is the server's.
    [Fact]
    public void The_files_on_disk_right_after_recording_an_intent_already_hold_it()
    {
        // Copy the database and its WAL while the store is still open and nothing was checkpointed: what a
        // killed process leaves behind. The committed intent must be in those bytes.
        var path = ((SqliteTarget)_target).File();
        using var store = StateStore.Open(path);
        store.SaveSpace(new SpaceRecord("ENG", "ENG2"));
        var recorded = store.RecordCreateIntent(NewChildOf("9100"));
        Assert.True(new FileInfo(path + "-wal").Length > 0);

        var crashed = ((SqliteTarget)_target).File("crashed");
        File.Copy(path, crashed);
        File.Copy(path + "-wal", crashed + "-wal");

        using var next = StateStore.Open(crashed);
        Assert.Equal(recorded, Assert.Single(next.FindCreateIntents("ENG", SiteKind.Cloud, "Release checklist", "9100")));
    }
}

[Collection(PostgresCollection.Name)]
public sealed class CreateIntentTestsOnPostgres(PostgresServer server) : CreateIntentTests(new PostgresTarget(server, typeof(CreateIntentTestsOnPostgres)));
