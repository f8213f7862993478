using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace SpaceSync.Emulator.Faults;

internal enum FaultOutcome { Proceed, ProceedThenDrop, Handled }

/// <summary>
/// Applies the fault knobs to API requests: drop, latency, rate limit (429), injected 503.
/// Dice come from a Random seeded by the emulator seed, so a run's fault pattern reproduces
/// for the same request order.
/// </summary>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly EmulatorFlavor _flavor;
    private TimeProvider _clock;
    private Random _random;
    private readonly int _seed;
    private FaultSettings _settings;
    private DateTimeOffset _windowStart;
    private int _windowCount;
    private DateTimeOffset _penaltyUntil;

    public FaultInjector(EmulatorFlavor flavor, FaultSettings initial, int seed, TimeProvider? clock = null)
    {
        initial.Validate();
        _flavor = flavor;
        _settings = initial.Copy();
        _seed = seed;
        _random = new Random(seed);
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>
    /// The clock of the rate window and its penalty. In-process tests give the emulator and the client one manual clock,
    /// so that a client's waits move the window on and nothing sleeps.
    /// </summary>
    public TimeProvider Clock
    {
        get { lock (_gate) return _clock; }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            lock (_gate) _clock = value;
        }
    }

    public FaultSettings Settings
    {
        get { lock (_gate) return _settings.Copy(); }
    }

    /// <summary>Replaces all knobs; restarts the rate window and the dice.</summary>
    public void Apply(FaultSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        lock (_gate)
        {
            _settings = settings.Copy();
            _windowCount = 0;
            _windowStart = default;
            _penaltyUntil = default;
            _random = new Random(_seed);
        }
    }

    /// <summary>
    /// How long to hold the answer of this request after its work (0 = not held): the hold knob, matched on the
    /// method and on the path as the client sent it.
    /// </summary>
    internal int HoldMsFor(HttpRequest request) => HoldFor(request)?.Ms ?? 0;

    /// <summary>The hold knob when it matches this request (method or "*", and path prefix), else null.</summary>
    internal HoldSettings? HoldFor(HttpRequest request)
    {
        HoldSettings? hold;
        lock (_gate) hold = _settings.Hold;
        if (hold is null || (hold.Method != "*" && !string.Equals(hold.Method, request.Method, StringComparison.OrdinalIgnoreCase)))
            return null;
        var path = request.PathBase.Add(request.Path).Value ?? "";
        return path.StartsWith(hold.PathPrefix, StringComparison.Ordinal) ? hold : null;
    }

    private enum Verdict { Pass, Drop, DropAfter, Limited, Fail }

    /// <summary>
    /// Decides a request's fate. <see cref="FaultOutcome.Handled"/>: the answer is written or the connection
    /// aborted already; <see cref="FaultOutcome.ProceedThenDrop"/>: run it, then lose the answer.
    /// </summary>
    internal async Task<FaultOutcome> TryPassAsync(HttpContext context)
    {
        Verdict verdict;
        int latency;
        int failRetryAfter;
        string? retryAfter = null;
        var limitHeaders = new List<KeyValuePair<string, string>>();
        lock (_gate)
        {
            latency = _settings.LatencyMs;
            failRetryAfter = _settings.FailRetryAfterSeconds;
            verdict = Verdict.Pass;
            if (_settings.DropPercent > 0 && _random.NextDouble() * 100 < _settings.DropPercent)
                verdict = Verdict.Drop;
            if (verdict == Verdict.Pass && _settings.RateLimit is { } rate && !Admit(rate, limitHeaders, out retryAfter))
                verdict = Verdict.Limited;
            if (verdict == Verdict.Pass && _settings.FailPercent > 0 && _random.NextDouble() * 100 < _settings.FailPercent)
                verdict = Verdict.Fail;
            if (verdict == Verdict.Pass && _settings.DropAfterPercent > 0 && _random.NextDouble() * 100 < _settings.DropAfterPercent)
                verdict = Verdict.DropAfter;
        }

        if (latency > 0)
            await Task.Delay(latency, context.RequestAborted).ConfigureAwait(false);

        foreach (var (name, value) in limitHeaders)
            context.Response.Headers[name] = value;

        switch (verdict)
        {
            case Verdict.Drop:
                context.Abort();
                return FaultOutcome.Handled;
            case Verdict.DropAfter:
                return FaultOutcome.ProceedThenDrop;
            case Verdict.Limited:
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                if (retryAfter != null) context.Response.Headers.RetryAfter = retryAfter;
                await Errors.WriteAsync(context, 429, "Too Many Requests", "Rate limit exceeded.").ConfigureAwait(false);
                return FaultOutcome.Handled;
            case Verdict.Fail:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                if (failRetryAfter > 0) context.Response.Headers.RetryAfter = failRetryAfter.ToString(CultureInfo.InvariantCulture);
                await Errors.WriteAsync(context, 503, "Service Unavailable", "Injected failure: the service is temporarily unavailable.").ConfigureAwait(false);
                return FaultOutcome.Handled;
            default:
                return FaultOutcome.Proceed;
        }
    }
    /// <summary>
    /// The rate limit's verdict on one request (under the gate): counts it in the window, or refuses it while the window
    /// is spent or a penalty runs. Fills the X-RateLimit-* headers every answer carries, and the Retry-After a refusal
    /// carries (null when the signal leaves it out).
    /// </summary>
    private bool Admit(RateLimitSettings rate, List<KeyValuePair<string, string>> headers, out string? retryAfter)
    {
        retryAfter = null;
        var now = _clock.GetUtcNow();
        var window = TimeSpan.FromSeconds(rate.WindowSeconds);
        if (_windowStart == default || now - _windowStart >= window)
        {
            _windowStart = now;
            _windowCount = 0;
        }

        var penalised = now < _penaltyUntil;
        var allowed = !penalised && _windowCount < rate.Limit;
        if (allowed) _windowCount++;
        else if (!penalised && rate.RetryAfterSeconds > 0) _penaltyUntil = now + TimeSpan.FromSeconds(rate.RetryAfterSeconds);

        var reset = now < _penaltyUntil ? _penaltyUntil : _windowStart + window;
        var remaining = penalised ? 0 : Math.Max(0, rate.Limit - _windowCount);
        if (!allowed && rate.Signal == RateLimitSettings.SignalRetryAfter)
            retryAfter = Math.Max(1, (int)Math.Ceiling((reset - now).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (rate.Signal == RateLimitSettings.SignalNone)
            return allowed;

        headers.Add(new("X-RateLimit-Limit", rate.Limit.ToString(CultureInfo.InvariantCulture)));
        headers.Add(new("X-RateLimit-Remaining", remaining.ToString(CultureInfo.InvariantCulture)));
        if (_flavor == EmulatorFlavor.Cloud)
        {
            // Atlassian documents the reset as yyyy-MM-ddTHH:mmZ: to the minute, so a client cannot take it as exact.
            headers.Add(new("X-RateLimit-Reset", reset.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture)));
            if (rate.NearLimitPercent > 0 && remaining * 100.0 < rate.Limit * rate.NearLimitPercent)
                headers.Add(new("X-RateLimit-NearLimit", "true"));
        }
        else
        {
            headers.Add(new("X-RateLimit-Interval-Seconds", rate.WindowSeconds.ToString(CultureInfo.InvariantCulture)));
            headers.Add(new("X-RateLimit-FillRate", rate.Limit.ToString(CultureInfo.InvariantCulture)));
        }

        return allowed;
    }
}
