using SpaceSync.Core.Tests.Content;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>A write that meets a 409 (somebody edited the page during the run): the page is read again and planned anew in the same run.</summary>
public sealed class ReplanRunnerTests
{
    private const string DcEdit = "<p>Edited on Data Center, to carry.</p>";
    private const string ConcurrentEdit = "<p>Edited on Cloud while the run was writing.</p>";

    /// <summary>A Data Center edit planned to cross, and a Cloud client that lets somebody edit the Cloud page just before the PUT.</summary>
    private static (Page Dc, Page Cloud, InterceptingSite CloudSite, Func<int> Edits) Setup(RunnerWorld world, int concurrentEdits)
    {
        var dcPage = RunnerWorld.Leaf(world.Dc, new List<long>());
        var cloudPage = world.CloudTwin(dcPage);
        RunnerWorld.Edit(world.Dc, dcPage, body: DcEdit);
        var edits = 0;
        var cloud = new InterceptingSite(world.CloudSite)
        {
            BeforeUpdate = id =>
            {
                if (id == cloudPage.Id.ToString() && edits < concurrentEdits)
                {
                    edits++;
                    RunnerWorld.Edit(world.Cloud, world.Cloud.FindPage(cloudPage.Id)!, body: edits == 1 ? ConcurrentEdit : $"<p>Edited on Cloud again ({edits}).</p>");
                }

                return Task.CompletedTask;
            },
        };
        return (dcPage, cloudPage, cloud, () => edits);
    }

    [Fact]
    public async Task Manual_a_409_becomes_a_conflict_in_the_same_run_and_the_concurrent_edit_stays()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var (dcPage, cloudPage, cloud, edits) = Setup(world, concurrentEdits: 1);
        var pairBefore = world.PairOfDc(dcPage.Id);

        var sync = await world.SyncAsync(cloudSite: cloud);
        Assert.Equal(1, edits());
        var skipped = Assert.Single(sync.Outcomes);
        Assert.Equal(ActionOutcomeKind.Skipped, skipped.Outcome);
        Assert.Contains("changed on Cloud during the run", skipped.Message);
        Assert.Contains("planned anew in this run", skipped.Message);
        Assert.NotNull(sync.Replan);
        var item = Assert.Single(sync.Replan!.Items, i => i.DataCenterId == dcPage.Id.ToString());
        Assert.Equal(DriftStatus.Conflict, item.Status);
        Assert.Empty(item.ActionIds);
        var conflict = Assert.Single(sync.Conflicts);
        Assert.Equal(cloudPage.Id.ToString(), conflict.CloudId);
        Assert.Equal(1, sync.Count("Conflicts"));
        Assert.Equal(1, sync.Count("Skipped"));
        Assert.Equal(0, sync.Count("Update"));
        Assert.Empty(sync.Errors);

        // Neither side written; the pair waits as last synced; the conflict is on record from this run.
        Assert.Equal(ConcurrentEdit, world.Cloud.FindPage(cloudPage.Id)!.Current.Body);
        Assert.Equal(DcEdit, world.Dc.FindPage(dcPage.Id)!.Current.Body);
        var pair = world.PairOfDc(dcPage.Id);
        Assert.Equal(pairBefore.CloudVersion, pair.CloudVersion);
        Assert.Equal(pairBefore.DataCenterVersion, pair.DataCenterVersion);
        Assert.NotNull(world.State.GetOpenConflict(pair.Id));
        var history = world.State.ListHistory(RunnerWorld.Key, sync.RunId!.Value);
        Assert.Contains(history, h => h.Action == "conflict" && h.CloudPageId == cloudPage.Id.ToString());
        Assert.Equal(RunOutcome.Succeeded, world.State.GetRun(sync.RunId.Value)!.Outcome);

        // The next run finds the same conflict and writes nothing.
        var next = await world.SyncAsync();
        Assert.DoesNotContain(next.Plan.Actions, a => a.WritesSite);
        Assert.Null(next.Replan);
        Assert.Single(next.Conflicts);
        Assert.Equal(ConcurrentEdit, world.Cloud.FindPage(cloudPage.Id)!.Current.Body);
        Assert.Single(world.State.ListConflicts(RunnerWorld.Key));
    }

    [Fact]
    public async Task Prefer_datacenter_a_409_is_overwritten_in_the_same_run_and_the_concurrent_edit_stays_in_the_history()
    {
        await using var world = await RunnerWorld.StartAsync();
        world.Space = world.Space with { Conflicts = ConflictPolicy.PreferDataCenter };
        await world.BaselineAsync();
        var (dcPage, cloudPage, cloud, edits) = Setup(world, concurrentEdits: 1);

        var sync = await world.SyncAsync(cloudSite: cloud);
        Assert.Equal(1, edits());
        Assert.Equal(new[] { ActionOutcomeKind.Skipped, ActionOutcomeKind.Done }, sync.Outcomes.Select(o => o.Outcome));
        Assert.All(sync.Outcomes, o => Assert.Equal(SyncActionKind.Update, o.Action.Kind));
        var replanned = sync.Outcomes[1].Action;
        Assert.Contains(replanned, sync.Replan!.Actions);
        Assert.Contains("prefer-datacenter", replanned.Reason);
        Assert.Equal(1, sync.Count("Update"));
        Assert.Equal(1, sync.Count("Skipped"));
        Assert.Empty(sync.Conflicts);
        Assert.Empty(sync.Errors);

        var cloudNow = world.Cloud.FindPage(cloudPage.Id)!;
        StoredBody.AssertSameContent(DcEdit, cloudNow.Current.Body); // Cloud stores it converted
        Assert.Contains(cloudNow.Versions, v => v.Body == ConcurrentEdit); // the loser stays in Cloud's page history
        var pair = world.PairOfDc(dcPage.Id);
        Assert.Equal(cloudNow.Current.Number, pair.CloudVersion);
        Assert.Equal(world.Dc.FindPage(dcPage.Id)!.Current.Number, pair.DataCenterVersion);
        world.AssertSidesEqual();
        Assert.DoesNotContain((await world.SyncAsync()).Plan.Actions, a => a.WritesSite);
    }

    [Fact]
    public async Task A_page_that_meets_a_409_again_in_the_re_plan_is_left_for_the_next_run()
    {
        await using var world = await RunnerWorld.StartAsync();
        world.Space = world.Space with { Conflicts = ConflictPolicy.PreferDataCenter };
        await world.BaselineAsync();
        var (dcPage, cloudPage, cloud, edits) = Setup(world, concurrentEdits: 2);
        var pairBefore = world.PairOfDc(dcPage.Id);

        var sync = await world.SyncAsync(cloudSite: cloud);
        Assert.Equal(2, edits());
        Assert.Equal(2, sync.Outcomes.Count);
        Assert.All(sync.Outcomes, o => Assert.Equal(ActionOutcomeKind.Skipped, o.Outcome));
        Assert.Contains("planned anew in this run", sync.Outcomes[0].Message);
        Assert.Contains("edited again during the re-plan: left for the next run", sync.Outcomes[1].Message);
        Assert.Empty(sync.Errors);
        Assert.Equal("<p>Edited on Cloud again (2).</p>", world.Cloud.FindPage(cloudPage.Id)!.Current.Body);
        var pair = world.PairOfDc(dcPage.Id);
        Assert.Equal(pairBefore.CloudVersion, pair.CloudVersion); // left as last synced
        Assert.Equal(pairBefore.UpdatedAt, pair.UpdatedAt);

        // Nobody edits during the next run: prefer-datacenter carries the Data Center text.
        var next = await world.SyncAsync();
        Assert.Null(next.Replan);
        Assert.Empty(next.Errors);
        StoredBody.AssertSameContent(DcEdit, world.Cloud.FindPage(cloudPage.Id)!.Current.Body); // Cloud stores it converted
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_re_planned_write_that_needs_a_page_outside_the_re_plan_waits_for_the_next_run()
    {
        await using var world = await RunnerWorld.StartAsync();
        world.Space = world.Space with { Conflicts = ConflictPolicy.PreferDataCenter };
        await world.BaselineAsync();
        var dcPage = RunnerWorld.Leaf(world.Dc, new List<long>());
        var cloudPage = world.CloudTwin(dcPage);
        RunnerWorld.Edit(world.Dc, dcPage, body: DcEdit);
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        Page? newParent = null;
        var cloud = new InterceptingSite(world.CloudSite)
        {
            BeforeUpdate = id =>
            {
                if (id == cloudPage.Id.ToString() && newParent is null)
                {
                    // During the run: Cloud edits the page, and Data Center files it below a brand-new page.
                    RunnerWorld.Edit(world.Cloud, world.Cloud.FindPage(cloudPage.Id)!, body: ConcurrentEdit);
                    newParent = world.Dc.CreatePage(dcSpace.Id, "Made during the run", "<p>New.</p>", dcSpace.HomepageId);
                    RunnerWorld.Move(world.Dc, world.Dc.FindPage(dcPage.Id)!, newParent.Id);
                }

                return Task.CompletedTask;
            },
        };

        var sync = await world.SyncAsync(cloudSite: cloud);
        // The re-plan creates the new page on Cloud and moves the page below it; only the page's own update may run,
        // and it needs the create: it waits, and nothing is written for the new page either.
        var replanned = Assert.Single(sync.Replan!.Actions, a => a.PairKey == dcPage.Id.ToString());
        Assert.NotNull(replanned.Parent!.CreatedByAction);
        Assert.Equal(2, sync.Outcomes.Count);
        Assert.Equal(ActionOutcomeKind.Skipped, sync.Outcomes[1].Outcome);
        Assert.Contains("which is not one of the pages planned anew; left for the next run", sync.Outcomes[1].Message);
        Assert.DoesNotContain(RunnerWorld.CurrentPages(world.Cloud), p => p.Title == "Made during the run");
        Assert.Equal(ConcurrentEdit, world.Cloud.FindPage(cloudPage.Id)!.Current.Body);

        var next = await world.SyncAsync();
        Assert.Empty(next.Errors);
        StoredBody.AssertSameContent(DcEdit, world.Cloud.FindPage(cloudPage.Id)!.Current.Body); // Cloud stores it converted
        world.AssertSidesEqual();
    }
}
