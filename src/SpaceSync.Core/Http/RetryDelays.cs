using System;
using System.Net.Http;

namespace SpaceSync.Core.Http
{
    /// <summary>How long to wait before the next attempt, and why.</summary>
    internal sealed class RetryDelays
    {
        private readonly TimeSpan _baseDelay;
        private readonly TimeSpan _maxBackoff;
        private readonly TimeSpan _maxRetryAfter;
        private readonly Func<double> _jitter;

        public RetryDelays(TimeSpan baseDelay, TimeSpan maxBackoff, TimeSpan maxRetryAfter, Func<double> jitter)
        {
            _baseDelay = baseDelay;
            _maxBackoff = maxBackoff;
            _maxRetryAfter = maxRetryAfter;
            _jitter = jitter;
        }

        /// <param name="retryIndex">0 for the first retry.</param>
        public RetryWait Compute(HttpResponseMessage? response, int retryIndex, DateTimeOffset now)
        {
            if (response != null && RetryRules.IsThrottled(response.StatusCode))
            {
                var requested = RetryAfter(response, now);
                if (requested != null)
                {
                    return requested.Value > _maxRetryAfter
                        ? new RetryWait(_maxRetryAfter, RetryWaitReason.RetryAfterCapped, requested.Value)
                        : new RetryWait(requested.Value, RetryWaitReason.RetryAfter, requested.Value);
                }
            }

            // About x2 per retry, jitter 0.7–1.3 so that many clients do not retry in step; capped.
            var factor = Math.Pow(2, Math.Min(retryIndex, 30)) * (0.7 + 0.6 * _jitter());
            var ticks = Math.Min(_baseDelay.Ticks * factor, _maxBackoff.Ticks);
            return new RetryWait(TimeSpan.FromTicks((long)ticks), RetryWaitReason.Backoff, null);
        }

        /// <summary>Retry-After as seconds or as an HTTP-date; a date in the past means "now".</summary>
        public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
        {
            var header = response.Headers.RetryAfter;
            if (header is null)
            {
                return null;
            }

            if (header.Delta is TimeSpan delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (header.Date is DateTimeOffset date)
            {
                var wait = date - now;
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }

            return null;
        }
    }

    internal enum RetryWaitReason { Backoff, RetryAfter, RetryAfterCapped }

    internal readonly struct RetryWait
    {
        public RetryWait(TimeSpan delay, RetryWaitReason reason, TimeSpan? requested)
        {
            Delay = delay;
            Reason = reason;
            Requested = requested;
        }

        public TimeSpan Delay { get; }

        public RetryWaitReason Reason { get; }

        /// <summary>What the server asked for (Retry-After), before capping.</summary>
        public TimeSpan? Requested { get; }
    }
}
