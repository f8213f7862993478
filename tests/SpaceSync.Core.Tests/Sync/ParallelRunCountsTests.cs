using System.Collections.Concurrent;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Invoke-SpaceSync -ThrottleLimit runs several spaces at once on one client per site: each run's figures must be its
/// own requests, not a difference of the clients' counters that the other runs add to meanwhile.
/// </summary>
public sealed class ParallelRunCountsTests(ITestOutputHelper output)
{
    private const string Second = "OPS";
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Which run the current async flow belongs to, as the test sees it: the truth each run's figure is held to.</summary>
    private static readonly AsyncLocal<string?> RunOfFlow = new();

    [Fact]
    public async Task Two_runs_at_once_on_shared_clients_each_count_their_own_requests_and_together_the_clients()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 20);
        // A second space on the same two sites, copied as CCMA would, with its own baseline.
        Seeder.Seed(world.Dc, Second, 24, seed: 2);
        foreach (var page in world.Dc.GetPages(Second)) world.Dc.ClearRestrictions(page.Id);
        await EmulatedPair.CopyLikeCcmaAsync(world.Dc, world.Cloud, world.DcSite, world.CloudSite, Second);
        var second = world.Space with { Key = Second, CloudKey = Second };
        await world.BaselineAsync();
        world.SearchCaughtUp();
        await BaselineRunner.RunAsync(world.DcSite, world.CloudSite, world.State, second, null, false, false, EngineLog.None, None);

        // Both runs have work: edits on Data Center in one space, on Cloud in the other.
        var taken = new List<long>();
        for (var i = 0; i < 3; i++) RunnerWorld.Edit(world.Dc, RunnerWorld.Leaf(world.Dc, taken), body: $"<p>ENG edit {i}</p>");
        var opsPages = world.Cloud.GetPages(Second).Where(p => !p.IsBlogPost && p.Status == "current" && p.ParentId != null).Take(4).ToList();
        foreach (var page in opsPages) RunnerWorld.Edit(world.Cloud, page, body: $"<p>OPS edit {page.Id}</p>");
        world.SearchCaughtUp();

        // Shared clients as the cmdlet opens them, each attempt told to the test with the run its flow belongs to.
        var traced = new ConcurrentQueue<(string? Run, string Request)>();
        var options = new SiteClientOptions { MaxAttempts = 2, OnRequest = r => traced.Enqueue((RunOfFlow.Value, r.ToString())) };
        using var dc = EmulatedPair.DataCenterClient(world.DcEmulator.BaseUrl, options);
        using var cloud = EmulatedPair.CloudClient(world.CloudEmulator.BaseUrl, options);
        // Each running space has a connection of its own to the one state file, as the cmdlet opens them.
        using var opsState = StateStore.Open(world.State.Path);
        world.ResetRequestCounts();

        // Both runs held at one gate until both have started, so that they overlap.
        var bothStarted = new Barrier(2);
        Task<SyncRunResult> Run(string name, StateStore state, ResolvedSpace space) => Task.Run(async () =>
        {
            RunOfFlow.Value = name;
            bothStarted.SignalAndWait(TimeSpan.FromSeconds(30));
            return await SyncRunner.RunAsync(dc, cloud, state, space, new SyncRunOptions(), EngineLog.None, None);
        });
        var runs = await Task.WhenAll(Run("ENG", world.State, world.Space), Run(Second, opsState, second));

        var eng = runs[0];
        var ops = runs[1];
        var engMade = traced.Count(t => t.Run == "ENG");
        var opsMade = traced.Count(t => t.Run == Second);
        output.WriteLine($"ENG: {eng.Requests} requests (made {engMade}); OPS: {ops.Requests} requests (made {opsMade}); " +
            $"clients {dc.Counters.RequestsSent + cloud.Counters.RequestsSent}, emulators {world.Dc.Stats.Total + world.Cloud.Stats.Total}");
        Assert.Empty(eng.Errors);
        Assert.Empty(ops.Errors);
        Assert.Equal(3, eng.Count("Update"));
        Assert.Equal(opsPages.Count, ops.Count("Update"));
        Assert.DoesNotContain(traced, t => t.Run is null); // every request was made by one of the runs
        Assert.Equal(engMade, eng.Requests);
        Assert.Equal(opsMade, ops.Requests);
        Assert.Equal(dc.Counters.RequestsSent + cloud.Counters.RequestsSent, eng.Requests + ops.Requests);
        Assert.Equal(world.Dc.Stats.Total + world.Cloud.Stats.Total, eng.Requests + ops.Requests);
        // The history records each run's own figure too.
        Assert.Equal((int)eng.Requests, world.State.ListRuns(RunnerWorld.Key, newest: 1).Single().Requests);
        Assert.Equal((int)ops.Requests, world.State.ListRuns(Second, newest: 1).Single().Requests);
    }
}
