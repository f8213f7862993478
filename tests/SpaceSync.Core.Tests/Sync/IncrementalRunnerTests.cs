using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>SPEC §3 "Incremental": runs ask only what changed, and a periodic structural listing catches the rest.</summary>
public sealed class IncrementalRunnerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task After_the_first_structural_run_runs_read_only_changes_and_still_carry_edits_renames_new_pages_trashes_and_restores()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var taken = new List<long>();
        var trashedEarlier = RunnerWorld.Leaf(world.Dc, taken);
        world.Dc.TrashPage(trashedEarlier.Id);
        var first = await world.SyncAsync();
        Assert.Equal(ListingMode.Structural, first.Listing); // no marks yet
        Assert.Equal("trashed", world.CloudTwin(trashedEarlier).Status);

        var dcEdit = RunnerWorld.Leaf(world.Dc, taken);
        var cloudRename = world.CloudTwin(RunnerWorld.Leaf(world.Dc, taken));
        var cloudTrash = world.CloudTwin(RunnerWorld.Leaf(world.Dc, taken));
        RunnerWorld.Edit(world.Dc, dcEdit, body: "<p>Edited on Data Center, seen by the change query.</p>");
        RunnerWorld.Edit(world.Cloud, cloudRename, title: cloudRename.Title + " (renamed on Cloud)");
        world.Cloud.TrashPage(cloudTrash.Id); // no version: seen in the trash listing
        var back = world.Dc.FindPage(trashedEarlier.Id)!;
        world.Dc.UpdatePage(back.Id, new PageUpdate(back.Current.Number + 1, null, null, Status: "current")); // a restore
        var home = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        world.Dc.CreatePage(home.Id, "Created on Data Center after the mark", "<p>new</p>", home.HomepageId);

        var second = await world.SyncAsync();
        foreach (var o in second.Outcomes) output.WriteLine($"{o.Outcome}: {o.Action} → {o.Message}");
        Assert.Equal(ListingMode.Changes, second.Listing);
        Assert.Empty(second.Errors);
        Assert.Equal(1, second.Count("Create"));
        Assert.Equal(1, second.Count("Trash"));
        Assert.Equal(1, second.Count("Restore"));
        Assert.Contains("seen by the change query", world.CloudTwin(dcEdit).Current.Body);
        world.AssertSidesEqual();

        var third = await world.SyncAsync();
        Assert.Equal(ListingMode.Changes, third.Listing);
        Assert.DoesNotContain(third.Plan.Actions, a => a.WritesSite);
        output.WriteLine($"quiet incremental run: {third.Requests} requests");
        Assert.InRange(third.Requests, 1, 8);
    }

    [Fact]
    public async Task An_open_conflict_stays_reported_by_incremental_runs_although_its_change_lies_before_the_mark()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        await world.SyncAsync(); // structural; marks set
        var dcPage = RunnerWorld.Leaf(world.Dc, new List<long>());
        RunnerWorld.Edit(world.Dc, dcPage, body: "<p>Data Center side.</p>");
        RunnerWorld.Edit(world.Cloud, world.CloudTwin(dcPage), body: "<p>Cloud side.</p>");

        var detected = await world.SyncAsync();
        Assert.Equal(ListingMode.Changes, detected.Listing);
        Assert.Single(detected.Conflicts);
        Assert.Contains(world.State.GetReadMarks(RunnerWorld.Key).Unsettled, u => u.Side == SiteKind.DataCenter && u.PageId == dcPage.Id.ToString());

        // Nothing new happens; the mark has moved past both edits, yet the conflict is still there to report.
        var again = await world.SyncAsync();
        Assert.Equal(ListingMode.Changes, again.Listing);
        Assert.Equal(dcPage.Id.ToString(), Assert.Single(again.Conflicts).DataCenterId);

        // Resolved by the policy: settled, and no longer read on every run.
        world.Space = world.Space with { Conflicts = ConflictPolicy.PreferDataCenter };
        var resolved = await world.SyncAsync();
        Assert.Empty(resolved.Conflicts);
        Assert.Empty(world.State.GetReadMarks(RunnerWorld.Key).Unsettled);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_purge_is_not_seen_by_change_queries_but_by_the_structural_listing_a_full_run_asks_for()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        await world.SyncAsync();
        var purged = RunnerWorld.Leaf(world.Dc, new List<long>());
        world.Dc.TrashPage(purged.Id);
        world.Dc.PurgePage(purged.Id);

        var incremental = await world.SyncAsync(whatIf: true);
        Assert.Equal(ListingMode.Changes, incremental.Listing);
        Assert.DoesNotContain(incremental.Plan.Actions, a => a.WritesSite);

        var full = await world.SyncAsync(fullListing: true);
        Assert.Equal(ListingMode.Structural, full.Listing);
        Assert.Equal(1, full.Count("Trash"));
        Assert.Equal("trashed", world.CloudTwin(purged).Status);
    }

    [Fact]
    public async Task A_run_that_stops_early_leaves_the_marks_where_they_were()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        await world.SyncAsync();
        var before = world.State.GetReadMarks(RunnerWorld.Key);
        RunnerWorld.Edit(world.Dc, RunnerWorld.Leaf(world.Dc, new List<long>()), body: "<p>changed</p>");
        using var cancel = new CancellationTokenSource();
        var failing = new InterceptingSite(world.CloudSite) { BeforeUpdate = _ => { cancel.Cancel(); return Task.CompletedTask; } };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => world.SyncAsync(cloudSite: failing, cancellationToken: cancel.Token));

        Assert.Equal(before, world.State.GetReadMarks(RunnerWorld.Key) with { Unsettled = before.Unsettled, Seen = before.Seen });
        var next = await world.SyncAsync();
        Assert.Equal(1, next.Count("Update")); // the edit is still seen: the mark did not pass it
    }
}
