using SpaceSync.Core.Tests.Content;
using SpaceSync.Core.Sites;
using SpaceSync.Emulator;
using SpaceSync.Emulator.Store;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>Page operations of both connectors over real HTTP against the emulator (Data Center under /confluence).</summary>
public sealed class PageOperationsTests(ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static void SmallPages(IConfluenceSite client, int size)
    {
        switch (client)
        {
            case CloudSite cloud:
                cloud.ListingLimit = size;
                cloud.ChangeQueryLimit = size;
                break;
            case DataCenterSite dc:
                dc.ScanLimit = size;
                dc.ContentLimit = size;
                dc.ContentWithBodyLimit = size;
                dc.SearchLimit = size;
                break;
        }
    }

    private static string? StoreParent(Page page) => page.ParentId?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Structural_listing_streams_every_page_with_parents_and_versions_across_listing_pages(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 60);
        SmallPages(site.Client, 25);

        var reader = site.Client.ListPages(site.Space, withBodies: false, includeTrashed: false);
        var listed = await reader.ReadAllAsync(None);

        var expected = site.StorePages();
        Assert.Equal(61, expected.Count); // 60 seeded + the homepage
        Assert.Equal(expected.Select(p => p.Id.ToString()).OrderBy(i => i), listed.Select(p => p.Id).OrderBy(i => i));
        Assert.Equal(3, reader.ListingPagesRead);
        foreach (var page in listed)
        {
            var truth = site.StorePage(page.Id);
            Assert.Equal(truth.Title, page.Title);
            Assert.Equal(StoreParent(truth), page.ParentId);
            Assert.Equal(truth.Current.Number, page.Version.Number);
            Assert.Equal(truth.Current.When, page.Version.When);
            Assert.Equal(SitePageStatus.Current, page.Status);
            Assert.Null(page.Body);
            Assert.Equal(EmulatedSite.SpaceKey, page.SpaceKey);
            Assert.Equal(flavor == EmulatorFlavor.Cloud ? truth.Current.Author.AccountId : truth.Current.Author.UserKey, page.Version.AuthorId);
        }

        // The homepage is a top-level page; its children name it as their parent.
        var home = Assert.Single(listed, p => p.Id == site.Space.HomepageId);
        Assert.Null(home.ParentId);
        Assert.Contains(listed, p => p.ParentId == home.Id);
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Listing_with_bodies_carries_each_storage_body_across_listing_pages(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 60);
        SmallPages(site.Client, 20);

        var reader = site.Client.ListPages(site.Space, withBodies: true, includeTrashed: false);
        var count = 0;
        while (await reader.MoveNextAsync(None))
        {
            var page = reader.Current;
            Assert.Equal(site.StorePage(page.Id).Current.Body, page.Body);
            count++;
        }

        Assert.Equal(61, count);
        Assert.Equal(4, reader.ListingPagesRead);
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Trashed_pages_are_listed_only_when_asked_and_get_reads_them(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 20);
        var victim = site.LeafPage().Id.ToString();

        await site.Client.TrashPageAsync(victim, None);

        Assert.Equal("trashed", site.StorePage(victim).Status);
        var current = await site.Client.ListPages(site.Space, withBodies: false, includeTrashed: false).ReadAllAsync(None);
        Assert.DoesNotContain(current, p => p.Id == victim);
        var all = await site.Client.ListPages(site.Space, withBodies: false, includeTrashed: true).ReadAllAsync(None);
        var trashed = Assert.Single(all, p => p.Id == victim);
        Assert.Equal(SitePageStatus.Trashed, trashed.Status);
        Assert.Equal(current.Count + 1, all.Count);

        var read = await site.Client.GetPageAsync(victim, None);
        Assert.NotNull(read);
        Assert.Equal(SitePageStatus.Trashed, read!.Status);
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Get_reads_one_page_with_its_body_and_answers_null_for_a_missing_one(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 10);
        var truth = site.LeafPage();

        var page = await site.Client.GetPageAsync(truth.Id.ToString(), None);

        Assert.NotNull(page);
        Assert.Equal(truth.Title, page!.Title);
        Assert.Equal(truth.Current.Body, page.Body);
        Assert.Equal(truth.Current.Number, page.Version.Number);
        Assert.Equal(StoreParent(truth), page.ParentId);
        Assert.Equal(truth.Space.Id.ToString(), page.SpaceId);
        Assert.Null(await site.Client.GetPageAsync("999999999", None));
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Create_places_the_page_under_its_parent_or_at_the_top_and_refuses_a_taken_title(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 5);
        var home = site.Space.HomepageId!;
        var pagesBefore = site.StorePages().Count;

        var child = await site.Client.CreatePageAsync(site.Space, home, "Sync Created Child", "<p>hello &amp; welcome</p>", None);
        var top = await site.Client.CreatePageAsync(site.Space, null, "Sync Created Top", "<p>top</p>", None);

        Assert.Equal(1, child.Version.Number);
        Assert.Equal(home, child.ParentId);
        StoredBody.AssertStored(flavor, "<p>hello &amp; welcome</p>", child.Body);
        Assert.Equal(home, StoreParent(site.StorePage(child.Id)));
        Assert.Null(top.ParentId);
        Assert.Null(site.StorePage(top.Id).ParentId);

        var duplicate = await Assert.ThrowsAsync<SiteException>(() =>
            site.Client.CreatePageAsync(site.Space, home, "Sync Created Child", "<p>again</p>", None));
        Assert.Equal(SiteErrorKind.BadRequest, duplicate.Kind);
        Assert.Contains("title", duplicate.ServerMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(pagesBefore + 2, site.StorePages().Count); // no duplicate
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Find_by_title_finds_the_page_to_adopt_after_an_unknown_outcome(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 5);
        var created = await site.Client.CreatePageAsync(site.Space, site.Space.HomepageId, "Über \"Q&A\" – Notes", "<p>x</p>", None);

        var found = await site.Client.FindPageByTitleAsync(site.Space, "Über \"Q&A\" – Notes", None);

        Assert.NotNull(found);
        Assert.Equal(created.Id, found!.Id);
        Assert.Equal(site.Space.HomepageId, found.ParentId);
        StoredBody.AssertStored(flavor, "<p>x</p>", found.Body);
        Assert.Null(await site.Client.FindPageByTitleAsync(site.Space, "No Such Page Title", None));
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task A_create_whose_answer_is_lost_is_not_repeated_and_is_found_by_its_title(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 5);
        site.State.Stats.Reset();
        site.Emulator.Faults.Apply(new SpaceSync.Emulator.Faults.FaultSettings { DropAfterPercent = 100 });

        var lost = await Assert.ThrowsAsync<SiteException>(() =>
            site.Client.CreatePageAsync(site.Space, site.Space.HomepageId, "Created But Unanswered", "<p>intent</p>", None));

        Assert.Equal(SiteErrorKind.OutcomeUnknown, lost.Kind);
        Assert.Equal(1, site.State.Stats.ByRoute.Where(r => r.Key.StartsWith("POST ", StringComparison.Ordinal)).Sum(r => r.Value));
        site.Emulator.Faults.Apply(new SpaceSync.Emulator.Faults.FaultSettings());
        var adopted = await site.Client.FindPageByTitleAsync(site.Space, "Created But Unanswered", None);
        Assert.NotNull(adopted);
        Assert.Equal(site.Space.HomepageId, adopted!.ParentId);
        StoredBody.AssertStored(flavor, "<p>intent</p>", adopted.Body);
        Assert.Single(site.StorePages(), p => p.Title == "Created But Unanswered");
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Update_writes_the_next_version_and_a_stale_version_is_a_conflict_naming_the_current_one(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 10);
        var truth = site.LeafPage();
        var id = truth.Id.ToString();
        var planned = truth.Current.Number;

        var updated = await site.Client.UpdatePageAsync(id, planned, "Renamed By Sync", "<p>new body</p>", None);

        Assert.Equal(planned + 1, updated.Version.Number);
        Assert.Equal("Renamed By Sync", updated.Title);
        StoredBody.AssertStored(flavor, "<p>new body</p>", site.StorePage(id).Current.Body);
        Assert.Equal(StoreParent(truth), updated.ParentId); // an edit does not move

        var stale = await Assert.ThrowsAsync<SiteException>(() =>
            site.Client.UpdatePageAsync(id, planned, "Stale", "<p>lost?</p>", None));
        Assert.Equal(SiteErrorKind.Conflict, stale.Kind);
        Assert.Equal(planned + 1, stale.CurrentVersion);
        StoredBody.AssertStored(flavor, "<p>new body</p>", site.StorePage(id).Current.Body);
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Move_changes_the_parent_keeps_title_and_body_and_refuses_a_stale_version_without_writing(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 20);
        var page = site.LeafPage();
        var target = site.LeafPage(skip: 1);
        var id = page.Id.ToString();
        var body = page.Current.Body;
        var planned = page.Current.Number;

        var moved = await site.Client.MovePageAsync(id, planned, target.Id.ToString(), None);

        Assert.Equal(target.Id.ToString(), moved.ParentId);
        Assert.Equal(target.Id, site.StorePage(id).ParentId);
        StoredBody.AssertStored(flavor, body, site.StorePage(id).Current.Body);
        Assert.Equal(page.Title, moved.Title);
        Assert.Equal(planned + 1, moved.Version.Number);

        var requestsBefore = site.State.Stats.Total;
        var stale = await Assert.ThrowsAsync<SiteException>(() =>
            site.Client.MovePageAsync(id, planned, site.Space.HomepageId!, None));
        Assert.Equal(SiteErrorKind.Conflict, stale.Kind);
        Assert.Equal(planned + 1, stale.CurrentVersion);
        Assert.Equal(target.Id, site.StorePage(id).ParentId);
        Assert.Equal(1, site.State.Stats.Total - requestsBefore); // the read only; no PUT was sent
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Trash_restore_and_purge(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 20);
        var page = site.LeafPage();
        var id = page.Id.ToString();
        var version = page.Current.Number;

        await site.Client.TrashPageAsync(id, None);
        Assert.Equal("trashed", site.StorePage(id).Status);

        var staleRestore = await Assert.ThrowsAsync<SiteException>(() => site.Client.RestorePageAsync(id, version - 1, None));
        Assert.Equal(SiteErrorKind.Conflict, staleRestore.Kind);
        Assert.Equal("trashed", site.StorePage(id).Status);

        var restored = await site.Client.RestorePageAsync(id, version, None);
        Assert.Equal(SitePageStatus.Current, restored.Status);
        Assert.Equal("current", site.StorePage(id).Status);
        Assert.Equal(page.Title, restored.Title);
        Assert.Equal(StoreParent(page), restored.ParentId); // back where it was
        var versionsAfterRestore = site.StorePage(id).Versions.Count;
        var again = await site.Client.RestorePageAsync(id, restored.Version.Number, None);
        Assert.Equal(SitePageStatus.Current, again.Status);
        Assert.Equal(versionsAfterRestore, site.StorePage(id).Versions.Count); // no empty version

        await site.Client.TrashPageAsync(id, None);
        await site.Client.PurgePageAsync(id, None);
        Assert.Null(site.State.GetPages(EmulatedSite.SpaceKey).FirstOrDefault(p => p.Id == page.Id));
        Assert.Null(await site.Client.GetPageAsync(id, None));
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Change_query_returns_the_edited_page_and_not_the_unedited_ones_in_the_callers_time_zone(EmulatorFlavor flavor)
    {
        // The caller's zone is far behind UTC and the server's far ahead: a CQL literal written in UTC or in the
        // server's zone would miss the edit on Data Center.
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 30, adminTimeZone: "America/Los_Angeles", serverTimeZone: "Asia/Tokyo");
        var since = DateTimeOffset.UtcNow;
        var edited = site.LeafPage();
        var written = await site.Client.UpdatePageAsync(edited.Id.ToString(), edited.Current.Number, edited.Title, "<p>changed</p>", None);
        site.SearchCaughtUp(); // the change query answers from the search index: as it stands a few seconds on

        var changes = await site.Client.GetChangedPagesAsync(site.Space, since, TimeSpan.FromMinutes(2), withBodies: false, None);

        var change = Assert.Single(changes.Pages);
        Assert.Equal(written.Id, change.Id);
        Assert.Equal(written.Version.Number, change.Version.Number);
        Assert.Equal(StoreParent(edited), change.ParentId);
        Assert.Null(change.Body);
        Assert.Equal(site.StorePage(written.Id).Current.When, changes.HighWaterMark);

        // Asked again from the mark, with no overlap, nothing new.
        var again = await site.Client.GetChangedPagesAsync(site.Space, changes.HighWaterMark.AddSeconds(1), TimeSpan.Zero, withBodies: false, None);
        Assert.Empty(again.Pages);
        Assert.Equal(changes.HighWaterMark.AddSeconds(1), again.HighWaterMark);
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Change_query_overlaps_its_window_and_reports_a_page_edited_twice_once_at_its_newest_version(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 30);
        var since = DateTimeOffset.UtcNow;
        var early = site.LeafPage(skip: 1);
        var hoursBefore = site.LeafPage(skip: 2);
        using (site.StoreClockAt(since.AddHours(-5)))
        {
            // Inside what Data Center's zone-proof CQL literal lets through, outside the window: cut by its exact time.
            site.State.UpdatePage(hoursBefore.Id, new PageUpdate(hoursBefore.Current.Number + 1, hoursBefore.Title, "<p>this morning</p>"));
        }

        using (site.StoreClockAt(since.AddSeconds(-70)))
        {
            // Written 70 s before the mark: only the overlap window sees it.
            site.State.UpdatePage(early.Id, new PageUpdate(early.Current.Number + 1, early.Title, "<p>just before</p>"));
        }

        var twice = site.LeafPage();
        var first = await site.Client.UpdatePageAsync(twice.Id.ToString(), twice.Current.Number, twice.Title, "<p>one</p>", None);
        var second = await site.Client.UpdatePageAsync(twice.Id.ToString(), first.Version.Number, twice.Title, "<p>two</p>", None);
        site.SearchCaughtUp(); // the change query answers from the search index: as it stands a few seconds on

        var withOverlap = await site.Client.GetChangedPagesAsync(site.Space, since, TimeSpan.FromMinutes(2), withBodies: false, None);
        var withoutOverlap = await site.Client.GetChangedPagesAsync(site.Space, since, TimeSpan.Zero, withBodies: false, None);

        Assert.Equal(new[] { early.Id.ToString(), twice.Id.ToString() }, withOverlap.Pages.Select(p => p.Id)); // oldest change first
        Assert.Equal(second.Version.Number, withOverlap.Pages.Single(p => p.Id == second.Id).Version.Number);
        Assert.Equal(second.Id, Assert.Single(withoutOverlap.Pages).Id);
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Change_query_reads_every_page_of_results(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 30);
        SmallPages(site.Client, 3);
        var since = DateTimeOffset.UtcNow;
        var edited = site.StorePages().Where(p => p.Restrictions.Count == 0).Take(8).ToList();
        foreach (var page in edited)
            await site.Client.UpdatePageAsync(page.Id.ToString(), page.Current.Number, page.Title, "<p>bulk</p>", None);
        site.SearchCaughtUp(); // the change query answers from the search index: as it stands a few seconds on

        var changes = await site.Client.GetChangedPagesAsync(site.Space, since, TimeSpan.FromMinutes(2), withBodies: false, None);

        Assert.Equal(edited.Select(p => p.Id.ToString()).OrderBy(i => i), changes.Pages.Select(p => p.Id).OrderBy(i => i));
        Assert.True(changes.Pages.Zip(changes.Pages.Skip(1)).All(pair => pair.First.Version.When <= pair.Second.Version.When));
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Change_query_reads_past_pages_changed_without_a_version_and_stops_at_a_listing_page_older_than_the_window(EmulatorFlavor flavor)
    {
        // A label (a file, a move, a restore) moves a page's last-modified time, the query's sort key, but not its
        // version: such a page sorts among the newest changes with a version time older than the window. It must not end
        // the read; a whole listing page of hits older than the window does.
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 30);
        SmallPages(site.Client, 3);
        var since = DateTimeOffset.UtcNow.AddMinutes(-10);
        var pages = site.StorePages().Where(p => p.Restrictions.Count == 0 && p.ParentId != null).ToList();
        var (older, labelled, alsoLabelled, newer) = (pages[0], pages[1], pages[2], pages[3]);
        using (site.StoreClockAt(since.AddMinutes(1)))
            site.State.UpdatePage(older.Id, new PageUpdate(older.Current.Number + 1, null, "<p>the older edit</p>"));
        using (site.StoreClockAt(since.AddMinutes(2)))
        {
            site.State.AddLabels(labelled.Id, new[] { ("global", "sorted-high") });
            site.State.AddLabels(alsoLabelled.Id, new[] { ("global", "sorted-high") });
        }

        using (site.StoreClockAt(since.AddMinutes(3)))
            site.State.UpdatePage(newer.Id, new PageUpdate(newer.Current.Number + 1, null, "<p>the newer edit</p>"));
        site.SearchCaughtUp();

        var sent = site.Client.Counters.RequestsSent;
        var changes = await site.Client.GetChangedPagesAsync(site.Space, since, TimeSpan.Zero, withBodies: false, None);
        var requests = site.Client.Counters.RequestsSent - sent;

        // Newest first: [newer, labelled, labelled], [older, …]; the labelled pages' versions lie before the window.
        Assert.Equal(new[] { older.Id.ToString(), newer.Id.ToString() }, changes.Pages.Select(p => p.Id));
        // Cloud lists every page, so a third listing page, all older, ends the read; Data Center's CQL window ends the
        // results after the second.
        Assert.Equal(flavor == EmulatorFlavor.Cloud ? 3 : 2, requests);
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Request_costs_of_a_structural_listing_of_100_pages_and_of_a_change_query_with_nothing_changed(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 99); // + the homepage = 100
        var since = DateTimeOffset.UtcNow;

        site.State.Stats.Reset();
        var before = site.Client.Counters.RequestsSent;
        var listed = await site.Client.ListPages(site.Space, withBodies: false, includeTrashed: false).ReadAllAsync(None);
        var listingRequests = site.Client.Counters.RequestsSent - before;
        var listingRoutes = site.State.Stats.ByRoute;
        Assert.Equal(100, listed.Count);

        site.State.Stats.Reset();
        before = site.Client.Counters.RequestsSent;
        var changes = await site.Client.GetChangedPagesAsync(site.Space, since, TimeSpan.FromMinutes(2), withBodies: false, None);
        var firstQueryRequests = site.Client.Counters.RequestsSent - before;
        var firstQueryRoutes = site.State.Stats.ByRoute;
        before = site.Client.Counters.RequestsSent;
        await site.Client.GetChangedPagesAsync(site.Space, since, TimeSpan.FromMinutes(2), withBodies: false, None);
        var laterQueryRequests = site.Client.Counters.RequestsSent - before;
        Assert.Empty(changes.Pages);

        output.WriteLine($"{flavor}: structural listing of 100 pages: {listingRequests} request(s) [{Routes(listingRoutes)}]");
        output.WriteLine($"{flavor}: change query, nothing changed: {firstQueryRequests} request(s) [{Routes(firstQueryRoutes)}], again {laterQueryRequests}");

        Assert.Equal(1, listingRequests);
        Assert.Equal(1, firstQueryRequests);
        Assert.Equal(1, laterQueryRequests);
        Assert.Equal(listingRequests, listingRoutes.Values.Sum());
    }

    private static string Routes(IReadOnlyDictionary<string, long> routes) =>
        string.Join(", ", routes.Select(r => $"{r.Key} ×{r.Value}"));

    [Theory]
    [InlineData(EmulatorFlavor.Cloud)]
    [InlineData(EmulatorFlavor.DataCenter)]
    public async Task Cancellation_reaches_listing_reads_and_writes(EmulatorFlavor flavor)
    {
        await using var site = await EmulatedSite.StartAsync(flavor, pageCount: 5);
        site.Emulator.Faults.Apply(new SpaceSync.Emulator.Faults.FaultSettings { LatencyMs = 5000 });
        var page = site.LeafPage();

        foreach (var call in new Func<CancellationToken, Task>[]
                 {
                     ct => site.Client.ListPages(site.Space, false, false).MoveNextAsync(ct),
                     ct => site.Client.GetPageAsync(page.Id.ToString(), ct),
                     ct => site.Client.UpdatePageAsync(page.Id.ToString(), page.Current.Number, page.Title, "<p>x</p>", ct),
                     ct => site.Client.CreatePageAsync(site.Space, null, "Cancelled Create", "<p>x</p>", ct),
                     ct => site.Client.GetChangedPagesAsync(site.Space, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(2), withBodies: false, ct),
                 })
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call(cancel.Token));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}: the token did not reach the request");
        }
    }
}
