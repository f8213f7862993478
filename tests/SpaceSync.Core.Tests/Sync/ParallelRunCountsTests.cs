using System.Collections.Concurrent;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Faults;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Invoke-SpaceSync -ThrottleLimit runs several spaces at once on one client per site: each run's figures must be its
/// own requests and waits, not a difference of the clients' counters that the other runs add to meanwhile.
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
        await using var world = await TwoSpacesAsync();
        var second = world.Space with { Key = Second, CloudKey = Second };
        var opsEdits = EditBoth(world);

        // Shared clients as the cmdlet opens them, each attempt told to the test with the run its flow belongs to.
        var traced = new ConcurrentQueue<(string? Run, string Request)>();
        var options = new SiteClientOptions { MaxAttempts = 2, OnRequest = r => traced.Enqueue((RunOfFlow.Value, r.ToString())) };
        using var dc = EmulatedPair.DataCenterClient(world.DcEmulator.BaseUrl, options);
        using var cloud = EmulatedPair.CloudClient(world.CloudEmulator.BaseUrl, options);
        // Each running space has a connection of its own to the one state file, as the cmdlet opens them.
        using var opsState = StateStore.Open(world.State.Path);
        world.ResetRequestCounts();

        var (eng, ops) = await BothAtOnceAsync(dc, cloud, world.State, world.Space, opsState, second);

        var engMade = traced.Count(t => t.Run == RunnerWorld.Key);
        var opsMade = traced.Count(t => t.Run == Second);
        output.WriteLine($"ENG: {eng.Requests} requests (made {engMade}); OPS: {ops.Requests} requests (made {opsMade}); " +
            $"clients {dc.Counters.RequestsSent + cloud.Counters.RequestsSent}, emulators {world.Dc.Stats.Total + world.Cloud.Stats.Total}");
        Assert.Empty(eng.Errors);
        Assert.Empty(ops.Errors);
        Assert.Equal(3, eng.Count("Update"));
        Assert.Equal(opsEdits, ops.Count("Update"));
        Assert.DoesNotContain(traced, t => t.Run is null); // every request was made by one of the runs
        Assert.Equal(engMade, eng.Requests);
        Assert.Equal(opsMade, ops.Requests);
        Assert.Equal(dc.Counters.RequestsSent + cloud.Counters.RequestsSent, eng.Requests + ops.Requests);
        Assert.Equal(world.Dc.Stats.Total + world.Cloud.Stats.Total, eng.Requests + ops.Requests);
        // The history records each run's own figure too.
        Assert.Equal((int)eng.Requests, world.State.ListRuns(RunnerWorld.Key, newest: 1).Single().Requests);
        Assert.Equal((int)ops.Requests, world.State.ListRuns(Second, newest: 1).Single().Requests);
    }

    [Fact]
    public async Task Two_runs_at_once_that_Cloud_throttles_each_report_their_own_waits()
    {
        await using var world = await TwoSpacesAsync();
        var second = world.Space with { Key = Second, CloudKey = Second };
        EditBoth(world);
        // Enough attempts that a burst after a shared wait is not refused to the end: the figures are the subject here.
        var options = new SiteClientOptions { MaxAttempts = 8 };
        using var dc = EmulatedPair.DataCenterClient(world.DcEmulator.BaseUrl, options);
        using var cloud = EmulatedPair.CloudClient(world.CloudEmulator.BaseUrl, options);
        using var opsState = StateStore.Open(world.State.Path);
        world.CloudEmulator.Faults.Apply(new FaultSettings { RateLimit = new RateLimitSettings { Limit = 6, WindowSeconds = 1 } });

        var (eng, ops) = await BothAtOnceAsync(dc, cloud, world.State, world.Space, opsState, second);

        output.WriteLine($"ENG waited {eng.RateLimitWait}, OPS waited {ops.RateLimitWait}; Cloud's client {cloud.Counters.RateLimitWait}, " +
            $"{cloud.Counters.RateLimitedResponses} answered 429");
        Assert.Empty(eng.Errors);
        Assert.Empty(ops.Errors);
        Assert.True(cloud.Counters.RateLimitWait > TimeSpan.Zero, "Cloud never held the runs back");
        Assert.Equal(cloud.Counters.RateLimitWait, eng.RateLimitWait.Cloud + ops.RateLimitWait.Cloud);
        Assert.Equal(TimeSpan.Zero, eng.RateLimitWait.DataCenter + ops.RateLimitWait.DataCenter);
        Assert.Equal(dc.Counters.RequestsSent + cloud.Counters.RequestsSent, eng.Requests + ops.Requests);
    }

    [Fact]
    public async Task A_run_begun_inside_another_counts_into_both_and_a_flow_outside_any_run_into_the_client_only()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 3);
        var site = world.CloudSite;
        var before = site.Counters.RequestsSent;

        async Task<RunCounters> InnerAsync()
        {
            var inner = RunCounters.Begin();
            await site.FindSpaceAsync(RunnerWorld.Key, None);
            await site.FindSpaceAsync(RunnerWorld.Key, None);
            return inner;
        }

        async Task<(RunCounters Outer, RunCounters Inner)> OuterAsync()
        {
            var outer = RunCounters.Begin();
            await site.FindSpaceAsync(RunnerWorld.Key, None);
            var inner = await InnerAsync();
            await site.FindSpaceAsync(RunnerWorld.Key, None); // after the inner run returned: the outer's only
            return (outer, inner);
        }

        var (outer, inner) = await OuterAsync();
        await site.FindSpaceAsync(RunnerWorld.Key, None); // this flow never began a run: its scope ended with OuterAsync

        Assert.Equal(2, inner.Of(site).RequestsSent);
        Assert.Equal(4, outer.Of(site).RequestsSent);
        Assert.Equal(0, outer.Of(world.DcSite).RequestsSent);
        Assert.Equal(5, site.Counters.RequestsSent - before);
    }

    /// <summary>The world's ENG, and OPS beside it on the same two sites, copied as CCMA would; both baselined.</summary>
    private static async Task<RunnerWorld> TwoSpacesAsync()
    {
        var world = await RunnerWorld.StartAsync(pageCount: 20);
        Seeder.Seed(world.Dc, Second, 24, seed: 2);
        foreach (var page in world.Dc.GetPages(Second)) world.Dc.ClearRestrictions(page.Id);
        await EmulatedPair.CopyLikeCcmaAsync(world.Dc, world.Cloud, world.DcSite, world.CloudSite, Second);
        await world.BaselineAsync();
        world.SearchCaughtUp();
        await BaselineRunner.RunAsync(world.DcSite, world.CloudSite, world.State, world.Space with { Key = Second, CloudKey = Second },
            null, false, false, EngineLog.None, None);
        return world;
    }

    /// <summary>Work for both runs: three edits on Data Center in ENG, four on Cloud in OPS. Returns OPS's count.</summary>
    private static int EditBoth(RunnerWorld world)
    {
        var taken = new List<long>();
        for (var i = 0; i < 3; i++) RunnerWorld.Edit(world.Dc, RunnerWorld.Leaf(world.Dc, taken), body: $"<p>ENG edit {i}</p>");
        var opsPages = world.Cloud.GetPages(Second).Where(p => !p.IsBlogPost && p.Status == "current" && p.ParentId != null).Take(4).ToList();
        foreach (var page in opsPages) RunnerWorld.Edit(world.Cloud, page, body: $"<p>OPS edit {page.Id}</p>");
        world.SearchCaughtUp();
        return opsPages.Count;
    }

    /// <summary>Both spaces' syncs on the same two clients, held at a gate until both have started, so that they overlap.</summary>
    private static async Task<(SyncRunResult First, SyncRunResult Second)> BothAtOnceAsync(IConfluenceSite dc, IConfluenceSite cloud,
        StateStore firstState, ResolvedSpace first, StateStore secondState, ResolvedSpace second)
    {
        using var bothStarted = new Barrier(2);
        Task<SyncRunResult> Run(StateStore state, ResolvedSpace space) => Task.Run(async () =>
        {
            RunOfFlow.Value = space.Key;
            bothStarted.SignalAndWait(TimeSpan.FromSeconds(30));
            return await SyncRunner.RunAsync(dc, cloud, state, space, new SyncRunOptions(), EngineLog.None, None);
        });
        var runs = await Task.WhenAll(Run(firstState, first), Run(secondState, second));
        return (runs[0], runs[1]);
    }
}
