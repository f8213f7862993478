using System.Text.Json.Serialization;

namespace SpaceSync.Emulator.Faults;

/// <summary>Rate limit: at most Limit requests per WindowSeconds (fixed window).</summary>
public sealed class RateLimitSettings
{
    [JsonPropertyName("limit")] public int Limit { get; set; }
    [JsonPropertyName("windowSeconds")] public int WindowSeconds { get; set; } = 1;
}

/// <summary>The fault knobs, as GET/PUT /__emulator/faults shows and takes them.</summary>
public sealed class FaultSettings
{
    [JsonPropertyName("latencyMs")] public int LatencyMs { get; set; }

    /// <summary>Null = no rate limit.</summary>
    [JsonPropertyName("rateLimit")] public RateLimitSettings? RateLimit { get; set; }

    [JsonPropertyName("failPercent")] public double FailPercent { get; set; }
    [JsonPropertyName("dropPercent")] public double DropPercent { get; set; }

    /// <summary>Percentage of API requests that take effect but whose answer is lost (connection aborted after the work).</summary>
    [JsonPropertyName("dropAfterPercent")] public double DropAfterPercent { get; set; }

    internal void Validate()
    {
        if (LatencyMs is < 0 or > 600_000) throw new ArgumentException("latencyMs must be between 0 and 600000.");
        if (FailPercent is < 0 or > 100) throw new ArgumentException("failPercent must be between 0 and 100.");
        if (DropPercent is < 0 or > 100) throw new ArgumentException("dropPercent must be between 0 and 100.");
        if (DropAfterPercent is < 0 or > 100) throw new ArgumentException("dropAfterPercent must be between 0 and 100.");
        if (RateLimit is { } r && (r.Limit < 1 || r.WindowSeconds < 1))
            throw new ArgumentException("rateLimit needs limit >= 1 and windowSeconds >= 1 (or rateLimit: null to switch it off).");
    }

    internal FaultSettings Copy() => new()
    {
        LatencyMs = LatencyMs,
        FailPercent = FailPercent,
        DropPercent = DropPercent,
        DropAfterPercent = DropAfterPercent,
        RateLimit = RateLimit is null ? null : new RateLimitSettings { Limit = RateLimit.Limit, WindowSeconds = RateLimit.WindowSeconds },
    };
}
