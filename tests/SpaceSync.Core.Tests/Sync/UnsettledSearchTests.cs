using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Unsettled pages (open conflicts) on a quiet run are read through one CQL search a side per 200 pages that brings each
/// page with its labels and restrictions (issue 14, SnapshotReader.Unsettled.cs), and every change to such a page is
/// still seen. Requests counted on both emulators.
/// </summary>
public sealed class UnsettledSearchTests(ITestOutputHelper output)
{
    private const string DcSearch = "/rest/api/content/search";
    private const string CloudSearch = "/wiki/rest/api/content/search";
    private const string DcById = "/rest/api/content/{id}";
    private const string CloudById = "/wiki/api/v2/pages/{id}";
    private static readonly ResolvedContent LabelsOn = new(Labels: true, Attachments: false, Comments: false, Blogposts: false);

    /// <summary>A synced space of <paramref name="pages"/> pages with <paramref name="conflicts"/> open manual conflicts (leaves edited on both sides), and the cost of a quiet run before them.</summary>
    private static async Task<(RunnerWorld World, List<Page> Pages, long QuietRequests)> WithConflictsAsync(int pages, int conflicts)
    {
        var world = await RunnerWorld.StartAsync(pages);
        world.Space = world.Space with { Content = LabelsOn };
        await world.BaselineAsync();
        await world.SyncAsync(); // structural; marks set
        var quiet = await world.SyncAsync();
        Assert.Equal(ListingMode.Changes, quiet.Listing);

        var taken = new List<long>();
        var conflicted = new List<Page>();
        for (var i = 0; i < conflicts; i++)
        {
            // Leaves first, then any page but the home page (leaves run out before 260 of 300 pages).
            var current = RunnerWorld.CurrentPages(world.Dc);
            var page = current.Where(p => p.ParentId != null && !taken.Contains(p.Id))
                .OrderBy(p => current.Any(c => c.ParentId == p.Id) ? 1 : 0).First();
            taken.Add(page.Id);
            RunnerWorld.Edit(world.Dc, page, body: $"<p>Data Center side {i}.</p>");
            RunnerWorld.Edit(world.Cloud, world.CloudTwin(page), body: $"<p>Cloud side {i}.</p>");
            conflicted.Add(page);
        }

        Assert.Equal(conflicts, (await world.SyncAsync()).Conflicts.Count); // records their versions and hashes
        return (world, conflicted, quiet.Requests);
    }

    [Fact]
    public async Task Two_hundred_and_sixty_open_conflicts_cost_two_searches_a_side_on_a_quiet_run_and_no_read_by_id()
    {
        var (world, _, _) = await WithConflictsAsync(300, 260);
        await using var _w = world;
        world.ResetRequestCounts();

        var run = await world.SyncAsync();
        world.ShowRequests(output, "quiet with 260 open conflicts", run);
        Assert.Equal(ListingMode.Changes, run.Listing); // before: 260 reads by id cost more than a full listing, which was read
        Assert.Equal(260, run.Conflicts.Count);
        Assert.Empty(run.Plan.Actions);
        // The pages and their ancestors (fewer than 400 ids a side): two searches a side, labels and restrictions in them.
        Assert.Equal(0, world.Dc.Stats.Count("GET", DcById));
        Assert.Equal(0, world.Cloud.Stats.Count("GET", CloudById));
        // Cloud's change query is a v2 listing, so its v1 searches are the unsettled pages' alone: two (300 ids or fewer).
        Assert.Equal(2, world.Cloud.Stats.Count("GET", CloudSearch));
        // Data Center's change query is a search too, and the 260 edits are still inside its search-lag window (a test
        // cannot move the sites' Date headers): 6 listing pages of 50 with bodies, then the same two searches.
        Assert.Equal(6 + 2, world.Dc.Stats.Count("GET", DcSearch));
    }

    [Fact]
    public async Task A_move_and_a_trash_of_open_conflict_pages_are_still_seen()
    {
        var (world, pages, _) = await WithConflictsAsync(41, 2);
        await using var _w = world;
        var (moved, trashed) = (pages[0], pages[1]);
        bool Below(Page page, long ancestor)
        {
            for (var p = page.ParentId; p is long id; p = world.Dc.FindPage(id)!.ParentId)
                if (id == ancestor) return true;
            return false;
        }

        var newParent = RunnerWorld.CurrentPages(world.Dc).First(p => p.Id != moved.Id && p.Id != moved.ParentId && p.Id != trashed.Id &&
                                                                    !Below(p, moved.Id));
        RunnerWorld.Move(world.Dc, world.Dc.FindPage(moved.Id)!, newParent.Id);
        world.Cloud.TrashPage(world.CloudTwin(trashed).Id);
        world.ResetRequestCounts();

        var run = await world.SyncAsync();
        world.ShowRequests(output, "after a move and a trash", run);
        Assert.Empty(run.Errors);
        // The edit on Data Center beats the trash on Cloud: the page is restored there.
        Assert.Contains(run.Plan.Actions, a => a.Kind == SyncActionKind.Restore && a.TargetId == world.PairOfDc(trashed.Id).CloudPageId);
        Assert.Equal("current", world.CloudTwin(trashed).Status);
        // The moved page is still a conflict (its bodies differ); once Cloud gives in on the body, the move crosses.
        Assert.Contains(run.Conflicts, c => c.DataCenterId == moved.Id.ToString());
        var twin = world.CloudTwin(moved);
        RunnerWorld.Edit(world.Cloud, twin, body: world.Dc.FindPage(moved.Id)!.Current.Body);
        var settled = await world.SyncAsync();
        Assert.Empty(settled.Errors);
        Assert.DoesNotContain(settled.Conflicts, c => c.DataCenterId == moved.Id.ToString());
        Assert.Equal(world.PairOfDc(newParent.Id).CloudPageId, RunnerWorld.PageAbove(world.Cloud, world.CloudTwin(moved))?.ToString());
    }

    [Fact]
    public async Task An_edit_of_a_conflict_page_the_search_does_not_show_yet_is_seen_by_the_next_run()
    {
        // The price of reading unsettled pages through the search: an edit inside the index lag waits one run (before, the
        // read by id saw it at once). It is not lost: the page stays unsettled, and the next run searches it again.
        var (world, pages, _) = await WithConflictsAsync(41, 1);
        await using var _w = world;
        var page = pages[0];
        var twin = world.CloudTwin(page);
        RunnerWorld.Edit(world.Cloud, twin, body: world.Dc.FindPage(page.Id)!.Current.Body); // Cloud gives in

        var trailing = await world.SyncAsync(searchCaughtUp: false);
        Assert.Empty(trailing.Errors);
        Assert.Single(trailing.Conflicts); // the search still shows the version the last run hashed

        var caughtUp = await world.SyncAsync();
        Assert.Empty(caughtUp.Errors);
        Assert.Empty(caughtUp.Conflicts);
        Assert.Equal(world.Dc.FindPage(page.Id)!.Current.Body, world.CloudTwin(page).Current.Body);
    }

    [Fact]
    public async Task A_cloud_conflict_page_below_a_page_that_holds_a_folder_is_read_by_id_and_a_move_into_the_folder_is_no_move()
    {
        var (world, pages, _) = await WithConflictsAsync(41, 1);
        await using var _w = world;
        var twin = world.CloudTwin(pages[0]);
        var space = world.Cloud.FindSpaceByKey(RunnerWorld.Key)!;
        var folder = world.Cloud.CreateContainer("folder", space.Id, "Notes", twin.ParentId);
        // A folder is known (the state's cloud_folders) once a listed page names it: another leaf moves into it.
        var leaf = RunnerWorld.Leaf(world.Cloud, new List<long> { twin.Id, twin.ParentId!.Value });
        RunnerWorld.Move(world.Cloud, leaf, folder.Id);
        var moving = await world.SyncAsync();
        Assert.Empty(moving.Errors);
        world.ResetRequestCounts();

        var quiet = await world.SyncAsync();
        world.ShowRequests(output, "quiet, a folder below the conflict page's parent", quiet);
        Assert.Single(quiet.Conflicts);
        // v1 ancestors may or may not name folders (not documented): this page is read by its GET on Cloud.
        Assert.Equal(0, world.Dc.Stats.Count("GET", DcById));
        Assert.Equal(1, world.Cloud.Stats.Count("GET", CloudById));

        // Into the folder: the page above stays the same, so nothing moves on Data Center.
        RunnerWorld.Move(world.Cloud, world.Cloud.FindPage(twin.Id)!, folder.Id);
        world.ResetRequestCounts();
        var run = await world.SyncAsync();
        world.ShowRequests(output, "after a move into the folder", run);
        Assert.Empty(run.Errors);
        Assert.DoesNotContain(run.Plan.Actions, a => a.WritesSite);
        Assert.Single(run.Conflicts);
        Assert.Equal(pages[0].ParentId, world.Dc.FindPage(pages[0].Id)!.ParentId);
    }
}
