using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using Xunit;
using static SpaceSync.Core.Sync.SyncSide;
using static SpaceSync.Core.Tests.Sync.PlannerWorld;

namespace SpaceSync.Core.Tests.Sync.Folders;

/// <summary>
/// Cloud folders in the pure planner (docs/confluence-behaviours.md §3): a folder is transparent — a page in it belongs
/// below the nearest page above the folder, the tree both sites share — so filing pages into folders changes nothing on
/// Data Center, the folders are drift items of their own, and no action ever names a folder.
/// </summary>
public class FolderPlannerTests
{
    // Home (1) > Team (2) > Notes (3), Plans (4); Home > Other (5).
    private static PlannerWorld Tree() => new PlannerWorld()
        .Paired("1", title: "Home")
        .Paired("2", "1", title: "Team")
        .Paired("3", "2", title: "Notes")
        .Paired("4", "2", title: "Plans")
        .Paired("5", "1", title: "Other");

    private static void NoActionNamesAFolder(SyncPlan plan, params string[] folderIds)
    {
        foreach (var action in plan.Actions)
        {
            Assert.DoesNotContain(action.TargetId, folderIds);
            Assert.DoesNotContain(action.Parent?.TargetId, folderIds);
        }
    }

    [Fact]
    public void Pages_filed_into_a_folder_below_their_own_parent_are_in_sync_and_not_a_missing_parent()
    {
        var plan = Tree()
            .Folder("F1", "Team folder", Cl("2"))
            .Folder("F2", "Drafts", "F1")
            .InFolder(Cl("3"), "F1").Touch(Cloud, "3") // a v2 move makes a version
            .InFolder(Cl("4"), "F2")
            .Plan();

        Assert.All(plan.Items, i => Assert.Equal(DriftStatus.InSync, i.Status));
        Assert.All(plan.Items, i => Assert.Empty(i.Warnings));
        Assert.DoesNotContain(plan.Actions, a => a.WritesSite);
        NoActionNamesAFolder(plan, "F1", "F2");
    }

    [Fact]
    public void Each_folder_is_a_drift_item_of_its_own_saying_where_its_pages_sync_on_data_center()
    {
        var plan = Tree()
            .Folder("F1", "Team folder", Cl("2"))
            .Folder("F2", "Drafts", "F1")
            .Folder("W1", "Board", Cl("5"), type: "whiteboard")
            .Folder("T1", "Top folder", null)
            .InFolder(Cl("3"), "F2")
            .Plan();

        Assert.Equal(new[] { "Board", "Drafts", "Team folder", "Top folder" }, plan.Folders.Select(f => f.Title));
        Assert.All(plan.Folders, f =>
        {
            Assert.Equal(DriftStatus.CloudFolder, f.Status);
            Assert.Null(f.DataCenterId);
            Assert.Empty(f.ActionIds);
            Assert.StartsWith("none: a Cloud ", f.Action, StringComparison.Ordinal);
        });
        var drafts = plan.Folders.Single(f => f.CloudId == "F2");
        Assert.Equal("none: a Cloud folder, not a page; its pages sync below \"Team\" on Data Center", drafts.Action);
        Assert.Contains("a Cloud whiteboard, not a page; its pages sync below \"Other\"", plan.Folders.Single(f => f.CloudId == "W1").Action, StringComparison.Ordinal);
        Assert.EndsWith("its pages sync at the top level on Data Center", plan.Folders.Single(f => f.CloudId == "T1").Action, StringComparison.Ordinal);
        Assert.DoesNotContain(plan.Items, i => i.Status == DriftStatus.CloudFolder); // pages and folders are kept apart
    }

    [Fact]
    public void A_folder_below_a_page_outside_include_subtree_is_not_shown()
    {
        var world = Tree().Folder("F1", "Team folder", Cl("2")).Folder("F5", "Other folder", Cl("5")).Folder("T1", "Top folder", null);
        world.Filter = ScopeFilter.For(new ResolvedSpace { Key = "ENG", CloudKey = "ENG", IncludeSubtree = "Home/Team" });
        var plan = world.Plan();
        Assert.Equal(new[] { "F1" }, plan.Folders.Select(f => f.CloudId));
    }

    [Fact]
    public void A_data_center_move_takes_the_cloud_twin_out_of_its_folder_below_the_new_parents_twin_and_says_so()
    {
        var plan = Tree()
            .Folder("F1", "Team folder", Cl("2"))
            .InFolder(Cl("3"), "F1")
            .Move(DataCenter, "3", "5").Touch(DataCenter, "3")
            .Plan();

        var move = Assert.Single(plan.Actions, a => a.Kind == SyncActionKind.Update && a.TargetId == Cl("3"));
        Assert.Equal(Cl("5"), move.Parent?.TargetId); // a page, never the folder
        Assert.Contains("it leaves Cloud folder \"Team folder\"", move.Reason, StringComparison.Ordinal);
        var item = Assert.Single(plan.Items, i => i.DataCenterId == Dc("3"));
        Assert.Equal(DriftStatus.DataCenterAhead, item.Status);
        Assert.Contains(item.Warnings, w => w.Contains("leaves Cloud folder \"Team folder\"", StringComparison.Ordinal) &&
                                            w.Contains("follows below \"Other\"", StringComparison.Ordinal));
        NoActionNamesAFolder(plan, "F1");
    }

    [Fact]
    public void A_cloud_page_filed_into_a_folder_below_another_page_moves_its_twin_below_that_page()
    {
        var plan = Tree()
            .Folder("F5", "Other folder", Cl("5"))
            .InFolder(Cl("3"), "F5").Touch(Cloud, "3")
            .Plan();

        var move = Assert.Single(plan.Actions, a => a.Kind == SyncActionKind.Update && a.TargetId == Dc("3"));
        Assert.Equal(Dc("5"), move.Parent?.TargetId);
        Assert.Equal(PageChanges.Parent, move.Changes);
        NoActionNamesAFolder(plan, "F5");
    }

    [Fact]
    public void A_new_cloud_page_in_a_folder_is_created_on_data_center_below_the_page_above_the_folder_or_at_the_top_level()
    {
        var plan = Tree()
            .Folder("F1", "Team folder", Cl("2"))
            .Folder("F2", "Drafts", "F1")
            .Folder("T1", "Top folder", null)
            .New(Cloud, "C8", "Filed draft").InFolder("C8", "F2")
            .New(Cloud, "C9", "Top filed").InFolder("C9", "T1")
            .Plan();

        var filed = Assert.Single(plan.Actions, a => a.Kind == SyncActionKind.Create && a.SourceId == "C8");
        Assert.Equal(DataCenter, filed.Target);
        Assert.Equal(Dc("2"), filed.Parent?.TargetId);
        var top = Assert.Single(plan.Actions, a => a.Kind == SyncActionKind.Create && a.SourceId == "C9");
        Assert.True(top.Parent?.IsTopLevel);
        Assert.All(plan.Items.Where(i => i.CloudId is "C8" or "C9"), i => Assert.Empty(i.Warnings));
        NoActionNamesAFolder(plan, "F1", "F2", "T1");
    }

    [Fact]
    public void A_page_in_a_folder_that_could_not_be_read_is_left_where_it_is_and_a_new_one_is_not_created()
    {
        var plan = Tree()
            .Folder("FX", "", null, readable: false)
            .InFolder(Cl("3"), "FX").Edit(Cloud, "3")
            .New(Cloud, "C9", "In the unreadable folder").InFolder("C9", "FX")
            .Plan();

        // The edit crosses; the place is not touched (the pair keeps its parent).
        var update = Assert.Single(plan.Actions, a => a.Kind == SyncActionKind.Update && a.TargetId == Dc("3"));
        Assert.Null(update.Parent);
        Assert.Equal(PageChanges.Body, update.Changes);
        Assert.Equal(PageChanges.Body, Assert.Single(plan.Items, i => i.CloudId == Cl("3")).CloudChanges); // not taken for a move
        var item = Assert.Single(plan.Items, i => i.CloudId == "C9");
        Assert.StartsWith("none: it sits in Cloud folder FX, which could not be read", item.Action, StringComparison.Ordinal);
        Assert.DoesNotContain(plan.Actions, a => a.Kind == SyncActionKind.Create);
        var folder = Assert.Single(plan.Folders);
        Assert.Contains("could not be read", folder.Action, StringComparison.Ordinal);
        NoActionNamesAFolder(plan, "FX");
    }

    [Fact]
    public void A_change_query_lists_only_changed_pages_but_the_known_folders_still_show()
    {
        var world = Tree().Folder("F1", "Team folder", Cl("2")).InFolder(Cl("3"), "F1").Edit(Cloud, "4");
        var plan = world.OnlyChanged(Cloud, Cl("4")).Plan();
        Assert.Equal(new[] { "F1" }, plan.Folders.Select(f => f.CloudId));
        Assert.Equal("none: a Cloud folder, not a page; its pages sync below \"Team\" on Data Center", plan.Folders[0].Action);
    }
}

/// <summary>The transparency rule itself: the nearest page above a chain of folders.</summary>
public class FolderTreeTests
{
    private static ContainerSnapshot Folder(string id, string? parentId, string? parentType, bool readable = true) =>
        new() { Id = id, Type = "folder", Title = id, ParentId = parentId, ParentType = parentType, Readable = readable };

    private static Dictionary<string, ContainerSnapshot> Of(params ContainerSnapshot[] folders) =>
        folders.ToDictionary(f => f.Id, StringComparer.Ordinal);

    [Fact]
    public void The_page_above_nested_folders_and_a_whiteboard_is_found()
    {
        var containers = Of(Folder("A", "P1", "page"), Folder("B", "A", "folder"), Folder("W", "B", "folder") with { Type = "whiteboard" });
        Assert.Equal(("P1", true), FolderTree.PageAbove("W", containers));
        Assert.Equal(("P1", true), FolderTree.PageAbove("A", containers));
    }

    [Fact]
    public void A_folder_at_the_top_level_puts_its_pages_at_the_top_level()
    {
        Assert.Equal(((string?)null, true), FolderTree.PageAbove("T", Of(Folder("T", null, null))));
        Assert.Equal(((string?)null, true), FolderTree.PageAbove("B", Of(Folder("T", null, null), Folder("B", "T", "folder"))));
    }

    [Fact]
    public void A_missing_or_unreadable_folder_on_the_way_or_a_loop_is_not_resolved()
    {
        Assert.False(FolderTree.PageAbove("B", Of(Folder("B", "A", "folder"))).Resolved);
        Assert.False(FolderTree.PageAbove("B", Of(Folder("A", "P1", "page", readable: false), Folder("B", "A", "folder"))).Resolved);
        Assert.False(FolderTree.PageAbove("A", Of(Folder("A", "B", "folder"), Folder("B", "A", "folder"))).Resolved);
    }
}
