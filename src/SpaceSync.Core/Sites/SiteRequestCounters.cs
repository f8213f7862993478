using System;
using System.Threading;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// What one site client has sent so far (live, thread-safe). Each count also goes to the runs the calling flow belongs
    /// to (<see cref="RunCounters"/>), whose own counters are of this type: a run reports "requests made" from those.
    /// </summary>
    public sealed class SiteRequestCounters
    {
        /// <summary>A run's share of a client's counts: counted into by the client's counters, passing nothing on.</summary>
        private readonly bool _ofRun;
        private long _requestsSent;
        private long _retries;
        private long _rateLimited;
        private long _rateLimitWaitTicks;
        private long _changeListingBodies;

        public SiteRequestCounters()
        {
        }

        private SiteRequestCounters(bool ofRun) => _ofRun = ofRun;

        internal static SiteRequestCounters OfRun() => new SiteRequestCounters(ofRun: true);

        /// <summary>HTTP requests put on the wire, retries included.</summary>
        public long RequestsSent => Interlocked.Read(ref _requestsSent);

        /// <summary>Requests that were sent again after a 429, 5xx, timeout or transport failure.</summary>
        public long Retries => Interlocked.Read(ref _retries);

        /// <summary>429 answers received.</summary>
        public long RateLimitedResponses => Interlocked.Read(ref _rateLimited);

        /// <summary>
        /// Time spent waiting because the site throttled: the waits 429s and a 503's Retry-After asked for (or backoff
        /// after a 429 that said nothing), and the spacing after X-RateLimit-NearLimit. Summed over requests.
        /// </summary>
        public TimeSpan RateLimitWait => TimeSpan.FromTicks(Interlocked.Read(ref _rateLimitWaitTicks));

        internal void AddRateLimitWait(TimeSpan wait)
        {
            Interlocked.Add(ref _rateLimitWaitTicks, wait.Ticks);
            if (!_ofRun) RunCounters.Tally(this, run => run.AddRateLimitWait(wait));
        }

        internal void CountSent()
        {
            Interlocked.Increment(ref _requestsSent);
            if (!_ofRun) RunCounters.Tally(this, run => run.CountSent());
        }

        internal void CountRetry()
        {
            Interlocked.Increment(ref _retries);
            if (!_ofRun) RunCounters.Tally(this, run => run.CountRetry());
        }

        internal void CountRateLimited()
        {
            Interlocked.Increment(ref _rateLimited);
            if (!_ofRun) RunCounters.Tally(this, run => run.CountRateLimited());
        }

        /// <summary>
        /// Page bodies a change query took out of its listing's answers (issue 14: only the hits inside its window; a quiet
        /// run's listing holds none). Tests count them.
        /// </summary>
        internal long ChangeListingBodies => Interlocked.Read(ref _changeListingBodies);

        internal void CountChangeListingBody()
        {
            Interlocked.Increment(ref _changeListingBodies);
            if (!_ofRun) RunCounters.Tally(this, run => run.CountChangeListingBody());
        }

        public override string ToString() =>
            $"{RequestsSent} requests ({Retries} retries, {RateLimitedResponses} rate-limited)";
    }
}
