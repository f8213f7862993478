using System.Text.Json.Serialization;

namespace SpaceSync.Emulator.Faults;

/// <summary>Rate limit: at most Limit requests per WindowSeconds (fixed window).</summary>
public sealed class RateLimitSettings
{
    [JsonPropertyName("limit")] public int Limit { get; set; }
    [JsonPropertyName("windowSeconds")] public int WindowSeconds { get; set; } = 1;
}

/// <summary>
/// Holds the answer of matching API requests for Ms milliseconds AFTER their work is done: the effect is in the
/// store while the client still waits, as when a process dies between a write and recording it.
/// </summary>
public sealed class HoldSettings
{
    /// <summary>HTTP method to match (case-insensitive), e.g. POST.</summary>
    [JsonPropertyName("method")] public string Method { get; set; } = "";

    /// <summary>Start of the request path as the client sends it (with /wiki or the context path), e.g. /wiki/api/v2/pages.</summary>
    [JsonPropertyName("pathPrefix")] public string PathPrefix { get; set; } = "";

    [JsonPropertyName("ms")] public int Ms { get; set; }
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

    /// <summary>Null = no answer is held.</summary>
    [JsonPropertyName("hold")] public HoldSettings? Hold { get; set; }

    internal void Validate()
    {
        if (Hold is { } h && (string.IsNullOrWhiteSpace(h.Method) || !h.PathPrefix.StartsWith('/') || h.Ms is < 1 or > 600_000))
            throw new ArgumentException("hold needs method, a pathPrefix starting with '/' and ms between 1 and 600000 (or hold: null to switch it off).");
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
        Hold = Hold is null ? null : new HoldSettings { Method = Hold.Method, PathPrefix = Hold.PathPrefix, Ms = Hold.Ms },
    };
}
