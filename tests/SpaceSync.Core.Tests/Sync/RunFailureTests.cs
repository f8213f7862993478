using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

public sealed class RunFailureTests
{
    private static SpaceRunSummary Clean(string key) => new() { SpaceKey = key };

    private const RunFailureCondition Both = RunFailureCondition.Conflict | RunFailureCondition.Error;

    [Fact]
    public void Without_conditions_nothing_fails_whatever_the_runs_left()
    {
        var bad = new SpaceRunSummary { SpaceKey = "ENG", OpenConflicts = 3, FailedActions = 2, RefusalCode = "DeleteGuard", RunErrorId = "SpaceLocked" };
        Assert.Null(RunFailure.Evaluate(RunFailureCondition.None, new[] { bad }));
    }

    [Fact]
    public void Clean_runs_never_fail()
    {
        Assert.Null(RunFailure.Evaluate(Both, new[] { Clean("ENG"), Clean("OPS") }));
        Assert.Null(RunFailure.Evaluate(Both, Array.Empty<SpaceRunSummary>()));
    }

    [Fact]
    public void Open_conflicts_fail_only_when_conflicts_are_asked_for()
    {
        var runs = new[] { Clean("ENG"), new SpaceRunSummary { SpaceKey = "OPS", OpenConflicts = 2 } };

        Assert.Null(RunFailure.Evaluate(RunFailureCondition.Error, runs));
        var failure = RunFailure.Evaluate(RunFailureCondition.Conflict, runs);

        Assert.NotNull(failure);
        Assert.Equal(RunFailure.ConflictsOpenId, failure!.ErrorId);
        Assert.Equal(RunFailureCondition.Conflict, failure.Conditions);
        Assert.Equal(new[] { "OPS" }, failure.SpaceKeys);
        Assert.StartsWith("SpaceSync.ConflictsOpen: ", failure.Message);
        Assert.Contains("OPS: 2 open conflicts", failure.Message);
        Assert.DoesNotContain("ENG", failure.Message);
    }

    [Theory]
    [InlineData(1, null, null, "1 failed action")]
    [InlineData(3, null, null, "3 failed actions")]
    [InlineData(0, "DeleteGuard", null, "refused (DeleteGuard)")]
    [InlineData(0, null, "SpaceLocked", "stopped by SpaceLocked")]
    public void Failed_actions_refusals_and_stopped_runs_are_errors(int failed, string? refusal, string? runError, string expected)
    {
        var run = new SpaceRunSummary { SpaceKey = "ENG", FailedActions = failed, RefusalCode = refusal, RunErrorId = runError };

        Assert.Null(RunFailure.Evaluate(RunFailureCondition.Conflict, new[] { run }));
        var failure = RunFailure.Evaluate(RunFailureCondition.Error, new[] { run });

        Assert.NotNull(failure);
        Assert.Equal(RunFailure.RunErrorsId, failure!.ErrorId);
        Assert.Equal(RunFailureCondition.Error, failure.Conditions);
        Assert.Contains("ENG: " + expected, failure.Message);
    }

    [Fact]
    public void Errors_outrank_conflicts_in_the_error_id_and_the_message_names_both_space_by_space()
    {
        var runs = new[]
        {
            new SpaceRunSummary { SpaceKey = "ENG", OpenConflicts = 1 },
            new SpaceRunSummary { SpaceKey = "OPS", FailedActions = 2, OpenConflicts = 4 },
            Clean("HR"),
        };

        var failure = RunFailure.Evaluate(Both, runs)!;

        Assert.Equal(RunFailure.RunErrorsId, failure.ErrorId);
        Assert.Equal(Both, failure.Conditions);
        Assert.Equal(new[] { "ENG", "OPS" }, failure.SpaceKeys); // run order, each once
        Assert.Contains("ENG: 1 open conflict", failure.Message);
        Assert.Contains("OPS: 2 failed actions; 4 open conflicts", failure.Message);
        Assert.Contains("errors and open conflicts", failure.Message);
        Assert.DoesNotContain("HR", failure.Message);
    }

    [Fact]
    public void A_space_run_in_parts_is_judged_once_its_conflicts_not_double_counted()
    {
        // Pages and blog posts of one space run separately, each reading the same state's open conflicts.
        var runs = new[]
        {
            new SpaceRunSummary { SpaceKey = "ENG", OpenConflicts = 2, FailedActions = 1 },
            new SpaceRunSummary { SpaceKey = "ENG", OpenConflicts = 2, FailedActions = 1 },
        };

        var failure = RunFailure.Evaluate(Both, runs)!;

        Assert.Equal(new[] { "ENG" }, failure.SpaceKeys);
        Assert.Contains("ENG: 2 failed actions; 2 open conflicts", failure.Message);
    }

    [Fact]
    public void The_summary_of_a_result_takes_its_errors_refusal_and_the_states_conflicts()
    {
        var result = new SyncRunResult
        {
            SpaceKey = "ENG",
            Errors = new[] { "Update of Cloud page 7 failed: 500" },
            Refusal = new PlanRefusal("DeleteGuard", "would trash 40%", ForceOverrides: true),
        };

        var summary = SpaceRunSummary.Of(result, openConflicts: 5);

        Assert.Equal("ENG", summary.SpaceKey);
        Assert.Equal(5, summary.OpenConflicts);
        Assert.Equal(1, summary.FailedActions);
        Assert.Equal("DeleteGuard", summary.RefusalCode);
        Assert.Null(summary.RunErrorId);
    }

    [Fact]
    public void A_list_of_conditions_combines_and_none_alone_is_none()
    {
        Assert.Equal(Both, RunFailure.Combine(new[] { RunFailureCondition.Conflict, RunFailureCondition.Error }));
        Assert.Equal(RunFailureCondition.None, RunFailure.Combine(new[] { RunFailureCondition.None }));
        Assert.Equal(RunFailureCondition.None, RunFailure.Combine(null));
    }
}
