using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Labels and restrictions of the same pages come in one CQL batch a side (PageMetadataBatch), 200 ids a request,
/// counted on both emulators' request counters.
/// </summary>
public sealed class PageMetadataBatchTests(ITestOutputHelper output)
{
    private const string DcSearch = "/rest/api/content/search";
    private const string CloudSearch = "/wiki/rest/api/content/search";
    private static readonly ResolvedContent LabelsOn = new(Labels: true, Attachments: false, Comments: false, Blogposts: false);

    [Fact]
    public async Task A_structural_run_reads_labels_and_restrictions_of_450_pages_in_three_searches_a_side()
    {
        await using var world = await RunnerWorld.StartAsync(449); // the seeder adds the homepage: 450 pages a side
        world.Space = world.Space with { Content = LabelsOn };
        await world.BaselineAsync();
        world.ResetRequestCounts();

        var run = await world.SyncAsync(fullListing: true);
        world.ShowRequests(output, "structural", run);
        Assert.Equal(ListingMode.Structural, run.Listing);
        Assert.Empty(run.Errors);
        Assert.Equal(450, RunnerWorld.CurrentPages(world.Dc).Count);
        // The structural listing itself searches nothing (DC /content/scan, Cloud v2): every search is a metadata batch,
        // ceil(450 / 200) = 3 a side for labels and restrictions together (they were 5 + 5 a side in batches of 100 each).
        Assert.Equal(3, world.Dc.Stats.Count("GET", DcSearch));
        Assert.Equal(3, world.Cloud.Stats.Count("GET", CloudSearch));
        Assert.Empty(run.Plan.Actions);
    }

    [Fact]
    public async Task A_quiet_run_with_one_open_conflict_reads_that_pages_labels_and_restrictions_in_one_search_a_side()
    {
        await using var world = await RunnerWorld.StartAsync(41);
        world.Space = world.Space with { Content = LabelsOn };
        await world.BaselineAsync();
        await world.SyncAsync(); // structural; marks set
        var quiet = await world.SyncAsync();
        Assert.Equal(ListingMode.Changes, quiet.Listing);

        var page = RunnerWorld.Leaf(world.Dc, new List<long>());
        RunnerWorld.Edit(world.Dc, page, body: "<p>Data Center side.</p>");
        RunnerWorld.Edit(world.Cloud, world.CloudTwin(page), body: "<p>Cloud side.</p>");
        Assert.Single((await world.SyncAsync()).Conflicts);
        world.ResetRequestCounts();

        var again = await world.SyncAsync();
        world.ShowRequests(output, "quiet with one open conflict", again);
        Assert.Equal(page.Id.ToString(), Assert.Single(again.Conflicts).DataCenterId);
        // Beside the quiet run's own requests: the conflict page with its labels and restrictions in one search a side
        // (DC's change query is a search too: 1 + 1), no read by id (issue 14; before: one GET a side more, 4 in all).
        Assert.Equal(2, world.Dc.Stats.Count("GET", DcSearch));
        Assert.Equal(1, world.Cloud.Stats.Count("GET", CloudSearch));
        Assert.Equal(0, world.Dc.Stats.Count("GET", "/rest/api/content/{id}"));
        Assert.Equal(0, world.Cloud.Stats.Count("GET", "/wiki/api/v2/pages/{id}"));
        Assert.Equal(quiet.Requests + 2, again.Requests);
    }

    [Fact]
    public async Task A_structural_run_with_attachments_reads_every_pages_files_in_the_same_three_searches_a_side()
    {
        await using var world = await RunnerWorld.StartAsync(449);
        world.Space = world.Space with { Content = LabelsOn with { Attachments = true } };
        await world.BaselineAsync();
        // One Data Center page with more files than a search hit's children.attachment carries (25): listed on its own.
        var crowded = RunnerWorld.Leaf(world.Dc, new List<long>());
        for (var i = 0; i < 30; i++)
        {
            var blob = Path.GetTempFileName();
            await File.WriteAllTextAsync(blob, "file " + i);
            world.Dc.AddAttachment(crowded.Id, $"file-{i:00}.txt", "text/plain", blob, null, false);
        }
        world.ResetRequestCounts();

        var run = await world.SyncAsync(fullListing: true);
        world.ShowRequests(output, "structural with attachments", run);
        Assert.Equal(ListingMode.Structural, run.Listing);
        Assert.Empty(run.Errors);
        // Labels, restrictions and files of 450 pages: ceil(450 / 200) = 3 searches a side, no space-wide file search
        // (type = attachment, which cost a request per 200 files a side); the crowded page's own listing once.
        Assert.Equal(3, world.Dc.Stats.Count("GET", DcSearch));
        Assert.Equal(3, world.Cloud.Stats.Count("GET", CloudSearch));
        Assert.Equal(1, world.Dc.Stats.Count("GET", "/rest/api/content/{id}/child/attachment"));
        // Every file of the crowded page was seen, so all 30 cross, and nothing else does.
        var uploads = run.Plan.Actions.Where(a => a.Kind == SyncActionKind.UploadAttachment).ToList();
        Assert.Equal(30, uploads.Count);
        Assert.Equal(uploads.Count, run.Plan.Actions.Count);
        Assert.Equal(30, world.CloudTwin(crowded).Attachments.Count(a => a.Status == "current"));

        // A second structural run finds both sides equal: nothing to do, the same searches.
        world.ResetRequestCounts();
        var again = await world.SyncAsync(fullListing: true);
        Assert.Empty(again.Plan.Actions);
        Assert.Equal(3, world.Dc.Stats.Count("GET", DcSearch));
        Assert.Equal(3, world.Cloud.Stats.Count("GET", CloudSearch));
    }
}
