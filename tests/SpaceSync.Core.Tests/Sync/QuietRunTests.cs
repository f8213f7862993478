using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Issue 14: a run after a change query plans the pages it read (and the pages around them), not every pair, so a quiet
/// run's cost grows with the changes, not with the space. The plan's items are the pairs planned.
/// </summary>
public sealed class QuietRunTests
{
    [Fact]
    public async Task A_quiet_run_with_one_open_conflict_plans_that_page_alone()
    {
        await using var world = await RunnerWorld.StartAsync(120);
        await world.BaselineAsync();
        await world.SyncAsync(); // structural: every pair planned, marks set
        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        RunnerWorld.Edit(world.Dc, page, body: "<p>Data Center side.</p>");
        RunnerWorld.Edit(world.Cloud, world.CloudTwin(page), body: "<p>Cloud side.</p>");
        var withConflict = await world.SyncAsync();
        Assert.Single(withConflict.Conflicts);

        var quiet = await world.SyncAsync();

        Assert.Equal(ListingMode.Changes, quiet.Listing);
        Assert.Equal(page.Id.ToString(), Assert.Single(quiet.Conflicts).DataCenterId);
        // The leaf and its ancestors up to the home page (they give its depth and path): not the other 100-odd pairs.
        var planned = quiet.Plan.Items.Select(i => i.DataCenterId).ToList();
        Assert.Contains(page.Id.ToString(), planned);
        Assert.True(planned.Count < 10, $"{planned.Count} pairs planned: {string.Join(", ", planned)}");
        Assert.Empty(quiet.Plan.Actions);
    }

    [Fact]
    public async Task A_change_below_an_unlisted_parent_plans_the_parent_and_syncs_as_before()
    {
        await using var world = await RunnerWorld.StartAsync(60);
        await world.BaselineAsync();
        await world.SyncAsync();
        var taken = new List<long>();
        var moved = RunnerWorld.Leaf(world.Dc, taken);
        taken.Add(moved.Id);
        var newParent = RunnerWorld.Leaf(world.Dc, taken);
        RunnerWorld.Move(world.Dc, moved, newParent.Id);

        var run = await world.SyncAsync();

        Assert.Equal(ListingMode.Changes, run.Listing);
        Assert.Empty(run.Errors);
        Assert.Contains(run.Plan.Items, i => i.DataCenterId == newParent.Id.ToString());
        Assert.True(run.Plan.Items.Count < 20, $"{run.Plan.Items.Count} pairs planned");
        Assert.Equal(world.PairOfDc(newParent.Id).CloudPageId, RunnerWorld.PageAbove(world.Cloud, world.CloudTwin(moved))?.ToString());
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task The_delete_guard_of_a_change_run_counts_every_pair_not_only_those_planned()
    {
        await using var world = await RunnerWorld.StartAsync(60); // maxDeletePercent 10: 1 trash of 61 pairs passes
        await world.BaselineAsync();
        await world.SyncAsync();
        var trashed = RunnerWorld.Leaf(world.Dc, new List<long>());
        world.Dc.TrashPage(trashed.Id);

        var run = await world.SyncAsync();

        Assert.Equal(ListingMode.Changes, run.Listing);
        Assert.Null(run.Refusal);
        Assert.Equal(1, run.Count("Trash"));
        Assert.True(run.Plan.Items.Count < 20, $"{run.Plan.Items.Count} pairs planned");
    }
}
