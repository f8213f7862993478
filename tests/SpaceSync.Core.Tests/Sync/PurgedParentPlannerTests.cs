using SpaceSync.Core.Sync;
using Xunit;
using static SpaceSync.Core.Sync.SyncSide;
using static SpaceSync.Core.Tests.Sync.PlannerWorld;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>Creates and moves aimed below a paired page that is gone on the target.</summary>
public class PurgedParentPlannerTests
{
    // 1 Home ─ 2 ─ 4 ─ 5; 1 ─ 3
    private static PlannerWorld Tree() => new PlannerWorld()
        .Paired("1", title: "Home")
        .Paired("2", "1", title: "Team")
        .Paired("3", "1")
        .Paired("4", "2", title: "Projects")
        .Paired("5", "4");

    private static SyncAction CreateOf(SyncPlan plan, string id) => plan.Actions.Single(a => a.Kind == SyncActionKind.Create && a.SourceId == id);

    [Fact]
    public void A_new_page_below_a_parent_purged_on_the_target_goes_below_the_nearest_ancestor_still_there()
    {
        // Cloud lost 4 and then 2 (deleted for good); a new Data Center page sits below 4.
        var plan = Tree().Purge(Cloud, "4").Purge(Cloud, "2").Move(Cloud, "5", "1")
            .New(DataCenter, "D9", "Fresh", parentId: Dc("4")).Plan();

        var create = CreateOf(plan, "D9");
        Assert.Equal(Cl("1"), create.Parent!.TargetId);
        var item = plan.Items.Single(i => i.DataCenterId == "D9");
        var warning = Assert.Single(item.Warnings);
        Assert.Contains("\"Projects\" was deleted for good on Cloud", warning);
        Assert.Contains("placed below \"Home\" instead", warning);
        Assert.Contains("placed below \"Home\"", create.Reason);
    }

    [Fact]
    public void A_move_below_a_parent_in_the_target_trash_goes_to_the_top_level_when_no_ancestor_is_left()
    {
        var plan = new PlannerWorld().Paired("1", title: "Top").Paired("2").Trash(Cloud, "1")
            .Move(DataCenter, "2", "1").Plan(maxDeletePercent: 100);

        var move = plan.Actions.Single(a => a.Kind == SyncActionKind.Update && a.TargetId == Cl("2"));
        Assert.True(move.Parent!.IsTopLevel);
        Assert.Contains(plan.Items.Single(i => i.DataCenterId == Dc("2")).Warnings, w => w.Contains("\"Top\" is in the Cloud trash") && w.Contains("top level"));
    }

    [Fact]
    public void A_parent_this_plan_restores_is_waited_for_without_a_warning()
    {
        // 4 is in the Cloud trash but edited on Data Center: the edit wins and the plan restores it on Cloud.
        var plan = Tree().Trash(Cloud, "4").Edit(DataCenter, "4")
            .New(DataCenter, "D9", "Fresh", parentId: Dc("4")).Plan();

        var restore = plan.Actions.Single(a => a.Kind == SyncActionKind.Restore && a.TargetId == Cl("4"));
        var create = CreateOf(plan, "D9");
        Assert.Equal(Cl("4"), create.Parent!.TargetId);
        Assert.Contains(restore.Id, create.DependsOn);
        Assert.Empty(plan.Items.Single(i => i.DataCenterId == "D9").Warnings);
    }

    [Fact]
    public void A_parent_this_plan_creates_again_is_waited_for()
    {
        // 4 was deleted for good on Cloud but edited on Data Center: created again there; the new page goes below it.
        var plan = Tree().Purge(Cloud, "4").Move(Cloud, "5", "2").Edit(DataCenter, "4")
            .New(DataCenter, "D9", "Fresh", parentId: Dc("4")).Plan();

        var again = plan.Actions.Single(a => a.Kind == SyncActionKind.Create && a.SourceId == Dc("4"));
        var create = CreateOf(plan, "D9");
        Assert.Equal(again.Id, create.Parent!.CreatedByAction);
        Assert.Contains(again.Id, create.DependsOn);
        Assert.True(plan.Actions.ToList().IndexOf(again) < plan.Actions.ToList().IndexOf(create));
    }
}
