using SpaceSync.Core.State;
using Xunit;

namespace SpaceSync.Core.Tests.State;

public abstract class RunHistoryTests : IDisposable
{
    private readonly StateTarget _target;
    private readonly ManualClock _clock = new();
    private readonly StateStore _store;

    protected RunHistoryTests(StateTarget target)
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
    public void A_finished_run_keeps_outcome_counts_requests_and_stamps_the_space()
    {
        var started = _clock.UtcNow;
        var run = _store.StartRun("ENG", RunKind.Sync);
        Assert.Null(_store.GetRun(run.Id)!.Outcome);
        _clock.Advance(TimeSpan.FromSeconds(42));

        var marks = new ChangeMarks(started.AddMinutes(-1), null);
        _store.FinishRun(run.Id, RunOutcome.Succeeded, new Dictionary<string, int> { ["updated"] = 3, ["created"] = 1 }, 17, marks);

        var read = _store.GetRun(run.Id)!;
        Assert.Equal((RunKind.Sync, started, _clock.UtcNow, RunOutcome.Succeeded, 17), (read.Kind, read.StartedAt, read.FinishedAt, read.Outcome, read.Requests));
        Assert.Equal(new Dictionary<string, int> { ["created"] = 1, ["updated"] = 3 }, read.Counts);
        var space = _store.GetSpace("ENG")!;
        Assert.Equal((run.Id, _clock.UtcNow), (space.LastRunId, space.LastRunAt));
        Assert.Equal(started.AddMinutes(-1), space.DataCenterChangesSince);
        Assert.Null(space.CloudChangesSince);

        // A run is finished once.
        Assert.Throws<InvalidOperationException>(() => _store.FinishRun(run.Id, RunOutcome.Failed, new Dictionary<string, int>(), 0));
        Assert.Equal(StateErrorKind.NotFound,
            Assert.Throws<StateStoreException>(() => _store.FinishRun(999, RunOutcome.Failed, new Dictionary<string, int>(), 0)).Kind);
    }

    [Fact]
    public void A_run_without_marks_leaves_the_previous_marks()
    {
        var first = _store.StartRun("ENG", RunKind.Baseline);
        _store.FinishRun(first.Id, RunOutcome.Succeeded, new Dictionary<string, int>(), 5, new ChangeMarks(_clock.UtcNow, _clock.UtcNow));
        var marked = _store.GetSpace("ENG")!;
        _clock.Advance(TimeSpan.FromHours(1));

        var failed = _store.StartRun("ENG", RunKind.Sync);
        _store.FinishRun(failed.Id, RunOutcome.Failed, new Dictionary<string, int>(), 2);
        var after = _store.GetSpace("ENG")!;
        Assert.Equal((marked.DataCenterChangesSince, marked.CloudChangesSince), (after.DataCenterChangesSince, after.CloudChangesSince));
        Assert.Equal(failed.Id, after.LastRunId);
    }

    [Fact]
    public void Runs_and_history_list_oldest_first_per_space_and_run_with_the_newest_N()
    {
        _store.SaveSpace(new SpaceRecord("OPS", "OPS"));
        var runs = new List<RunRecord>();
        for (var i = 0; i < 4; i++)
        {
            var run = _store.StartRun("ENG", RunKind.Sync);
            runs.Add(run);
            _store.StartRun("OPS", RunKind.Sync);
            for (var j = 0; j < 3; j++)
            {
                _store.AddHistory(new HistoryEntry
                {
                    RunId = run.Id, SpaceKey = "ENG", DataCenterPageId = $"{i}{j}", CloudPageId = $"9{i}{j}", Title = "T",
                    Action = $"a{i}.{j}", DataCenterVersionBefore = 1, DataCenterVersionAfter = 2, CloudVersionBefore = 3, CloudVersionAfter = 4,
                    Message = "m",
                });
                _store.AddHistory(new HistoryEntry { RunId = run.Id, SpaceKey = "OPS", Action = "other" });
                _clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        Assert.Equal(runs.Select(r => r.Id), _store.ListRuns("ENG").Select(r => r.Id));
        Assert.Equal(runs.Skip(2).Select(r => r.Id), _store.ListRuns("ENG", newest: 2).Select(r => r.Id));

        var all = _store.ListHistory("ENG");
        Assert.Equal(12, all.Count);
        Assert.Equal(Enumerable.Range(0, 4).SelectMany(i => Enumerable.Range(0, 3).Select(j => $"a{i}.{j}")), all.Select(h => h.Action));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.At < p.Second.At));
        Assert.Equal(new[] { "a3.1", "a3.2" }, _store.ListHistory("ENG", newest: 2).Select(h => h.Action));
        Assert.Equal(new[] { "a1.0", "a1.1", "a1.2" }, _store.ListHistory("ENG", runs[1].Id).Select(h => h.Action));

        var one = all[4];
        Assert.Equal((runs[1].Id, "11", "911", "T", 1, 2, 3, 4, "m"),
            (one.RunId, one.DataCenterPageId, one.CloudPageId, one.Title, one.DataCenterVersionBefore, one.DataCenterVersionAfter,
             one.CloudVersionBefore, one.CloudVersionAfter, one.Message));
    }
}

public sealed class RunHistoryTestsOnSqlite() : RunHistoryTests(new SqliteTarget());

[Collection(PostgresCollection.Name)]
public sealed class RunHistoryTestsOnPostgres(PostgresServer server) : RunHistoryTests(new PostgresTarget(server, typeof(RunHistoryTestsOnPostgres)));
