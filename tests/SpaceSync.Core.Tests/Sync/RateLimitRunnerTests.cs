using SpaceSync.Core.Logging;
using SpaceSync.Core.Sites;
using SpaceSync.Core.Sync;
using SpaceSync.Core.Tests.Sites;
using SpaceSync.Emulator.Faults;
using SpaceSync.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Whole runs against a Cloud emulator that throttles (docs/confluence-behaviours.md, section 9). The emulator's rate
/// window and the Cloud client share one clock that moves only by the client's waits: the run waits as the site asks,
/// nothing sleeps, and the time waited is exact.
/// </summary>
public sealed class RateLimitRunnerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_sync_Cloud_throttles_carries_every_change_and_says_per_site_how_long_it_waited()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 20);
        await world.BaselineAsync();
        var (clock, cloud) = ThrottledCloud(world);
        using var _ = cloud;
        var taken = new List<long>();
        var edited = Enumerable.Range(0, 4).Select(_ => RunnerWorld.Leaf(world.Dc, taken)).ToList();
        foreach (var page in edited) RunnerWorld.Edit(world.Dc, page, body: $"<p>Edited {page.Id} while Cloud throttles.</p>");
        world.CloudEmulator.Faults.Apply(new FaultSettings { RateLimit = new RateLimitSettings { Limit = 3, WindowSeconds = 10 } });
        var lines = new List<string>();
        using var log = EngineLog.Create(null, (_, text) => { lock (lines) lines.Add(text); });

        var result = await SyncRunner.RunAsync(world.DcSite, cloud, world.State, world.Space, new SyncRunOptions(), log, CancellationToken.None);

        output.WriteLine($"{result.Requests} requests, {cloud.Counters.RateLimitedResponses} answered 429, waited {result.RateLimitWait}");
        Assert.Empty(result.Errors);
        Assert.Equal(4, result.Count("Update"));
        foreach (var page in edited) Assert.Contains($"Edited {page.Id} while Cloud throttles.", world.CloudTwin(page).Current.Body);
        Assert.True(cloud.Counters.RateLimitedResponses > 0, "the emulator never refused a request");
        var waited = TimeSpan.FromTicks(clock.Delays.Sum(d => d.Ticks));
        Assert.True(waited > TimeSpan.Zero);
        Assert.Equal(waited, result.RateLimitWait.Cloud);
        Assert.Equal(TimeSpan.Zero, result.RateLimitWait.DataCenter);
        Assert.Equal(waited, result.RateLimitWait.Total);
        var line = Assert.Single(lines, l => l.Contains("for rate limits", StringComparison.Ordinal));
        Assert.Contains($"waited {Math.Round(waited.TotalSeconds, 1)} s for rate limits (Data Center 0 s, Cloud {Math.Round(waited.TotalSeconds, 1)} s)", line);
    }

    [Fact]
    public async Task A_sync_paces_itself_by_Data_Center_s_token_bucket_and_earns_no_429()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 20);
        await world.BaselineAsync();
        var clock = new RecordingDelayClock(DateTimeOffset.UtcNow);
        world.DcEmulator.Faults.Clock = clock;
        using var dc = EmulatedPair.DataCenterClient(world.DcEmulator.BaseUrl, new SiteClientOptions
        {
            MaxAttempts = 2,
            RetryDelayClock = clock,
            JitterSource = () => 0.5,
        });
        var taken = new List<long>();
        var edited = Enumerable.Range(0, 4).Select(_ => RunnerWorld.Leaf(world.Dc, taken)).ToList();
        foreach (var page in edited) RunnerWorld.Edit(world.Cloud, world.CloudTwin(page), body: $"<p>Edited the twin of {page.Id} on Cloud.</p>");
        world.DcEmulator.Faults.Apply(new FaultSettings { RateLimit = new RateLimitSettings { Limit = 3, WindowSeconds = 10 } });

        var result = await SyncRunner.RunAsync(dc, world.CloudSite, world.State, world.Space, new SyncRunOptions(), EngineLog.None, CancellationToken.None);

        output.WriteLine($"{result.Requests} requests, {dc.Counters.RateLimitedResponses} answered 429, waited {result.RateLimitWait}");
        Assert.Empty(result.Errors);
        Assert.Equal(4, result.Count("Update"));
        foreach (var page in edited) Assert.Contains($"Edited the twin of {page.Id} on Cloud.", world.Dc.FindPage(page.Id)!.Current.Body);
        // Every third answer empties the bucket; the next request waits out the interval rather than being refused.
        Assert.Equal(0, dc.Counters.RateLimitedResponses);
        Assert.All(clock.Delays, d => Assert.Equal(TimeSpan.FromSeconds(10), d));
        Assert.Equal((dc.Counters.RequestsSent - 1) / 3, clock.Delays.Count);
        Assert.Equal(TimeSpan.FromTicks(clock.Delays.Sum(d => d.Ticks)), result.RateLimitWait.DataCenter);
    }

    [Fact]
    public async Task A_quiet_run_waits_for_nothing_and_logs_nothing_about_it()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 10);
        await world.BaselineAsync();
        var lines = new List<string>();
        using var log = EngineLog.Create(null, (_, text) => { lock (lines) lines.Add(text); });

        var result = await SyncRunner.RunAsync(world.DcSite, world.CloudSite, world.State, world.Space, new SyncRunOptions(), log, CancellationToken.None);

        Assert.Equal(RateLimitWaits.None, result.RateLimitWait);
        Assert.Equal("none", result.RateLimitWait.ToString());
        Assert.DoesNotContain(lines, l => l.Contains("for rate limits", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_Cloud_asks_for_an_hour_the_run_fails_the_rest_of_its_writes_unsent_and_names_the_site_and_the_wait()
    {
        await using var world = await RunnerWorld.StartAsync(pageCount: 20);
        await world.BaselineAsync();
        var (_, cloud) = ThrottledCloud(world);
        using var __ = cloud;
        var taken = new List<long>();
        var edited = Enumerable.Range(0, 4).Select(_ => RunnerWorld.Leaf(world.Dc, taken)).ToList();
        foreach (var page in edited) RunnerWorld.Edit(world.Dc, page, body: $"<p>Edited {page.Id} before the quota ran out.</p>");

        // What the run reads of Cloud, so that the quota runs out after its first write.
        world.Cloud.Stats.Reset();
        await SyncRunner.RunAsync(world.DcSite, cloud, world.State, world.Space, new SyncRunOptions { WhatIf = true }, EngineLog.None, CancellationToken.None);
        // A writing run also reads the Cloud bodies it overwrites (one search), to keep their inline-comment anchors.
        var reads = (int)world.Cloud.Stats.Total + 1;
        world.Cloud.Stats.Reset();
        world.CloudEmulator.Faults.Apply(new FaultSettings
        {
            RateLimit = new RateLimitSettings { Limit = reads + 1, WindowSeconds = 86_400, RetryAfterSeconds = 3600 },
        });

        var result = await SyncRunner.RunAsync(world.DcSite, cloud, world.State, world.Space, new SyncRunOptions(), EngineLog.None, CancellationToken.None);

        foreach (var error in result.Errors) output.WriteLine(error);
        Assert.Equal(1, result.Count("Update"));
        Assert.Equal(3, result.Count("Failed"));
        Assert.Equal(3, result.Errors.Count);
        Assert.Single(result.Errors, e => e.Contains("asks to wait 3600 s (Retry-After: 3600)", StringComparison.Ordinal));
        Assert.Equal(2, result.Errors.Count(e => e.Contains("not sent", StringComparison.Ordinal) && e.Contains("to wait 3600 s", StringComparison.Ordinal)));
        Assert.All(result.Errors, e => Assert.Contains("Cloud site at " + world.CloudEmulator.BaseUrl.GetLeftPart(UriPartial.Authority), e));
        // Reads, one write, one refused write: the two after it were never sent.
        Assert.Equal(reads + 2, world.Cloud.Stats.Total);
        Assert.Equal(1, cloud.Counters.RateLimitedResponses);
    }

    /// <summary>A Cloud client whose waits, and the Cloud emulator's rate window, run on one clock of their own.</summary>
    private static (RecordingDelayClock Clock, IConfluenceSite Client) ThrottledCloud(RunnerWorld world)
    {
        var clock = new RecordingDelayClock(DateTimeOffset.UtcNow);
        world.CloudEmulator.Faults.Clock = clock;
        var client = EmulatedPair.CloudClient(world.CloudEmulator.BaseUrl, new SiteClientOptions
        {
            MaxAttempts = 2,
            RetryDelayClock = clock,
            JitterSource = () => 0.5,
        });
        return (clock, client);
    }
}
