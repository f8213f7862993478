using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>Scope filters end to end: baseline and sync runs against both emulators, with a real state file.</summary>
public sealed class FilterRunnerTests
{
    private static DriftItem ItemOfDc(SyncPlan plan, long dcId) => plan.Items.Single(i => i.DataCenterId == dcId.ToString());

    [Fact]
    public async Task Excluded_titles_are_not_paired_nor_created_and_a_page_moved_below_them_is_left_alone_on_cloud()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 15);
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        var archive = world.Dc.CreatePage(dcSpace.Id, "Archive 2020", "<p>Old things.</p>", dcSpace.HomepageId);
        var oldNotes = world.Dc.CreatePage(dcSpace.Id, "Old notes", "<p>Older things.</p>", archive.Id);
        world.Space = world.Space with { ExcludeTitles = new[] { "Archive*" } };

        var baseline = await world.BaselineAsync();
        Assert.Equal(0, baseline.Unpaired);
        Assert.Equal(DriftStatus.Excluded, baseline.Plan.Items.Single(i => i.DataCenterId == archive.Id.ToString()).Status);
        Assert.Equal(DriftStatus.Excluded, baseline.Plan.Items.Single(i => i.DataCenterId == oldNotes.Id.ToString()).Status);
        Assert.Null(world.State.FindPair(RunnerWorld.Key, SiteKind.DataCenter, archive.Id.ToString()));
        Assert.Equal(RunnerWorld.CurrentPages(world.Dc).Count - 2, world.State.ListPairs(RunnerWorld.Key).Count);

        var first = await world.SyncAsync();
        Assert.DoesNotContain(first.Plan.Actions, a => a.WritesSite);
        Assert.DoesNotContain(RunnerWorld.CurrentPages(world.Cloud), p => p.Title == "Archive 2020" || p.Title == "Old notes");

        // A paired page moved into the archive and edited there: its Cloud twin keeps its place, version and body.
        var leaf = RunnerWorld.Leaf(world.Dc, new List<long> { oldNotes.Id });
        var twin = world.CloudTwin(leaf);
        var moved = RunnerWorld.Move(world.Dc, leaf, archive.Id);
        RunnerWorld.Edit(world.Dc, moved, body: "<p>Edited in the archive.</p>");

        // The everyday run: the archive page is listed (within the change query's overlap) or, were it not, the page
        // waits for a structural listing; either way nothing is written.
        var quick = await world.SyncAsync();
        Assert.Equal(ListingMode.Changes, quick.Listing);
        Assert.DoesNotContain(quick.Plan.Actions, a => a.WritesSite);
        Assert.Equal(DriftStatus.Excluded, ItemOfDc(quick.Plan, leaf.Id).Status);

        var full = await world.SyncAsync(fullListing: true);
        Assert.DoesNotContain(full.Plan.Actions, a => a.WritesSite);
        var item = ItemOfDc(full.Plan, leaf.Id);
        Assert.Equal(DriftStatus.Excluded, item.Status);
        Assert.Contains("left the sync scope", Assert.Single(item.Warnings));

        var twinNow = world.Cloud.FindPage(twin.Id)!;
        Assert.Equal("current", twinNow.Status);
        Assert.Equal(twin.ParentId, twinNow.ParentId);
        Assert.Equal(twin.Current.Number, twinNow.Current.Number);
        Assert.NotNull(world.State.FindPair(RunnerWorld.Key, SiteKind.DataCenter, leaf.Id.ToString()));
    }

    [Fact]
    public async Task Include_subtree_pairs_and_syncs_only_that_page_and_below()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 25);
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        var current = RunnerWorld.CurrentPages(world.Dc);
        var home = current.Single(p => p.Id == dcSpace.HomepageId);
        var root = current.First(p => p.ParentId == home.Id && current.Any(c => c.ParentId == p.Id));
        var inside = new HashSet<long> { root.Id };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var page in current.Where(p => p.ParentId is long parent && inside.Contains(parent) && !inside.Contains(p.Id)))
                grew = inside.Add(page.Id);
        }
        world.Space = world.Space with { IncludeSubtree = home.Title + "/" + root.Title };

        var baseline = await world.BaselineAsync();
        Assert.Equal(inside.Count, baseline.PairsRecorded);
        Assert.Equal(current.Count - inside.Count, baseline.Plan.Items.Count(i => i.Status == DriftStatus.Excluded && i.DataCenterId != null));

        var sync = await world.SyncAsync();
        Assert.DoesNotContain(sync.Plan.Actions, a => a.WritesSite);

        var below = world.Dc.CreatePage(dcSpace.Id, "New in the subtree", "<p>Inside.</p>", root.Id);
        var beside = world.Dc.CreatePage(dcSpace.Id, "New beside the subtree", "<p>Outside.</p>", home.Id);
        var run = await world.SyncAsync(fullListing: true);
        Assert.Equal(1, run.Count("Create"));
        var created = RunnerWorld.CurrentPages(world.Cloud).Single(p => p.Title == below.Title);
        Assert.Equal(world.CloudTwin(root).Id, created.ParentId);
        Assert.DoesNotContain(RunnerWorld.CurrentPages(world.Cloud), p => p.Title == beside.Title);
        Assert.Equal(DriftStatus.Excluded, ItemOfDc(run.Plan, beside.Id).Status);

        // The next everyday run plans nothing more: the subtree's top page is not taken for moved.
        var quiet = await world.SyncAsync();
        Assert.DoesNotContain(quiet.Plan.Actions, a => a.WritesSite);
    }
}
