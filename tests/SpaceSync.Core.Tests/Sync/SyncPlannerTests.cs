using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using Xunit;
using static SpaceSync.Core.Sync.SyncSide;
using static SpaceSync.Core.Tests.Sync.PlannerWorld;

namespace SpaceSync.Core.Tests.Sync;

public class SyncPlannerTests
{
    private static PlannerWorld Tree() => new PlannerWorld()
        .Paired("1", title: "Home")
        .Paired("2", "1")
        .Paired("3", "1")
        .Paired("4", "2");

    private static SyncAction Single(SyncPlan plan) => Assert.Single(plan.Actions);

    private static DriftItem ItemOf(SyncPlan plan, string key) => plan.Items.Single(i => i.DataCenterId == Dc(key));

    [Fact]
    public void Nothing_changed_plans_nothing()
    {
        var plan = Tree().Plan();
        Assert.Empty(plan.Actions);
        Assert.All(plan.Items, i => Assert.Equal(DriftStatus.InSync, i.Status));
        Assert.Equal(4, plan.Items.Count);
        Assert.Null(plan.Refusal);
    }

    [Fact]
    public void A_body_edit_on_data_center_updates_cloud_against_the_version_it_saw()
    {
        var plan = Tree().Edit(DataCenter, "2").Plan();
        var update = Single(plan);
        Assert.Equal(SyncActionKind.Update, update.Kind);
        Assert.Equal(Cloud, update.Target);
        Assert.Equal(Cl("2"), update.TargetId);
        Assert.Equal(1, update.TargetVersion);
        Assert.Equal(Dc("2"), update.SourceId);
        Assert.Equal(2, update.SourceVersion);
        Assert.True(update.WritesBody);
        Assert.Null(update.Parent);
        Assert.Equal(DriftStatus.DataCenterAhead, ItemOf(plan, "2").Status);
        Assert.Equal(PageChanges.Body, ItemOf(plan, "2").DataCenterChanges);
    }

    [Fact]
    public void A_new_version_without_a_content_change_is_not_a_change()
    {
        var plan = Tree().Touch(Cloud, "3").Plan();
        var record = Single(plan);
        Assert.Equal(SyncActionKind.RecordState, record.Kind);
        Assert.False(record.WritesSite);
        Assert.Equal(DriftStatus.InSync, ItemOf(plan, "3").Status);
    }

    [Fact]
    public void A_body_that_differs_at_the_recorded_version_is_not_an_edit()
    {
        // Same version as last synced: nobody edited; a different hash can only come from how it is normalized.
        var plan = Tree().Change(DataCenter, "2", p => p with { BodyHash = "normalized-differently" }).Plan();
        Assert.Empty(plan.Actions);
        Assert.Equal(DriftStatus.InSync, ItemOf(plan, "2").Status);
    }

    [Fact]
    public void A_rename_on_cloud_renames_on_data_center_and_keeps_its_body()
    {
        var plan = Tree().Rename(Cloud, "4", "Runbooks").Plan();
        var update = Single(plan);
        Assert.Equal(DataCenter, update.Target);
        Assert.Equal("Runbooks", update.Title);
        Assert.False(update.WritesBody);
        Assert.Equal(PageChanges.Title, update.Changes);
        Assert.Equal(DriftStatus.CloudAhead, ItemOf(plan, "4").Status);
    }

    [Fact]
    public void A_move_on_data_center_moves_the_cloud_page_under_the_paired_parent()
    {
        var plan = Tree().Move(DataCenter, "4", "3").Plan();
        var update = Single(plan);
        Assert.Equal(Cloud, update.Target);
        Assert.Equal(Cl("3"), update.Parent!.TargetId);
        Assert.Equal(PageChanges.Parent, update.Changes);
    }

    [Fact]
    public void A_move_to_the_top_level_is_carried_too()
    {
        var update = Single(Tree().Move(Cloud, "4", null).Plan());
        Assert.Equal(DataCenter, update.Target);
        Assert.True(update.Parent!.IsTopLevel);
    }

    [Fact]
    public void The_same_edit_on_both_sides_is_not_a_conflict()
    {
        var plan = Tree().Edit(DataCenter, "2", "same").Edit(Cloud, "2", "same").Plan();
        Assert.Equal(SyncActionKind.RecordState, Single(plan).Kind);
        Assert.Equal(DriftStatus.InSync, ItemOf(plan, "2").Status);
    }

    [Fact]
    public void Different_edits_under_manual_are_a_conflict_and_nothing_is_written()
    {
        var plan = Tree().Edit(DataCenter, "2").Edit(Cloud, "2").Plan(conflicts: ConflictPolicy.Manual);
        Assert.Empty(plan.Actions);
        var item = ItemOf(plan, "2");
        Assert.Equal(DriftStatus.Conflict, item.Status);
        Assert.Contains("manual", item.Action);
        Assert.Contains("body", Assert.Single(item.Warnings));
    }

    [Theory]
    [InlineData(ConflictPolicy.PreferCloud, SyncSide.DataCenter)]
    [InlineData(ConflictPolicy.PreferDataCenter, SyncSide.Cloud)]
    public void Prefer_policies_overwrite_the_loser(ConflictPolicy policy, SyncSide loser)
    {
        var plan = Tree().Edit(DataCenter, "2").Edit(Cloud, "2").Plan(conflicts: policy);
        var update = Single(plan);
        Assert.Equal(loser, update.Target);
        Assert.Equal(2, update.TargetVersion);       // planned against the loser's edited version
        Assert.True(update.WritesBody);
        Assert.Contains("page history", update.Reason);
        Assert.Equal(DriftStatus.Conflict, ItemOf(plan, "2").Status);
    }

    [Fact]
    public void Newest_lets_the_later_edit_win()
    {
        var plan = Tree().Edit(DataCenter, "2", minutesLater: 30).Edit(Cloud, "2", minutesLater: 20).Plan(conflicts: ConflictPolicy.Newest);
        Assert.Equal(Cloud, Single(plan).Target);
    }

    [Fact]
    public void Merge_plans_a_merging_update_of_each_site_against_its_edited_version()
    {
        var plan = Tree().Edit(DataCenter, "2").Edit(Cloud, "2").Plan(conflicts: ConflictPolicy.Merge);
        Assert.Equal(2, plan.Actions.Count);
        Assert.All(plan.Actions, a => Assert.True(a.MergesBody && a.WritesBody && a.Kind == SyncActionKind.Update));
        Assert.All(plan.Actions, a => Assert.Equal(2, a.TargetVersion));
        var item = ItemOf(plan, "2");
        Assert.Equal(DriftStatus.Conflict, item.Status);
        Assert.StartsWith(SyncPlanner.MergeAction, item.Action);
    }

    [Fact]
    public void Merge_carries_a_one_sided_rename_with_the_merged_body()
    {
        var plan = Tree().Edit(DataCenter, "2").Rename(DataCenter, "2", "Renamed on DC").Edit(Cloud, "2").Plan(conflicts: ConflictPolicy.Merge);
        Assert.Equal(2, plan.Actions.Count);
        Assert.All(plan.Actions, a => Assert.Equal("Renamed on DC", a.Title));
        Assert.Equal(PageChanges.Body | PageChanges.Title, plan.Actions.Single(a => a.Target == Cloud).Changes);
        Assert.Equal(PageChanges.Body, plan.Actions.Single(a => a.Target == DataCenter).Changes);
    }

    [Fact]
    public void Merge_has_no_answer_for_two_different_titles()
    {
        var plan = Tree().Edit(DataCenter, "2").Rename(DataCenter, "2", "DC title").Edit(Cloud, "2").Rename(Cloud, "2", "Cloud title")
            .Plan(conflicts: ConflictPolicy.Merge);
        Assert.Empty(plan.Actions);
        var item = ItemOf(plan, "2");
        Assert.Equal(DriftStatus.Conflict, item.Status);
        Assert.Contains("title", Assert.Single(item.Warnings));
    }

    [Fact]
    public void Merge_in_a_one_way_space_writes_only_the_target_side()
    {
        var plan = Tree().Edit(DataCenter, "2").Edit(Cloud, "2").Plan(direction: SyncDirection.ToCloud, conflicts: ConflictPolicy.Merge);
        var update = Assert.Single(plan.Actions);
        Assert.Equal(Cloud, update.Target);
        Assert.True(update.MergesBody);
    }

    [Fact]
    public void A_pair_policy_beats_the_space_policy()
    {
        var world = Tree().Edit(DataCenter, "2").Edit(Cloud, "2").Edit(DataCenter, "3").Edit(Cloud, "3");
        var plan = world.Plan(conflicts: ConflictPolicy.Manual, pairPolicies: new Dictionary<string, ConflictPolicy> { [PlannerWorld.Dc("2")] = ConflictPolicy.PreferCloud });
        var update = Assert.Single(plan.Actions);
        Assert.Equal(DataCenter, update.Target);
        Assert.Equal(PlannerWorld.Dc("2"), update.PairKey);
        Assert.Contains("manual", ItemOf(plan, "3").Action);
    }

    [Fact]
    public void Changes_to_different_fields_cross_both_ways()
    {
        var plan = Tree().Rename(DataCenter, "3", "Renamed on DC").Edit(Cloud, "3").Plan();
        Assert.Equal(2, plan.Actions.Count);
        var toCloud = plan.Actions.Single(a => a.Target == Cloud);
        var toDc = plan.Actions.Single(a => a.Target == DataCenter);
        Assert.Equal("Renamed on DC", toCloud.Title);
        Assert.False(toCloud.WritesBody);
        Assert.True(toDc.WritesBody);
        Assert.Equal("Renamed on DC", toDc.Title);  // the DC page keeps its new title while it takes the Cloud body
    }

    [Fact]
    public void A_trash_crosses_to_the_other_side()
    {
        var plan = Tree().Trash(DataCenter, "4").Plan();
        var trash = Single(plan);
        Assert.Equal(SyncActionKind.Trash, trash.Kind);
        Assert.Equal(Cloud, trash.Target);
        Assert.Equal(Cl("4"), trash.TargetId);
        Assert.Equal(DriftStatus.DeletedOnDataCenter, ItemOf(plan, "4").Status);
    }

    [Fact]
    public void An_edit_wins_over_a_trash_and_the_page_is_restored()
    {
        var plan = Tree().Trash(DataCenter, "4").Edit(Cloud, "4").Plan();
        Assert.Equal(2, plan.Actions.Count);
        var restore = plan.Actions[0];
        var update = plan.Actions[1];
        Assert.Equal(SyncActionKind.Restore, restore.Kind);
        Assert.Equal(DataCenter, restore.Target);
        Assert.Equal(SyncActionKind.Update, update.Kind);
        Assert.Contains(restore.Id, update.DependsOn);
        Assert.True(update.WritesBody);
        Assert.Equal(DriftStatus.CloudAhead, ItemOf(plan, "4").Status);
    }

    [Fact]
    public void A_page_deleted_for_good_is_trashed_on_the_other_side()
    {
        var plan = Tree().Purge(Cloud, "3").Plan();
        var trash = Single(plan);
        Assert.Equal(SyncActionKind.Trash, trash.Kind);
        Assert.Equal(DataCenter, trash.Target);
        Assert.Equal(DriftStatus.DeletedOnCloud, ItemOf(plan, "3").Status);
        Assert.Null(ItemOf(plan, "3").CloudVersion);
    }

    [Fact]
    public void A_page_deleted_for_good_but_edited_on_the_other_side_is_created_again()
    {
        var create = Single(Tree().Purge(Cloud, "4").Edit(DataCenter, "4").Plan());
        Assert.Equal(SyncActionKind.Create, create.Kind);
        Assert.Equal(Cloud, create.Target);
        Assert.Equal(Cl("2"), create.Parent!.TargetId);
        Assert.Equal(Dc("4"), create.PairKey);
    }

    [Fact]
    public void A_restore_crosses_to_the_other_side()
    {
        var plan = new PlannerWorld().Paired("1").TrashedPair("9").RestoreOn(Cloud, "9").Plan();
        var restore = Single(plan);
        Assert.Equal(SyncActionKind.Restore, restore.Kind);
        Assert.Equal(DataCenter, restore.Target);
        Assert.Equal(Dc("9"), restore.TargetId);
    }

    [Fact]
    public void Trashed_on_both_sites_records_the_pair_as_trashed()
    {
        var plan = Tree().Trash(DataCenter, "4").Trash(Cloud, "4").Plan();
        Assert.Equal(SyncActionKind.RecordState, Single(plan).Kind);
        Assert.Equal(DriftStatus.InSync, ItemOf(plan, "4").Status);
    }

    [Fact]
    public void A_new_subtree_is_created_parents_first()
    {
        var plan = Tree()
            .New(Cloud, "c-child-b", "Child B", "c-parent")
            .New(Cloud, "c-parent", "New Parent", Cl("2"))
            .New(Cloud, "c-child-a", "Child A", "c-parent")
            .Plan();

        Assert.Equal(3, plan.Actions.Count);
        Assert.All(plan.Actions, a => Assert.Equal(SyncActionKind.Create, a.Kind));
        var parent = plan.Actions[0];
        Assert.Equal("New Parent", parent.Title);
        Assert.Equal(Dc("2"), parent.Parent!.TargetId);
        foreach (var child in plan.Actions.Skip(1))
        {
            Assert.Equal(parent.Id, child.Parent!.CreatedByAction);
            Assert.Equal(new[] { parent.Id }, child.DependsOn);
        }

        Assert.All(plan.Items.Where(i => i.CloudId?.StartsWith("c-") == true), i => Assert.Equal(DriftStatus.OnlyOnCloud, i.Status));
    }

    [Fact]
    public void A_paired_page_moved_under_a_new_page_waits_for_its_creation()
    {
        var plan = Tree().New(DataCenter, "d-new", "New Section", Dc("1")).Move(DataCenter, "4", "id:d-new").Plan();
        var create = plan.Actions.Single(a => a.Kind == SyncActionKind.Create);
        var move = plan.Actions.Single(a => a.Kind == SyncActionKind.Update);
        Assert.True(create.Id < move.Id);
        Assert.Equal(create.Id, move.Parent!.CreatedByAction);
        Assert.Contains(create.Id, move.DependsOn);
    }

    [Fact]
    public void Namesakes_with_the_same_content_are_paired_without_a_write()
    {
        var plan = Tree().New(DataCenter, "d9", "Glossary", hash: "g").New(Cloud, "c9", "glossary", hash: "g").Plan();
        var adopt = Single(plan);
        Assert.Equal(SyncActionKind.Adopt, adopt.Kind);
        Assert.False(adopt.WritesSite);
        Assert.Equal("d9", adopt.SourceId);
        Assert.Equal("c9", adopt.TargetId);
    }

    [Fact]
    public void Children_of_an_adopted_page_go_under_its_namesake()
    {
        var plan = Tree()
            .New(DataCenter, "d9", "Glossary", hash: "g").New(Cloud, "c9", "Glossary", hash: "g")
            .New(Cloud, "c10", "Terms A-M", "c9")
            .Plan();
        var create = plan.Actions.Single(a => a.Kind == SyncActionKind.Create);
        Assert.Equal(DataCenter, create.Target);
        Assert.Equal("d9", create.Parent!.TargetId);
    }

    [Fact]
    public void Namesakes_with_different_content_are_reported_not_renamed()
    {
        var plan = Tree().New(DataCenter, "d9", "Glossary", hash: "a").New(Cloud, "c9", "Glossary", hash: "b").Plan();
        Assert.Empty(plan.Actions);
        var item = Assert.Single(plan.Items, i => i.Status == DriftStatus.Unpaired);
        Assert.Equal("d9", item.DataCenterId);
        Assert.Equal("c9", item.CloudId);
        Assert.Contains("different content", Assert.Single(item.Warnings));
    }

    [Fact]
    public void A_new_page_whose_title_a_paired_page_holds_is_reported()
    {
        var plan = Tree().New(Cloud, "c9", "Page 3").Plan();
        Assert.Empty(plan.Actions);
        Assert.Contains("paired with another page", Assert.Single(plan.Items, i => i.Status == DriftStatus.Unpaired).Warnings[0]);
    }

    [Fact]
    public void One_way_phases_report_the_other_side_and_never_write_to_it()
    {
        var plan = Tree().Edit(Cloud, "2").Edit(DataCenter, "3").New(Cloud, "c9", "Cloud only").Plan(direction: SyncDirection.ToCloud);
        var update = Single(plan);
        Assert.Equal(Cloud, update.Target);
        Assert.Equal(Cl("3"), update.TargetId);
        Assert.Equal(DriftStatus.CloudAhead, ItemOf(plan, "2").Status);
        Assert.Contains("to-cloud", ItemOf(plan, "2").Action);
        Assert.Equal(DriftStatus.OnlyOnCloud, plan.Items.Single(i => i.CloudId == "c9").Status);
    }

    [Fact]
    public void A_one_way_conflict_whose_winner_cannot_be_written_stays_a_conflict()
    {
        var plan = Tree().Edit(DataCenter, "2").Edit(Cloud, "2").Plan(direction: SyncDirection.ToCloud, conflicts: ConflictPolicy.PreferCloud);
        Assert.Empty(plan.Actions);
        Assert.Equal(DriftStatus.Conflict, ItemOf(plan, "2").Status);
    }

    [Fact]
    public void Direction_none_writes_nothing()
    {
        var plan = Tree().Edit(Cloud, "2").Trash(DataCenter, "4").New(DataCenter, "d9", "New").Plan(direction: SyncDirection.None);
        Assert.DoesNotContain(plan.Actions, a => a.WritesSite);
        Assert.Contains(plan.Items, i => i.Action.Contains("only reported"));
    }

    [Fact]
    public void The_delete_guard_refuses_a_run_that_trashes_too_much_unless_forced()
    {
        var world = new PlannerWorld();
        for (var i = 1; i <= 10; i++) world.Paired(i.ToString());
        world.Trash(DataCenter, "9").Trash(DataCenter, "10");

        var refused = world.Plan(maxDeletePercent: 10);
        Assert.Equal("DeleteGuard", refused.Refusal!.Code);
        Assert.True(refused.Refusal.ForceOverrides);
        Assert.Contains("2 of 10", refused.Refusal.Message);
        Assert.Null(world.Plan(maxDeletePercent: 20).Refusal);
        Assert.Null(world.Plan(maxDeletePercent: 10, force: true).Refusal);
    }

    [Fact]
    public void An_empty_listing_for_a_paired_space_is_an_error_even_with_force()
    {
        var world = Tree().Purge(Cloud, "1").Purge(Cloud, "2").Purge(Cloud, "3").Purge(Cloud, "4");
        var plan = world.Plan(force: true);
        Assert.Equal("EmptyListing", plan.Refusal!.Code);
        Assert.False(plan.Refusal.ForceOverrides);
        Assert.Empty(plan.Actions);
    }

    [Fact]
    public void A_change_query_answer_treats_unlisted_pages_as_unchanged()
    {
        var plan = Tree().Edit(DataCenter, "3").OnlyChanged(DataCenter, Dc("3")).OnlyChanged(Cloud).Plan();
        var update = Single(plan);
        Assert.Equal(Cl("3"), update.TargetId);
        Assert.Null(plan.Refusal);
        Assert.DoesNotContain(plan.Items, i => i.Status is DriftStatus.DeletedOnCloud or DriftStatus.DeletedOnDataCenter);
    }

    [Fact]
    public void A_new_page_under_a_parent_that_cannot_be_paired_is_reported()
    {
        var plan = Tree()
            .New(DataCenter, "d-gone", "Old Parent", status: PageStatus.Trashed)
            .New(DataCenter, "d-orphan", "Orphan", "d-gone")
            .Plan();
        Assert.Empty(plan.Actions);
        var item = plan.Items.Single(i => i.DataCenterId == "d-orphan");
        Assert.Equal(DriftStatus.OnlyOnDataCenter, item.Status);
        Assert.Contains("not paired", item.Warnings.Single());
    }

    [Fact]
    public void Actions_run_restores_then_creates_then_updates_then_trashes_children_first()
    {
        var plan = new PlannerWorld()
            .Paired("1").Paired("2", "1").Paired("3", "2").Paired("4")
            .TrashedPair("5").RestoreOn(DataCenter, "5")
            .Trash(Cloud, "2").Trash(Cloud, "3")
            .Edit(DataCenter, "4")
            .New(Cloud, "c-new", "New", Cl("1"))
            .Plan();

        var kinds = plan.Actions.Select(a => a.Kind).ToList();
        Assert.Equal(new[] { SyncActionKind.Restore, SyncActionKind.Create, SyncActionKind.Update, SyncActionKind.Trash, SyncActionKind.Trash }, kinds);
        Assert.Equal(Dc("3"), plan.Actions[3].TargetId);   // the child before its parent
        Assert.Equal(Dc("2"), plan.Actions[4].TargetId);
        Assert.Equal(Enumerable.Range(1, plan.Actions.Count), plan.Actions.Select(a => a.Id));
        Assert.All(plan.Items, i => Assert.All(i.ActionIds, id => Assert.Contains(plan.Actions, a => a.Id == id)));
    }

    [Fact]
    public void Random_worlds_give_plans_whose_dependencies_point_backwards_and_touch_each_page_once()
    {
        var random = new Random(20261125);
        for (var round = 0; round < 300; round++)
        {
            var world = new PlannerWorld();
            var count = random.Next(1, 25);
            for (var i = 1; i <= count; i++)
            {
                world.Paired(i.ToString(), i == 1 || random.Next(4) == 0 ? null : random.Next(1, i).ToString());
            }

            for (var i = 1; i <= count; i++)
            {
                var key = i.ToString();
                var side = random.Next(2) == 0 ? DataCenter : Cloud;
                switch (random.Next(8))
                {
                    case 0: world.Edit(side, key); break;
                    case 1: world.Edit(DataCenter, key).Edit(Cloud, key); break;
                    case 2: world.Rename(side, key, "Renamed " + key + side); break;
                    case 3: world.Trash(side, key); break;
                    case 4: world.Move(side, key, random.Next(3) == 0 ? null : random.Next(1, count + 1).ToString()); break;
                    case 5: world.New(side, $"n{round}-{i}", $"New {round}-{i}", random.Next(2) == 0 ? null : (side == DataCenter ? Dc(key) : Cl(key))); break;
                }
            }

            var policy = (ConflictPolicy)random.Next(5);
            var plan = world.Plan(conflicts: policy);
            foreach (var action in plan.Actions)
            {
                Assert.All(action.DependsOn, d => Assert.True(d < action.Id, $"round {round}: #{action.Id} depends on later #{d}"));
                if (action.Parent?.CreatedByAction is int parent)
                {
                    Assert.Equal(SyncActionKind.Create, plan.Actions.Single(a => a.Id == parent).Kind);
                }
            }

            var writes = plan.Actions.Where(a => a.WritesSite && a.TargetId != null && a.Kind != SyncActionKind.Restore);
            Assert.All(writes.GroupBy(a => (a.Target, a.TargetId)), g => Assert.Single(g));
            Assert.Equal(plan.Items.Count, plan.Items.Select(i => (i.DataCenterId, i.CloudId)).Distinct().Count());
        }
    }
}
