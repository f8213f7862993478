using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Core.Tests.State;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>Edits that land while a run is underway, and runs that die between a create and its state write.</summary>
public sealed class ConcurrencyRunnerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task An_edit_made_between_plan_and_write_meets_a_409_and_survives()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var cloudPage = world.CloudTwin(RunnerWorld.Leaf(world.Dc, new List<long>()));
        var dcPage = world.Dc.FindPage(long.Parse(world.State.FindPair(RunnerWorld.Key, SiteKind.Cloud, cloudPage.Id.ToString())!.DataCenterPageId))!;
        RunnerWorld.Edit(world.Cloud, cloudPage, body: "<p>Cloud edit to carry.</p>");
        var dcVersionAtBaseline = dcPage.Current.Number;
        var dc = new InterceptingSite(world.DcSite)
        {
            // Somebody edits the Data Center page after the run planned its update.
            BeforeUpdate = id =>
            {
                if (id == dcPage.Id.ToString()) RunnerWorld.Edit(world.Dc, world.Dc.FindPage(dcPage.Id)!, body: "<p>Made during the run.</p>");
                return Task.CompletedTask;
            },
        };

        var sync = await world.SyncAsync(dcSite: dc);
        var skipped = Assert.Single(sync.Outcomes, o => o.Outcome == ActionOutcomeKind.Skipped);
        Assert.Contains("changed on Data Center during the run", skipped.Message);
        Assert.Empty(sync.Errors);
        Assert.Equal("<p>Made during the run.</p>", world.Dc.FindPage(dcPage.Id)!.Current.Body);
        var pair = world.PairOfDc(dcPage.Id);
        Assert.Equal(dcVersionAtBaseline, pair.DataCenterVersion); // the pair was left as last synced
        // Read again in the same run: changed on both sides → a conflict under manual.
        Assert.Single(sync.Conflicts);

        // Next run: the same conflict, and still nothing overwritten.
        var next = await world.SyncAsync();
        Assert.Single(next.Conflicts);
        Assert.Equal("<p>Made during the run.</p>", world.Dc.FindPage(dcPage.Id)!.Current.Body);
        Assert.Equal("<p>Cloud edit to carry.</p>", world.Cloud.FindPage(cloudPage.Id)!.Current.Body);
    }

    [Fact]
    public async Task A_trash_is_skipped_when_the_target_was_edited_after_planning()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var dcPage = RunnerWorld.Leaf(world.Dc, new List<long>());
        var cloudPage = world.CloudTwin(dcPage);
        world.Dc.TrashPage(dcPage.Id);
        // The Cloud page is edited after the run listed it, just before the trash's own check reads it.
        var cloud = new InterceptingSite(world.CloudSite)
        {
            BeforeGetPage = id =>
            {
                if (id == cloudPage.Id.ToString()) RunnerWorld.Edit(world.Cloud, world.Cloud.FindPage(cloudPage.Id)!, body: "<p>Edited on Cloud meanwhile.</p>");
                return Task.CompletedTask;
            },
        };

        var sync = await world.SyncAsync(cloudSite: cloud);
        var skipped = Assert.Single(sync.Outcomes, o => o.Action.Kind == SyncActionKind.Trash);
        Assert.Equal(ActionOutcomeKind.Skipped, skipped.Outcome);
        Assert.Equal("current", world.Cloud.FindPage(cloudPage.Id)!.Status);
        Assert.Equal(Core.State.PairStatus.Active, world.PairOfDc(dcPage.Id).Status);

        // Read again in the same run, the edit wins: the Data Center page comes back with the Cloud text.
        Assert.Equal(new[] { SyncActionKind.Restore, SyncActionKind.Update },
            sync.Outcomes.Where(o => o.Outcome == ActionOutcomeKind.Done).Select(o => o.Action.Kind));
        Assert.Equal("current", world.Dc.FindPage(dcPage.Id)!.Status);
        Assert.Equal("<p>Edited on Cloud meanwhile.</p>", world.Dc.FindPage(dcPage.Id)!.Current.Body);
        Assert.Empty(sync.Errors);
        world.AssertSidesEqual();
        var next = await world.SyncAsync();
        Assert.DoesNotContain(next.Plan.Actions, a => a.WritesSite);
    }

    [Fact]
    public async Task A_run_that_died_between_create_and_state_write_is_adopted_without_a_duplicate()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        var newPage = world.Dc.CreatePage(dcSpace.Id, "Written just before the crash", "<p>Crash test.</p>", dcSpace.HomepageId);
        var cloudSpace = (await world.CloudSite.FindSpaceAsync(RunnerWorld.Key, None))!;

        // What a dying run leaves: the intent, and the page created on Cloud, but no pair.
        var intent = world.State.RecordCreateIntent(new CreateIntent
        {
            SpaceKey = RunnerWorld.Key,
            SourceSide = SiteKind.DataCenter,
            SourcePageId = newPage.Id.ToString(),
            Title = newPage.Title,
            TargetParentId = cloudSpace.HomepageId,
        });
        var created = await world.CloudSite.CreatePageAsync(cloudSpace, cloudSpace.HomepageId, newPage.Title, newPage.Current.Body, None);
        // A second interrupted create, so that -WhatIf plans with two pairs it has not stored.
        var second = world.Dc.CreatePage(dcSpace.Id, "Also written before the crash", "<p>Second.</p>", dcSpace.HomepageId);
        world.State.RecordCreateIntent(new CreateIntent
        {
            SpaceKey = RunnerWorld.Key, SourceSide = SiteKind.DataCenter, SourcePageId = second.Id.ToString(),
            Title = second.Title, TargetParentId = cloudSpace.HomepageId,
        });
        await world.CloudSite.CreatePageAsync(cloudSpace, cloudSpace.HomepageId, second.Title, second.Current.Body, None);

        var preview = await world.SyncAsync(whatIf: true);
        Assert.Equal(2, preview.AdoptedIntents);
        Assert.DoesNotContain(preview.Plan.Actions, a => a.WritesSite);
        Assert.Equal(2, world.State.ListCreateIntents(RunnerWorld.Key).Count);

        var sync = await world.SyncAsync();
        Assert.Equal(2, sync.AdoptedIntents);
        Assert.DoesNotContain(sync.Plan.Actions, a => a.Kind is SyncActionKind.Create or SyncActionKind.Adopt);
        Assert.Single(RunnerWorld.CurrentPages(world.Cloud), p => p.Title == newPage.Title);
        Assert.Equal(created.Id, world.PairOfDc(newPage.Id).CloudPageId);
        Assert.Empty(world.State.ListCreateIntents(RunnerWorld.Key));
        Assert.Contains(world.State.ListHistory(RunnerWorld.Key), h => h.Action == "adopt-after-interrupted-create" && h.CloudPageId == created.Id);
        Assert.DoesNotContain(world.State.ListCreateIntents(RunnerWorld.Key), i => i.Id == intent.Id);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_keeps_its_intent_and_the_next_run_adopts_the_page()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        // Different content on Cloud after the lost answer would stop a by-content pairing; the intent still pairs it.
        var newPage = world.Dc.CreatePage(dcSpace.Id, "Lost answer", "<p>Created, answer lost.</p>", dcSpace.HomepageId);
        var cloud = new InterceptingSite(world.CloudSite) { LoseCreateAnswer = title => title == "Lost answer" };

        var first = await world.SyncAsync(cloudSite: cloud);
        var failed = Assert.Single(first.Outcomes, o => o.Action.Kind == SyncActionKind.Create);
        Assert.Equal(ActionOutcomeKind.Failed, failed.Outcome);
        Assert.Single(world.State.ListCreateIntents(RunnerWorld.Key));
        Assert.Equal(RunOutcome.Failed, world.State.GetRun(first.RunId!.Value)!.Outcome);
        var onCloud = Assert.Single(RunnerWorld.CurrentPages(world.Cloud), p => p.Title == "Lost answer");
        RunnerWorld.Edit(world.Cloud, onCloud, body: "<p>Edited on Cloud before the next run.</p>");

        var second = await world.SyncAsync();
        Assert.Equal(1, second.AdoptedIntents);
        Assert.DoesNotContain(second.Plan.Actions, a => a.Kind == SyncActionKind.Create);
        Assert.Single(RunnerWorld.CurrentPages(world.Cloud), p => p.Title == "Lost answer");
        Assert.Empty(world.State.ListCreateIntents(RunnerWorld.Key));
        Assert.Equal(onCloud.Id.ToString(), world.PairOfDc(newPage.Id).CloudPageId);
        // The Cloud edit made after the create crosses like any other edit.
        Assert.Equal("<p>Edited on Cloud before the next run.</p>", world.Dc.FindPage(newPage.Id)!.Current.Body);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_run_whose_lock_expired_and_was_taken_over_stops_writing()
    {
        var clock = new ManualClock();
        await using var world = await RunnerWorld.StartAsync(stateClock: clock);
        await world.BaselineAsync();
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        for (var i = 1; i <= 60; i++) world.Dc.CreatePage(dcSpace.Id, $"Bulk page {i}", $"<p>Bulk {i}.</p>", dcSpace.HomepageId);
        // The run stalls past its lease and another run takes the space.
        var cloud = world.CloudLosingTheLockAt("Bulk page 10", clock);

        var stopped = await Assert.ThrowsAsync<SyncRunException>(() => world.SyncAsync(cloudSite: cloud));
        Assert.Equal(SyncRunException.SpaceLocked, stopped.Code);
        Assert.Equal("other-run", world.State.GetLock(RunnerWorld.Key)!.OwnerId);
        var created = RunnerWorld.CurrentPages(world.Cloud).Count(p => p.Title.StartsWith("Bulk page "));
        // Plan order creates "Bulk page 1" then "Bulk page 10", during which the space was taken: the fenced write of that
        // page's outcome was refused and the run stopped there (before the heartbeat, it went on to its 50th action).
        Assert.Equal(2, created);
        Assert.Equal(RunOutcome.Failed, world.State.ListRuns(RunnerWorld.Key, newest: 1).Single().Outcome);
        Assert.Equal(created - 1, world.State.ListPairs(RunnerWorld.Key).Count(p => p.Title.StartsWith("Bulk page ")));
        // Its create intent stays: the run now holding the space adopts the page instead of creating it twice.
        Assert.Single(world.State.ListCreateIntents(RunnerWorld.Key));
        world.State.ReleaseLock(RunnerWorld.Key, "other-run");
        var next = await world.SyncAsync();
        Assert.Equal(1, next.AdoptedIntents);
        Assert.Equal(60, RunnerWorld.CurrentPages(world.Cloud).Count(p => p.Title.StartsWith("Bulk page ")));
        world.AssertSidesEqual();
    }
    [Fact]
    public async Task A_lock_left_by_a_killed_run_is_taken_over_at_once_and_the_run_says_so()
    {
        await using var world = await RunnerWorld.StartAsync();
        await world.BaselineAsync();
        // What a SIGKILLed run leaves: its lock, unexpired, owned by a process of this machine that no longer runs.
        var dead = $"{Environment.MachineName}/{int.MaxValue}/-/{Guid.NewGuid():N}";
        Assert.True(world.State.TryAcquireLock(RunnerWorld.Key, dead, TimeSpan.FromHours(2)).Acquired);
        var warnings = new List<string>();
        using var log = EngineLog.Create(null, (level, text) => { if (level == EngineLogLevel.Warning) lock (warnings) warnings.Add(text); });

        world.SearchCaughtUp();
        var sync = await SyncRunner.RunAsync(world.DcSite, world.CloudSite, world.State, world.Space, new SyncRunOptions(), log, None);

        Assert.Empty(sync.Errors);
        Assert.Null(world.State.GetLock(RunnerWorld.Key)); // taken, then released at the end
        var said = Assert.Single(warnings, w => w.Contains("Took over the lock"));
        Assert.Contains(dead, said);
        Assert.Contains("process is gone", said);
    }
}
