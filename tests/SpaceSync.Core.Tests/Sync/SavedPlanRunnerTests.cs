using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>Invoke-SpaceSync -PlanPath over two emulators: exactly the saved actions run, pages changed since are refused.</summary>
public sealed class SavedPlanRunnerTests(ITestOutputHelper output)
{
    private static readonly string ScopePath = Path.Combine(Path.GetTempPath(), "spacesync.yaml");

    /// <summary>Get-SyncDrift -PlanPath for the world's space, through the file's JSON and back.</summary>
    private static async Task<SavedSpacePlan> SavePlanAsync(RunnerWorld world)
    {
        var planned = await SyncRunner.PlanForSavingAsync(world.DcSite, world.CloudSite, world.State, world.Space, new SyncRunOptions(),
            EngineLog.None, CancellationToken.None);
        var plan = new SavedPlan { CreatedAt = DateTimeOffset.UtcNow, ScopePath = ScopePath, Spaces = new[] { planned.Saved } };
        var back = SavedPlanJson.Deserialize(SavedPlanJson.Serialize(plan));
        back.CheckUsable(ScopePath, DateTimeOffset.UtcNow);
        return back.SpaceOf(world.Space.Key)!;
    }

    private static Task<SyncRunResult> ApplyAsync(RunnerWorld world, SavedSpacePlan saved, bool whatIf = false) =>
        SyncRunner.RunSavedPlanAsync(world.DcSite, world.CloudSite, world.State, world.Space, saved, new SyncRunOptions { WhatIf = whatIf },
            EngineLog.None, CancellationToken.None);

    private void Show(SyncRunResult result)
    {
        foreach (var o in result.Outcomes) output.WriteLine($"{o.Outcome}: {o.Action} → {o.Message}");
        foreach (var w in result.Plan.Warnings) output.WriteLine("warning: " + w);
    }

    private static async Task<RunnerWorld> SyncedWorldAsync()
    {
        var world = await RunnerWorld.StartAsync(pageCount: 20);
        await world.BaselineAsync();
        await world.SyncAsync(); // marks set: later reads are incremental, as in daily use
        return world;
    }

    [Fact]
    public async Task A_saved_plan_is_applied_exactly_with_its_own_actions_and_no_read_mark_moves()
    {
        await using var world = await SyncedWorldAsync();
        var taken = new List<long>();
        var edited = RunnerWorld.Edit(world.Dc, RunnerWorld.Leaf(world.Dc, taken), body: "<p>Edited on Data Center before the plan.</p>");
        var renamed = world.CloudTwin(RunnerWorld.Leaf(world.Dc, taken));
        RunnerWorld.Edit(world.Cloud, renamed, title: renamed.Title + " (renamed on Cloud)");
        var home = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        world.Dc.CreatePage(home.Id, "Made on Data Center before the plan", "<p>new</p>", home.HomepageId);

        var saved = await SavePlanAsync(world);
        Assert.Equal(3, saved.Actions.Count(a => a.Action.WritesSite));
        var update = saved.Actions.Single(a => a.Action.Kind == SyncActionKind.Update && a.Action.Target == SyncSide.Cloud);
        Assert.Contains(update.Pages, p => p.Side == SyncSide.DataCenter && p.Id == edited.Id.ToString() && p.Version == edited.Current.Number);
        Assert.Contains($"from Data Center page {edited.Id} v{edited.Current.Number}", update.Text);
        var marksBefore = world.State.GetReadMarks(RunnerWorld.Key);

        var result = await ApplyAsync(world, saved);
        Show(result);
        Assert.Empty(result.Errors);
        Assert.All(result.Outcomes, o => Assert.Equal(ActionOutcomeKind.Done, o.Outcome));
        Assert.Equal(saved.Actions.Select(a => a.Action.Id), result.Outcomes.Select(o => o.Action.Id)); // the saved actions, in order
        Assert.Equal(1, result.Count("Create"));
        Assert.Contains("Edited on Data Center before the plan", world.CloudTwin(edited).Current.Body);
        world.AssertSidesEqual();
        Assert.Equal(marksBefore, world.State.GetReadMarks(RunnerWorld.Key) with { Unsettled = marksBefore.Unsettled, Seen = marksBefore.Seen });

        var next = await world.SyncAsync();
        Assert.DoesNotContain(next.Plan.Actions, a => a.WritesSite);
    }

    [Fact]
    public async Task A_page_edited_after_planning_is_refused_while_the_others_apply_and_the_next_ordinary_run_carries_it()
    {
        await using var world = await SyncedWorldAsync();
        var taken = new List<long>();
        var a = RunnerWorld.Edit(world.Dc, RunnerWorld.Leaf(world.Dc, taken), body: "<p>A planned.</p>");
        var b = RunnerWorld.Edit(world.Dc, RunnerWorld.Leaf(world.Dc, taken), body: "<p>B planned.</p>");
        var saved = await SavePlanAsync(world);
        var planned = a.Current.Number;
        a = RunnerWorld.Edit(world.Dc, a, body: "<p>A edited again after the plan.</p>");

        var result = await ApplyAsync(world, saved);
        Show(result);
        var refused = Assert.Single(result.Outcomes, o => o.Outcome == ActionOutcomeKind.Skipped);
        Assert.Equal(a.Id.ToString(), refused.Action.PairKey);
        Assert.Contains($"changed since the plan was made: Data Center v{planned} → v{planned + 1}", refused.Message);
        Assert.DoesNotContain("A planned", world.CloudTwin(a).Current.Body); // nothing of A was written
        Assert.Contains("B planned", world.CloudTwin(b).Current.Body);
        Assert.Contains(result.Plan.Warnings, w => w.StartsWith("not in the saved plan, not applied: ", StringComparison.Ordinal) && w.Contains($"page {a.Id}"));

        var next = await world.SyncAsync();
        Show(next);
        Assert.Contains("A edited again after the plan", world.CloudTwin(a).Current.Body);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_change_made_after_planning_is_not_applied_by_the_plan_but_by_the_next_ordinary_run()
    {
        await using var world = await SyncedWorldAsync();
        var taken = new List<long>();
        var planned = RunnerWorld.Edit(world.Dc, RunnerWorld.Leaf(world.Dc, taken), body: "<p>In the plan.</p>");
        var saved = await SavePlanAsync(world);
        var later = RunnerWorld.Edit(world.Cloud, world.CloudTwin(RunnerWorld.Leaf(world.Dc, taken)), body: "<p>After the plan, on Cloud.</p>");
        var laterDc = world.Dc.FindPage(long.Parse(world.PairOfDc(taken[1]).DataCenterPageId))!;

        var result = await ApplyAsync(world, saved);
        Show(result);
        Assert.All(result.Outcomes, o => Assert.Equal(ActionOutcomeKind.Done, o.Outcome));
        Assert.Contains("In the plan", world.CloudTwin(planned).Current.Body);
        Assert.DoesNotContain("After the plan", world.Dc.FindPage(laterDc.Id)!.Current.Body);
        Assert.Contains(result.Plan.Warnings, w => w.Contains("not in the saved plan") && w.Contains($"Data Center page {laterDc.Id}"));

        var next = await world.SyncAsync(); // the plan run left the marks alone: the ordinary run still sees the edit
        Show(next);
        Assert.Contains("After the plan, on Cloud", world.Dc.FindPage(laterDc.Id)!.Current.Body);
        Assert.Equal(later.Current.Number, world.PairOfDc(laterDc.Id).CloudVersion);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_create_depending_on_a_refused_create_is_refused_with_it()
    {
        await using var world = await SyncedWorldAsync();
        var home = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        var parent = world.Dc.CreatePage(home.Id, "Planned parent", "<p>parent</p>", home.HomepageId);
        world.Dc.CreatePage(home.Id, "Planned child", "<p>child</p>", parent.Id);
        var saved = await SavePlanAsync(world);
        var creates = saved.Actions.Where(a => a.Action.Kind == SyncActionKind.Create).Select(a => a.Action).ToList();
        Assert.Equal(2, creates.Count);
        Assert.Equal(creates[0].Id, creates[1].Parent!.CreatedByAction);
        RunnerWorld.Edit(world.Dc, parent, body: "<p>parent edited after the plan</p>");

        var result = await ApplyAsync(world, saved);
        Show(result);
        Assert.All(result.Outcomes.Where(o => o.Action.Kind == SyncActionKind.Create), o => Assert.Equal(ActionOutcomeKind.Skipped, o.Outcome));
        var child = result.Outcomes.Single(o => o.Action.Id == creates[1].Id);
        Assert.Contains($"refused with action #{creates[0].Id}, which it depends on: changed since the plan was made: Data Center v1 → v2", child.Message);
        Assert.DoesNotContain(RunnerWorld.CurrentPages(world.Cloud), p => p.Title.StartsWith("Planned ", StringComparison.Ordinal));

        await world.SyncAsync();
        Assert.Equal(2, RunnerWorld.CurrentPages(world.Cloud).Count(p => p.Title.StartsWith("Planned ", StringComparison.Ordinal)));
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task The_plan_shows_the_same_actions_as_WhatIf_and_its_preview_names_what_would_be_refused_and_writes_nothing()
    {
        await using var world = await SyncedWorldAsync();
        var taken = new List<long>();
        var a = RunnerWorld.Edit(world.Dc, RunnerWorld.Leaf(world.Dc, taken), body: "<p>A.</p>");
        RunnerWorld.Edit(world.Cloud, world.CloudTwin(RunnerWorld.Leaf(world.Dc, taken)), title: "Renamed on Cloud");
        var saved = await SavePlanAsync(world);
        var whatIf = await world.SyncAsync(whatIf: true, fullListing: true);
        Assert.Equal(whatIf.Plan.Actions.Select(Key), saved.Actions.Select(s => Key(s.Action)));

        RunnerWorld.Edit(world.Dc, a, body: "<p>A again.</p>");
        var runsBefore = world.State.ListRuns(RunnerWorld.Key).Count;
        var preview = await ApplyAsync(world, saved, whatIf: true);
        Assert.True(preview.WhatIf);
        Assert.Equal(saved.Actions.Select(s => Key(s.Action)), preview.Plan.Actions.Select(Key));
        var refused = Assert.Single(preview.Outcomes);
        Assert.Equal(a.Id.ToString(), refused.Action.PairKey);
        Assert.DoesNotContain("A.", world.CloudTwin(a).Current.Body);
        Assert.Contains("changed since the plan was made: Data Center", refused.Message);
        Assert.Equal(runsBefore, world.State.ListRuns(RunnerWorld.Key).Count); // no run recorded
    }

    private static string Key(SyncAction a) => $"{a.Kind} {a.Target} {a.SourceId} v{a.SourceVersion} → {a.TargetId} v{a.TargetVersion} \"{a.Title}\"";

    [Fact]
    public async Task A_plan_made_before_another_run_or_under_other_settings_is_refused_as_a_whole()
    {
        await using var world = await SyncedWorldAsync();
        var a = RunnerWorld.Edit(world.Dc, RunnerWorld.Leaf(world.Dc, new List<long>()), body: "<p>A.</p>");
        var saved = await SavePlanAsync(world);

        var original = world.Space;
        world.Space = original with { Direction = SyncDirection.ToDataCenter };
        var settings = await Assert.ThrowsAsync<SyncRunException>(() => ApplyAsync(world, saved));
        Assert.Equal(SavedPlanException.SettingsChanged, settings.Code);
        Assert.Contains("direction: \"Both\" → \"ToDataCenter\"", settings.Message);
        world.Space = original;

        await world.SyncAsync(); // an ordinary run carries A and changes the state
        var state = await Assert.ThrowsAsync<SyncRunException>(() => ApplyAsync(world, saved));
        Assert.Equal(SavedPlanException.StateChanged, state.Code);
        Assert.Contains("changed since the plan was made", state.Message);
        Assert.Contains("A.", world.CloudTwin(a).Current.Body);
    }

    [Fact]
    public async Task A_create_whose_title_was_taken_on_the_target_since_the_plan_is_refused_and_nothing_is_made()
    {
        await using var world = await SyncedWorldAsync();
        var home = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        world.Dc.CreatePage(home.Id, "Quarterly review", "<p>from Data Center</p>", home.HomepageId);
        var saved = await SavePlanAsync(world);
        var cloudHome = world.Cloud.FindSpaceByKey(RunnerWorld.Key)!;
        var namesake = world.Cloud.CreatePage(cloudHome.Id, "Quarterly Review", "<p>written on Cloud meanwhile</p>", cloudHome.HomepageId);

        var result = await ApplyAsync(world, saved);
        Show(result);
        var create = Assert.Single(result.Outcomes);
        Assert.Equal(ActionOutcomeKind.Skipped, create.Outcome);
        Assert.Equal($"changed since the plan was made: the title \"Quarterly review\" is now taken on Cloud by page {namesake.Id}", create.Message);
        Assert.Single(RunnerWorld.CurrentPages(world.Cloud), p => p.Title.Equals("Quarterly review", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_space_s_blog_posts_are_saved_and_applied_as_their_own_collection()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 20);
        world.Space = world.Space with { Content = new ResolvedContent(false, false, false, Blogposts: true) };
        var cloudSpace = world.Cloud.FindSpaceByKey(RunnerWorld.Key)!;
        var dcPosts = world.Dc.GetPages(RunnerWorld.Key).Where(p => p.IsBlogPost && p.Status == "current").ToList();
        Assert.NotEmpty(dcPosts);
        foreach (var original in dcPosts) world.Cloud.CreateBlogPost(cloudSpace.Id, original.Title, original.Current.Body);
        var posts = SpaceCollections.Of(world.Space).Last();
        Assert.Equal(RunnerWorld.Key + ":blogposts", posts.Key);
        var dc = world.DcSite.OfBlogPosts();
        var cloud = world.CloudSite.OfBlogPosts();
        await world.BaselineAsync();
        await BaselineRunner.RunAsync(dc, cloud, world.State, posts, null, false, false, EngineLog.None, CancellationToken.None);
        var post = RunnerWorld.Edit(world.Dc, dcPosts[0], body: "<p>Post edited before the plan.</p>");

        var planned = await SyncRunner.PlanForSavingAsync(dc, cloud, world.State, posts, new SyncRunOptions(), EngineLog.None, CancellationToken.None);
        Assert.Equal(RunnerWorld.Key + ":blogposts", planned.Saved.Key);
        Assert.Equal(ContentKind.BlogPost, planned.Saved.Settings.Collection);
        var update = Assert.Single(planned.Saved.Actions);
        Assert.Equal(post.Id.ToString(), update.Action.SourceId);

        var result = await SyncRunner.RunSavedPlanAsync(dc, cloud, world.State, posts, planned.Saved, new SyncRunOptions(), EngineLog.None, CancellationToken.None);
        Show(result);
        Assert.Equal(ActionOutcomeKind.Done, Assert.Single(result.Outcomes).Outcome);
        var twin = world.Cloud.FindPage(long.Parse(world.State.FindPair(posts.Key, SiteKind.DataCenter, post.Id.ToString())!.CloudPageId))!;
        Assert.True(twin.IsBlogPost);
        Assert.Contains("Post edited before the plan", twin.Current.Body);
    }
}
