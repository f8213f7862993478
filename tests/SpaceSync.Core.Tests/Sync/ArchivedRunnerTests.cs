using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using SpaceSync.Core.Tests.Content;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Archived Cloud pages against the emulators (docs/confluence-behaviours.md §6) and a sync account that may not purge
/// (§8): nothing is written to an archived page, its twin's edits wait and cross once it is restored, and a refused
/// purge leaves its page in the trash with a warning instead of an error.
/// </summary>
public sealed class ArchivedRunnerTests
{
    private static async Task<RunnerWorld> SyncedWorldAsync()
    {
        var world = await RunnerWorld.StartAsync(pageCount: 12);
        await world.BaselineAsync();
        var first = await world.SyncAsync(); // structural; the next runs read only changes
        Assert.Equal(ListingMode.Structural, first.Listing);
        return world;
    }

    [Fact]
    public async Task An_edit_to_a_page_archived_on_cloud_waits_without_failing_the_run_and_crosses_once_the_page_is_restored()
    {
        await using var world = await SyncedWorldAsync();
        var taken = new List<long>();
        var page = RunnerWorld.Leaf(world.Dc, taken);
        var other = RunnerWorld.Leaf(world.Dc, taken);
        var twin = world.CloudTwin(page);
        RunnerWorld.Edit(world.Dc, page, body: "<p>Written while the Cloud copy was archived.</p>");
        RunnerWorld.Edit(world.Dc, other, body: "<p>An ordinary edit.</p>");
        // Somebody archives the Cloud copy after the run listed it and before its write: the plan cannot know.
        var archived = false;
        var cloudSite = new InterceptingSite(world.CloudSite)
        {
            BeforeUpdate = id =>
            {
                if (id == twin.Id.ToString() && !archived)
                {
                    world.Cloud.ArchivePage(twin.Id);
                    archived = true;
                }

                return Task.CompletedTask;
            },
        };

        // The PUT is refused with 400; the run finds the page archived and skips the write instead of failing it.
        var first = await world.SyncAsync(cloudSite: cloudSite);
        Assert.Equal(ListingMode.Changes, first.Listing);
        Assert.Empty(first.Errors);
        var skipped = Assert.Single(first.Outcomes, o => o.Action.TargetId == twin.Id.ToString());
        Assert.Equal(ActionOutcomeKind.Skipped, skipped.Outcome);
        Assert.Contains("is archived there", skipped.Message, StringComparison.Ordinal);
        Assert.Equal(ActionOutcomeKind.Done, Assert.Single(first.Outcomes, o => o.Action.TargetId == world.CloudTwin(other).Id.ToString()).Outcome);
        Assert.Equal(1, world.Cloud.FindPage(twin.Id)!.Current.Number);

        // The next run reads the pair again (it was left unsettled) and reports it Archived, the edit waiting.
        var second = await world.SyncAsync(cloudSite: cloudSite);
        Assert.Equal(ListingMode.Changes, second.Listing);
        Assert.Empty(second.Errors);
        var item = Assert.Single(second.Plan.Items, i => i.DataCenterId == page.Id.ToString());
        Assert.Equal(DriftStatus.Archived, item.Status);
        Assert.Contains("Data Center changes (Body) wait", Assert.Single(item.Warnings), StringComparison.Ordinal);
        Assert.DoesNotContain(second.Plan.Actions, a => a.WritesSite);
        Assert.Equal("archived", world.Cloud.FindPage(twin.Id)!.Status);

        // Restored from the archive: the waiting edit crosses, and the pair is in sync.
        world.Cloud.UnarchivePage(twin.Id);
        var third = await world.SyncAsync(cloudSite: cloudSite);
        Assert.Empty(third.Errors);
        Assert.Equal(ActionOutcomeKind.Done, Assert.Single(third.Outcomes, o => o.Action.TargetId == twin.Id.ToString()).Outcome);
        StoredBody.AssertSameContent("<p>Written while the Cloud copy was archived.</p>", world.Cloud.FindPage(twin.Id)!.Current.Body);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_structural_run_reports_an_archived_page_and_carries_neither_a_trash_nor_labels_to_it()
    {
        await using var world = await SyncedWorldAsync();
        world.Space = world.Space with { Content = world.Space.Content with { Labels = true } };
        var taken = new List<long>();
        var trashed = RunnerWorld.Leaf(world.Dc, taken);
        var labelled = RunnerWorld.Leaf(world.Dc, taken);
        world.Cloud.ArchivePage(world.CloudTwin(trashed).Id);
        world.Cloud.ArchivePage(world.CloudTwin(labelled).Id);
        world.Dc.TrashPage(trashed.Id);
        world.Dc.AddLabels(labelled.Id, new[] { ("global", "archived-elsewhere") });

        var run = await world.SyncAsync(fullListing: true);
        Assert.Empty(run.Errors);
        foreach (var dc in new[] { trashed, labelled })
        {
            var item = Assert.Single(run.Plan.Items, i => i.DataCenterId == dc.Id.ToString());
            Assert.Equal(DriftStatus.Archived, item.Status);
            Assert.Empty(item.ActionIds);
        }

        Assert.Equal("archived", world.Cloud.FindPage(world.CloudTwin(trashed).Id)!.Status);
        Assert.Empty(world.Cloud.FindPage(world.CloudTwin(labelled).Id)!.Labels);
    }

    [Fact]
    public async Task Mirror_a_refused_purge_of_the_empty_page_leaves_it_in_the_trash_with_a_warning_and_adds_no_error()
    {
        await using var world = await SyncedWorldAsync();
        world.Space = world.Space with { RestrictedPages = RestrictedPagesMode.Mirror };
        world.Cloud.SetSpaceAdmin(false);
        var space = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        var secret = world.Dc.CreatePage(space.Id, "Payroll", "<p>Salaries.</p>", space.HomepageId);
        world.Dc.SetRestriction(secret.Id, "read", new[] { world.Dc.Admin }, Array.Empty<string>());
        var open = world.Dc.CreatePage(space.Id, "Open notes", "<p>Anyone.</p>", space.HomepageId);
        var cloudSite = new InterceptingSite(world.CloudSite)
        {
            // The body cannot be written after the restrictions were set: the empty page must go again.
            BeforeUpdate = id => world.Cloud.FindPage(long.Parse(id))?.Title == "Payroll"
                ? Task.FromException(new SiteException(SiteErrorKind.BadRequest, "The body was refused.", "PUT", "/pages/" + id))
                : Task.CompletedTask,
        };

        var run = await world.SyncAsync(cloudSite: cloudSite);

        var error = Assert.Single(run.Errors); // the create, for its own reason; not the purge
        Assert.Contains("was moved to the trash, where it stays: purging it was refused", error, StringComparison.Ordinal);
        var leftover = Assert.Single(world.Cloud.GetPages(RunnerWorld.Key), p => p.Title == "Payroll");
        Assert.Equal("trashed", leftover.Status);
        Assert.Contains($"page {leftover.Id}", error, StringComparison.Ordinal);
        Assert.NotNull(RunnerWorld.CurrentPages(world.Cloud).SingleOrDefault(p => p.Title == "Open notes"));
        Assert.NotNull(world.State.FindPair(RunnerWorld.Key, SiteKind.DataCenter, open.Id.ToString()));

        // As space admin the same failure purges the empty page.
        world.Cloud.SetSpaceAdmin(true);
        var again = await world.SyncAsync(cloudSite: cloudSite);
        Assert.Contains("the page made for it was removed again", Assert.Single(again.Errors), StringComparison.Ordinal);
        Assert.Single(world.Cloud.GetPages(RunnerWorld.Key), p => p.Title == "Payroll"); // only the first run's, still in the trash
    }
}
