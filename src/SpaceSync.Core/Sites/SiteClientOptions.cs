using System;
using System.Reflection;

namespace SpaceSync.Core.Sites
{
    /// <summary>How a site client talks to its site. Defaults follow the reference's "good client behaviour".</summary>
    public sealed class SiteClientOptions
    {
        /// <summary>The default of <see cref="AttemptTimeout"/> (scope: <c>sites.*.requestTimeoutSeconds</c>).</summary>
        public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(30);

        /// <summary>The default of <see cref="OverallTimeout"/> (scope: <c>sites.*.requestBudgetSeconds</c>).</summary>
        public static readonly TimeSpan DefaultOverallTimeout = TimeSpan.FromSeconds(100);

        /// <summary>
        /// Longest silence in one attempt: no answer, and no byte of the request's or the answer's body moving. It is a
        /// silence timer, not a cap: each chunk of an upload's body sent, the answer's headers and each chunk of a streamed
        /// download start it again, so a slow transfer that keeps moving is never cut; a buffered (JSON) answer's body gets
        /// it once more after its headers. 30 s: far beyond any healthy answer, short enough that a stuck site ends the run.
        /// </summary>
        public TimeSpan AttemptTimeout { get; set; } = DefaultAttemptTimeout;

        /// <summary>
        /// Longest time for one request's attempts and the backoff between its faults (time while a body's bytes move is
        /// not counted). Waits a site asks for (429s, a 503's Retry-After, NearLimit spacing) are not counted either:
        /// <see cref="MaxRetryAfter"/> and <see cref="MaxRateLimitWait"/> bound those. 100 s: a site that accepts and
        /// never answers costs three 30 s attempts and their backoff, then the request fails naming the site.
        /// </summary>
        public TimeSpan OverallTimeout { get; set; } = DefaultOverallTimeout;

        /// <summary>
        /// Attempts per request when it fails (5xx, 503, timeouts, lost connections), the first one included.
        /// A rate-limited request (429) has its own budgets: <see cref="MaxRateLimitAttempts"/> and <see cref="MaxRateLimitWait"/>.
        /// </summary>
        public int MaxAttempts { get; set; } = 4;

        /// <summary>
        /// Attempts per request while the site answers 429 without stating when to come back (backoff the client guesses,
        /// or a stated wait under a second), the first one included. Throttling is how a site paces a big run, not a
        /// fault: it gets more patience than a 5xx. A 429 that states a wait of a second or more (Retry-After,
        /// Beta-Retry-After, X-RateLimit-Reset) is not counted here: a site that keeps saying "come back in a second" is
        /// pacing the client, and <see cref="MaxRateLimitWait"/> alone bounds those waits (several streams sharing a
        /// fixed window are otherwise refused ten times in a row within seconds, the wait budget untouched).
        /// </summary>
        public int MaxRateLimitAttempts { get; set; } = 10;

        /// <summary>
        /// Longest total time one request waits for its site to let it through (429 waits, a 503's Retry-After, NearLimit
        /// spacing); a request whose next wait would pass it fails as RateLimited. The only bound of the waits a site
        /// states on its 429s (see <see cref="MaxRateLimitAttempts"/>).
        /// </summary>
        public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromMinutes(15);

        /// <summary>First backoff wait after a fault without Retry-After; doubles per retry (jitter 0.7–1.3).</summary>
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>
        /// First wait after a 429 that says nothing of when to come back (no Retry-After, Beta-Retry-After or
        /// X-RateLimit-Reset); doubles per retry (jitter 0.7–1.3), capped at <see cref="MaxBackoffDelay"/>.
        /// </summary>
        public TimeSpan RateLimitBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>
        /// After a wait the site asked for, the client's requests it held do not all resume at its end: the first goes
        /// then, each other one at random within this spread after it (never more than the wait itself), so that streams
        /// held by one window do not come back in lockstep and fill it at once. 1 s: Retry-After's unit, so the site's
        /// window ends somewhere in that second anyway. <see cref="TimeSpan.Zero"/> = resume together.
        /// </summary>
        public TimeSpan RateLimitResumeSpread { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>Cap of a computed backoff wait.</summary>
        public TimeSpan MaxBackoffDelay { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>
        /// Longest wait a site may ask for (Retry-After, else X-RateLimit-Reset) that the client sleeps. A longer one is
        /// not slept, nor retried early: the request fails at once as RateLimited, naming the site and the wait asked
        /// for, and the site's further requests fail unsent until that wait has passed (hours of a spent quota are for
        /// the next scheduled run, not for a sleeping one).
        /// </summary>
        public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>
        /// While a site's answers carry X-RateLimit-NearLimit: true, its requests start at least this far apart (no
        /// request is added to find out more). <see cref="TimeSpan.Zero"/> = do not slow down.
        /// </summary>
        public TimeSpan NearLimitSpacing { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>
        /// How long the spacing lasts after the last answer that said NearLimit; an answer that gives X-RateLimit-Remaining
        /// without NearLimit ends it at once (the site says there is room again).
        /// </summary>
        public TimeSpan NearLimitSlowdown { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>
        /// Most requests this client starts per second (scope: <c>sites.*.maxRequestsPerSecond</c>): its requests start at
        /// least 1/N s apart, retries included. Null = no cap of our own; the site's rate-limit answers still pace the client.
        /// </summary>
        public double? MaxRequestsPerSecond { get; set; }

        /// <summary>The spacing <see cref="MaxRequestsPerSecond"/> asks for; zero without a cap.</summary>
        internal TimeSpan CapSpacing => MaxRequestsPerSecond is double rate ? TimeSpan.FromTicks((long)Math.Ceiling(TimeSpan.TicksPerSecond / rate)) : TimeSpan.Zero;

        public string UserAgent { get; set; } = DefaultUserAgent;

        /// <summary>Receives retries and other notable events; null = nobody listens.</summary>
        public Action<SiteEvent>? OnEvent { get; set; }

        /// <summary>Told of every attempt of every request (retries too), without credentials or query values; null = nobody listens.</summary>
        public Action<SiteRequestTrace>? OnRequest { get; set; }

        /// <summary>Clock for retry waits. Tests replace it so that nothing sleeps; null = real time.</summary>
        internal TimeProvider? RetryDelayClock { get; set; }

        /// <summary>Source of jitter in [0,1); tests pin it.</summary>
        internal Func<double>? JitterSource { get; set; }

        public static string DefaultUserAgent { get; } = "SpaceSync/" + ProductVersion();

        /// <summary>A checked copy: a client keeps its own, so later changes by the caller do not reach it halfway.</summary>
        internal SiteClientOptions Validated()
        {
            if (MaxAttempts < 1 || MaxAttempts > 20)
                throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "Attempts must be between 1 and 20.");
            if (MaxRateLimitAttempts < 1 || MaxRateLimitAttempts > 100)
                throw new ArgumentOutOfRangeException(nameof(MaxRateLimitAttempts), MaxRateLimitAttempts, "Rate-limited attempts must be between 1 and 100.");
            if (AttemptTimeout <= TimeSpan.Zero || OverallTimeout <= TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), "Timeouts must be positive.");
            if (AttemptTimeout > TimeSpan.FromDays(1) || OverallTimeout > TimeSpan.FromDays(1))
                throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), "Timeouts are limited to a day.");
            if (BaseDelay < TimeSpan.Zero || RateLimitBaseDelay < TimeSpan.Zero || MaxBackoffDelay < TimeSpan.Zero ||
                MaxRetryAfter < TimeSpan.Zero || MaxRateLimitWait < TimeSpan.Zero || RateLimitResumeSpread < TimeSpan.Zero || NearLimitSpacing < TimeSpan.Zero || NearLimitSlowdown < TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(BaseDelay), "Delays cannot be negative.");
            // Timers take at most about 49 days; a day is already far beyond any run.
            if (MaxRetryAfter > TimeSpan.FromDays(1) || MaxRateLimitWait > TimeSpan.FromDays(1) || MaxBackoffDelay > TimeSpan.FromDays(1) ||
                NearLimitSpacing > TimeSpan.FromHours(1) || RateLimitResumeSpread > TimeSpan.FromHours(1))
                throw new ArgumentOutOfRangeException(nameof(MaxRetryAfter), "Waits are limited to a day (NearLimitSpacing and RateLimitResumeSpread to an hour).");
            if (MaxRequestsPerSecond is double rate && (double.IsNaN(rate) || rate < 0.01 || rate > 10_000))
                throw new ArgumentOutOfRangeException(nameof(MaxRequestsPerSecond), rate, "A request rate cap must be between 0.01 and 10000 per second.");
            if (string.IsNullOrWhiteSpace(UserAgent))
                throw new ArgumentException("A user agent is required.", nameof(UserAgent));
            return (SiteClientOptions)MemberwiseClone();
        }

        private static string ProductVersion()
        {
            var assembly = typeof(SiteClientOptions).Assembly;
            var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            if (!string.IsNullOrEmpty(informational))
            {
                // Drop the "+commit" build metadata: a product token has no place for it.
                var plus = informational!.IndexOf('+');
                return plus > 0 ? informational.Substring(0, plus) : informational;
            }

            return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        }
    }
}
