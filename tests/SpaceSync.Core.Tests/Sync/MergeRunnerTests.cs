using SpaceSync.Core.Content;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// conflicts: merge over real HTTP against both emulators: both sites edit one page, the runner merges the two bodies against
/// the stored base block by block and writes the merge to both, or — when the edits touch the same block — writes nothing
/// and opens a conflict.
/// </summary>
public sealed class MergeRunnerTests(ITestOutputHelper output)
{
    private const string Base = "<h2>Ports</h2><p>The agent listens on 8080.</p><p>Logs go to /var/log/agent.</p><p>Owned by the platform team.</p>";

    /// <summary>A synced page whose body is <see cref="Base"/> on both sites, under conflicts: merge.</summary>
    private static async Task<(RunnerWorld World, Page Dc, Page Cloud)> SyncedPageAsync()
    {
        var world = await RunnerWorld.StartAsync(pageCount: 12);
        world.Space = world.Space with { Conflicts = ConflictPolicy.Merge };
        await world.BaselineAsync();
        var dc = RunnerWorld.Leaf(world.Dc, new List<long>());
        RunnerWorld.Edit(world.Dc, dc, body: Base);
        await world.SyncAsync();
        return (world, world.Dc.FindPage(dc.Id)!, world.CloudTwin(dc));
    }

    private static string Normalized(string body) => ContentNormalizer.Normalize(body);

    [Fact]
    public async Task Edits_of_different_blocks_are_merged_and_written_to_both_sites()
    {
        var (world, dc, cloud) = await SyncedPageAsync();
        await using var _ = world;
        RunnerWorld.Edit(world.Dc, dc, body: Base.Replace("8080", "9090"));
        RunnerWorld.Edit(world.Cloud, cloud, body: Base.Replace("platform team", "SRE team") + "<p>Added on Cloud.</p>");

        var preview = await world.SyncAsync(whatIf: true);
        var item = Assert.Single(preview.Plan.Items, i => i.DataCenterId == dc.Id.ToString());
        Assert.Equal(DriftStatus.Conflict, item.Status);
        Assert.StartsWith(SyncPlanner.MergeAction, item.Action);
        Assert.Equal(2, preview.Plan.Actions.Count(a => a.MergesBody));

        var run = await world.SyncAsync();
        output.WriteLine(string.Join(Environment.NewLine, run.Outcomes.Select(o => o.Message)));
        Assert.Empty(run.Conflicts);
        Assert.Equal(1, run.Count("Merged"));
        var expected = Normalized("<h2>Ports</h2><p>The agent listens on 9090.</p><p>Logs go to /var/log/agent.</p><p>Owned by the SRE team.</p><p>Added on Cloud.</p>");
        Assert.Equal(expected, Normalized(world.Dc.FindPage(dc.Id)!.Current.Body));
        Assert.Equal(expected, Normalized(world.InDataCenterDialect(world.Cloud.FindPage(cloud.Id)!.Current.Body, SyncSide.Cloud)));
        Assert.Empty(world.State.ListConflicts(RunnerWorld.Key));
        world.AssertSidesEqual();

        // The merge is the new base: nothing is left to do, on a change run or a full one.
        var again = await world.SyncAsync();
        Assert.DoesNotContain(again.Plan.Actions, a => a.WritesSite);
        var full = await world.SyncAsync(fullListing: true);
        Assert.DoesNotContain(full.Plan.Actions, a => a.WritesSite);
    }

    [Fact]
    public async Task Edits_of_the_same_block_are_a_conflict_and_neither_page_is_written()
    {
        var (world, dc, cloud) = await SyncedPageAsync();
        await using var _ = world;
        var dcBody = Base.Replace("8080", "9090");
        var cloudBody = Base.Replace("8080", "7070");
        var dcVersion = RunnerWorld.Edit(world.Dc, dc, body: dcBody).Current.Number;
        var cloudVersion = RunnerWorld.Edit(world.Cloud, cloud, body: cloudBody).Current.Number;

        // The drift already says so: the merge is made for the preview, and its updates leave the plan.
        var preview = await world.SyncAsync(whatIf: true);
        var item = Assert.Single(preview.Plan.Items, i => i.DataCenterId == dc.Id.ToString());
        Assert.Equal("none: conflict (merge: the edits collide)", item.Action);
        Assert.Empty(item.ActionIds);
        Assert.DoesNotContain(preview.Plan.Actions, a => a.MergesBody);

        var run = await world.SyncAsync();
        var conflict = Assert.Single(run.Conflicts);
        Assert.Contains("same part of the body", Assert.Single(conflict.Warnings));
        Assert.Equal(dcVersion, world.Dc.FindPage(dc.Id)!.Current.Number);
        Assert.Equal(cloudVersion, world.Cloud.FindPage(cloud.Id)!.Current.Number);
        Assert.Equal(dcBody, world.Dc.FindPage(dc.Id)!.Current.Body);
        Assert.Equal(cloudBody, world.Cloud.FindPage(cloud.Id)!.Current.Body);
        var open = Assert.Single(world.State.ListConflicts(RunnerWorld.Key));
        Assert.Contains("merge", open.Reason);

        // Settled by hand on one site (Cloud takes the Data Center text): the next run merges cleanly and closes the conflict.
        RunnerWorld.Edit(world.Cloud, world.Cloud.FindPage(cloud.Id)!, body: dcBody);
        var settled = await world.SyncAsync();
        Assert.Empty(settled.Conflicts);
        Assert.Empty(world.State.ListConflicts(RunnerWorld.Key));
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task A_site_that_already_holds_the_merge_is_not_written_again()
    {
        var (world, dc, cloud) = await SyncedPageAsync();
        await using var _ = world;
        // Cloud made the Data Center edit too, and one more: the merge is Cloud's body.
        RunnerWorld.Edit(world.Dc, dc, body: Base.Replace("8080", "9090"));
        var cloudVersion = RunnerWorld.Edit(world.Cloud, cloud, body: Base.Replace("8080", "9090").Replace("platform", "SRE")).Current.Number;

        var run = await world.SyncAsync();
        Assert.Empty(run.Conflicts);
        Assert.Equal(cloudVersion, world.Cloud.FindPage(cloud.Id)!.Current.Number);
        Assert.Contains("SRE", world.Dc.FindPage(dc.Id)!.Current.Body);
        world.AssertSidesEqual();
        var again = await world.SyncAsync();
        Assert.DoesNotContain(again.Plan.Actions, a => a.WritesSite);
    }

    [Fact]
    public async Task Title_and_body_merge_field_by_field()
    {
        var (world, dc, cloud) = await SyncedPageAsync();
        await using var _ = world;
        var renamed = dc.Title + " (renamed on Data Center)";
        RunnerWorld.Edit(world.Dc, dc, title: renamed, body: Base.Replace("8080", "9090"));
        RunnerWorld.Edit(world.Cloud, cloud, body: Base + "<p>Added on Cloud.</p>");

        var run = await world.SyncAsync();
        Assert.Empty(run.Conflicts);
        Assert.Equal(renamed, world.Cloud.FindPage(cloud.Id)!.Title);
        Assert.Contains("9090", world.Cloud.FindPage(cloud.Id)!.Current.Body);
        Assert.Contains("Added on Cloud.", world.Dc.FindPage(dc.Id)!.Current.Body);
        world.AssertSidesEqual();
    }

    [Fact]
    public async Task Blocks_that_only_crossed_between_dialects_are_not_edits()
    {
        // A mention and a link by page id are spelled differently on each site: the merge must see them as the same block.
        var (world, dc, cloud) = await SyncedPageAsync();
        await using var _ = world;
        var alice = world.Dc.FindUserByEmail("alice@example.com")!;
        var linked = RunnerWorld.Leaf(world.Dc, new List<long> { dc.Id });
        var shared = $"<p>Ask <ac:link><ri:user ri:userkey=\"{alice.UserKey}\" /></ac:link> about " +
                     $"<ac:link><ri:content-entity ri:content-id=\"{linked.Id}\" /></ac:link>.</p>";
        RunnerWorld.Edit(world.Dc, world.Dc.FindPage(dc.Id)!, body: shared + Base);
        await world.SyncAsync();
        var cloudNow = world.Cloud.FindPage(cloud.Id)!;
        Assert.Contains("ri:account-id", cloudNow.Current.Body);

        RunnerWorld.Edit(world.Dc, world.Dc.FindPage(dc.Id)!, body: shared + Base.Replace("8080", "9090"));
        RunnerWorld.Edit(world.Cloud, cloudNow, body: cloudNow.Current.Body + "<p>Added on Cloud.</p>");
        var run = await world.SyncAsync();
        foreach (var o in run.Outcomes) output.WriteLine($"{o.Outcome}: {o.Action} → {o.Message}");
        Assert.Empty(run.Conflicts);
        Assert.Equal(1, run.Count("Merged"));
        var dcBody = world.Dc.FindPage(dc.Id)!.Current.Body;
        Assert.Contains($"ri:userkey=\"{alice.UserKey}\"", dcBody);
        Assert.Contains($"ri:content-id=\"{linked.Id}\"", dcBody);
        Assert.Contains("9090", dcBody);
        Assert.Contains("Added on Cloud.", dcBody);
        Assert.DoesNotContain("ri:account-id", dcBody);
        world.AssertSidesEqual();
        var again = await world.SyncAsync();
        Assert.DoesNotContain(again.Plan.Actions, a => a.WritesSite);
    }
}
