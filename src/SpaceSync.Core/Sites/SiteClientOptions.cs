using System;
using System.Reflection;

namespace SpaceSync.Core.Sites
{
    /// <summary>How a site client talks to its site. Defaults follow the reference's "good client behaviour".</summary>
    public sealed class SiteClientOptions
    {
        /// <summary>Longest wait for one attempt (headers and body).</summary>
        public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Longest time for one request, all attempts and waits included.</summary>
        public TimeSpan OverallTimeout { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>Attempts per request, the first one included.</summary>
        public int MaxAttempts { get; set; } = 4;

        /// <summary>First backoff wait when the server gave no Retry-After; doubles per retry (jitter 0.7–1.3).</summary>
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>Cap of a computed backoff wait.</summary>
        public TimeSpan MaxBackoffDelay { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Cap of a server-requested (Retry-After) wait; a longer request is shortened and logged.</summary>
        public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

        public string UserAgent { get; set; } = DefaultUserAgent;

        /// <summary>Receives retries and other notable events; null = nobody listens.</summary>
        public Action<SiteEvent>? OnEvent { get; set; }

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
            if (AttemptTimeout <= TimeSpan.Zero || OverallTimeout <= TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), "Timeouts must be positive.");
            if (BaseDelay < TimeSpan.Zero || MaxBackoffDelay < TimeSpan.Zero || MaxRetryAfter < TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(BaseDelay), "Delays cannot be negative.");
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
