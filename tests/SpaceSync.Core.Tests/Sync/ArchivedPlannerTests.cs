using SpaceSync.Core.Sync;
using Xunit;
using static SpaceSync.Core.Sync.SyncSide;
using static SpaceSync.Core.Tests.Sync.PlannerWorld;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Archived pages in the pure planner (docs/confluence-behaviours.md §6): a pair with a page in its site's archive is
/// Archived, nothing is written to either page, and what changed meanwhile is reported as waiting.
/// </summary>
public class ArchivedPlannerTests
{
    private static PlannerWorld Tree() => new PlannerWorld()
        .Paired("1", title: "Home")
        .Paired("2", "1", title: "Old plans")
        .Paired("3", "1", title: "Open");

    private static PlannerWorld Archive(PlannerWorld world, SyncSide side, string key) => world.Change(side, key, p => p with { Archived = true });

    [Fact]
    public void A_pair_archived_on_cloud_whose_data_center_page_changed_is_archived_with_the_edits_waiting_and_nothing_written()
    {
        var plan = Archive(Tree(), Cloud, "2").Edit(DataCenter, "2").Rename(DataCenter, "2", "Old plans (2025)").Edit(DataCenter, "3").Plan();

        var item = Assert.Single(plan.Items, i => i.DataCenterId == Dc("2"));
        Assert.Equal(DriftStatus.Archived, item.Status);
        Assert.Equal(SyncPlanner.ArchivedAction, item.Action);
        Assert.Empty(item.ActionIds);
        Assert.Equal(PageChanges.Body | PageChanges.Title, item.DataCenterChanges);
        var warning = Assert.Single(item.Warnings);
        Assert.Contains("is archived on Cloud (page C2)", warning, StringComparison.Ordinal);
        Assert.Contains("Data Center changes (Body, Title) wait", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(plan.Actions, a => a.PairKey == Dc("2") || a.TargetId == Cl("2") || a.TargetId == Dc("2"));
        // The other pages go on.
        Assert.Single(plan.Actions, a => a.Kind == SyncActionKind.Update && a.TargetId == Cl("3"));
    }

    [Fact]
    public void A_data_center_trash_of_a_page_archived_on_cloud_is_not_carried_and_neither_is_a_cloud_edit_made_before_archiving()
    {
        var trashed = Archive(Tree(), Cloud, "2").Trash(DataCenter, "2").Plan();
        Assert.Equal(DriftStatus.Archived, Assert.Single(trashed.Items, i => i.DataCenterId == Dc("2")).Status);
        Assert.DoesNotContain(trashed.Actions, a => a.Kind == SyncActionKind.Trash);

        var edited = Archive(Tree().Edit(Cloud, "2"), Cloud, "2").Plan();
        var item = Assert.Single(edited.Items, i => i.CloudId == Cl("2"));
        Assert.Equal(DriftStatus.Archived, item.Status);
        Assert.Contains("Cloud changes (Body) wait", Assert.Single(item.Warnings), StringComparison.Ordinal);
        Assert.Empty(edited.Actions);
    }

    [Fact]
    public void An_archived_pair_with_nothing_waiting_is_archived_without_a_waiting_note()
    {
        var item = Assert.Single(Archive(Tree(), Cloud, "2").Plan().Items, i => i.CloudId == Cl("2"));
        Assert.Equal(DriftStatus.Archived, item.Status);
        Assert.DoesNotContain("wait", Assert.Single(item.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void A_page_archived_on_cloud_and_never_paired_is_not_created_on_data_center()
    {
        var plan = Tree().New(Cloud, "C9", "Archived before the sync", Cl("1")).ChangeById(Cloud, "C9", p => p with { Archived = true }).Plan();

        var item = Assert.Single(plan.Items, i => i.CloudId == "C9");
        Assert.Equal(DriftStatus.Archived, item.Status);
        Assert.Contains("not created on Data Center", Assert.Single(item.Warnings), StringComparison.Ordinal);
        Assert.Empty(plan.Actions);
    }

    [Fact]
    public void A_new_page_whose_parent_is_archived_on_the_target_waits_instead_of_being_created_there()
    {
        var plan = Archive(Tree(), Cloud, "2").New(DataCenter, "D9", "Child of old plans", Dc("2")).Plan();

        var item = Assert.Single(plan.Items, i => i.DataCenterId == "D9");
        Assert.Equal(DriftStatus.OnlyOnDataCenter, item.Status);
        Assert.Equal(SyncPlanner.ArchivedAction, item.Action);
        Assert.Contains("its parent there (page C2) is archived", Assert.Single(item.Warnings), StringComparison.Ordinal);
        Assert.DoesNotContain(plan.Actions, a => a.Kind == SyncActionKind.Create);
    }

    [Fact]
    public void Once_restored_the_waiting_edit_crosses()
    {
        var plan = Tree().Edit(DataCenter, "2").Plan();
        Assert.Equal(DriftStatus.DataCenterAhead, Assert.Single(plan.Items, i => i.DataCenterId == Dc("2")).Status);
        Assert.Single(plan.Actions, a => a.Kind == SyncActionKind.Update && a.TargetId == Cl("2"));
    }
}
