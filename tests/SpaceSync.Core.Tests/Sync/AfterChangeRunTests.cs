using Microsoft.Data.Sqlite;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Store;
using SpaceSync.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Issue 14, "no-change run right after a change run": the change run's own writes (and the changes it read) fall in the
/// next run's change-query window (it reaches the search lag back before the mark). These request-count tests guard that
/// the next quiet run costs what a quiet run costs, and that a person's edit made after the run's write is still seen.
/// The pair is seeded like the benchmark's: the migration copy lies days back, so only the runs' own activity is recent.
/// </summary>
public sealed class AfterChangeRunTests(ITestOutputHelper output)
{
    private const string Key = "ENG";

    [Fact]
    public async Task A_no_change_run_right_after_a_run_of_50_changes_costs_what_any_no_change_run_costs()
    {
        await using var world = await StartAsync(200);
        await world.BaselineAsync();
        Assert.Equal(ListingMode.Structural, (await world.SyncAsync()).Listing);
        var quiet = await world.SyncAsync();
        Assert.Equal(ListingMode.Changes, quiet.Listing);

        // 50 edits on Data Center: the change run reads them there and writes them to Cloud. Both sides' change queries
        // of the next runs then reach back over 50 pages at the versions this run recorded.
        EditOnDataCenter(world, 50);
        var changes = await world.SyncAsync();
        Assert.Equal(ListingMode.Changes, changes.Listing);
        Assert.Empty(changes.Errors);
        Assert.Equal(50, changes.Count("Update"));
        output.WriteLine($"no-change run: {quiet.Requests} requests; 50 changes: {changes.Requests}");

        ResetCounters(world);
        var after = await world.SyncAsync();
        output.WriteLine($"no-change run right after: {after.Requests} requests");
        WriteRoutes(world);
        Assert.Equal(ListingMode.Changes, after.Listing);
        Assert.Empty(after.Errors);
        Assert.DoesNotContain(after.Plan.Actions, a => a.WritesSite);
        // No body read again (no GET of a page, no batch), and no listing page more than a no-change run reads.
        Assert.Equal(0, world.Dc.Stats.Count("GET", "/rest/api/content/{id}") + world.Cloud.Stats.Count("GET", "/wiki/api/v2/pages/{id}"));
        Assert.Equal(0, world.Cloud.Stats.Count("GET", "/wiki/api/v2/pages"));
        Assert.Equal(quiet.Requests, after.Requests);
        Assert.InRange(after.Requests, 1, 8);

        // And the quiet run after that: its window still holds the change run's writes, though the last run wrote nothing.
        ResetCounters(world);
        var again = await world.SyncAsync();
        output.WriteLine($"the next no-change run: {again.Requests} requests");
        Assert.DoesNotContain(again.Plan.Actions, a => a.WritesSite);
        Assert.Equal(quiet.Requests, again.Requests);
    }

    [Fact]
    public async Task A_change_run_right_after_a_change_run_lists_without_bodies_and_reads_the_changed_ones_in_one_batch_a_side()
    {
        await using var world = await StartAsync(120);
        await world.BaselineAsync();
        await world.SyncAsync();
        EditOnDataCenter(world, 30);
        Assert.Equal(30, (await world.SyncAsync()).Count("Update"));

        // New edits on both sides, on pages the last run did not touch.
        var onDc = world.Dc.GetPages(Key).Where(p => !p.IsBlogPost && p.Status == "current" && p.ParentId != null).Skip(40).Take(4).ToList();
        var twinsOf = world.Dc.GetPages(Key).Where(p => !p.IsBlogPost && p.Status == "current" && p.ParentId != null).Skip(50).Take(4).ToList();
        var onCloud = twinsOf.Select(world.CloudTwin).ToList();
        foreach (var page in onDc) world.Dc.UpdatePage(page.Id, new PageUpdate(page.Current.Number + 1, null, $"<p>Second round on Data Center {page.Id}.</p>"));
        foreach (var page in onCloud) world.Cloud.UpdatePage(page.Id, new PageUpdate(page.Current.Number + 1, null, $"<p>Second round on Cloud {page.Id}.</p>"));

        ResetCounters(world);
        var second = await world.SyncAsync();
        WriteRoutes(world);
        Assert.Equal(ListingMode.Changes, second.Listing);
        Assert.Empty(second.Errors);
        Assert.Equal(8, second.Count("Update"));
        foreach (var page in onDc) Assert.Contains($"Second round on Data Center {page.Id}.", world.CloudTwin(page).Current.Body);
        for (var i = 0; i < onCloud.Count; i++) Assert.Contains($"Second round on Cloud {onCloud[i].Id}.", world.Dc.FindPage(twinsOf[i].Id)!.Current.Body);
        // The changed bodies came in batches (Cloud v2 /pages?id=, Data Center CQL), none by its own GET.
        Assert.Equal(0, world.Dc.Stats.Count("GET", "/rest/api/content/{id}") + world.Cloud.Stats.Count("GET", "/wiki/api/v2/pages/{id}"));
        Assert.InRange(world.Cloud.Stats.Count("GET", "/wiki/api/v2/pages"), 1, 2); // the changed bodies; the targets about to be overwritten
    }

    [Fact]
    public async Task A_persons_edit_of_a_page_the_run_just_wrote_is_carried_whether_the_search_shows_it_at_once_or_only_later()
    {
        await using var world = await StartAsync(60);
        await world.BaselineAsync();
        await world.SyncAsync();
        var edited = EditOnDataCenter(world, 10);
        var changes = await world.SyncAsync();
        Assert.Equal(10, changes.Count("Update"));

        // After the run's writes, a person edits two of the pages it wrote on Cloud. One edit is searchable before the next
        // run; the other only after it (Cloud's index trails): that one must be carried by the run after.
        var clock = new Frozen(DateTimeOffset.UtcNow);
        world.Dc.Clock = world.Cloud.Clock = clock;
        var seenAtOnce = world.CloudTwin(edited[0]);
        var seenLater = world.CloudTwin(edited[1]);
        Assert.Contains("Edited on Data Center", seenAtOnce.Current.Body);
        world.Cloud.UpdatePage(seenAtOnce.Id, new PageUpdate(seenAtOnce.Current.Number + 1, null, "<p>A person's edit on Cloud, searchable at once.</p>"));
        world.SearchCaughtUp();
        world.Cloud.UpdatePage(seenLater.Id, new PageUpdate(seenLater.Current.Number + 1, null, "<p>A person's edit on Cloud, searchable later.</p>"));

        var next = await world.SyncAsync(searchCaughtUp: false);
        Assert.Empty(next.Errors);
        Assert.Equal(1, next.Count("Update"));
        Assert.Contains("searchable at once", world.Dc.FindPage(edited[0].Id)!.Current.Body);
        Assert.DoesNotContain("searchable later", world.Dc.FindPage(edited[1].Id)!.Current.Body);

        clock.Advance(world.Cloud.IndexLag);
        var later = await world.SyncAsync(searchCaughtUp: false);
        Assert.Empty(later.Errors);
        Assert.Equal(1, later.Count("Update"));
        Assert.Contains("searchable later", world.Dc.FindPage(edited[1].Id)!.Current.Body);
        Assert.Contains("searchable at once", world.Dc.FindPage(edited[0].Id)!.Current.Body);
    }

    /// <summary>Two emulators, a seeded Data Center space copied to Cloud three days back, a real state file.</summary>
    /// <summary>A pair like the benchmark's: migrated days ago, labels and files crossing (the scope file's defaults).</summary>
    private static async Task<RunnerWorld> StartAsync(int pageCount)
    {
        var world = await RunnerWorld.StartAsync(pageCount, migratedAgo: TimeSpan.FromDays(3));
        world.Space = world.Space with { Content = new ResolvedContent(Labels: true, Attachments: true, Comments: false, Blogposts: false) };
        return world;
    }

    private static void ResetCounters(RunnerWorld world)
    {
        world.Dc.Stats.Reset();
        world.Cloud.Stats.Reset();
    }

    private void WriteRoutes(RunnerWorld world)
    {
        foreach (var route in world.Dc.Stats.ByRoute) output.WriteLine($"  Data Center {route.Key}: {route.Value}");
        foreach (var route in world.Cloud.Stats.ByRoute) output.WriteLine($"  Cloud {route.Key}: {route.Value}");
    }

    /// <summary>Edits the body of <paramref name="count"/> current pages on Data Center, one version each.</summary>
    private static List<Page> EditOnDataCenter(RunnerWorld world, int count, string text = "Edited on Data Center")
    {
        var pages = world.Dc.GetPages(Key).Where(p => !p.IsBlogPost && p.Status == "current" && p.ParentId != null).Take(count).ToList();
        Assert.Equal(count, pages.Count);
        return pages.Select(p => world.Dc.UpdatePage(p.Id, new PageUpdate(p.Current.Number + 1, null, $"<p>{text}, page {p.Id}.</p>"))).ToList();
    }

    /// <summary>The emulators' clock held still (their index lag runs on it), moved on by the test.</summary>
    private sealed class Frozen(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
