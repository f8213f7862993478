using System;
using System.Globalization;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// How long a run waited because a site throttled it, per site: the waits its 429s and a 503's Retry-After asked for
    /// (or backoff after a 429 that said nothing), and the spacing after X-RateLimit-NearLimit
    /// (<see cref="SiteRequestCounters.RateLimitWait"/>).
    /// </summary>
    public sealed record RateLimitWaits(TimeSpan DataCenter, TimeSpan Cloud)
    {
        public static RateLimitWaits None { get; } = new RateLimitWaits(TimeSpan.Zero, TimeSpan.Zero);

        public TimeSpan Total => DataCenter + Cloud;

        /// <summary>What <paramref name="run"/>'s requests have waited so far on each site (not other runs sharing the clients).</summary>
        public static RateLimitWaits Of(RunCounters run, IConfluenceSite dataCenter, IConfluenceSite cloud) =>
            new RateLimitWaits(run.Of(dataCenter).RateLimitWait, run.Of(cloud).RateLimitWait);

        /// <summary>"none", or "12.5 s (Data Center 0 s, Cloud 12.5 s)".</summary>
        public override string ToString() =>
            Total <= TimeSpan.Zero ? "none" : $"{Seconds(Total)} (Data Center {Seconds(DataCenter)}, Cloud {Seconds(Cloud)})";

        private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
    }
}
