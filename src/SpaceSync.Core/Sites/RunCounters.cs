using System;
using System.Collections.Concurrent;
using System.Threading;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// What one run sent through the site clients, apart from every other run that shares them (Invoke-SpaceSync
    /// -ThrottleLimit runs several spaces at once on one client per site). A difference of the clients' own counters
    /// would count the other runs' requests too. The run's scope is an async flow: <see cref="Begin"/> makes the calling
    /// flow, and every flow it starts, count here as well as in the clients' counters. A run begun inside another
    /// counts into both (a run's figures hold everything done on its behalf).
    /// </summary>
    public sealed class RunCounters
    {
        private static readonly AsyncLocal<RunCounters?> Current = new AsyncLocal<RunCounters?>();

        private readonly RunCounters? _outer;
        // Keyed by the client's counters (reference identity): a run sees both sites, and a test may hand it more.
        private readonly ConcurrentDictionary<SiteRequestCounters, SiteRequestCounters> _bySite =
            new ConcurrentDictionary<SiteRequestCounters, SiteRequestCounters>();

        private RunCounters(RunCounters? outer, string? label)
        {
            _outer = outer;
            Label = label;
        }

        /// <summary>What the run works on (its space key), said in each -Debug request line: runs at once interleave them.</summary>
        public string? Label { get; }

        /// <summary>The label of the innermost run the calling flow belongs to; null outside any run.</summary>
        internal static string? CurrentLabel => Current.Value?.Label;

        /// <summary>
        /// Starts counting for the calling async flow. Call it from an async method (a runner's entry point or what it
        /// calls synchronously): the method's flow keeps the scope and its caller's flow gets its own back when it returns.
        /// </summary>
        public static RunCounters Begin(string? label = null)
        {
            var run = new RunCounters(Current.Value, label);
            Current.Value = run;
            return run;
        }

        /// <summary>What this run sent to <paramref name="site"/> (zero when nothing).</summary>
        public SiteRequestCounters Of(IConfluenceSite site)
        {
            if (site is null) throw new ArgumentNullException(nameof(site));
            return Of(site.Counters);
        }

        /// <summary>Both sites' requests of this run, retries included.</summary>
        public long RequestsOf(IConfluenceSite dataCenter, IConfluenceSite cloud) => Of(dataCenter).RequestsSent + Of(cloud).RequestsSent;

        internal SiteRequestCounters Of(SiteRequestCounters site) => _bySite.GetOrAdd(site, _ => SiteRequestCounters.OfRun());

        /// <summary>Adds to every run the calling flow belongs to what <paramref name="site"/> just counted.</summary>
        internal static void Tally(SiteRequestCounters site, Action<SiteRequestCounters> add)
        {
            for (var run = Current.Value; run != null; run = run._outer)
            {
                add(run.Of(site));
            }
        }
    }
}
