using System.Text.Json.Nodes;
using SpaceSync.Emulator.Faults;
using Xunit;

namespace SpaceSync.Emulator.Tests.Conformance;

/// <summary>
/// Rate limiting and overload answers, which any operation can give: the status, the headers a client needs to wait
/// correctly (reference README "Rate limits and transient faults"), and the error body in the API's own shape.
/// </summary>
public sealed class PlatformAnswerTests
{
    [Fact]
    public async Task Cloud_rate_limit_answers_429_with_retry_after_and_ratelimit_headers_in_the_v2_error_shape()
    {
        await using var emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Flavor = EmulatorFlavor.Cloud });
        using var client = new ConformanceClient(EmulatorFlavor.Cloud, emulator.BaseUrl);
        emulator.Faults.Apply(new FaultSettings { RateLimit = new RateLimitSettings { Limit = 2, WindowSeconds = 60 } });

        (await client.GetAsync("/api/v2/spaces")).Expect(200);
        (await client.GetAsync("/api/v2/spaces")).Expect(200);
        var limited = (await client.GetAsync("/api/v2/spaces")).Expect(429);
        AssertRetryAfter(limited);
        foreach (var header in new[] { "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset" })
        {
            Assert.True(limited.Headers.Contains(header), $"429 lacks {header}");
        }

        Assert.Equal("0", limited.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.True(DateTimeOffset.TryParse(limited.Headers.GetValues("X-RateLimit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _));
        var error = Assert.Single(limited.Json["errors"]!.AsArray())!;
        Assert.Equal(429, error["status"]!.GetValue<int>());

        // v1 under the same site is limited too, and answers in its envelope shape.
        var v1 = (await client.GetAsync("/rest/api/user/current")).Expect(429);
        AssertRetryAfter(v1);
        Assert.Equal(429, v1.Json["statusCode"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("/confluence")]
    public async Task Data_center_rate_limit_answers_429_with_token_bucket_headers_in_the_envelope_shape(string contextPath)
    {
        await using var emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Flavor = EmulatorFlavor.DataCenter, ContextPath = contextPath });
        using var client = new ConformanceClient(EmulatorFlavor.DataCenter, emulator.BaseUrl);
        emulator.Faults.Apply(new FaultSettings { RateLimit = new RateLimitSettings { Limit = 1, WindowSeconds = 30 } });

        (await client.GetAsync("/rest/api/space")).Expect(200);
        var limited = (await client.GetAsync("/rest/api/space")).Expect(429);
        AssertRetryAfter(limited);
        foreach (var header in new[] { "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Interval-Seconds", "X-RateLimit-FillRate" })
        {
            Assert.True(limited.Headers.Contains(header), $"429 lacks {header}");
        }

        Assert.Equal(429, limited.Json["statusCode"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(EmulatorFlavor.Cloud, "/api/v2/spaces")]
    [InlineData(EmulatorFlavor.DataCenter, "/rest/api/space")]
    public async Task Overload_answers_503_with_retry_after(EmulatorFlavor flavor, string path)
    {
        await using var emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Flavor = flavor });
        using var client = new ConformanceClient(flavor, emulator.BaseUrl);
        emulator.Faults.Apply(new FaultSettings { FailPercent = 100 });
        var failed = (await client.GetAsync(path)).Expect(503);
        AssertRetryAfter(failed);
        Assert.IsType<JsonObject>(failed.Json);

        emulator.Faults.Apply(new FaultSettings());
        (await client.GetAsync(path)).Expect(200);
    }

    private static void AssertRetryAfter(ConformanceResponse response)
    {
        Assert.True(response.Headers.RetryAfter?.Delta is { } delta && delta > TimeSpan.Zero,
            $"{response.Status} must carry Retry-After in seconds; headers: {response.Headers}");
    }
}
