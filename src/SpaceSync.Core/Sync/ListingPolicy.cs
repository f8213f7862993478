using System;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// How a sync run reads the two sites (SPEC §3 "Incremental"): only what changed since the last run, with a
    /// structural listing of every page now and then to catch what change queries cannot see — trashes, purges,
    /// moves that make no version.
    /// </summary>
    public static class ListingPolicy
    {
        /// <summary>A structural listing at least this often: a runbook every 15 minutes lists every page once an hour.</summary>
        public static readonly TimeSpan StructuralEvery = TimeSpan.FromHours(1);

        /// <summary>
        /// How far back each change query reaches before the last mark when the scope does not say
        /// (<c>sites.*.searchLagMinutes</c>, <see cref="Sites.IConfluenceSite.SearchLag"/>): both sites' search indexes trail
        /// their writes, so a write made just before a run's mark may be searchable only after it. (CQL's minute resolution
        /// in the caller's zone is handled apart: the literal is written early and hits are cut by their exact times.)
        /// </summary>
        public static readonly TimeSpan ChangeOverlap = Sites.ConfluenceRestClient.DefaultSearchLag;

        public static ListingMode Choose(ReadMarks marks, bool interruptedCreates, bool fullListing, DateTimeOffset now)
        {
            if (marks is null) throw new ArgumentNullException(nameof(marks));
            // No marks yet (first run after a baseline), asked for, or a crashed create to look for: list every page.
            if (fullListing || interruptedCreates || marks.DataCenterChangesSince is null || marks.CloudChangesSince is null ||
                marks.StructuralAt is null)
            {
                return ListingMode.Structural;
            }

            // A clock set back (StructuralAt in the future) also lists in full rather than trusting the gap.
            var since = now - marks.StructuralAt.Value;
            return since >= StructuralEvery || since < TimeSpan.Zero ? ListingMode.Structural : ListingMode.Changes;
        }
    }
}
