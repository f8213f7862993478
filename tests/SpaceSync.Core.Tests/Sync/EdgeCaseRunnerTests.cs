using SpaceSync.Core.Tests.Content;
using SpaceSync.Core.Content;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>Edit versus trash, purges, failures, cancellation, baseline authority and bodies that do not parse.</summary>
public sealed class EdgeCaseRunnerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task An_edit_beats_a_trash_the_page_is_restored_and_updated_in_one_run()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var dcPage = RunnerWorld.Leaf(world.Dc, new List<long>());
        var cloudPage = world.CloudTwin(dcPage);
        world.Dc.TrashPage(dcPage.Id);
        RunnerWorld.Edit(world.Cloud, cloudPage, body: "<p>Edited on Cloud while trashed on Data Center.</p>");

        var sync = await world.SyncAsync();
        Assert.Equal(new[] { SyncActionKind.Restore, SyncActionKind.Update }, sync.Plan.Actions.Where(a => a.WritesSite).Select(a => a.Kind));
        Assert.All(sync.Outcomes, o => Assert.Equal(ActionOutcomeKind.Done, o.Outcome));
        var dcNow = world.Dc.FindPage(dcPage.Id)!;
        Assert.Equal("current", dcNow.Status);
        Assert.Equal("<p>Edited on Cloud while trashed on Data Center.</p>", dcNow.Current.Body);
        world.AssertSidesEqual();
        Assert.DoesNotContain((await world.SyncAsync()).Plan.Actions, a => a.WritesSite);
    }

    [Fact]
    public async Task A_page_purged_on_one_side_and_edited_on_the_other_is_created_again_and_re_paired()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var dcPage = RunnerWorld.Leaf(world.Dc, new List<long>());
        var cloudPage = world.CloudTwin(dcPage);
        var oldPair = world.PairOfDc(dcPage.Id);
        world.Dc.TrashPage(dcPage.Id);
        world.Dc.PurgePage(dcPage.Id);
        RunnerWorld.Edit(world.Cloud, cloudPage, body: "<p>Kept on Cloud.</p>");

        var sync = await world.SyncAsync();
        var create = Assert.Single(sync.Outcomes, o => o.Action.Kind == SyncActionKind.Create);
        Assert.Equal(ActionOutcomeKind.Done, create.Outcome);
        var pair = world.State.FindPair(RunnerWorld.Key, SiteKind.Cloud, cloudPage.Id.ToString())!;
        Assert.Equal(create.CreatedPageId, pair.DataCenterPageId);
        Assert.Equal(oldPair.Id, pair.Id); // the pair is kept, now naming the new Data Center page
        Assert.Null(world.State.FindPair(RunnerWorld.Key, SiteKind.DataCenter, dcPage.Id.ToString()));
        Assert.Equal("<p>Kept on Cloud.</p>", world.Dc.FindPage(long.Parse(pair.DataCenterPageId))!.Current.Body);
        world.AssertSidesEqual();
        Assert.DoesNotContain((await world.SyncAsync()).Plan.Actions, a => a.WritesSite);
    }

    [Fact]
    public async Task A_run_cancelled_between_a_restore_and_its_update_keeps_the_history_and_the_next_run_finishes_the_page()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var dcPage = RunnerWorld.Leaf(world.Dc, new List<long>());
        var pairBefore = world.PairOfDc(dcPage.Id);
        world.Dc.TrashPage(dcPage.Id);
        RunnerWorld.Edit(world.Cloud, world.CloudTwin(dcPage), body: "<p>Cloud edit while trashed.</p>");
        using var cts = new CancellationTokenSource();
        var dc = new InterceptingSite(world.DcSite)
        {
            BeforeUpdate = _ =>
            {
                cts.Cancel(); // the restore went out; the update does not
                return Task.CompletedTask;
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => world.SyncAsync(dcSite: dc, cancellationToken: cts.Token));
        Assert.Equal("current", world.Dc.FindPage(dcPage.Id)!.Status);
        var run = world.State.ListRuns(RunnerWorld.Key, newest: 1).Single();
        Assert.Contains(world.State.ListHistory(RunnerWorld.Key, run.Id), h => h.Action == "restore-datacenter");
        Assert.Equal(pairBefore.UpdatedAt, world.PairOfDc(dcPage.Id).UpdatedAt); // the pair row waits for the whole page

        var next = await world.SyncAsync();
        Assert.Empty(next.Errors);
        Assert.Equal("<p>Cloud edit while trashed.</p>", world.Dc.FindPage(dcPage.Id)!.Current.Body);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_purged_parent_edited_on_the_other_side_comes_back_and_its_children_stay_paired()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var current = RunnerWorld.CurrentPages(world.Dc);
        var parent = current.First(p => p.ParentId != null && current.Any(c => c.ParentId == p.Id));
        var children = current.Where(c => c.ParentId == parent.Id).Select(c => c.Id).ToList();
        var cloudParent = world.CloudTwin(parent);
        world.Dc.TrashPage(parent.Id); // its children move up, as in Confluence
        world.Dc.PurgePage(parent.Id);
        RunnerWorld.Edit(world.Cloud, cloudParent, body: "<p>Parent kept on Cloud.</p>");

        var sync = await world.SyncAsync();
        Assert.Empty(sync.Errors);
        Assert.Single(sync.Outcomes, o => o.Action.Kind == SyncActionKind.Create && o.Outcome == ActionOutcomeKind.Done);
        Assert.All(children, id => Assert.NotNull(world.State.FindPair(RunnerWorld.Key, SiteKind.DataCenter, id.ToString())));
        world.AssertSidesEqual();
        Assert.DoesNotContain((await world.SyncAsync()).Plan.Actions, a => a.WritesSite);
    }

    [Fact]
    public async Task A_failed_write_is_reported_and_the_run_goes_on()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var taken = new List<long>();
        var refused = RunnerWorld.Leaf(world.Dc, taken);
        var fine = RunnerWorld.Leaf(world.Dc, taken);
        RunnerWorld.Edit(world.Dc, refused, body: "<p>Refused on Cloud.</p>");
        RunnerWorld.Edit(world.Dc, fine, body: "<p>Accepted on Cloud.</p>");
        var refusedCloudId = world.CloudTwin(refused).Id.ToString();
        var cloud = new InterceptingSite(world.CloudSite)
        {
            BeforeUpdate = id => id == refusedCloudId
                ? throw new SiteException(SiteErrorKind.Forbidden, "Not allowed to edit this page.", "PUT", "/wiki/api/v2/pages/" + id)
                : Task.CompletedTask,
        };

        var reported = new List<SyncActionOutcome>();
        world.SearchCaughtUp();
        var sync = await SyncRunner.RunAsync(world.DcSite, cloud, world.State, world.Space,
            new SyncRunOptions { Progress = new Reporter(reported.Add) }, EngineLog.None, None);
        Assert.Equal(sync.Outcomes, reported);
        var failed = Assert.Single(sync.Outcomes, o => o.Outcome == ActionOutcomeKind.Failed);
        Assert.Equal(refusedCloudId, failed.Action.TargetId);
        Assert.Single(sync.Errors);
        Assert.Equal(1, sync.Count("Update"));
        StoredBody.AssertSameContent("<p>Accepted on Cloud.</p>", world.CloudTwin(fine).Current.Body);
        Assert.Equal(RunOutcome.Failed, world.State.GetRun(sync.RunId!.Value)!.Outcome);

        // Nothing was recorded for the refused page: the next run carries it.
        var next = await world.SyncAsync();
        Assert.Equal(1, next.Count("Update"));
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_cancelled_run_stops_finishes_as_cancelled_and_releases_the_lock()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var taken = new List<long>();
        var first = RunnerWorld.Leaf(world.Dc, taken);
        var second = RunnerWorld.Leaf(world.Dc, taken);
        RunnerWorld.Edit(world.Dc, first, body: "<p>One.</p>");
        RunnerWorld.Edit(world.Dc, second, body: "<p>Two.</p>");
        using var cts = new CancellationTokenSource();
        var cloud = new InterceptingSite(world.CloudSite)
        {
            BeforeUpdate = _ =>
            {
                cts.Cancel(); // the admin presses Ctrl+C as the first write goes out
                return Task.CompletedTask;
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => world.SyncAsync(cloudSite: cloud, cancellationToken: cts.Token));
        var run = world.State.ListRuns(RunnerWorld.Key, newest: 1).Single();
        Assert.Equal(RunOutcome.Cancelled, run.Outcome);
        Assert.Equal(0, run.Counts["Update"]);
        Assert.NotNull(run.Requests);
        Assert.Null(world.State.GetLock(RunnerWorld.Key));

        var next = await world.SyncAsync();
        Assert.Empty(next.Errors);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task Baseline_records_differences_as_conflicts_or_writes_the_authority_and_force_replaces_it()
    {
        await using var world = await RunnerWorld.StartAsync();
        var dcPage = RunnerWorld.Leaf(world.Dc, new List<long>());
        RunnerWorld.Edit(world.Dc, dcPage, body: "<p>Changed on Data Center after the migration.</p>");

        var plain = await world.BaselineAsync();
        Assert.Equal(1, plain.Conflicts);
        var conflict = Assert.Single(world.State.ListConflicts(RunnerWorld.Key));
        Assert.Equal(world.PairOfDc(dcPage.Id).Id, conflict.PairId);
        var cloudPage = world.CloudTwin(dcPage);
        Assert.NotEqual(ContentNormalizer.Normalize(dcPage.Current.Body), ContentNormalizer.Normalize(cloudPage.Current.Body));

        var authority = await world.BaselineAsync(authority: SyncSide.DataCenter, force: true);
        Assert.Equal(1, authority.Updated);
        Assert.Equal(0, authority.Conflicts);
        Assert.Empty(world.State.ListConflicts(RunnerWorld.Key));
        StoredBody.AssertSameContent("<p>Changed on Data Center after the migration.</p>", world.CloudTwin(dcPage).Current.Body);
        Assert.Equal(world.CloudTwin(dcPage).Current.Number, world.PairOfDc(dcPage.Id).CloudVersion);
        world.AssertSidesEqual();
        Assert.DoesNotContain((await world.SyncAsync()).Plan.Actions, a => a.WritesSite);
        Assert.Equal(2, world.State.ListRuns(RunnerWorld.Key).Count(r => r.Kind == RunKind.Baseline && r.Outcome == RunOutcome.Succeeded));
    }

    [Fact]
    public async Task A_body_that_does_not_parse_is_hashed_raw_and_never_carried()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var dcPage = RunnerWorld.Leaf(world.Dc, new List<long>());
        const string broken = "<p>Unclosed paragraph <b>bold</p>";
        RunnerWorld.Edit(world.Dc, dcPage, body: broken);
        var warnings = new List<string>();
        using var log = EngineLog.Create(null, (level, text) => { if (level == EngineLogLevel.Warning) warnings.Add(text); });

        var dcSpace = (await world.DcSite.FindSpaceAsync(RunnerWorld.Key, None))!;
        var snapshot = await SnapshotReader.ReadAsync(world.DcSite, dcSpace, SyncSide.DataCenter, log, None);
        Assert.StartsWith(SnapshotReader.UnparsedHashPrefix, snapshot.Snapshot.Pages[dcPage.Id.ToString()].BodyHash);
        Assert.Equal(broken, snapshot.BodyOf(dcPage.Id.ToString()));
        Assert.Contains(warnings, w => w.Contains(dcPage.Id.ToString()));

        Assert.Contains("not well-formed at line 1", snapshot.Snapshot.Pages[dcPage.Id.ToString()].Unreadable); // the parser's words, kept for the plan
        var cloudBefore = world.CloudTwin(dcPage).Current.Body;

        var sync = await world.SyncAsync();
        Assert.Equal(0, sync.Count("Update"));
        Assert.Equal(cloudBefore, world.CloudTwin(dcPage).Current.Body); // UnreadableBodyRunnerTests has the rest
        Assert.DoesNotContain((await world.SyncAsync()).Plan.Actions, a => a.WritesSite);
    }

    [Fact]
    public async Task A_source_edit_made_after_an_interrupted_create_still_crosses()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        var newPage = world.Dc.CreatePage(dcSpace.Id, "Created then edited", "<p>First text.</p>", dcSpace.HomepageId);
        var cloudSpace = (await world.CloudSite.FindSpaceAsync(RunnerWorld.Key, None))!;
        world.State.RecordCreateIntent(new CreateIntent
        {
            SpaceKey = RunnerWorld.Key, SourceSide = SiteKind.DataCenter, SourcePageId = newPage.Id.ToString(),
            Title = newPage.Title, TargetParentId = cloudSpace.HomepageId,
        });
        await world.CloudSite.CreatePageAsync(cloudSpace, cloudSpace.HomepageId, newPage.Title, "<p>First text.</p>", None);
        RunnerWorld.Edit(world.Dc, newPage, body: "<p>Second text, after the crash.</p>");

        var sync = await world.SyncAsync();
        Assert.Equal(1, sync.AdoptedIntents);
        Assert.Equal(1, sync.Count("Update"));
        StoredBody.AssertSameContent("<p>Second text, after the crash.</p>", Assert.Single(RunnerWorld.CurrentPages(world.Cloud), p => p.Title == newPage.Title).Current.Body);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task The_same_new_page_made_on_both_sites_is_paired_not_duplicated()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        var cloudSpace = world.Cloud.FindSpaceByKey(RunnerWorld.Key)!;
        var dcPage = world.Dc.CreatePage(dcSpace.Id, "Made twice", "<p>Same words.</p>", dcSpace.HomepageId);
        var cloudPage = world.Cloud.CreatePage(cloudSpace.Id, "Made twice", "<p>Same   words.</p>", cloudSpace.HomepageId);

        var sync = await world.SyncAsync();
        var adopt = Assert.Single(sync.Outcomes);
        Assert.Equal(SyncActionKind.Adopt, adopt.Action.Kind);
        Assert.Equal(ActionOutcomeKind.Done, adopt.Outcome);
        Assert.Equal(cloudPage.Id.ToString(), world.PairOfDc(dcPage.Id).CloudPageId);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_move_to_the_top_level_crosses_to_Cloud_through_its_move_API()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var dcPage = RunnerWorld.Leaf(world.Dc, new List<long>());
        world.Dc.UpdatePage(dcPage.Id, new PageUpdate(dcPage.Current.Number + 1, null, "<p>Now at the top.</p>", Move: true, NewParentId: null));

        var sync = await world.SyncAsync();
        var update = Assert.Single(sync.Outcomes);
        Assert.Equal(ActionOutcomeKind.Done, update.Outcome);
        Assert.Contains("moved to the top level", update.Message);
        Assert.Null(world.CloudTwin(dcPage).ParentId);
        StoredBody.AssertSameContent("<p>Now at the top.</p>", world.CloudTwin(dcPage).Current.Body); // Cloud stores it converted
        Assert.Null(world.PairOfDc(dcPage.Id).ParentPairId);
        world.AssertSidesEqual();
        Assert.DoesNotContain((await world.SyncAsync()).Plan.Actions, a => a.WritesSite);
    }

    [Fact]
    public async Task A_move_to_the_top_level_on_Cloud_is_skipped_on_Data_Center_with_a_reason_and_the_rest_still_crosses()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var dcPage = RunnerWorld.Leaf(world.Dc, new List<long>());
        var cloudPage = world.CloudTwin(dcPage);
        var dcParentBefore = dcPage.ParentId;
        world.Cloud.UpdatePage(cloudPage.Id, new PageUpdate(cloudPage.Current.Number + 1, null, "<p>Now at the top.</p>", Move: true, NewParentId: null));

        var sync = await world.SyncAsync();
        var update = Assert.Single(sync.Outcomes);
        Assert.Equal(ActionOutcomeKind.Skipped, update.Outcome);
        Assert.Contains("not moved to the top level (Data Center's REST API cannot do that; move it by hand)", update.Message);
        Assert.Equal("<p>Now at the top.</p>", world.Dc.FindPage(dcPage.Id)!.Current.Body);
        Assert.Equal(dcParentBefore, world.Dc.FindPage(dcPage.Id)!.ParentId);
        // Not recorded as synced: the next run still reports the move, and writes no body again.
        var next = await world.SyncAsync();
        var again = Assert.Single(next.Plan.Actions, a => a.WritesSite);
        Assert.False(again.WritesBody);
        Assert.True(again.Parent!.IsTopLevel);
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Reporter(Action<SyncActionOutcome> report) : IProgress<SyncActionOutcome>
    {
        public void Report(SyncActionOutcome value) => report(value);
    }
}
