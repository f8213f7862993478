using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using Xunit;
using static SpaceSync.Core.Sync.SyncSide;
using static SpaceSync.Core.Tests.Sync.PlannerWorld;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>Issue 4 item 7: a new page whose title the other site's space already holds (Confluence keeps titles unique per space).</summary>
public class CollisionPlannerTests
{
    private static PlannerWorld Tree() => new PlannerWorld()
        .Paired("1", title: "Home")
        .Paired("2", "1")
        .Paired("3", "1");

    private static DriftItem Collision(SyncPlan plan) => Assert.Single(plan.Items, i => i.Action == SyncPlanner.TitleCollision);

    [Fact]
    public void New_pages_on_both_sites_with_one_title_and_one_content_are_paired_once_whatever_the_case()
    {
        var plan = Tree().New(Cloud, "c9", "release NOTES", hash: "same").New(DataCenter, "d9", "Release notes", hash: "same").Plan();
        var adopt = Assert.Single(plan.Actions);
        Assert.Equal(SyncActionKind.Adopt, adopt.Kind);
        Assert.Equal(("d9", "c9"), (adopt.SourceId, adopt.TargetId));
        var item = Assert.Single(plan.Items, i => i.DataCenterId == "d9");
        Assert.Equal(DriftStatus.InSync, item.Status);
        Assert.Equal("c9", item.CloudId);
        Assert.DoesNotContain(plan.Items, i => i.Action == SyncPlanner.TitleCollision);
    }

    [Fact]
    public void New_pages_on_both_sites_with_one_title_and_different_content_are_reported_once_with_the_next_step()
    {
        var plan = Tree().New(DataCenter, "d9", "Glossary", hash: "dc text").New(Cloud, "c9", "GLOSSARY", hash: "cloud text").Plan();
        Assert.Empty(plan.Actions);
        var item = Collision(plan);
        Assert.Equal(DriftStatus.Unpaired, item.Status);
        Assert.Equal(("d9", "c9"), (item.DataCenterId, item.CloudId));
        Assert.Empty(item.ActionIds);
        var warning = Assert.Single(item.Warnings);
        Assert.Contains("different content", warning);
        Assert.Contains("rename one of them", warning);
        Assert.Contains("Start-SpaceBaseline -IdMapPath", warning);
    }

    [Fact]
    public void A_new_cloud_page_whose_title_a_paired_data_center_page_holds_is_reported_as_the_cloud_page()
    {
        var plan = Tree().New(Cloud, "c9", "page 2").Plan();
        Assert.Empty(plan.Actions);
        var item = Collision(plan);
        Assert.Equal(DriftStatus.Unpaired, item.Status);
        Assert.Equal("c9", item.CloudId); // the page that cannot be copied, not the pair holding the title
        Assert.Null(item.DataCenterId);
        Assert.Contains("paired with another page", item.Warnings[0]);
        Assert.Contains(Dc("2"), item.Warnings[0]);
        Assert.Equal(DriftStatus.InSync, plan.Items.Single(i => i.DataCenterId == Dc("2")).Status);
    }

    [Fact]
    public void A_change_query_that_does_not_list_the_paired_holder_of_the_title_still_sees_the_collision()
    {
        // Cloud read incrementally: page 2's Cloud twin did not change, so it is not listed, yet it holds "Page 2" there.
        var plan = Tree().Rename(DataCenter, "2", "Page 2 (old)").New(DataCenter, "d9", "PAGE 2").OnlyChanged(Cloud).Plan();
        Assert.DoesNotContain(plan.Actions, a => a.Kind == SyncActionKind.Create);
        var item = Collision(plan);
        Assert.Equal("d9", item.DataCenterId);
        Assert.Contains(Cl("2"), item.Warnings[0]);
        // The pair's own rename still crosses, and the warning says that frees the title for the next run.
        var rename = Assert.Single(plan.Actions);
        Assert.Equal((SyncActionKind.Update, Cloud, "Page 2 (old)"), (rename.Kind, rename.Target, rename.Title));
        Assert.Contains("renamed to \"Page 2 (old)\"", item.Warnings[0]);
    }

    [Fact]
    public void A_title_freed_by_a_trash_on_the_source_side_is_said_to_be_copied_next_run()
    {
        var plan = Tree().Trash(DataCenter, "3").New(DataCenter, "d9", "Page 3").Plan();
        var item = Collision(plan);
        Assert.Contains("in the trash", item.Warnings[0]);
        Assert.Equal(SyncActionKind.Trash, Assert.Single(plan.Actions).Kind);
    }

    [Fact]
    public void A_change_query_without_the_namesake_plans_the_create_and_leaves_the_refusal_to_the_executor()
    {
        // The unpaired Cloud namesake did not change since the mark: the planner cannot know of it.
        var plan = Tree().New(DataCenter, "d9", "Glossary").OnlyChanged(Cloud).Plan();
        var create = Assert.Single(plan.Actions);
        Assert.Equal((SyncActionKind.Create, Cloud), (create.Kind, create.Target));
    }

    [Fact]
    public void One_way_phases_still_pair_equal_namesakes_without_writing_and_report_different_ones()
    {
        var equal = Tree().New(DataCenter, "d9", "Glossary", hash: "g").New(Cloud, "c9", "Glossary", hash: "g").Plan(direction: SyncDirection.ToCloud);
        Assert.False(Assert.Single(equal.Actions).WritesSite);
        var differ = Tree().New(DataCenter, "d9", "Glossary", hash: "a").New(Cloud, "c9", "Glossary", hash: "b").Plan(direction: SyncDirection.None);
        Assert.Empty(differ.Actions);
        Assert.Equal(DriftStatus.Unpaired, Collision(differ).Status);
    }
}
