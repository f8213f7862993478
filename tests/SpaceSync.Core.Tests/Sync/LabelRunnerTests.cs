using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>Labels end to end: baseline and sync runs against both emulators, with a real state file.</summary>
public sealed class LabelRunnerTests
{
    private static readonly ResolvedContent LabelsOn = new(Labels: true, Attachments: false, Comments: false, Blogposts: false);

    private static async Task<RunnerWorld> LabelWorldAsync(int pageCount = 20)
    {
        var world = await RunnerWorld.StartAsync(pageCount);
        world.Space = world.Space with { Content = LabelsOn };
        return world;
    }

    private static string[] LabelsOf(EmulatorState state, long pageId) =>
        state.FindPage(pageId)!.Labels.Where(l => l.Prefix == "global").Select(l => l.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();

    private static void Add(EmulatorState state, long pageId, params string[] labels) =>
        state.AddLabels(pageId, labels.Select(l => ("global", l)));

    private static void AssertLabelsEqualOnBothSides(RunnerWorld world)
    {
        foreach (var page in RunnerWorld.CurrentPages(world.Dc))
            Assert.Equal(LabelsOf(world.Dc, page.Id), LabelsOf(world.Cloud, world.CloudTwin(page).Id));
    }

    [Fact]
    public async Task Labels_cross_both_ways_and_a_second_run_writes_nothing()
    {
        await using var world = await LabelWorldAsync();
        // The migration carried the seeded labels: the baseline records them as each pair's base, and the first
        // sync finds nothing to do.
        var seeded = RunnerWorld.CurrentPages(world.Dc).Where(p => p.Labels.Count > 0).ToList();
        Assert.NotEmpty(seeded);
        await world.BaselineAsync();
        Assert.Equal(LabelsOf(world.Dc, seeded[0].Id), world.State.GetBaseLabels(world.PairOfDc(seeded[0].Id).Id));

        var first = await world.SyncAsync(fullListing: true);
        Assert.Empty(first.Errors);
        Assert.Empty(first.Plan.Actions);
        AssertLabelsEqualOnBothSides(world);

        var taken = new List<long>(seeded.Select(p => p.Id));
        var onDc = RunnerWorld.Leaf(world.Dc, taken);
        var onCloud = RunnerWorld.Leaf(world.Dc, taken);
        var removed = seeded[0];
        Add(world.Dc, onDc.Id, "Alpha");
        Add(world.Cloud, world.CloudTwin(onCloud).Id, "beta");
        var gone = LabelsOf(world.Cloud, world.CloudTwin(removed).Id)[0];
        world.Cloud.RemoveLabel(world.CloudTwin(removed).Id, gone);

        var run = await world.SyncAsync(fullListing: true);
        Assert.Empty(run.Errors);
        Assert.Contains("alpha", LabelsOf(world.Cloud, world.CloudTwin(onDc).Id));
        Assert.Contains("beta", LabelsOf(world.Dc, onCloud.Id));
        Assert.DoesNotContain(gone, LabelsOf(world.Dc, removed.Id));
        AssertLabelsEqualOnBothSides(world);
        var item = run.Plan.Items.Single(i => i.DataCenterId == onDc.Id.ToString());
        Assert.Equal(DriftStatus.DataCenterAhead, item.Status);
        Assert.Equal("labels on Cloud", item.Action);
        Assert.Equal(DriftStatus.CloudAhead, run.Plan.Items.Single(i => i.DataCenterId == onCloud.Id.ToString()).Status);
        // Label writes make no page version.
        Assert.Equal(onDc.Current.Number, world.Dc.FindPage(onDc.Id)!.Current.Number);

        var again = await world.SyncAsync(fullListing: true);
        Assert.DoesNotContain(again.Plan.Actions, a => a.WritesSite);
        Assert.Empty(again.Plan.Actions);
        var quick = await world.SyncAsync();
        Assert.Equal(ListingMode.Changes, quick.Listing);
        Assert.Empty(quick.Plan.Actions);
        // The change query meets every page again (all were written within its overlap), at the versions last synced:
        // their labels are not read, so the run costs what it costs without labels.
        world.Space = world.Space with { Content = new ResolvedContent(false, false, false, false) };
        var withoutLabels = await world.SyncAsync();
        Assert.Equal(ListingMode.Changes, withoutLabels.Listing);
        Assert.Equal(withoutLabels.Requests, quick.Requests);
    }

    [Fact]
    public async Task A_change_query_run_carries_the_labels_of_pages_it_reads_and_leaves_the_rest_to_the_structural_listing()
    {
        await using var world = await LabelWorldAsync();
        await world.BaselineAsync();
        await world.SyncAsync(fullListing: true);

        var taken = new List<long>();
        var edited = RunnerWorld.Leaf(world.Dc, taken);
        var quiet = RunnerWorld.Leaf(world.Dc, taken);
        RunnerWorld.Edit(world.Dc, edited, body: "<p>Edited with a label.</p>");
        Add(world.Dc, edited.Id, "edited");
        Add(world.Dc, quiet.Id, "quiet");

        var quick = await world.SyncAsync();
        Assert.Equal(ListingMode.Changes, quick.Listing);
        Assert.Empty(quick.Errors);
        Assert.Contains("edited", LabelsOf(world.Cloud, world.CloudTwin(edited).Id));
        Assert.DoesNotContain("quiet", LabelsOf(world.Cloud, world.CloudTwin(quiet).Id));

        var structural = await world.SyncAsync(fullListing: true);
        Assert.Empty(structural.Errors);
        Assert.Contains("quiet", LabelsOf(world.Cloud, world.CloudTwin(quiet).Id));
        AssertLabelsEqualOnBothSides(world);
    }

    [Fact]
    public async Task A_new_page_is_created_with_its_labels_and_they_become_its_base()
    {
        await using var world = await LabelWorldAsync();
        await world.BaselineAsync();
        await world.SyncAsync(fullListing: true);
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        var page = world.Dc.CreatePage(dcSpace.Id, "Labelled newcomer", "<p>New.</p>", dcSpace.HomepageId);
        Add(world.Dc, page.Id, "draft", "HowTo");

        var run = await world.SyncAsync();
        Assert.Empty(run.Errors);
        Assert.Equal(1, run.Count("Create"));
        var twin = world.CloudTwin(page);
        Assert.Equal(new[] { "draft", "howto" }, LabelsOf(world.Cloud, twin.Id));
        Assert.Equal(new[] { "draft", "howto" }, world.State.GetBaseLabels(world.PairOfDc(page.Id).Id));

        var again = await world.SyncAsync(fullListing: true);
        Assert.Empty(again.Plan.Actions);
    }

    [Fact]
    public async Task A_page_gone_before_its_labels_are_written_fails_that_action_and_the_run_goes_on()
    {
        await using var world = await LabelWorldAsync();
        await world.BaselineAsync();
        await world.SyncAsync(fullListing: true);
        var taken = new List<long>();
        var doomed = RunnerWorld.Leaf(world.Dc, taken);
        var fine = RunnerWorld.Leaf(world.Dc, taken);
        Add(world.Dc, doomed.Id, "doomed");
        Add(world.Dc, fine.Id, "fine");
        var doomedTwin = world.CloudTwin(doomed).Id;
        var baseBefore = world.State.GetBaseLabels(world.PairOfDc(doomed.Id).Id);
        var cloud = new InterceptingSite(world.CloudSite)
        {
            BeforeLabelWrite = id =>
            {
                if (id == doomedTwin.ToString() && world.Cloud.FindPage(doomedTwin) is { } p)
                {
                    world.Cloud.TrashPage(p.Id);
                    world.Cloud.PurgePage(p.Id);
                }
                return Task.CompletedTask;
            },
        };

        var run = await world.SyncAsync(fullListing: true, cloudSite: cloud);
        var failed = Assert.Single(run.Outcomes, o => o.Outcome == ActionOutcomeKind.Failed);
        Assert.Equal(SyncActionKind.Labels, failed.Action.Kind);
        Assert.Contains($"page {doomedTwin} is not there (404", failed.Message);
        Assert.Single(run.Errors);
        Assert.Contains("fine", LabelsOf(world.Cloud, world.CloudTwin(fine).Id));
        // Nothing was written for the failed one: its base stays as it was.
        Assert.Equal(baseBefore, world.State.GetBaseLabels(world.PairOfDc(doomed.Id).Id));
    }

    [Fact]
    public async Task Exclude_labels_decides_on_a_structural_run_even_when_labels_are_not_synced()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 15);
        world.Space = world.Space with { ExcludeLabels = new[] { "no-sync" } };
        await world.BaselineAsync();
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        var secret = world.Dc.CreatePage(dcSpace.Id, "Private notes", "<p>Mine.</p>", dcSpace.HomepageId);
        Add(world.Dc, secret.Id, "no-sync");
        var paired = RunnerWorld.Leaf(world.Dc, new List<long>());
        Add(world.Dc, paired.Id, "No-Sync");

        var run = await world.SyncAsync(fullListing: true);
        Assert.Empty(run.Plan.Warnings);
        Assert.DoesNotContain(RunnerWorld.CurrentPages(world.Cloud), p => p.Title == "Private notes");
        Assert.Equal(DriftStatus.Excluded, run.Plan.Items.Single(i => i.DataCenterId == secret.Id.ToString()).Status);
        Assert.Equal(DriftStatus.Excluded, run.Plan.Items.Single(i => i.DataCenterId == paired.Id.ToString()).Status);
        Assert.DoesNotContain(run.Plan.Actions, a => a.Kind == SyncActionKind.Labels);
    }

    [Fact]
    public async Task Baseline_base_labels_give_the_union_without_an_authority_and_the_authority_s_labels_with_one()
    {
        foreach (var authority in new SyncSide?[] { null, SyncSide.Cloud })
        {
            await using var world = await LabelWorldAsync(pageCount: 10);
            var page = RunnerWorld.Leaf(world.Dc, new List<long>());
            var twin = RunnerWorld.CurrentPages(world.Cloud).Single(p => p.Title == page.Title); // not paired yet
            foreach (var label in LabelsOf(world.Dc, page.Id)) world.Dc.RemoveLabel(page.Id, label);
            foreach (var label in LabelsOf(world.Cloud, twin.Id)) world.Cloud.RemoveLabel(twin.Id, label);
            Add(world.Dc, page.Id, "shared", "dc-only");
            Add(world.Cloud, twin.Id, "shared", "cloud-only");

            await world.BaselineAsync(authority);
            var pairId = world.PairOfDc(page.Id).Id;
            Assert.Equal(authority is null ? new[] { "shared" } : new[] { "dc-only", "shared" }, world.State.GetBaseLabels(pairId));

            var run = await world.SyncAsync(fullListing: true);
            Assert.Empty(run.Errors);
            var expected = authority is null ? new[] { "cloud-only", "dc-only", "shared" } : new[] { "cloud-only", "shared" };
            Assert.Equal(expected, LabelsOf(world.Dc, page.Id));
            Assert.Equal(expected, LabelsOf(world.Cloud, twin.Id));
            Assert.Equal(expected, world.State.GetBaseLabels(pairId));
        }
    }
}
