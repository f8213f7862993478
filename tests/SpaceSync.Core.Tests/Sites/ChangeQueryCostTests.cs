using SpaceSync.Emulator;
using SpaceSync.Emulator.Store;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>
/// Issue 14: what a change query and the batch read of the changed bodies cost. Change queries carry no bodies, so a
/// listing page holds many hits, and the newest-first read ends once enough hits in a row are older than the window,
/// counted across listing pages (the old rule wanted a whole listing page of them, one more request after any change).
/// </summary>
public sealed class ChangeQueryCostTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [InlineData(5, 1)] // 5 changes, then 245 older hits on the same listing page: the read ends there
    [InlineData(200, 2)] // 200 changes, then only 50 older hits: not enough, the next listing page is read
    public async Task Cloud_change_query_ends_on_the_listing_page_where_enough_older_hits_follow_the_changes(int changed, int expectedRequests)
    {
        await using var site = await EmulatedSite.StartAsync(EmulatorFlavor.Cloud, pageCount: 300);
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);
        var edited = site.StorePages().Where(p => p.ParentId != null).Take(changed).ToList();
        Assert.Equal(changed, edited.Count);
        foreach (var page in edited) site.State.UpdatePage(page.Id, new PageUpdate(page.Current.Number + 1, null, "<p>changed</p>"));
        site.SearchCaughtUp();

        var sent = site.Client.Counters.RequestsSent;
        var changes = await site.Client.GetChangedPagesAsync(site.Space, since, TimeSpan.Zero, withBodies: false, None);

        Assert.Equal(edited.Select(p => p.Id.ToString()).OrderBy(x => x), changes.Pages.Select(p => p.Id).OrderBy(x => x));
        Assert.Equal(expectedRequests, site.Client.Counters.RequestsSent - sent);
    }

    [Fact]
    public async Task Cloud_reads_many_bodies_with_one_v2_request_by_ids_and_a_trashed_page_alone()
    {
        await using var site = await EmulatedSite.StartAsync(EmulatorFlavor.Cloud, pageCount: 30);
        var pages = site.StorePages().Where(p => p.ParentId != null).Take(4).ToList();
        var trashed = pages[3];
        site.State.TrashPage(trashed.Id);
        site.State.Stats.Reset();

        var read = await site.Client.ReadPageBodiesAsync(pages.Select(p => p.Id.ToString()).ToList(), None);

        Assert.Equal(4, read.Count);
        foreach (var page in pages)
        {
            var stored = site.StorePage(page.Id.ToString());
            Assert.Equal(stored.Current.Body, read[page.Id.ToString()].Body);
            Assert.Equal(stored.Current.Number, read[page.Id.ToString()].Version.Number);
        }

        Assert.Equal(1, site.State.Stats.Count("GET", "/wiki/api/v2/pages"));
        Assert.Equal(1, site.State.Stats.Count("GET", "/wiki/api/v2/pages/{id}")); // the trashed one, which the id listing leaves out
        Assert.Equal(2, site.State.Stats.Total);
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task An_edit_behind_hundreds_of_pages_a_run_just_labelled_is_found_when_those_pages_are_neutral(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 320);
        var since = DateTimeOffset.UtcNow; // after the seeding: every seeded version is older than the window
        await Task.Delay(20);
        var pages = site.StorePages().Where(p => p.ParentId != null).ToList();
        // A person edits one page; then a run writes labels to 260 others (no version, but their sort key moves past the edit).
        var edited = pages[0];
        site.State.UpdatePage(edited.Id, new PageUpdate(edited.Current.Number + 1, null, "<p>a person's edit</p>"));
        await Task.Delay(20); // the labels strictly after the edit, so they sort ahead of it
        var labelled = pages.Skip(1).Take(260).ToList();
        Assert.Equal(260, labelled.Count);
        foreach (var page in labelled) site.State.AddLabels(page.Id, new[] { ("global", "synced-label") });
        site.SearchCaughtUp();

        // Without knowing them, the read meets a whole listing page (or 100 in a row) of older hits and ends before the edit.
        var blind = await site.Client.GetChangedPagesAsync(site.Space, since, TimeSpan.Zero, withBodies: false, None);
        Assert.DoesNotContain(blind.Pages, p => p.Id == edited.Id.ToString());

        var sent = site.Client.Counters.RequestsSent;
        var changes = await site.Client.GetChangedPagesAsync(site.Space, since, TimeSpan.Zero, withBodies: false, None,
            labelled.Select(p => p.Id.ToString()).ToList());
        Assert.Equal(edited.Id.ToString(), Assert.Single(changes.Pages).Id);
        // The neutral pages cost their listing pages, and the read still ends on the older hits behind the edit.
        Assert.True(site.Client.Counters.RequestsSent - sent <= 3, $"{site.Client.Counters.RequestsSent - sent} requests");
    }
    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task A_change_query_with_bodies_takes_the_bodies_of_the_hits_in_its_window_only(EmulatorFlavor flavor)
    {
        // Issue 14: a quiet run's listing is a page of hits older than the window (50 on Data Center, 100 on Cloud, with
        // bodies of ~20 KB at real sizes); they are dropped, so their bodies are not taken out of the answer either.
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 150);
        var since = DateTimeOffset.UtcNow;
        // Edited two hours before the window: listed by both sites' queries (Data Center's CQL literal reaches up to a day
        // early), and older than the window.
        using (site.StoreClockAt(since.AddHours(-2)))
        {
            foreach (var page in site.StorePages().Where(p => p.ParentId != null).Skip(10).Take(120).ToList())
                site.State.UpdatePage(page.Id, new PageUpdate(page.Current.Number + 1, null, $"<p>earlier {page.Id}</p>"));
        }

        await Task.Delay(20);
        site.SearchCaughtUp();
        var counters = site.Client.Counters;

        var before = counters.ChangeListingBodies;
        var quiet = await site.Client.GetChangedPagesAsync(site.Space, since, TimeSpan.Zero, withBodies: true, None);
        Assert.Empty(quiet.Pages);
        Assert.Equal(0, counters.ChangeListingBodies - before);

        var edited = site.StorePages().Where(p => p.ParentId != null).Take(3).ToList();
        foreach (var page in edited) site.State.UpdatePage(page.Id, new PageUpdate(page.Current.Number + 1, null, $"<p>changed {page.Id}</p>"));
        site.SearchCaughtUp();
        before = counters.ChangeListingBodies;
        var changes = await site.Client.GetChangedPagesAsync(site.Space, since, TimeSpan.Zero, withBodies: true, None);

        Assert.Equal(edited.Select(p => p.Id.ToString()).OrderBy(x => x), changes.Pages.Select(p => p.Id).OrderBy(x => x));
        foreach (var page in changes.Pages) Assert.Contains($"changed {page.Id}", page.Body);
        Assert.Equal(3, counters.ChangeListingBodies - before);
    }
}
