using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// A page whose parent's page is gone on the side being written (deleted for good there): it goes below the nearest
/// ancestor that still exists there, with a warning, instead of failing against the missing parent.
/// </summary>
public sealed class PurgedParentRunnerTests
{
    /// <summary>A paired page with children, below a page that is not the homepage (so it has a grandparent to fall back to).</summary>
    private static Page ParentWithGrandparent(RunnerWorld world)
    {
        var current = RunnerWorld.CurrentPages(world.Dc);
        var homepage = world.Dc.FindSpaceByKey(RunnerWorld.Key)!.HomepageId;
        return current.First(p => p.ParentId is long up && up != homepage && current.Any(c => c.ParentId == p.Id));
    }

    private static Page PurgeOnCloud(RunnerWorld world, Page dcParent)
    {
        var cloudParent = world.CloudTwin(dcParent);
        world.Cloud.TrashPage(cloudParent.Id); // its Cloud children move up to the grandparent, as in Confluence
        world.Cloud.PurgePage(cloudParent.Id);
        return cloudParent;
    }

    [Fact]
    public async Task A_new_page_below_a_parent_purged_on_the_target_is_created_below_the_nearest_surviving_ancestor()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var parent = ParentWithGrandparent(world);
        var grandparent = world.Dc.FindPage(parent.ParentId!.Value)!;
        PurgeOnCloud(world, parent);
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        var fresh = world.Dc.CreatePage(dcSpace.Id, "Written below a parent Cloud lost", "<p>New.</p>", parent.Id);

        var sync = await world.SyncAsync();
        Assert.Empty(sync.Errors);
        var create = Assert.Single(sync.Outcomes, o => o.Action.Kind == SyncActionKind.Create);
        Assert.Equal(ActionOutcomeKind.Done, create.Outcome);
        Assert.Equal(world.CloudTwin(grandparent).Id.ToString(), world.Cloud.FindPage(long.Parse(create.CreatedPageId!))!.ParentId?.ToString());
        var item = Assert.Single(sync.Plan.Items, i => i.DataCenterId == fresh.Id.ToString());
        Assert.Contains(item.Warnings, w => w.Contains("deleted for good on Cloud") && w.Contains(grandparent.Title));
        // The parent is trashed on Data Center in the same run, which moves the new page up there too.
        Assert.Equal("trashed", world.Dc.FindPage(parent.Id)!.Status);
        world.AssertSidesEqual();
        Assert.DoesNotContain((await world.SyncAsync()).Plan.Actions, a => a.WritesSite);
    }

    [Fact]
    public async Task A_page_moved_below_a_parent_purged_on_the_target_goes_below_the_nearest_surviving_ancestor()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var parent = ParentWithGrandparent(world);
        var grandparent = world.Dc.FindPage(parent.ParentId!.Value)!;
        PurgeOnCloud(world, parent);
        var current = RunnerWorld.CurrentPages(world.Dc);
        var mover = current.First(p => p.ParentId != parent.Id && p.Id != parent.Id && p.ParentId != null && current.All(c => c.ParentId != p.Id)
                                       && !IsBelow(world.Dc, parent.Id, p.Id));
        RunnerWorld.Move(world.Dc, mover, parent.Id);

        var sync = await world.SyncAsync();
        Assert.Empty(sync.Errors);
        var update = Assert.Single(sync.Outcomes, o => o.Action.Kind == SyncActionKind.Update && o.Action.TargetId == world.CloudTwin(mover).Id.ToString());
        Assert.Equal(ActionOutcomeKind.Done, update.Outcome);
        Assert.Equal(world.CloudTwin(grandparent).Id, world.CloudTwin(mover).ParentId);
        var item = Assert.Single(sync.Plan.Items, i => i.DataCenterId == mover.Id.ToString());
        Assert.Contains(item.Warnings, w => w.Contains("deleted for good on Cloud"));
        world.AssertSidesEqual();
        Assert.DoesNotContain((await world.SyncAsync()).Plan.Actions, a => a.WritesSite);
    }

    private static bool IsBelow(EmulatorState state, long ancestor, long id)
    {
        for (var p = state.FindPage(id); p?.ParentId is long up; p = state.FindPage(up))
        {
            if (up == ancestor) return true;
        }

        return false;
    }
}
