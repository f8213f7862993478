using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using Xunit;
using static SpaceSync.Core.Sync.SyncSide;
using static SpaceSync.Core.Tests.Sync.PlannerWorld;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>Labels in the pure planner: three-way against each pair's base labels, as bodies are.</summary>
public class LabelPlannerTests
{
    /// <summary>Home and two pages, paired and in sync; labels read on both sides; "2" carries "howto" on both (its base).</summary>
    private static PlannerWorld World() => new PlannerWorld { SyncLabels = true }
        .Paired("1", title: "Home")
        .Paired("2", "1")
        .Paired("3", "1")
        .LabelsRead()
        .Labels(DataCenter, Dc("2"), "howto").Labels(Cloud, Cl("2"), "howto")
        .BaseLabels("1").BaseLabels("2", "howto").BaseLabels("3");

    private static DriftItem ItemOf(SyncPlan plan, string key) => plan.Items.Single(i => i.DataCenterId == Dc(key));

    private static SyncAction LabelsAction(SyncPlan plan) => Assert.Single(plan.Actions, a => a.Kind == SyncActionKind.Labels);

    [Fact]
    public void Labels_as_last_synced_plan_nothing()
    {
        var plan = World().Plan();
        Assert.Empty(plan.Actions);
        Assert.All(plan.Items, i => Assert.Equal(DriftStatus.InSync, i.Status));
    }

    [Fact]
    public void A_label_added_on_data_center_is_added_on_cloud()
    {
        var plan = World().Labels(DataCenter, Dc("2"), "howto", "Draft").Plan();

        var action = LabelsAction(plan);
        Assert.Equal(Cloud, action.Target);
        Assert.Equal(Cl("2"), action.TargetId);
        Assert.Equal(Dc("2"), action.PairKey);
        Assert.Equal(new[] { "draft" }, action.LabelsToAdd);
        Assert.Empty(action.LabelsToRemove);
        Assert.True(action.WritesSite);
        var item = ItemOf(plan, "2");
        Assert.Equal(DriftStatus.DataCenterAhead, item.Status);
        Assert.Equal("labels on Cloud", item.Action);
        Assert.Equal(PageChanges.Labels, item.DataCenterChanges);
        Assert.Equal(PageChanges.None, item.CloudChanges);
        Assert.Equal(new[] { action.Id }, item.ActionIds);
    }

    [Fact]
    public void A_label_removed_on_cloud_is_removed_on_data_center()
    {
        var plan = World().Labels(Cloud, Cl("2")).Plan();

        var action = LabelsAction(plan);
        Assert.Equal(DataCenter, action.Target);
        Assert.Equal(Dc("2"), action.TargetId);
        Assert.Empty(action.LabelsToAdd);
        Assert.Equal(new[] { "howto" }, action.LabelsToRemove);
        var item = ItemOf(plan, "2");
        Assert.Equal(DriftStatus.CloudAhead, item.Status);
        Assert.Equal("labels on Data Center", item.Action);
        Assert.Equal(PageChanges.Labels, item.CloudChanges);
    }

    [Fact]
    public void The_same_change_on_both_sides_writes_nothing_but_records_the_new_base()
    {
        var plan = World().Labels(DataCenter, Dc("3"), "faq").Labels(Cloud, Cl("3"), "FAQ").Plan();

        var action = LabelsAction(plan);
        Assert.False(action.WritesSite);
        Assert.Empty(action.LabelsToAdd);
        Assert.Equal(new[] { "faq" }, action.LabelsOnDataCenter);
        Assert.Equal(new[] { "faq" }, action.LabelsOnCloud);
        Assert.Equal(DriftStatus.InSync, ItemOf(plan, "3").Status);
    }

    [Fact]
    public void A_removal_and_an_addition_on_opposite_sides_both_cross_because_label_sets_never_conflict()
    {
        // Data Center removed "howto"; Cloud kept it and added "faq". Per label only one side moved away from the base,
        // so LabelMerge carries each change: the removal to Cloud, the addition to Data Center. No conflict is raised.
        var plan = World().Labels(DataCenter, Dc("2")).Labels(Cloud, Cl("2"), "howto", "faq").Plan();

        var toDc = Assert.Single(plan.Actions, a => a.Target == DataCenter);
        var toCloud = Assert.Single(plan.Actions, a => a.Target == Cloud);
        Assert.Equal(new[] { "faq" }, toDc.LabelsToAdd);
        Assert.Empty(toDc.LabelsToRemove);
        Assert.Equal(new[] { "howto" }, toCloud.LabelsToRemove);
        Assert.Empty(toCloud.LabelsToAdd);
        var item = ItemOf(plan, "2");
        Assert.NotEqual(DriftStatus.Conflict, item.Status);
        Assert.Equal("labels on Data Center and Cloud", item.Action);
        Assert.Equal(PageChanges.Labels, item.DataCenterChanges);
        Assert.Equal(PageChanges.Labels, item.CloudChanges);
    }

    [Fact]
    public void A_pair_without_recorded_base_labels_merges_as_the_union_and_removes_nothing()
    {
        var world = new PlannerWorld { SyncLabels = true }.Paired("1").LabelsRead()
            .Labels(DataCenter, Dc("1"), "a", "shared").Labels(Cloud, Cl("1"), "b", "shared");
        var plan = world.Plan();

        Assert.Equal(new[] { "b" }, Assert.Single(plan.Actions, a => a.Target == DataCenter).LabelsToAdd);
        Assert.Equal(new[] { "a" }, Assert.Single(plan.Actions, a => a.Target == Cloud).LabelsToAdd);
        Assert.All(plan.Actions, a => Assert.Empty(a.LabelsToRemove));
        Assert.All(plan.Actions, a => Assert.Null(a.LabelsBase));
    }

    [Fact]
    public void Equal_labels_without_a_recorded_base_are_recorded_and_no_labels_need_no_step()
    {
        var equal = new PlannerWorld { SyncLabels = true }.Paired("1").Paired("2").LabelsRead()
            .Labels(DataCenter, Dc("1"), "x").Labels(Cloud, Cl("1"), "x").Plan();

        var record = LabelsAction(equal);
        Assert.False(record.WritesSite);
        Assert.Equal(Dc("1"), record.PairKey);
    }

    [Fact]
    public void One_way_to_cloud_carries_data_center_labels_and_only_reports_cloud_ones()
    {
        var toCloud = World().Labels(DataCenter, Dc("2"), "howto", "new").Plan(direction: SyncDirection.ToCloud);
        Assert.Equal(Cloud, LabelsAction(toCloud).Target);

        var fromCloud = World().Labels(Cloud, Cl("2"), "howto", "new").Plan(direction: SyncDirection.ToCloud);
        Assert.Empty(fromCloud.Actions);
        var item = ItemOf(fromCloud, "2");
        Assert.Equal(DriftStatus.CloudAhead, item.Status);
        Assert.StartsWith("none: direction", item.Action);
        Assert.Equal(PageChanges.Labels, item.CloudChanges);
    }

    [Fact]
    public void Labels_travel_beside_a_body_update()
    {
        var plan = World().Edit(DataCenter, "2").Labels(DataCenter, Dc("2"), "howto", "new").Plan();

        Assert.Single(plan.Actions, a => a.Kind == SyncActionKind.Update && a.Target == Cloud);
        Assert.Equal(Cloud, LabelsAction(plan).Target);
        var item = ItemOf(plan, "2");
        Assert.Equal("update Cloud; labels on Cloud", item.Action);
        Assert.Equal(PageChanges.Body | PageChanges.Labels, item.DataCenterChanges);
    }

    [Fact]
    public void A_page_created_by_the_plan_gets_its_source_labels_after_the_create()
    {
        var plan = World().New(DataCenter, "D9", "New page", Dc("1")).Labels(DataCenter, "D9", "Howto", "draft").Plan();

        var create = Assert.Single(plan.Actions, a => a.Kind == SyncActionKind.Create);
        var labels = LabelsAction(plan);
        Assert.Equal(Cloud, labels.Target);
        Assert.Null(labels.TargetId);
        Assert.Null(labels.PairKey);
        Assert.Equal(new[] { create.Id }, labels.DependsOn);
        Assert.True(labels.Id > create.Id);
        Assert.Equal(new[] { "draft", "howto" }, labels.LabelsToAdd);
        var item = plan.Items.Single(i => i.DataCenterId == "D9");
        Assert.Equal(new[] { create.Id, labels.Id }, item.ActionIds);
    }

    [Fact]
    public void Labels_not_read_on_a_side_plan_nothing_but_an_unlisted_page_of_a_change_query_counts_as_its_base()
    {
        var unread = World().Labels(DataCenter, Dc("2"), "howto", "new").Labels(Cloud, Cl("2"), null).Plan();
        Assert.Empty(unread.Actions);

        var changeQuery = World().Labels(DataCenter, Dc("2"), "howto", "new").OnlyChanged(Cloud).Plan();
        Assert.Equal(new[] { "new" }, LabelsAction(changeQuery).LabelsToAdd);

        // Neither side listed: nothing is known about its labels, so nothing is planned.
        var neither = World().OnlyChanged(DataCenter).OnlyChanged(Cloud).Plan();
        Assert.Empty(neither.Actions);
    }

    [Fact]
    public void Without_content_labels_nothing_is_merged()
    {
        var world = World().Labels(DataCenter, Dc("2"), "howto", "new");
        world.SyncLabels = false;
        Assert.Empty(world.Plan().Actions);
    }

    [Fact]
    public void Excluded_conflicting_and_trashed_pairs_get_no_label_action()
    {
        var excluded = World().Labels(DataCenter, Dc("2"), "howto", "no-sync");
        excluded.Filter = new ScopeFilter(null, null, new[] { "no-sync" });
        var plan = excluded.Plan();
        Assert.Equal(DriftStatus.Excluded, ItemOf(plan, "2").Status);
        Assert.Empty(plan.Actions);

        // A body conflict left for Resolve-SyncConflict stays a conflict (labels wait with it).
        var conflict = World().Edit(DataCenter, "2").Edit(Cloud, "2").Labels(DataCenter, Dc("2"), "howto", "new").Plan();
        Assert.Equal(DriftStatus.Conflict, ItemOf(conflict, "2").Status);
        Assert.Empty(conflict.Actions);

        var trashed = World().Trash(Cloud, "3").Labels(DataCenter, Dc("3"), "new").Plan();
        Assert.DoesNotContain(trashed.Actions, a => a.Kind == SyncActionKind.Labels);
    }
}
