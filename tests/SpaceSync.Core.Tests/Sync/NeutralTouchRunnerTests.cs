using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Issue 14's known gap: a run that writes labels to more Cloud pages than one change-query listing page holds moves their
/// sort key ahead of a person's edit made while it ran; the next change query must not stop on them as older hits.
/// </summary>
public sealed class NeutralTouchRunnerTests(ITestOutputHelper output)
{
    private static readonly ResolvedContent LabelsOn = new(Labels: true, Attachments: false, Comments: false, Blogposts: false);

    [Fact]
    public async Task An_edit_made_while_a_run_labelled_hundreds_of_cloud_pages_reaches_data_center_in_the_next_change_run()
    {
        await using var world = await RunnerWorld.StartAsync(319, migratedAgo: TimeSpan.FromDays(3));
        world.Space = world.Space with { Content = LabelsOn };
        await world.BaselineAsync();
        await world.SyncAsync(fullListing: true); // marks set

        var dcPages = RunnerWorld.CurrentPages(world.Dc);
        var person = RunnerWorld.Leaf(world.Dc, new List<long>());
        var labelled = dcPages.Where(p => p.Id != person.Id).Take(280).ToList();
        foreach (var page in labelled) world.Dc.AddLabels(page.Id, new[] { ("global", "reviewed") });
        var twin = world.CloudTwin(person);

        // A person edits a Cloud page once the run has begun writing labels: the edit sorts behind nearly all of them.
        var edit = Task.Run(async () =>
        {
            while (world.Cloud.Stats.Count("POST", "/wiki/rest/api/content/{id}/label") < 3) await Task.Delay(1);
            RunnerWorld.Edit(world.Cloud, twin, body: "<p>Edited on Cloud while the labels crossed.</p>");
        });
        var labelling = await world.SyncAsync(fullListing: true);
        await edit;
        output.WriteLine($"labelling run: {labelling.Requests} requests, {labelling.Outcomes.Count} outcomes");
        Assert.Empty(labelling.Errors);

        var next = await world.SyncAsync();
        output.WriteLine($"next run: {next.Listing}, {next.Requests} requests, {next.Plan.Actions.Count} actions");
        Assert.Equal(ListingMode.Changes, next.Listing);
        Assert.Contains("Edited on Cloud while the labels crossed.", world.Dc.FindPage(person.Id)!.Current.Body);
    }
}
