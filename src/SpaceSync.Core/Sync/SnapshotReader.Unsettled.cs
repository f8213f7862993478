using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// How a change query reads the pages the last run left unsettled (issue 14): through one CQL search a side per
    /// <see cref="SiteLabels.BatchSize"/> pages that brings each page (version, title, parent, space, status) together with
    /// the labels and restrictions the run needs of it and of its ancestors, instead of a GET each and a metadata search
    /// after. A page the search shows at the version a run last hashed under the same translation inputs takes that hash
    /// and needs no body; any other (moved on, trashed, not returned, in another space, below a parent the caller does not
    /// trust, unreadable) is read by its GET as before. The metadata read is kept for the run's metadata batch
    /// (<see cref="PageMetadataBatch"/>), which then asks only for what is missing.
    /// </summary>
    /// <remarks>
    /// The page part is the search index's (docs/confluence-behaviours.md B34 and section 5): an edit made within the site's
    /// search lag before the run may not show yet, and is then seen by the next run, which searches again (the page stays
    /// unsettled until it is settled). Nothing is written on its strength: every write carries the version it was planned
    /// against, so a write planned on a trailing hit meets a 409 and is planned again from a read by id.
    /// </remarks>
    public sealed class UnsettledSearch
    {
        /// <param name="labelsOf">The pages whose labels the run reads (the unsettled ones, when labels are read at all).</param>
        /// <param name="restrictionsOf">The pages whose restrictions the run reads for them: they and their ancestors.</param>
        /// <param name="trust">Whether a hit may stand for the page (Cloud: not where a folder could sit between it and its parent).</param>
        public UnsettledSearch(IReadOnlyCollection<string> labelsOf, IReadOnlyCollection<string> restrictionsOf, Func<SitePage, bool> trust)
        {
            LabelsOf = labelsOf ?? throw new ArgumentNullException(nameof(labelsOf));
            RestrictionsOf = restrictionsOf ?? throw new ArgumentNullException(nameof(restrictionsOf));
            Trust = trust ?? throw new ArgumentNullException(nameof(trust));
        }

        public IReadOnlyCollection<string> LabelsOf { get; }
        public IReadOnlyCollection<string> RestrictionsOf { get; }
        public Func<SitePage, bool> Trust { get; }

        /// <summary>What the search brought, by page id (empty until the read): for the run's metadata batch.</summary>
        public IReadOnlyDictionary<string, PageMetadata> Read { get; internal set; } = new Dictionary<string, PageMetadata>(StringComparer.Ordinal);

        /// <summary>The pages the search stood for (no body read, the recorded hash taken).</summary>
        public ISet<string> TakenFromSearch { get; } = new HashSet<string>(StringComparer.Ordinal);
    }

    public static partial class SnapshotReader
    {
        /// <summary>
        /// Reads <paramref name="ids"/> (unsettled pages queued for a read by id) through <paramref name="search"/>: the
        /// snapshots of those the search stands for, which leave <paramref name="toRead"/>.
        /// </summary>
        private static async Task<List<PageSnapshot>> ReadUnsettledThroughSearchAsync(IConfluenceSite site, SiteSpace space,
            IReadOnlyCollection<string> ids, IReadOnlyDictionary<string, KnownVersion> seenHashes, UnsettledSearch search,
            List<string> toRead, CancellationToken cancellationToken)
        {
            var taken = new List<PageSnapshot>();
            // Only a page with a parsed hash to take: an unreadable one needs its body again for the parser's words.
            var candidates = ids.Where(id => seenHashes.TryGetValue(id, out var seen) &&
                                             !seen.BaseHash.StartsWith(UnparsedHashPrefix, StringComparison.Ordinal)).ToList();
            if (candidates.Count == 0) return taken;

            search.Read = await site.ReadPagesWithMetadataAsync(candidates, search.LabelsOf, search.RestrictionsOf, cancellationToken)
                .ConfigureAwait(false);
            foreach (var id in candidates)
            {
                if (!search.Read.TryGetValue(id, out var read) || read.Page is not { } hit) continue;
                var seen = seenHashes[id];
                if (hit.Status != SitePageStatus.Current || hit.Version.Number != seen.Version || hit.SpaceKey != space.Key || !search.Trust(hit))
                    continue;
                taken.Add(Snapshot(hit, PageStatus.Current, seen.BaseHash));
                search.TakenFromSearch.Add(id);
                toRead.Remove(id);
            }

            return taken;
        }
    }
}
