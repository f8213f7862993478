using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using Xunit;
using static SpaceSync.Core.Tests.State.StateSamples;

namespace SpaceSync.Core.Tests.State;

public sealed class ArchiveTests : IDisposable
{
    private readonly TempStateFolder _temp = new();
    private readonly ManualClock _clock = new();
    private readonly StateStore _store;

    public ArchiveTests()
    {
        _store = StateStore.Open(_temp.File(), _clock);
    }

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }

    private string ArchiveFolder => Path.Combine(_temp.Folder, "archive");

    /// <summary>A space with everything the state can hold for it: a finished run, pairs (one whose parent was stored after it), conflicts, an intent, history.</summary>
    private (RunRecord Run, PairRecord Child, PairRecord Parent) Populate(string key)
    {
        var run = _store.StartRun(key, RunKind.Baseline);
        _store.SaveSpace(new SpaceRecord(key, key + "2") { BaselineAt = _clock.UtcNow });
        var child = _store.SavePair(Pair("100", "9100", space: key, title: "Child"));
        var parent = _store.SavePair(Pair("200", "9200", space: key, title: "Parent"));
        child = _store.SavePair(child with { ParentPairId = parent.Id });   // a parent with the larger id
        var open = _store.RecordConflict(new ConflictRecord { PairId = child.Id, DataCenterVersion = 4, CloudVersion = 3, BaseDataCenterVersion = 3, BaseCloudVersion = 2, Reason = "both edited" });
        var closed = _store.RecordConflict(new ConflictRecord { PairId = parent.Id, DataCenterVersion = 4, CloudVersion = 3, BaseDataCenterVersion = 3, BaseCloudVersion = 2, Reason = "both edited" });
        _store.ResolveConflict(closed.Id, "kept Data Center");
        _store.RecordCreateIntent(new CreateIntent { SpaceKey = key, SourceSide = SiteKind.DataCenter, SourcePageId = "300", Title = "New page", RunId = run.Id });
        _store.AddHistory(new HistoryEntry { RunId = run.Id, SpaceKey = key, DataCenterPageId = "100", CloudPageId = "9100", Title = "Child", Action = "pair" });
        _store.FinishRun(run.Id, RunOutcome.Succeeded, new Dictionary<string, int> { ["Pairs"] = 2 }, requests: 12);
        Assert.NotNull(open);
        return (run, child, parent);
    }

    [Fact]
    public void The_archive_keeps_the_spaces_attachment_pairs_and_unsettled_pages_too()
    {
        var (_, child, _) = Populate("ENG");
        _store.SaveAttachmentPair(new AttachmentPairRecord
        {
            SpaceKey = "ENG", PairId = child.Id, DataCenterAttachmentId = "att1", CloudAttachmentId = "att9",
            FileName = "diagram.png", DataCenterVersion = 2, CloudVersion = 1, Size = 1234, Sha256 = new string('a', 64),
        });
        var run = _store.StartRun("ENG", RunKind.Sync);
        _store.FinishRun(run.Id, RunOutcome.Succeeded, new Dictionary<string, int>(), 4,
            new ChangeMarks(_clock.UtcNow, _clock.UtcNow) { Unsettled = new[] { new UnsettledPage(SiteKind.Cloud, "9100") } });

        var archive = _store.ArchiveSpace("ENG")!;

        Assert.Equal(1, archive.AttachmentPairs);
        Assert.Empty(_store.ListAttachmentPairs("ENG"));
        Assert.Empty(_store.GetReadMarks("ENG").Unsettled);
        using var read = StateStore.Open(archive.Path);
        Assert.Equal("diagram.png", Assert.Single(read.ListAttachmentPairs("ENG")).FileName);
        Assert.Equal(new UnsettledPage(SiteKind.Cloud, "9100"), Assert.Single(read.GetReadMarks("ENG").Unsettled));
    }

    [Fact]
    public void Moves_every_row_of_the_space_into_an_archive_that_reads_as_a_state_file()
    {
        var (run, child, parent) = Populate("ENG");
        Populate("OPS");
        var liveConflicts = _store.ListConflicts("ENG", includeResolved: true);

        var archive = _store.ArchiveSpace("ENG");

        Assert.NotNull(archive);
        Assert.Equal(Path.Combine(ArchiveFolder, "ENG-20261125T120000Z.db"), archive.Path);
        Assert.Equal((2, 2, 1, 1, 1), (archive.Pairs, archive.Conflicts, archive.CreateIntents, archive.Runs, archive.History));

        // The live state no longer holds the space; its runs and history stay there as the audit trail; OPS is untouched.
        Assert.Null(_store.GetSpace("ENG"));
        Assert.Empty(_store.ListPairs("ENG"));
        Assert.Empty(_store.ListConflicts("ENG", includeResolved: true));
        Assert.Empty(_store.ListCreateIntents("ENG"));
        Assert.Null(_store.GetLock("ENG"));
        Assert.Single(_store.ListRuns("ENG"));
        Assert.Single(_store.ListHistory("ENG"));
        Assert.Equal(2, _store.ListPairs("OPS").Count);
        Assert.Equal(2, _store.ListConflicts("OPS", includeResolved: true).Count);

        // Ids and references are kept, so the archive reads exactly as the space was.
        using var read = StateStore.Open(archive.Path);
        var space = read.GetSpace("ENG");
        Assert.NotNull(space);
        Assert.Equal("ENG2", space.CloudKey);
        Assert.Equal(run.Id, space.LastRunId);
        var pairs = read.ListPairs("ENG");
        Assert.Equal(new[] { child.Id, parent.Id }, pairs.Select(p => p.Id));
        Assert.Equal(parent.Id, pairs[0].ParentPairId);
        Assert.Equal(child.BaseBody, read.GetBaseBody(pairs[0].Id));
        Assert.Equal(liveConflicts, read.ListConflicts("ENG", includeResolved: true));
        Assert.Equal("New page", Assert.Single(read.ListCreateIntents("ENG")).Title);
        Assert.Equal(RunOutcome.Succeeded, Assert.Single(read.ListRuns("ENG")).Outcome);
        Assert.Equal("pair", Assert.Single(read.ListHistory("ENG")).Action);
        Assert.Empty(read.ListPairs("OPS"));
    }

    [Fact]
    public void The_archive_is_one_self_contained_file()
    {
        Populate("ENG");
        var archive = _store.ArchiveSpace("ENG")!;

        Assert.Equal(new[] { archive.Path }, Directory.GetFiles(ArchiveFolder));
        using var raw = Raw(archive.Path);
        Assert.Equal("delete", Scalar(raw, "PRAGMA journal_mode"));
        Assert.Equal(StateStore.CurrentSchemaVersion, Convert.ToInt32(Scalar(raw, "PRAGMA user_version")));
    }

    [Fact]
    public void A_space_the_state_does_not_hold_archives_nothing()
    {
        Populate("OPS");
        Assert.Null(_store.ArchiveSpace("ENG"));
        Assert.False(Directory.Exists(ArchiveFolder));
        Assert.Equal(2, _store.ListPairs("OPS").Count);
    }

    [Fact]
    public void Refuses_while_a_run_holds_the_space_and_changes_nothing()
    {
        Populate("ENG");
        Assert.True(_store.TryAcquireLock("ENG", "run-1", TimeSpan.FromHours(1)).Acquired);

        var e = Assert.Throws<StateStoreException>(() => _store.ArchiveSpace("ENG"));

        Assert.Equal(StateErrorKind.LockHeldByOther, e.Kind);
        Assert.Contains("run-1", e.Message);
        Assert.Equal(2, _store.ListPairs("ENG").Count);
        Assert.Equal("run-1", _store.GetLock("ENG")!.OwnerId);
        Assert.True(!Directory.Exists(ArchiveFolder) || Directory.GetFiles(ArchiveFolder).Length == 0);
    }

    [Fact]
    public void Takes_over_the_lock_of_a_run_that_died()
    {
        Populate("ENG");
        Assert.True(_store.TryAcquireLock("ENG", "dead-run", TimeSpan.FromMinutes(5)).Acquired);
        _clock.Advance(TimeSpan.FromMinutes(6));

        var archive = _store.ArchiveSpace("ENG");

        Assert.NotNull(archive);
        Assert.Null(_store.GetSpace("ENG"));
        Assert.Null(_store.GetLock("ENG"));
    }

    [Fact]
    public void A_failed_copy_leaves_the_live_state_and_no_archive()
    {
        Populate("ENG");
        // A damaged row the archive's schema refuses (a pair pointing at a parent that does not exist): the copy fails at commit.
        using (var raw = Raw(_temp.File()))
        {
            Execute(raw, "PRAGMA foreign_keys = OFF");
            Execute(raw, "UPDATE pairs SET parent_pair_id = 999 WHERE space_key = 'ENG' AND dc_page_id = '200'");
        }

        var e = Assert.Throws<StateStoreException>(() => _store.ArchiveSpace("ENG"));

        Assert.Equal(StateErrorKind.WriteRejected, e.Kind);
        Assert.Equal(2, _store.ListPairs("ENG").Count);
        Assert.NotNull(_store.GetSpace("ENG"));
        Assert.Null(_store.GetLock("ENG"));
        Assert.Empty(Directory.GetFiles(ArchiveFolder));
    }

    [Fact]
    public void Two_retirements_in_the_same_second_get_their_own_files()
    {
        Populate("ENG");
        var first = _store.ArchiveSpace("ENG")!;
        Populate("ENG");   // baselined again, retired again, at the same clock time
        var second = _store.ArchiveSpace("ENG")!;

        Assert.NotEqual(first.Path, second.Path);
        Assert.EndsWith("ENG-20261125T120000Z-2.db", second.Path);
        using var read = StateStore.Open(first.Path);
        Assert.Equal(2, read.ListPairs("ENG").Count);
    }
}
