using System;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.RegularExpressions;

namespace SpaceSync.Core.Http
{
    /// <summary>
    /// What a throttling answer says about when to come back, read as tolerantly as the sites send it
    /// (docs/confluence-behaviours.md, section 9): Retry-After (seconds or an HTTP-date; Cloud may send absurdly large
    /// values), Beta-Retry-After (Cloud's points-based quota), X-RateLimit-Reset (Cloud: an ISO time to the minute;
    /// other Atlassian and common forms: with seconds, epoch seconds or milliseconds, seconds from now), and
    /// X-RateLimit-NearLimit.
    /// </summary>
    internal static class RateLimitHeaders
    {
        public const string RetryAfter = "Retry-After";
        public const string BetaRetryAfter = "Beta-Retry-After";
        public const string Reset = "X-RateLimit-Reset";
        public const string NearLimit = "X-RateLimit-NearLimit";
        public const string Remaining = "X-RateLimit-Remaining";
        public const string IntervalSeconds = "X-RateLimit-Interval-Seconds";
        public const string FillRate = "X-RateLimit-FillRate";

        /// <summary>The headers that ask for a wait in their own words, first come first served.</summary>
        private static readonly string[] AskingHeaders = { RetryAfter, BetaRetryAfter };

        // yyyy-MM-ddTHH:mm, optional :ss(.fff), optional zone (Z, +01:00, +0100).
        private static readonly Regex IsoTime = new Regex(
            @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?<seconds>:\d{2}(\.\d+)?)?(?<zone>Z|[+-]\d{2}:?\d{2})?$",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        /// <summary>
        /// The wait the answer asks for: Retry-After, else Beta-Retry-After, else the time left until X-RateLimit-Reset
        /// (a reset already past says nothing). Null when it asks for nothing usable.
        /// </summary>
        public static RetryWait? AskedWait(HttpResponseMessage response, DateTimeOffset now)
        {
            foreach (var name in AskingHeaders)
            {
                if (Value(response, name) is string raw && ParseRetryAfter(raw, now) is TimeSpan wait)
                {
                    return new RetryWait(wait, RetryWaitReason.ServerAsked, name, raw);
                }
            }

            if (Value(response, Reset) is string reset && ParseReset(reset, now) is DateTimeOffset at && at > now)
            {
                return new RetryWait(at - now, RetryWaitReason.ServerAsked, Reset, reset);
            }

            return null;
        }

        /// <summary>The answer states how much of its budget is left (X-RateLimit-Remaining, a whole number).</summary>
        public static bool HasRemaining(HttpResponseMessage response) =>
            long.TryParse(Value(response, Remaining), NumberStyles.None, CultureInfo.InvariantCulture, out _);

        /// <summary>X-RateLimit-NearLimit: true — under 20% of one of the site's budgets is left.</summary>
        public static bool IsNearLimit(HttpResponseMessage response) =>
            string.Equals(Value(response, NearLimit), "true", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// Data Center's token bucket when the answer took its last token: X-RateLimit-Remaining 0 with a fill rate of at
        /// least one request per X-RateLimit-Interval-Seconds; the interval is how long until requests are let through
        /// again. Null when tokens remain or the headers are not the bucket's (Cloud's, none, unreadable).
        /// </summary>
        public static TimeSpan? BucketRefill(HttpResponseMessage response)
        {
            if (!long.TryParse(Value(response, Remaining), NumberStyles.None, CultureInfo.InvariantCulture, out var remaining) || remaining > 0) return null;
            if (!double.TryParse(Value(response, FillRate), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var fill) || fill <= 0) return null;
            if (!double.TryParse(Value(response, IntervalSeconds), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var interval) ||
                interval <= 0 || interval > 3600) return null;
            return TimeSpan.FromSeconds(interval);
        }

        /// <summary>Seconds (a huge number is kept as the longest wait there is, not dropped) or an HTTP-date; never negative.</summary>
        internal static TimeSpan? ParseRetryAfter(string raw, DateTimeOffset now)
        {
            if (double.TryParse(raw, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
            {
                return seconds >= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParseExact(raw, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ||
                DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
            {
                return date > now ? date - now : TimeSpan.Zero;
            }

            return null;
        }

        /// <summary>
        /// When the limit resets. An ISO time to the minute (Cloud's documented yyyy-MM-ddTHH:mmZ) is read as the end of
        /// that minute: the true reset lies somewhere in it, and coming back early is only refused again. A plain number
        /// is epoch milliseconds or seconds when it is that large, else seconds from now.
        /// </summary>
        internal static DateTimeOffset? ParseReset(string raw, DateTimeOffset now)
        {
            if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                if (number >= 100_000_000_000L) return DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(number, 253_402_300_799_999L));
                if (number >= 1_000_000_000L) return DateTimeOffset.FromUnixTimeSeconds(Math.Min(number, 253_402_300_799L));
                return now + TimeSpan.FromSeconds(number);
            }

            var iso = IsoTime.Match(raw);
            if (iso.Success &&
                DateTimeOffset.TryParse(iso.Groups["zone"].Success ? raw : raw + "Z", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            {
                return iso.Groups["seconds"].Success ? at : at.AddMinutes(1);
            }

            return DateTimeOffset.TryParseExact(raw, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
                ? date
                : (DateTimeOffset?)null;
        }

        /// <summary>The header's first value as sent, including values the typed headers refuse (Retry-After beyond Int32).</summary>
        private static string? Value(HttpResponseMessage response, string name) =>
            response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim() : null;
    }
}
