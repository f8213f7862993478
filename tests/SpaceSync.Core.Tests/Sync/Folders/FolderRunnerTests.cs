using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;

namespace SpaceSync.Core.Tests.Sync.Folders;

/// <summary>
/// Cloud folders against both emulators over real HTTP (docs/confluence-behaviours.md §3): a migrated space whose Cloud
/// copy gets folders. Filing pages into folders changes nothing on Data Center; pages created in a folder go below the
/// page above it; a Data Center move takes the Cloud twin out of its folder and says so; a folder moved on Cloud moves
/// the Data Center twins of its pages; a folder id is never sent anywhere as a page's parent.
/// </summary>
public sealed class FolderRunnerTests
{
    private const string FolderRoute = "GET /wiki/api/v2/folders/{id}";

    private static async Task<RunnerWorld> SyncedWorldAsync()
    {
        var world = await RunnerWorld.StartAsync(pageCount: 24);
        await world.BaselineAsync();
        var first = await world.SyncAsync(); // structural; the next runs read only changes
        Assert.Equal(ListingMode.Structural, first.Listing);
        // A space without folders asks for none.
        Assert.DoesNotContain(world.CloudEmulator.State.Stats.ByRoute.Keys, route => route.Contains("/folders", StringComparison.Ordinal));
        return world;
    }

    /// <summary>A Data Center page with at least two current child pages, and those children.</summary>
    private static (Page Parent, Page First, Page Second) Section(EmulatorState dc)
    {
        var current = RunnerWorld.CurrentPages(dc);
        var parent = current.First(p => p.ParentId != null && current.Count(c => c.ParentId == p.Id) >= 2);
        var children = current.Where(c => c.ParentId == parent.Id).OrderBy(c => c.Id).ToList();
        return (parent, children[0], children[1]);
    }

    /// <summary>Whether <paramref name="page"/> sits anywhere below <paramref name="ancestorId"/>.</summary>
    private static bool IsBelow(EmulatorState state, Page page, long ancestorId)
    {
        for (var up = page.ParentId; up is long id; up = state.FindPage(id)?.ParentId)
            if (id == ancestorId) return true;
        return false;
    }

    private static Page Folder(RunnerWorld world, string title, long? parentId, string type = "folder") =>
        world.Cloud.CreateContainer(type, world.Cloud.FindSpaceByKey(RunnerWorld.Key)!.Id, title, parentId);

    /// <summary>Every Data Center page's parent is a Data Center page: no foreign id (a Cloud folder's) ever reached it.</summary>
    private static void NoForeignParentOnDataCenter(RunnerWorld world)
    {
        var ids = world.Dc.GetPages(RunnerWorld.Key).Select(p => p.Id).ToHashSet();
        Assert.All(RunnerWorld.CurrentPages(world.Dc), p => Assert.True(p.ParentId is null || ids.Contains(p.ParentId.Value), $"DC page {p.Id} has parent {p.ParentId}"));
    }

    [Fact]
    public async Task Pages_filed_into_cloud_folders_cross_nothing_the_folders_show_in_the_drift_and_change_queries_take_them_from_the_state()
    {
        await using var world = await SyncedWorldAsync();
        var (parent, first, second) = Section(world.Dc);
        var team = Folder(world, "Team folder", world.CloudTwin(parent).Id);
        var drafts = Folder(world, "Drafts", team.Id);
        RunnerWorld.Move(world.Cloud, world.CloudTwin(first), team.Id);
        RunnerWorld.Move(world.Cloud, world.CloudTwin(second), drafts.Id);
        var dcBefore = world.Dc.GetPages(RunnerWorld.Key).ToDictionary(p => p.Id, p => (p.Current.Number, p.ParentId));
        world.CloudEmulator.State.Stats.Reset();

        var full = await world.SyncAsync(fullListing: true);
        Assert.Empty(full.Errors);
        Assert.Equal(0, full.Count("Update") + full.Count("Create") + full.Count("Trash"));
        Assert.Equal(dcBefore, world.Dc.GetPages(RunnerWorld.Key).ToDictionary(p => p.Id, p => (p.Current.Number, p.ParentId)));
        Assert.All(full.Plan.Items, i => Assert.Empty(i.Warnings)); // no "parent is not paired" for the filed pages
        foreach (var filed in new[] { first, second })
        {
            // Their place in the shared tree did not change: a new version (the v2 move), nothing else.
            var item = Assert.Single(full.Plan.Items, i => i.DataCenterId == filed.Id.ToString());
            Assert.Equal((DriftStatus.InSync, PageChanges.None, "none"), (item.Status, item.CloudChanges, item.Action));
        }

        Assert.Equal(new[] { ("Drafts", drafts.Id.ToString()), ("Team folder", team.Id.ToString()) }, full.Plan.Folders.Select(f => (f.Title, f.CloudId!)));
        Assert.All(full.Plan.Folders, f => Assert.Equal($"none: a Cloud folder, not a page; its pages sync below \"{parent.Title}\" on Data Center", f.Action));
        Assert.Equal(2, world.CloudEmulator.State.Stats.Count("GET", "/wiki/api/v2/folders/{id}")); // each folder read once
        world.AssertSidesEqual();

        // A change query lists only the edited page; the folders come from the state, not read again.
        RunnerWorld.Edit(world.Cloud, world.Cloud.FindPage(world.CloudTwin(second).Id)!, body: "<p>Edited in the drafts folder.</p>");
        world.CloudEmulator.State.Stats.Reset();
        var drift = await world.SyncAsync(whatIf: true);
        Assert.Equal(ListingMode.Changes, drift.Listing);
        Assert.Equal(2, drift.Plan.Folders.Count);
        var changes = await world.SyncAsync();
        Assert.Equal(ListingMode.Changes, changes.Listing);
        Assert.Empty(changes.Errors);
        Assert.Equal(1, changes.Count("Update"));
        Assert.Equal("<p>Edited in the drafts folder.</p>", world.Dc.FindPage(second.Id)!.Current.Body);
        Assert.Equal(parent.Id, world.Dc.FindPage(second.Id)!.ParentId); // still below the page above its folder
        Assert.Equal(2, changes.Plan.Folders.Count);
        Assert.Equal(0, world.CloudEmulator.State.Stats.Count("GET", "/wiki/api/v2/folders/{id}"));
        NoForeignParentOnDataCenter(world);
    }

    [Fact]
    public async Task Pages_created_in_cloud_folders_go_below_the_page_above_the_folder_or_to_the_top_level_on_data_center()
    {
        await using var world = await SyncedWorldAsync();
        var (parent, _, _) = Section(world.Dc);
        var cloudSpace = world.Cloud.FindSpaceByKey(RunnerWorld.Key)!.Id;
        var team = Folder(world, "Team folder", world.CloudTwin(parent).Id);
        var board = Folder(world, "Planning board", team.Id, type: "whiteboard");
        var top = Folder(world, "Top folder", null);
        var filed = world.Cloud.CreatePage(cloudSpace, "Filed on Cloud", "<p>New in a folder.</p>", board.Id);
        var topFiled = world.Cloud.CreatePage(cloudSpace, "Filed at the top", "<p>New in a top-level folder.</p>", top.Id);

        var run = await world.SyncAsync();
        Assert.Empty(run.Errors);
        Assert.Equal(2, run.Count("Create"));
        var dcFiled = RunnerWorld.CurrentPages(world.Dc).Single(p => p.Title == "Filed on Cloud");
        Assert.Equal(parent.Id, dcFiled.ParentId);
        Assert.Null(RunnerWorld.CurrentPages(world.Dc).Single(p => p.Title == "Filed at the top").ParentId);
        Assert.Equal(filed.Id.ToString(), world.PairOfDc(dcFiled.Id).CloudPageId);
        Assert.Equal(board.Id, world.Cloud.FindPage(filed.Id)!.ParentId); // Cloud keeps its folders
        Assert.Equal(top.Id, world.Cloud.FindPage(topFiled.Id)!.ParentId);

        // A child made on Data Center below the created page crosses below its Cloud twin: a page, not the whiteboard.
        var child = world.Dc.CreatePage(world.Dc.FindSpaceByKey(RunnerWorld.Key)!.Id, "Child from Data Center", "<p>child</p>", dcFiled.Id);
        var again = await world.SyncAsync();
        Assert.Empty(again.Errors);
        Assert.Equal(filed.Id, RunnerWorld.CurrentPages(world.Cloud).Single(p => p.Title == child.Title).ParentId);
        world.AssertSidesEqual();
        NoForeignParentOnDataCenter(world);
    }

    [Fact]
    public async Task A_data_center_move_takes_the_cloud_twin_out_of_its_folder_below_the_new_parents_twin_and_says_so()
    {
        await using var world = await SyncedWorldAsync();
        var (parent, first, _) = Section(world.Dc);
        var team = Folder(world, "Team folder", world.CloudTwin(parent).Id);
        var twin = world.CloudTwin(first);
        RunnerWorld.Move(world.Cloud, twin, team.Id);
        Assert.Empty((await world.SyncAsync()).Errors);

        var target = RunnerWorld.CurrentPages(world.Dc).First(p => p.ParentId != null && p.Id != first.Id && p.Id != parent.Id && !IsBelow(world.Dc, p, first.Id));
        RunnerWorld.Move(world.Dc, world.Dc.FindPage(first.Id)!, target.Id);
        var run = await world.SyncAsync();

        Assert.Empty(run.Errors);
        var moved = Assert.Single(run.Outcomes, o => o.Action.TargetId == twin.Id.ToString());
        Assert.Equal(ActionOutcomeKind.Done, moved.Outcome);
        Assert.Contains($"out of Cloud folder {team.Id}", moved.Message, StringComparison.Ordinal);
        var after = world.Cloud.FindPage(twin.Id)!;
        Assert.Equal(world.CloudTwin(target).Id, after.ParentId);
        world.AssertSidesEqual();
        NoForeignParentOnDataCenter(world);
    }

    [Fact]
    public async Task A_folder_moved_on_cloud_moves_the_data_center_twins_of_its_pages_at_the_next_full_listing()
    {
        await using var world = await SyncedWorldAsync();
        var (parent, first, second) = Section(world.Dc);
        var team = Folder(world, "Team folder", world.CloudTwin(parent).Id);
        RunnerWorld.Move(world.Cloud, world.CloudTwin(first), team.Id);
        RunnerWorld.Move(world.Cloud, world.CloudTwin(second), team.Id);
        Assert.Empty((await world.SyncAsync()).Errors);

        // A Cloud user drags the folder below another page: its pages follow it, without a version.
        var other = RunnerWorld.CurrentPages(world.Dc).First(p => p.ParentId != null && p.Id != parent.Id && !IsBelow(world.Dc, p, parent.Id));
        world.Cloud.MovePage(team.Id, "append", world.CloudTwin(other).Id);
        var run = await world.SyncAsync(fullListing: true);

        Assert.Empty(run.Errors);
        Assert.Equal(other.Id, world.Dc.FindPage(first.Id)!.ParentId);
        Assert.Equal(other.Id, world.Dc.FindPage(second.Id)!.ParentId);
        Assert.Equal($"none: a Cloud folder, not a page; its pages sync below \"{other.Title}\" on Data Center", Assert.Single(run.Plan.Folders).Action);
        world.AssertSidesEqual();
        NoForeignParentOnDataCenter(world);
    }

    [Fact]
    public async Task A_page_in_a_cloud_folder_the_account_cannot_read_stays_where_it_is_and_the_folder_id_is_asked_nothing_else()
    {
        await using var world = await SyncedWorldAsync();
        var (parent, first, _) = Section(world.Dc);
        var hidden = Folder(world, "Hidden folder", world.CloudTwin(parent).Id);
        var twin = world.CloudTwin(first);
        RunnerWorld.Move(world.Cloud, twin, hidden.Id);
        RunnerWorld.Edit(world.Cloud, world.Cloud.FindPage(twin.Id)!, body: "<p>Edited in a folder nobody can read.</p>");
        var cloudSpace = world.Cloud.FindSpaceByKey(RunnerWorld.Key)!.Id;
        world.Cloud.CreatePage(cloudSpace, "New in the hidden folder", "<p>new</p>", hidden.Id);
        var cloudSite = new InterceptingSite(world.CloudSite) { HideContainer = id => id == hidden.Id.ToString() };

        // A change query: the restrictions of the changed pages and their ancestors are read, up to the folder and no further.
        var run = await world.SyncAsync(cloudSite: cloudSite);

        Assert.Equal(ListingMode.Changes, run.Listing);
        Assert.Empty(run.Errors);
        var dcPage = world.Dc.FindPage(first.Id)!;
        Assert.Equal("<p>Edited in a folder nobody can read.</p>", dcPage.Current.Body); // the edit crosses
        Assert.Equal(parent.Id, dcPage.ParentId);                                    // the place is left as it was
        Assert.DoesNotContain(RunnerWorld.CurrentPages(world.Dc), p => p.Title == "New in the hidden folder");
        var waiting = Assert.Single(run.Plan.Items, i => i.Title == "New in the hidden folder");
        Assert.Contains("which could not be read", waiting.Action, StringComparison.Ordinal);
        Assert.Contains("could not be read", Assert.Single(run.Plan.Folders).Action, StringComparison.Ordinal);
        Assert.Contains(first.Id.ToString(), world.State.ListPairs(RunnerWorld.Key).Where(p => cloudSite.RestrictionReads.Contains(p.CloudPageId)).Select(p => p.DataCenterPageId)); // its restrictions were read...
        Assert.DoesNotContain(hidden.Id.ToString(), cloudSite.RestrictionReads);                                 // ...but not its folder's
        Assert.DoesNotContain(run.Plan.Actions, a => a.TargetId == hidden.Id.ToString() || a.Parent?.TargetId == hidden.Id.ToString());
        NoForeignParentOnDataCenter(world);
    }
}
