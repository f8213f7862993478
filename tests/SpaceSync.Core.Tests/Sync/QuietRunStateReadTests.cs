using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Issue 14, "no-change run: no base data loaded unless a page changed": what a quiet run reads of the state's
/// space-sized rows (base labels, attachment pairs) stays a small constant, not one row a pair. Counted on the store
/// (<c>StateStore.RowReads</c>), over a pair migrated days ago with labels and files crossing, like the benchmark's.
/// </summary>
public sealed class QuietRunStateReadTests(ITestOutputHelper output)
{
    private const int Pages = 300;
    private const int Handful = 20;

    [Fact]
    public async Task A_quiet_run_reads_a_handful_of_base_label_and_attachment_pair_rows_not_every_pair()
    {
        await using var world = await StartAsync();
        await world.BaselineAsync();
        Assert.Equal(ListingMode.Structural, (await world.SyncAsync()).Listing);
        // The test can fail: most pairs have base labels and some have files, so a run reading every pair's rows shows it.
        Assert.True(world.State.ListBaseLabels(RunnerWorld.Key).Count > Pages / 2);
        Assert.NotEmpty(world.State.ListAttachmentPairs(RunnerWorld.Key));

        world.State.RowReads.Reset();
        var quiet = await world.SyncAsync();
        output.WriteLine($"quiet run: {world.State.RowReads}");

        Assert.Equal(ListingMode.Changes, quiet.Listing);
        Assert.Empty(quiet.Plan.Actions);
        Assert.InRange(world.State.RowReads.BaseLabels, 0, Handful);
        Assert.InRange(world.State.RowReads.AttachmentPairs, 0, Handful);
    }

    [Fact]
    public async Task A_quiet_run_right_after_a_change_run_reads_the_rows_of_the_changed_pages_only()
    {
        await using var world = await StartAsync();
        await world.BaselineAsync();
        await world.SyncAsync();
        var edited = world.Dc.GetPages(RunnerWorld.Key).Where(p => !p.IsBlogPost && p.Status == "current" && p.ParentId != null).Take(10).ToList();
        foreach (var page in edited) world.Dc.UpdatePage(page.Id, new PageUpdate(page.Current.Number + 1, null, $"<p>Edited {page.Id}.</p>"));
        var changes = await world.SyncAsync();
        Assert.Equal(10, changes.Count("Update"));

        world.State.RowReads.Reset();
        var after = await world.SyncAsync();
        output.WriteLine($"quiet run after 10 changes: {world.State.RowReads}");

        Assert.Equal(ListingMode.Changes, after.Listing);
        Assert.DoesNotContain(after.Plan.Actions, a => a.WritesSite);
        // The run's own writes come back in the change query's window: their pages (and ancestors) at most, not the space.
        Assert.InRange(world.State.RowReads.BaseLabels, 0, 2 * Handful);
        Assert.InRange(world.State.RowReads.AttachmentPairs, 0, 2 * Handful);
    }

    private static async Task<RunnerWorld> StartAsync()
    {
        var world = await RunnerWorld.StartAsync(Pages, migratedAgo: TimeSpan.FromDays(3));
        world.Space = world.Space with { Content = new ResolvedContent(Labels: true, Attachments: true, Comments: false, Blogposts: false) };
        return world;
    }
}
