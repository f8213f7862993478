using SpaceSync.Core.Content;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Cloud stores every body it is given converted to its editor's format, and refuses one its editor cannot hold
/// (docs/confluence-behaviours.md, section 2), against both emulators over real HTTP: a rewritten read-back is no change
/// on either side, later edits of a rewritten page merge without a false conflict, and a refused page fails alone.
/// </summary>
public sealed class CloudRewriteRunnerTests(ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    // As a tool would write it to Data Center: a macro without its schema version, a table without Cloud's attributes,
    // an empty paragraph, a line break, a task list without task uuids.
    private const string Runbook =
        "<h2>Runbook</h2><p>Restart the agent with care.</p><p></p>" +
        "<table><tbody><tr><th><p>Host</p></th><th><p>Port</p></th></tr><tr><td><p>alpha</p></td><td><p>8080</p></td></tr></tbody></table>" +
        "<ac:structured-macro ac:name=\"info\"><ac:rich-text-body><p>Call the on-call engineer first.</p></ac:rich-text-body></ac:structured-macro>" +
        "<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>Check the logs</ac:task-body></ac:task></ac:task-list>" +
        "<ul><li><p>Step one</p></li><li><p>Step two<br/>continued</p></li></ul>";

    private const string Nested =
        "<p>Matrix below.</p><table><tbody><tr><td><p>outer</p></td><td>" +
        "<table><tbody><tr><td><p>inner cell</p></td></tr></tbody></table></td></tr></tbody></table>";

    private const string Refusal = "Content body cannot be converted to new editor format";

    [Fact]
    public async Task A_body_cloud_rewrote_reads_back_as_no_change_and_later_runs_write_nothing_on_either_side()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 16);
        await world.BaselineAsync();
        var taken = new List<long>();
        var edited = RunnerWorld.Edit(world.Dc, RunnerWorld.Leaf(world.Dc, taken), body: Runbook);
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        var created = world.Dc.CreatePage(dcSpace.Id, "Runbook copy", Runbook, dcSpace.HomepageId);

        var first = await world.SyncAsync();
        Assert.Equal(1, first.Count("Update"));
        Assert.Equal(1, first.Count("Create"));
        var onCloud = world.CloudTwin(edited).Current.Body;
        // Cloud did rewrite what it was given:
        foreach (var added in new[] { "<h2 local-id=\"", "data-layout=\"default\"", "ac:schema-version=\"1\"", "ac:macro-id=\"", "<ac:task-uuid>", "<br />", " />" })
            Assert.Contains(added, onCloud, StringComparison.Ordinal);
        Assert.Contains("local-id=\"", world.CloudTwin(created).Current.Body, StringComparison.Ordinal);

        await AssertNothingWrittenAsync(world, full: false);
        await AssertNothingWrittenAsync(world, full: true);

        // A Cloud user edits the page in Cloud's own form; it crosses once, and then nothing moves either way.
        var cloudPage = world.CloudTwin(edited);
        await world.CloudSite.UpdatePageAsync(cloudPage.Id.ToString(), cloudPage.Current.Number, cloudPage.Title,
            cloudPage.Current.Body.Replace("Restart the agent with care.", "Restart the agent with great care.", StringComparison.Ordinal), None);
        var back = await world.SyncAsync();
        var update = Assert.Single(back.Outcomes, o => o.Outcome == ActionOutcomeKind.Done);
        Assert.Equal(SyncSide.DataCenter, update.Action.Target);
        Assert.Contains("with great care", world.Dc.FindPage(edited.Id)!.Current.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("local-id", world.Dc.FindPage(edited.Id)!.Current.Body, StringComparison.Ordinal);
        await AssertNothingWrittenAsync(world, full: false);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task Later_edits_on_each_side_of_a_page_cloud_rewrote_merge_without_a_false_conflict()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 12);
        world.Space = world.Space with { Conflicts = ConflictPolicy.Merge };
        await world.BaselineAsync();
        var dc = RunnerWorld.Edit(world.Dc, RunnerWorld.Leaf(world.Dc, new List<long>()), body: Runbook);
        await world.SyncAsync();
        var cloud = world.CloudTwin(dc);
        Assert.Contains("ac:macro-id=\"", cloud.Current.Body, StringComparison.Ordinal);

        // Data Center edits inside the blocks Cloud rewrote (the table, the macro); Cloud edits the heading and the task.
        RunnerWorld.Edit(world.Dc, world.Dc.FindPage(dc.Id)!, body: Runbook
            .Replace("<p>8080</p>", "<p>9090</p>", StringComparison.Ordinal)
            .Replace("on-call engineer first.", "on-call engineer first, then the owner.", StringComparison.Ordinal));
        await world.CloudSite.UpdatePageAsync(cloud.Id.ToString(), cloud.Current.Number, cloud.Title, cloud.Current.Body
            .Replace(">Runbook</h2>", ">Runbook (reviewed)</h2>", StringComparison.Ordinal)
            .Replace("Check the logs", "Check the logs and the metrics", StringComparison.Ordinal), None);

        var run = await world.SyncAsync();
        foreach (var o in run.Outcomes) output.WriteLine($"{o.Outcome}: {o.Action} → {o.Message}");
        Assert.Empty(run.Conflicts);
        Assert.Empty(world.State.ListConflicts(RunnerWorld.Key));
        Assert.Equal(1, run.Count("Merged"));
        var dcBody = world.Dc.FindPage(dc.Id)!.Current.Body;
        foreach (var edit in new[] { "9090", "then the owner.", "Runbook (reviewed)", "and the metrics" })
            Assert.Contains(edit, dcBody, StringComparison.Ordinal);
        Assert.DoesNotContain("local-id", dcBody, StringComparison.Ordinal);
        world.AssertSidesEqual();

        // The merge is the new base: what Cloud stored of it is no change.
        await AssertNothingWrittenAsync(world, full: false);
        await AssertNothingWrittenAsync(world, full: true);
    }

    [Fact]
    public async Task A_page_cloud_refuses_fails_alone_naming_the_construct_and_stays_pending_until_it_is_changed()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 16);
        await world.BaselineAsync();
        var taken = new List<long>();
        var refused = RunnerWorld.Edit(world.Dc, RunnerWorld.Leaf(world.Dc, taken), body: Nested);
        var fine = RunnerWorld.Edit(world.Dc, RunnerWorld.Leaf(world.Dc, taken), body: "<p>Crosses fine.</p>");
        var dcSpace = world.Dc.FindSpaceByKey(RunnerWorld.Key)!;
        var newPage = world.Dc.CreatePage(dcSpace.Id, "Matrix of matrices", Nested, dcSpace.HomepageId);
        var cloudVersion = world.CloudTwin(refused).Current.Number;
        var cloudPagesBefore = RunnerWorld.CurrentPages(world.Cloud).Count;
        var warnings = new List<string>();
        using var log = EngineLog.Create(null, (level, text) => { if (level == EngineLogLevel.Warning) lock (warnings) warnings.Add(text); });

        var run = await SyncRunner.RunAsync(world.DcSite, world.CloudSite, world.State, world.Space, new SyncRunOptions(), log, None);

        foreach (var o in run.Outcomes) output.WriteLine($"{o.Outcome}: {o.Action} → {o.Message}");
        Assert.Equal(RunOutcome.Failed, world.State.GetRun(run.RunId!.Value)!.Outcome);
        Assert.Equal(1, run.Count("Update")); // the rest of the run carried on
        StoredBodyIs(world, fine, "<p>Crosses fine.</p>");
        var failures = run.Outcomes.Where(o => o.Outcome == ActionOutcomeKind.Failed).ToList();
        Assert.Equal(2, failures.Count);
        Assert.Equal(2, run.Errors.Count);
        foreach (var (failure, title, id) in new[]
                 {
                     (failures.Single(f => f.Action.Kind == SyncActionKind.Update), refused.Title, refused.Id),
                     (failures.Single(f => f.Action.Kind == SyncActionKind.Create), newPage.Title, newPage.Id),
                 })
        {
            Assert.Contains($"\"{title}\" on Cloud", failure.Message, StringComparison.Ordinal);
            Assert.Contains(Refusal, failure.Message, StringComparison.Ordinal);
            Assert.Contains("a <table> inside a cell of another table (table 2 of the body, inside table 1, beginning \"inner cell\")", failure.Message, StringComparison.Ordinal);
            Assert.Contains($"Data Center page {id} is left as it is and is tried again by the next run", failure.Message, StringComparison.Ordinal);
            Assert.Contains(warnings, w => w.Contains(title, StringComparison.Ordinal) && w.Contains(Refusal, StringComparison.Ordinal) &&
                                           w.Contains("a <table> inside a cell of another table", StringComparison.Ordinal));
        }

        // Nothing was written for them, nothing is lost: the Cloud page is as it was, no page was made, no intent is left.
        Assert.Equal(cloudVersion, world.CloudTwin(refused).Current.Number);
        Assert.Equal(cloudPagesBefore, RunnerWorld.CurrentPages(world.Cloud).Count);
        Assert.Empty(world.State.ListCreateIntents(RunnerWorld.Key));

        // Still pending: the next run tries both again (and they fail again), and writes nothing else.
        var again = await world.SyncAsync();
        Assert.Equal(2, again.Outcomes.Count(o => o.Outcome == ActionOutcomeKind.Failed));
        Assert.DoesNotContain(again.Outcomes, o => o.Outcome == ActionOutcomeKind.Done && o.Action.WritesSite);

        // Once the nested table is gone on Data Center, both cross, and then nothing is left to do.
        const string flat = "<p>Matrix below.</p><table><tbody><tr><td><p>outer</p></td><td><p>inner cell</p></td></tr></tbody></table>";
        RunnerWorld.Edit(world.Dc, world.Dc.FindPage(refused.Id)!, body: flat);
        RunnerWorld.Edit(world.Dc, world.Dc.FindPage(newPage.Id)!, body: flat);
        var fixedRun = await world.SyncAsync();
        Assert.Empty(fixedRun.Errors);
        Assert.Equal(1, fixedRun.Count("Update"));
        Assert.Equal(1, fixedRun.Count("Create"));
        await AssertNothingWrittenAsync(world, full: false);
        world.AssertSidesEqual();
    }

    /// <summary>A run plans no write, and neither site receives one (the emulators count every request).</summary>
    private static async Task AssertNothingWrittenAsync(RunnerWorld world, bool full)
    {
        world.Dc.Stats.Reset();
        world.Cloud.Stats.Reset();
        var run = await world.SyncAsync(fullListing: full);
        Assert.DoesNotContain(run.Plan.Actions, a => a.WritesSite);
        Assert.Empty(run.Errors);
        Assert.Empty(run.Conflicts);
        foreach (var stats in new[] { world.Dc.Stats, world.Cloud.Stats })
            Assert.DoesNotContain(stats.ByRoute.Keys, route => !route.StartsWith("GET ", StringComparison.Ordinal));
    }

    private static void StoredBodyIs(RunnerWorld world, Page dcPage, string written) =>
        Content.StoredBody.AssertSameContent(written, world.CloudTwin(dcPage).Current.Body);
}
