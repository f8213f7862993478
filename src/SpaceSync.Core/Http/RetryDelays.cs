using System;
using System.Net;
using System.Net.Http;

namespace SpaceSync.Core.Http
{
    /// <summary>How long to wait before the next attempt, and why.</summary>
    internal sealed class RetryDelays
    {
        private readonly TimeSpan _baseDelay;
        private readonly TimeSpan _rateLimitBaseDelay;
        private readonly TimeSpan _maxBackoff;
        private readonly Func<double> _jitter;

        public RetryDelays(TimeSpan baseDelay, TimeSpan rateLimitBaseDelay, TimeSpan maxBackoff, Func<double> jitter)
        {
            _baseDelay = baseDelay;
            _rateLimitBaseDelay = rateLimitBaseDelay;
            _maxBackoff = maxBackoff;
            _jitter = jitter;
        }

        /// <summary>After a fault (5xx, timeout, lost connection): what a 503 asks for, else backoff.</summary>
        /// <param name="retryIndex">0 for the first retry.</param>
        public RetryWait AfterFault(HttpResponseMessage? response, int retryIndex, DateTimeOffset now) =>
            (response != null && response.StatusCode == HttpStatusCode.ServiceUnavailable ? RateLimitHeaders.AskedWait(response, now) : null)
            ?? Backoff(_baseDelay, retryIndex);

        /// <summary>
        /// After a 429: what it asks for, else backoff from the longer rate-limit base (a site that gives no hint is still
        /// throttling: coming back after a second would only be refused again).
        /// </summary>
        public RetryWait AfterRateLimit(HttpResponseMessage response, int retryIndex, DateTimeOffset now) =>
            RateLimitHeaders.AskedWait(response, now) ?? Backoff(_rateLimitBaseDelay, retryIndex);

        private RetryWait Backoff(TimeSpan baseDelay, int retryIndex)
        {
            // About x2 per retry, jitter 0.7–1.3 so that many clients do not retry in step; capped.
            var factor = Math.Pow(2, Math.Min(retryIndex, 30)) * (0.7 + 0.6 * _jitter());
            var ticks = Math.Min(baseDelay.Ticks * factor, _maxBackoff.Ticks);
            return new RetryWait(TimeSpan.FromTicks((long)ticks), RetryWaitReason.Backoff, null, null);
        }
    }

    internal enum RetryWaitReason { Backoff, ServerAsked }

    internal readonly struct RetryWait
    {
        public RetryWait(TimeSpan delay, RetryWaitReason reason, string? header, string? headerValue)
        {
            Delay = delay;
            Reason = reason;
            Header = header;
            HeaderValue = headerValue;
        }

        public TimeSpan Delay { get; }

        public RetryWaitReason Reason { get; }

        /// <summary>The header that asked for the wait (Retry-After, Beta-Retry-After, X-RateLimit-Reset); null for backoff.</summary>
        public string? Header { get; }

        /// <summary>That header's value as the site sent it (shown in errors: a wait of 9223372036854775807 s is best quoted).</summary>
        public string? HeaderValue { get; }

        /// <summary>"Retry-After: 30", or "backoff".</summary>
        public string Source => Header is null ? "backoff" : Header + ": " + HeaderValue;
    }
}
