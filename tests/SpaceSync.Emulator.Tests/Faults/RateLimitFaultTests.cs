using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SpaceSync.Emulator.Faults;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Faults;

/// <summary>
/// The rate-limit knobs (docs/confluence-behaviours.md, section 9): what a refused request carries (Retry-After, only
/// X-RateLimit-Reset, or nothing), a long Retry-After, the 503's Retry-After, and X-RateLimit-NearLimit as the window
/// nears its end. The window runs on a manual clock, so nothing here waits. Every answer is checked against the
/// OpenAPI documents by the conformance client.
/// </summary>
public sealed class RateLimitFaultTests
{
    // 37 s into a minute: a reset to the minute then names a minute whose start is already past.
    private static readonly DateTimeOffset Start = new(2025, 6, 2, 12, 0, 37, TimeSpan.Zero);

    [Fact]
    public async Task Cloud_by_default_a_429_asks_Retry_After_and_names_the_reset_to_the_minute()
    {
        var (emulator, clock) = await StartAsync(EmulatorFlavor.Cloud);
        await using var _ = emulator;
        using var client = new ConformanceClient(EmulatorFlavor.Cloud, emulator.BaseUrl);
        emulator.Faults.Apply(new FaultSettings { RateLimit = new RateLimitSettings { Limit = 2, WindowSeconds = 60 } });

        (await client.GetAsync("/api/v2/spaces")).Expect(200);
        clock.Advance(TimeSpan.FromSeconds(10));
        (await client.GetAsync("/api/v2/spaces")).Expect(200);
        var limited = (await client.GetAsync("/api/v2/spaces")).Expect(429);

        Assert.Equal(TimeSpan.FromSeconds(50), limited.Headers.RetryAfter?.Delta);
        Assert.Equal("2025-06-02T12:01Z", Header(limited, "X-RateLimit-Reset"));   // the window ends 12:01:37
        Assert.Equal("2", Header(limited, "X-RateLimit-Limit"));
        Assert.Equal("0", Header(limited, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Cloud_reset_only_a_429_says_when_the_limit_resets_and_nothing_else()
    {
        var (emulator, _) = await StartAsync(EmulatorFlavor.Cloud);
        await using var __ = emulator;
        using var client = new ConformanceClient(EmulatorFlavor.Cloud, emulator.BaseUrl);
        emulator.Faults.Apply(new FaultSettings
        {
            RateLimit = new RateLimitSettings { Limit = 1, WindowSeconds = 120, Signal = RateLimitSettings.SignalResetOnly },
        });

        (await client.GetAsync("/api/v2/spaces")).Expect(200);
        var limited = (await client.GetAsync("/api/v2/spaces")).Expect(429);

        Assert.Null(limited.Headers.RetryAfter);
        Assert.False(limited.Headers.Contains("Retry-After"));
        Assert.Equal("2025-06-02T12:02Z", Header(limited, "X-RateLimit-Reset"));
        Assert.Equal(429, Assert.Single(limited.Json["errors"]!.AsArray())!["status"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud, "/api/v2/spaces")]
    [InlineData(EmulatorFlavor.DataCenter, "/rest/api/space")]
    public async Task A_bare_429_carries_no_Retry_After_and_no_answer_carries_rate_headers(EmulatorFlavor flavor, string path)
    {
        var (emulator, _) = await StartAsync(flavor);
        await using var __ = emulator;
        using var client = new ConformanceClient(flavor, emulator.BaseUrl);
        emulator.Faults.Apply(new FaultSettings
        {
            RateLimit = new RateLimitSettings { Limit = 1, WindowSeconds = 60, Signal = RateLimitSettings.SignalNone },
        });

        var passed = (await client.GetAsync(path)).Expect(200);
        var limited = (await client.GetAsync(path)).Expect(429);

        foreach (var answer in new[] { passed, limited })
        {
            Assert.DoesNotContain(answer.Headers, h => h.Key.StartsWith("X-RateLimit", StringComparison.OrdinalIgnoreCase));
            Assert.False(answer.Headers.Contains("Retry-After"));
        }
    }

    [Fact]
    public async Task Data_center_reset_only_a_429_keeps_its_token_bucket_headers_without_Retry_After()
    {
        var (emulator, _) = await StartAsync(EmulatorFlavor.DataCenter);
        await using var __ = emulator;
        using var client = new ConformanceClient(EmulatorFlavor.DataCenter, emulator.BaseUrl);
        emulator.Faults.Apply(new FaultSettings
        {
            RateLimit = new RateLimitSettings { Limit = 1, WindowSeconds = 30, Signal = RateLimitSettings.SignalResetOnly },
        });

        (await client.GetAsync("/rest/api/space")).Expect(200);
        var limited = (await client.GetAsync("/rest/api/space")).Expect(429);

        Assert.False(limited.Headers.Contains("Retry-After"));
        Assert.False(limited.Headers.Contains("X-RateLimit-Reset"));   // Data Center has no reset header
        Assert.Equal("30", Header(limited, "X-RateLimit-Interval-Seconds"));
    }

    [Fact]
    public async Task A_long_Retry_After_refuses_every_request_until_its_penalty_ends()
    {
        var (emulator, clock) = await StartAsync(EmulatorFlavor.Cloud);
        await using var _ = emulator;
        using var client = new ConformanceClient(EmulatorFlavor.Cloud, emulator.BaseUrl);
        emulator.Faults.Apply(new FaultSettings { RateLimit = new RateLimitSettings { Limit = 1, WindowSeconds = 1, RetryAfterSeconds = 3600 } });

        (await client.GetAsync("/api/v2/spaces")).Expect(200);
        var first = (await client.GetAsync("/api/v2/spaces")).Expect(429);
        Assert.Equal(TimeSpan.FromHours(1), first.Headers.RetryAfter?.Delta);
        Assert.Equal("2025-06-02T13:00Z", Header(first, "X-RateLimit-Reset"));

        // The window has long turned over, but the penalty holds: each refusal asks for the rest of it.
        clock.Advance(TimeSpan.FromMinutes(10));
        var later = (await client.GetAsync("/rest/api/user/current")).Expect(429);
        Assert.Equal(TimeSpan.FromMinutes(50), later.Headers.RetryAfter?.Delta);
        Assert.Equal("0", Header(later, "X-RateLimit-Remaining"));

        clock.Advance(TimeSpan.FromMinutes(50));
        (await client.GetAsync("/api/v2/spaces")).Expect(200);
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud, "/api/v2/spaces")]
    [InlineData(EmulatorFlavor.DataCenter, "/rest/api/space")]
    public async Task A_503_asks_the_Retry_After_it_is_given_or_none(EmulatorFlavor flavor, string path)
    {
        var (emulator, _) = await StartAsync(flavor);
        await using var __ = emulator;
        using var client = new ConformanceClient(flavor, emulator.BaseUrl);

        emulator.Faults.Apply(new FaultSettings { FailPercent = 100, FailRetryAfterSeconds = 120 });
        Assert.Equal(TimeSpan.FromSeconds(120), (await client.GetAsync(path)).Expect(503).Headers.RetryAfter?.Delta);

        emulator.Faults.Apply(new FaultSettings { FailPercent = 100, FailRetryAfterSeconds = 0 });
        Assert.False((await client.GetAsync(path)).Expect(503).Headers.Contains("Retry-After"));

        Assert.Equal(1, new FaultSettings().FailRetryAfterSeconds);   // the default: Retry-After: 1, as before
    }

    [Fact]
    public async Task Cloud_answers_say_NearLimit_once_fewer_than_the_percentage_of_the_window_remains()
    {
        var (emulator, _) = await StartAsync(EmulatorFlavor.Cloud);
        await using var __ = emulator;
        using var client = new ConformanceClient(EmulatorFlavor.Cloud, emulator.BaseUrl);
        emulator.Faults.Apply(new FaultSettings { RateLimit = new RateLimitSettings { Limit = 10, WindowSeconds = 60 } });

        var near = new List<bool>();
        for (var i = 0; i < 10; i++)
        {
            var answer = (await client.GetAsync("/api/v2/spaces")).Expect(200);
            near.Add(answer.Headers.TryGetValues("X-RateLimit-NearLimit", out var values) && values.Single() == "true");
        }

        // Remaining 9..0: under 20% of 10 from the ninth answer on (remaining 1 and 0).
        Assert.Equal(new[] { false, false, false, false, false, false, false, false, true, true }, near);

        emulator.Faults.Apply(new FaultSettings { RateLimit = new RateLimitSettings { Limit = 2, WindowSeconds = 60, NearLimitPercent = 0 } });
        for (var i = 0; i < 2; i++)
            Assert.False((await client.GetAsync("/api/v2/spaces")).Expect(200).Headers.Contains("X-RateLimit-NearLimit"));
    }

    [Fact]
    public async Task The_control_endpoint_takes_and_shows_every_rate_limit_knob_and_refuses_an_unknown_signal()
    {
        var (emulator, _) = await StartAsync(EmulatorFlavor.Cloud);
        await using var __ = emulator;
        using var control = new HttpClient { BaseAddress = new Uri(emulator.BaseUrl.GetLeftPart(UriPartial.Authority)) };

        var put = await control.PutAsJsonAsync("/__emulator/faults", new
        {
            rateLimit = new { limit = 5, windowSeconds = 2, signal = "resetOnly", retryAfterSeconds = 900, nearLimitPercent = 40 },
            failPercent = 0,
            failRetryAfterSeconds = 30,
        });
        put.EnsureSuccessStatusCode();
        var shown = await control.GetFromJsonAsync<JsonObject>("/__emulator/faults");
        Assert.Equal("resetOnly", shown!["rateLimit"]!["signal"]!.GetValue<string>());
        Assert.Equal(900, shown["rateLimit"]!["retryAfterSeconds"]!.GetValue<int>());
        Assert.Equal(40, shown["rateLimit"]!["nearLimitPercent"]!.GetValue<double>());
        Assert.Equal(30, shown["failRetryAfterSeconds"]!.GetValue<int>());

        var bad = await control.PutAsJsonAsync("/__emulator/faults", new { rateLimit = new { limit = 5, windowSeconds = 1, signal = "sometimes" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("rateLimit.signal", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("resetOnly", emulator.Faults.Settings.RateLimit!.Signal);   // the refused knobs changed nothing
    }

    [Fact]
    public async Task The_flags_set_the_same_knobs()
    {
        var options = EmulatorOptions.Parse(new[]
        {
            "--flavor", "cloud", "--rate-limit", "3/2", "--rate-limit-signal", "reset-only", "--rate-limit-retry-after", "3600",
            "--near-limit-percent", "50", "--fail-retry-after", "0",
        });
        await using var emulator = await EmulatorHost.StartAsync(options);

        var settings = emulator.Faults.Settings;
        Assert.Equal(3, settings.RateLimit!.Limit);
        Assert.Equal(2, settings.RateLimit.WindowSeconds);
        Assert.Equal(RateLimitSettings.SignalResetOnly, settings.RateLimit.Signal);
        Assert.Equal(3600, settings.RateLimit.RetryAfterSeconds);
        Assert.Equal(50, settings.RateLimit.NearLimitPercent);
        Assert.Equal(0, settings.FailRetryAfterSeconds);

        var e = Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--flavor", "cloud", "--rate-limit-signal", "loud" }));
        Assert.Contains("--rate-limit-signal", e.Message, StringComparison.Ordinal);
    }

    private static async Task<(RunningEmulator Emulator, ManualClock Clock)> StartAsync(EmulatorFlavor flavor)
    {
        var emulator = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            Flavor = flavor,
            ContextPath = flavor == EmulatorFlavor.DataCenter ? "/confluence" : "",
            SeedSpace = "ENG",
            SeedPages = 3,
        });
        var clock = new ManualClock(Start);
        emulator.Faults.Clock = clock;
        return (emulator, clock);
    }

    private static string Header(ConformanceResponse response, string name) => response.Headers.GetValues(name).Single();
}

/// <summary>A clock that moves only when a test says so.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly object _gate = new();
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate) _now += by;
    }
}
