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
    private readonly TimeProvider _clock;
    private Random _random;
    private readonly int _seed;
    private FaultSettings _settings;
    private DateTimeOffset _windowStart;
    private int _windowCount;

    public FaultInjector(EmulatorFlavor flavor, FaultSettings initial, int seed, TimeProvider? clock = null)
    {
        initial.Validate();
        _flavor = flavor;
        _settings = initial.Copy();
        _seed = seed;
        _random = new Random(seed);
        _clock = clock ?? TimeProvider.System;
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
            _random = new Random(_seed);
        }
    }

    /// <summary>
    /// How long to hold the answer of this request after its work (0 = not held): the hold knob, matched on the
    /// method and on the path as the client sent it.
    /// </summary>
    internal int HoldMsFor(HttpRequest request)
    {
        HoldSettings? hold;
        lock (_gate) hold = _settings.Hold;
        if (hold is null || !string.Equals(hold.Method, request.Method, StringComparison.OrdinalIgnoreCase))
            return 0;
        var path = request.PathBase.Add(request.Path).Value ?? "";
        return path.StartsWith(hold.PathPrefix, StringComparison.Ordinal) ? hold.Ms : 0;
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
        int retryAfter = 0;
        var limitHeaders = new List<KeyValuePair<string, string>>();
        lock (_gate)
        {
            latency = _settings.LatencyMs;
            verdict = Verdict.Pass;
            if (_settings.DropPercent > 0 && _random.NextDouble() * 100 < _settings.DropPercent)
                verdict = Verdict.Drop;
            if (verdict == Verdict.Pass && _settings.RateLimit is { } rate)
            {
                var now = _clock.GetUtcNow();
                var window = TimeSpan.FromSeconds(rate.WindowSeconds);
                if (_windowStart == default || now - _windowStart >= window)
                {
                    _windowStart = now;
                    _windowCount = 0;
                }
                var reset = _windowStart + window;
                var allowed = _windowCount < rate.Limit;
                if (allowed) _windowCount++;
                var remaining = Math.Max(0, rate.Limit - _windowCount);
                retryAfter = Math.Max(1, (int)Math.Ceiling((reset - now).TotalSeconds));
                limitHeaders.Add(new("X-RateLimit-Limit", rate.Limit.ToString(CultureInfo.InvariantCulture)));
                limitHeaders.Add(new("X-RateLimit-Remaining", remaining.ToString(CultureInfo.InvariantCulture)));
                if (_flavor == EmulatorFlavor.Cloud)
                {
                    limitHeaders.Add(new("X-RateLimit-Reset", reset.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
                    if (remaining < Math.Max(1, rate.Limit / 5))
                        limitHeaders.Add(new("X-RateLimit-NearLimit", "true"));
                }
                else
                {
                    limitHeaders.Add(new("X-RateLimit-Interval-Seconds", rate.WindowSeconds.ToString(CultureInfo.InvariantCulture)));
                    limitHeaders.Add(new("X-RateLimit-FillRate", rate.Limit.ToString(CultureInfo.InvariantCulture)));
                }
                if (!allowed) verdict = Verdict.Limited;
            }
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
                context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await Errors.WriteAsync(context, 429, "Too Many Requests", "Rate limit exceeded.").ConfigureAwait(false);
                return FaultOutcome.Handled;
            case Verdict.Fail:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "1";
                await Errors.WriteAsync(context, 503, "Service Unavailable", "Injected failure: the service is temporarily unavailable.").ConfigureAwait(false);
                return FaultOutcome.Handled;
            default:
                return FaultOutcome.Proceed;
        }
    }
}
