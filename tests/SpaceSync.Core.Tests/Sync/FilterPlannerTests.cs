using SpaceSync.Core.Sync;
using Xunit;
using static SpaceSync.Core.Sync.SyncSide;
using static SpaceSync.Core.Tests.Sync.PlannerWorld;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>The planner with include.subtree, exclude.titles and exclude.labels (SPEC §1): out of scope = reported, never written.</summary>
public class FilterPlannerTests
{
    private static DriftItem ItemOf(SyncPlan plan, string key) => plan.Items.Single(i => i.DataCenterId == Dc(key));

    private static DriftItem ItemOfId(SyncPlan plan, string id) => plan.Items.Single(i => i.DataCenterId == id || i.CloudId == id);

    /// <summary>
    /// Home (unpaired on both sides: above the scope, as a baseline with include "Home/Runbooks" leaves it), and below it
    /// Runbooks (pair R, recorded as the scope's top page: no parent pair), Deploy (D) and Rollback (B) under it.
    /// Glossary sits beside Runbooks, unpaired on both sides.
    /// </summary>
    private static PlannerWorld Subtree()
    {
        var world = new PlannerWorld
        {
            Filter = new ScopeFilter("Home/Runbooks", null, null),
        }
            .New(DataCenter, "dh", "Home").New(Cloud, "ch", "Home")
            .New(DataCenter, "dg", "Glossary", "dh").New(Cloud, "cg", "Glossary", "ch")
            .Paired("R", title: "Runbooks").Paired("D", "R", "Deploy").Paired("B", "R", "Rollback");
        world.Move(DataCenter, "R", "id:dh").Move(Cloud, "R", "id:ch");
        return world;
    }

    private static PlannerWorld ArchiveWorld() => new PlannerWorld { Filter = new ScopeFilter(null, new[] { "Archive*" }, null) }
        .Paired("1", title: "Home").Paired("2", "1", "Runbooks").Paired("3", "2", "Deploy")
        .New(DataCenter, "da", "Archive", Dc("1")).New(Cloud, "ca", "Archive", Cl("1"));

    [Fact]
    public void The_scope_top_page_is_not_seen_as_moved_and_pages_outside_are_reported_as_excluded()
    {
        var plan = Subtree().Plan();
        Assert.Empty(plan.Actions);
        Assert.All(new[] { "R", "D", "B" }, key => Assert.Equal(DriftStatus.InSync, ItemOf(plan, key).Status));
        foreach (var id in new[] { "dh", "ch", "dg", "cg" })
        {
            var item = ItemOfId(plan, id);
            Assert.Equal(DriftStatus.Excluded, item.Status);
            Assert.Empty(item.ActionIds);
            Assert.Contains("include.subtree", item.Action);
            Assert.Empty(item.Warnings);
        }
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void A_new_page_inside_the_subtree_is_created_and_one_outside_is_not()
    {
        var plan = Subtree()
            .New(DataCenter, "dn", "Canary", Dc("R"))
            .New(Cloud, "cn", "Onboarding", "ch")
            .New(DataCenter, "dn2", "Glossary terms", "dg")
            .Plan();
        var create = Assert.Single(plan.Actions);
        Assert.Equal(SyncActionKind.Create, create.Kind);
        Assert.Equal("dn", create.SourceId);
        Assert.Equal(Cl("R"), create.Parent!.TargetId);
        Assert.Equal(DriftStatus.Excluded, ItemOfId(plan, "cn").Status);
        Assert.Equal(DriftStatus.Excluded, ItemOfId(plan, "dn2").Status);
    }

    [Fact]
    public void The_scope_top_page_new_on_one_side_is_created_under_the_page_the_path_names_there()
    {
        var world = new PlannerWorld { Filter = new ScopeFilter("Home/Runbooks", null, null) }
            .New(DataCenter, "dh", "Home").New(Cloud, "ch", "Home")
            .New(DataCenter, "dr", "Runbooks", "dh").New(DataCenter, "dd", "Deploy", "dr");
        var plan = world.Plan();
        Assert.Equal(2, plan.Actions.Count);
        Assert.Equal(ParentRef.Existing("ch"), plan.Actions[0].Parent);
        Assert.Equal("dr", plan.Actions[0].SourceId);
        Assert.Equal(ParentRef.Created(plan.Actions[0].Id), plan.Actions[1].Parent);
    }

    [Fact]
    public void A_paired_page_moved_out_of_the_subtree_is_reported_not_trashed_nor_moved_on_the_other_side()
    {
        var plan = Subtree().Move(DataCenter, "D", "id:dh").Edit(DataCenter, "D").Plan();
        Assert.Empty(plan.Actions);
        var item = ItemOf(plan, "D");
        Assert.Equal(DriftStatus.Excluded, item.Status);
        Assert.Empty(item.ActionIds);
        var warning = Assert.Single(item.Warnings);
        Assert.Contains("left the sync scope", warning);
        Assert.Contains("Nothing was done on Cloud", warning);
        Assert.Null(plan.Refusal);
    }

    [Fact]
    public void A_page_moved_under_an_excluded_parent_is_reported_and_its_twin_is_kept()
    {
        var plan = ArchiveWorld().Move(Cloud, "3", "id:ca").Plan();
        Assert.DoesNotContain(plan.Actions, a => a.WritesSite);
        var item = ItemOf(plan, "3");
        Assert.Equal(DriftStatus.Excluded, item.Status);
        Assert.Contains("an ancestor", item.Action);
        Assert.Contains("Nothing was done on Data Center", Assert.Single(item.Warnings));
    }

    [Fact]
    public void A_page_renamed_to_an_excluded_title_is_reported_with_its_subtree_and_nothing_is_renamed()
    {
        var plan = ArchiveWorld().Rename(DataCenter, "2", "Archive of runbooks").Plan();
        Assert.Empty(plan.Actions);
        Assert.Equal(DriftStatus.Excluded, ItemOf(plan, "2").Status);
        Assert.Equal("Archive of runbooks", ItemOf(plan, "2").Title);
        Assert.Equal(DriftStatus.Excluded, ItemOf(plan, "3").Status);
        Assert.Single(ItemOf(plan, "3").Warnings);
        Assert.Equal(DriftStatus.InSync, ItemOf(plan, "1").Status);
    }

    [Fact]
    public void A_page_trashed_on_one_side_while_excluded_on_the_other_is_not_trashed_there()
    {
        var plan = ArchiveWorld().Trash(DataCenter, "3").Move(Cloud, "3", "id:ca").Plan();
        Assert.Empty(plan.Actions);
        Assert.Equal(DriftStatus.Excluded, ItemOf(plan, "3").Status);
    }

    [Fact]
    public void Unpaired_pages_under_an_excluded_page_are_excluded_with_it()
    {
        var plan = ArchiveWorld().New(DataCenter, "dold", "Old deploy", "da").New(DataCenter, "dolder", "Older deploy", "dold").Plan();
        Assert.Empty(plan.Actions);
        Assert.All(new[] { "da", "ca", "dold", "dolder" }, id => Assert.Equal(DriftStatus.Excluded, ItemOfId(plan, id).Status));
    }

    [Fact]
    public void A_page_that_gets_an_excluded_label_is_reported_not_synced()
    {
        var world = ArchiveWorld();
        world.Filter = new ScopeFilter(null, new[] { "Archive*" }, new[] { "no-sync" });
        var plan = world.LabelsRead().Labels(DataCenter, Dc("2"), "no-sync").Edit(Cloud, "3").Plan();
        Assert.Empty(plan.Actions);
        Assert.Contains("'no-sync'", ItemOf(plan, "2").Action);
        Assert.Equal(DriftStatus.Excluded, ItemOf(plan, "3").Status); // below the labelled page
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void Unread_labels_cannot_exclude_and_say_so_once_per_plan()
    {
        var world = ArchiveWorld();
        world.Filter = new ScopeFilter(null, null, new[] { "no-sync" });
        var plan = world.Edit(DataCenter, "3").Plan();
        Assert.Equal(SyncActionKind.Update, Assert.Single(plan.Actions).Kind);
        var warning = Assert.Single(plan.Warnings);
        Assert.Contains("no-sync", warning);
        Assert.Contains("no labels", warning);
    }

    [Fact]
    public void A_page_moved_from_an_excluded_parent_into_scope_is_created()
    {
        var world = ArchiveWorld()
            .New(DataCenter, Dc("old"), "Old deploy", "da")
            .New(DataCenter, "dchild", "Old deploy notes", Dc("old"));
        Assert.Empty(world.Plan().Actions);

        var moved = world.Change(DataCenter, "old", p => p with { ParentId = Dc("2"), Version = 2 }).Plan();
        Assert.Equal(2, moved.Actions.Count);
        Assert.All(moved.Actions, a => Assert.Equal(SyncActionKind.Create, a.Kind));
        Assert.Equal(Dc("old"), moved.Actions[0].SourceId);
        Assert.Equal(Cl("2"), moved.Actions[0].Parent!.TargetId);
        Assert.Equal(ParentRef.Created(moved.Actions[0].Id), moved.Actions[1].Parent);
        Assert.Equal(DriftStatus.OnlyOnDataCenter, ItemOfId(moved, "dchild").Status);
    }

    [Fact]
    public void A_paired_page_that_comes_back_into_scope_is_moved_on_the_other_side()
    {
        // Moved under Archive earlier (reported, left alone); now moved from there to Home: the pair still records
        // it below Runbooks, so Cloud gets the move.
        var plan = ArchiveWorld().Move(DataCenter, "3", "1").Plan();
        var move = Assert.Single(plan.Actions);
        Assert.Equal(SyncActionKind.Update, move.Kind);
        Assert.Equal(Cloud, move.Target);
        Assert.Equal(Cl("1"), move.Parent!.TargetId);
    }

    [Fact]
    public void A_new_page_whose_namesake_on_the_other_side_is_out_of_scope_is_a_collision_not_a_pairing()
    {
        var plan = ArchiveWorld().New(DataCenter, "dx", "Old deploy", Dc("2")).New(Cloud, "cx", "Old deploy", "ca", hash: "hash-dx").Plan();
        Assert.Empty(plan.Actions);
        var item = ItemOfId(plan, "dx");
        Assert.Equal(DriftStatus.Unpaired, item.Status);
        Assert.Contains("outside the sync scope", Assert.Single(item.Warnings));
        Assert.Equal(DriftStatus.Excluded, ItemOfId(plan, "cx").Status);
    }

    [Fact]
    public void In_a_change_query_pages_not_listed_keep_their_last_path_and_are_not_excluded()
    {
        var plan = Subtree().Edit(DataCenter, "D").OnlyChanged(DataCenter, Dc("D")).OnlyChanged(Cloud).Plan();
        var update = Assert.Single(plan.Actions);
        Assert.Equal(Cl("D"), update.TargetId);
        Assert.DoesNotContain(plan.Items, i => i.Status == DriftStatus.Excluded);
        Assert.All(new[] { "R", "B" }, key => Assert.Equal(DriftStatus.InSync, ItemOf(plan, key).Status));
    }

    [Fact]
    public void In_a_change_query_a_listed_page_under_a_listed_excluded_parent_is_excluded()
    {
        var plan = ArchiveWorld().Move(DataCenter, "3", "id:da").OnlyChanged(DataCenter, Dc("3"), "da").OnlyChanged(Cloud).Plan();
        Assert.Empty(plan.Actions);
        Assert.Equal(DriftStatus.Excluded, ItemOf(plan, "3").Status);
        Assert.Equal(DriftStatus.InSync, ItemOf(plan, "2").Status);
    }

    [Fact]
    public void In_a_change_query_a_page_moved_below_an_unlisted_unpaired_page_waits_for_a_structural_listing()
    {
        // The archive page is unchanged, so the change query does not list it: whether Deploy left the scope is unknown.
        var plan = ArchiveWorld().Move(DataCenter, "3", "id:da").Edit(DataCenter, "3").OnlyChanged(DataCenter, Dc("3")).OnlyChanged(Cloud).Plan();
        Assert.Empty(plan.Actions);
        var item = ItemOf(plan, "3");
        Assert.Equal("none: scope not decided yet", item.Action);
        Assert.Contains("structural listing", Assert.Single(item.Warnings));

        var listed = ArchiveWorld().Move(DataCenter, "3", "id:da").Edit(DataCenter, "3").Plan();
        Assert.Contains("Archive*", ItemOf(listed, "3").Action);
    }

    [Fact]
    public void In_a_change_query_a_page_moved_below_a_listed_in_scope_page_still_moves()
    {
        var plan = ArchiveWorld().New(DataCenter, "dn", "Fresh", Dc("1")).Move(DataCenter, "3", "id:dn")
            .OnlyChanged(DataCenter, Dc("3"), "dn").OnlyChanged(Cloud).Plan();
        Assert.Equal(2, plan.Actions.Count);
        Assert.Equal(ParentRef.Created(plan.Actions[0].Id), plan.Actions[1].Parent);
    }

    [Fact]
    public void In_a_change_query_an_unlisted_excluded_pair_stays_excluded_without_a_warning()
    {
        // Pages paired before the exclusion was added: a change query lists neither, they keep their last path.
        var world = ArchiveWorld().Paired("9", "1", "Archive 2019").Paired("10", "9", "Old");
        var plan = world.OnlyChanged(DataCenter).OnlyChanged(Cloud).Plan();
        Assert.Empty(plan.Actions);
        Assert.Equal(DriftStatus.Excluded, ItemOf(plan, "9").Status);
        Assert.Equal(DriftStatus.Excluded, ItemOf(plan, "10").Status);
        Assert.Empty(ItemOf(plan, "10").Warnings);
    }

    [Fact]
    public void Excluded_pairs_do_not_count_towards_the_delete_guard()
    {
        var world = ArchiveWorld();
        world.Move(Cloud, "2", "id:ca").Move(DataCenter, "2", "id:da");
        var plan = world.Plan(maxDeletePercent: 0);
        Assert.Null(plan.Refusal);
        Assert.DoesNotContain(plan.Actions, a => a.Kind == SyncActionKind.Trash);
    }
}
