using SpaceSync.Core.Reporting;
using Xunit;

namespace SpaceSync.Core.Tests.Reporting;

public class RetirementCheckTests
{
    [Fact]
    public void A_space_whose_sites_agree_may_retire()
    {
        Assert.Null(RetirementCheck.Refusal("ENG", new PendingChanges(), openConflicts: 0, createIntents: 0));
    }

    [Fact]
    public void State_only_steps_do_not_hold_a_space_back()
    {
        Assert.Null(RetirementCheck.Refusal("ENG", new PendingChanges { StateOnly = 3 }, 0, 0));
    }

    [Fact]
    public void Pending_writes_are_counted_each_way_and_Force_is_named()
    {
        var refusal = RetirementCheck.Refusal("ENG", new PendingChanges { ToCloud = 2, ToDataCenter = 1 }, 0, 0);
        Assert.NotNull(refusal);
        Assert.Contains("Space ENG has pending changes", refusal);
        Assert.Contains("2 toward Cloud and 1 toward Data Center", refusal);
        Assert.Contains("-Force", refusal);
        Assert.DoesNotContain("conflict", refusal, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(1, 0, "1 page changed on both sides awaits a decision (0 open in the state)")]
    [InlineData(0, 2, "2 pages changed on both sides await a decision (2 open in the state)")]
    [InlineData(3, 1, "3 pages changed on both sides await a decision (1 open in the state)")]
    public void Conflicts_from_the_plan_or_the_state_hold_a_space_back(int planned, int open, string expected)
    {
        var refusal = RetirementCheck.Refusal("ENG", new PendingChanges { Conflicts = planned }, open, 0);
        Assert.NotNull(refusal);
        Assert.Contains(expected, refusal);
        Assert.DoesNotContain("toward Cloud", refusal);
    }

    [Fact]
    public void An_unfinished_create_holds_a_space_back()
    {
        var refusal = RetirementCheck.Refusal("ENG", new PendingChanges(), 0, createIntents: 1);
        Assert.NotNull(refusal);
        Assert.Contains("an interrupted run left 1 page create unfinished", refusal);
    }
}
