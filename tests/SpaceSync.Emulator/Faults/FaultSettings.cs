using System.Text.Json.Serialization;

namespace SpaceSync.Emulator.Faults;

/// <summary>
/// Rate limit: at most Limit requests per WindowSeconds (fixed window). What a refused request tells the client is
/// chosen by <see cref="Signal"/>; by default it is what Atlassian documents for Cloud (Retry-After, X-RateLimit-Reset
/// as an ISO time to the minute, X-RateLimit-NearLimit while under 20% of the window remains).
/// </summary>
public sealed class RateLimitSettings
{
    /// <summary>A 429 with Retry-After (seconds) and the X-RateLimit-* headers: the products' usual answer.</summary>
    public const string SignalRetryAfter = "retryAfter";

    /// <summary>A 429 without Retry-After: Cloud says when the limit resets (X-RateLimit-Reset) and nothing else.</summary>
    public const string SignalResetOnly = "resetOnly";

    /// <summary>A bare 429: no Retry-After, and no X-RateLimit-* header on any answer.</summary>
    public const string SignalNone = "none";

    [JsonPropertyName("limit")] public int Limit { get; set; }
    [JsonPropertyName("windowSeconds")] public int WindowSeconds { get; set; } = 1;

    /// <summary><see cref="SignalRetryAfter"/> (default), <see cref="SignalResetOnly"/> or <see cref="SignalNone"/>.</summary>
    [JsonPropertyName("signal")] public string Signal { get; set; } = SignalRetryAfter;

    /// <summary>
    /// Above 0: a refused request opens a penalty of this many seconds during which every API request is refused too,
    /// each asking for the rest of it (a long Retry-After, e.g. 3600 for an hourly quota spent). 0 = refused until the
    /// window ends.
    /// </summary>
    [JsonPropertyName("retryAfterSeconds")] public int RetryAfterSeconds { get; set; }

    /// <summary>
    /// Cloud: answers carry X-RateLimit-NearLimit: true while fewer than this percentage of the window's requests
    /// remain (Atlassian: under 20% of a budget). 0 = never.
    /// </summary>
    [JsonPropertyName("nearLimitPercent")] public double NearLimitPercent { get; set; } = 20;

    internal RateLimitSettings Copy() => new()
    {
        Limit = Limit,
        WindowSeconds = WindowSeconds,
        Signal = Signal,
        RetryAfterSeconds = RetryAfterSeconds,
        NearLimitPercent = NearLimitPercent,
    };
}

/// <summary>
/// Holds the answer of matching API requests for Ms milliseconds AFTER their work is done: the effect is in the
/// store while the client still waits, as when a process dies between a write and recording it. Mode "silent" is a
/// stuck site or proxy instead (accepts, does nothing, never answers); "stallBody" does the work, sends the headers and
/// half the body, then stalls. Both last until the client leaves, whatever Ms says.
/// </summary>
public sealed class HoldSettings
{
    public const string ModeAnswer = "answer";
    public const string ModeSilent = "silent";
    public const string ModeStallBody = "stallBody";

    /// <summary>HTTP method to match (case-insensitive), e.g. POST; "*" matches every method.</summary>
    [JsonPropertyName("method")] public string Method { get; set; } = "";

    /// <summary>Start of the request path as the client sends it (with /wiki or the context path), e.g. /wiki/api/v2/pages.</summary>
    [JsonPropertyName("pathPrefix")] public string PathPrefix { get; set; } = "";

    [JsonPropertyName("ms")] public int Ms { get; set; }

    /// <summary>answer (default: the answer comes Ms later), silent (never answers) or stallBody (headers, half the body, then nothing).</summary>
    [JsonPropertyName("mode")] public string Mode { get; set; } = ModeAnswer;
}

/// <summary>The fault knobs, as GET/PUT /__emulator/faults shows and takes them.</summary>
public sealed class FaultSettings
{
    [JsonPropertyName("latencyMs")] public int LatencyMs { get; set; }

    /// <summary>Null = no rate limit.</summary>
    [JsonPropertyName("rateLimit")] public RateLimitSettings? RateLimit { get; set; }

    [JsonPropertyName("failPercent")] public double FailPercent { get; set; }

    /// <summary>Retry-After (seconds) on the injected 503s; 0 = none (a 503 without it).</summary>
    [JsonPropertyName("failRetryAfterSeconds")] public int FailRetryAfterSeconds { get; set; } = 1;
    [JsonPropertyName("dropPercent")] public double DropPercent { get; set; }

    /// <summary>Percentage of API requests that take effect but whose answer is lost (connection aborted after the work).</summary>
    [JsonPropertyName("dropAfterPercent")] public double DropAfterPercent { get; set; }

    /// <summary>Null = no answer is held.</summary>
    [JsonPropertyName("hold")] public HoldSettings? Hold { get; set; }

    internal void Validate()
    {
        if (Hold is { } h && (string.IsNullOrWhiteSpace(h.Method) || !h.PathPrefix.StartsWith('/') ||
                              (h.Mode == HoldSettings.ModeAnswer && h.Ms is < 1 or > 600_000)))
            throw new ArgumentException("hold needs method, a pathPrefix starting with '/' and ms between 1 and 600000 (or hold: null to switch it off).");
        if (Hold is { } m && m.Mode is not (HoldSettings.ModeAnswer or HoldSettings.ModeSilent or HoldSettings.ModeStallBody))
            throw new ArgumentException($"hold needs a mode of '{HoldSettings.ModeAnswer}', '{HoldSettings.ModeSilent}' or '{HoldSettings.ModeStallBody}', not '{m.Mode}'.");
        if (LatencyMs is < 0 or > 600_000) throw new ArgumentException("latencyMs must be between 0 and 600000.");
        if (FailPercent is < 0 or > 100) throw new ArgumentException("failPercent must be between 0 and 100.");
        if (DropPercent is < 0 or > 100) throw new ArgumentException("dropPercent must be between 0 and 100.");
        if (DropAfterPercent is < 0 or > 100) throw new ArgumentException("dropAfterPercent must be between 0 and 100.");
        if (RateLimit is { } r && (r.Limit < 1 || r.WindowSeconds < 1))
            throw new ArgumentException("rateLimit needs limit >= 1 and windowSeconds >= 1 (or rateLimit: null to switch it off).");
        if (RateLimit is { } s && s.Signal is not (RateLimitSettings.SignalRetryAfter or RateLimitSettings.SignalResetOnly or RateLimitSettings.SignalNone))
            throw new ArgumentException($"rateLimit.signal must be '{RateLimitSettings.SignalRetryAfter}', '{RateLimitSettings.SignalResetOnly}' or '{RateLimitSettings.SignalNone}', not '{s.Signal}'.");
        if (RateLimit is { } t && (t.RetryAfterSeconds is < 0 or > 86_400 || t.NearLimitPercent is < 0 or > 100))
            throw new ArgumentException("rateLimit.retryAfterSeconds must be between 0 and 86400 and rateLimit.nearLimitPercent between 0 and 100.");
        if (FailRetryAfterSeconds is < 0 or > 86_400) throw new ArgumentException("failRetryAfterSeconds must be between 0 and 86400.");
    }

    internal FaultSettings Copy() => new()
    {
        LatencyMs = LatencyMs,
        FailPercent = FailPercent,
        FailRetryAfterSeconds = FailRetryAfterSeconds,
        DropPercent = DropPercent,
        DropAfterPercent = DropAfterPercent,
        RateLimit = RateLimit?.Copy(),
        Hold = Hold is null ? null : new HoldSettings { Method = Hold.Method, PathPrefix = Hold.PathPrefix, Ms = Hold.Ms, Mode = Hold.Mode },
    };
}
