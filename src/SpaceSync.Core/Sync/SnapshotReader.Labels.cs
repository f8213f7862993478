using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync
{
    // Labels are not versioned, so no change query shows a label edit: they are read by page id, in CQL batches — in a
    // sync together with the restrictions of the same pages (PageMetadataBatch), in the baseline on their own.
    public static partial class SnapshotReader
    {
        /// <summary>
        /// The snapshot with the labels of its current pages (PageSnapshot.Labels), read in ceil(n / 200) requests
        /// (<see cref="IConfluenceSite.ReadPageLabelsAsync"/>). Whichever pages the snapshot holds are read: a complete
        /// listing's every page, a change query's changed, unsettled and newly listed pages — so an everyday run with
        /// nothing changed reads no labels at all. Trashed pages are left unread (CQL does not search the trash, and
        /// nothing is written to them). A page gone since it was listed keeps null labels.
        /// </summary>
        public static Task<SideSnapshot> ReadLabelsAsync(IConfluenceSite site, SideSnapshot side, EngineLog log, CancellationToken cancellationToken) =>
            ReadLabelsAsync(site, side, new Dictionary<string, IReadOnlyList<string>?>(), log, cancellationToken);

        /// <param name="asLastSynced">
        /// Pages not to read, with the labels they get instead (their base labels, null when unknown): on a change query,
        /// the pages it lists again at the version last synced (the overlap meets the run's own writes again). Their
        /// labels can only have changed by a label edit, which no change query sees anyway: the structural listing reads them.
        /// </param>
        /// <param name="baseLabels">
        /// The labels last synced, by page id. The batches come from the site's search index, which trails label edits:
        /// a page whose labels there differ from its base is read again by id before the difference is believed (else a
        /// label a run just removed would come back, or one it just added go). A run with no label change asks nothing more.
        /// </param>
        public static async Task<SideSnapshot> ReadLabelsAsync(IConfluenceSite site, SideSnapshot side,
            IReadOnlyDictionary<string, IReadOnlyList<string>?> asLastSynced, EngineLog log, CancellationToken cancellationToken,
            IReadOnlyDictionary<string, IReadOnlyList<string>>? baseLabels = null)
        {
            if (site is null) throw new ArgumentNullException(nameof(site));
            if (side is null) throw new ArgumentNullException(nameof(side));
            if (asLastSynced is null) throw new ArgumentNullException(nameof(asLastSynced));
            var ids = LabelIdsToRead(side, asLastSynced);
            var read = ids.Count == 0 ? new Dictionary<string, IReadOnlyList<string>>()
                : await site.ReadPageLabelsAsync(ids, cancellationToken).ConfigureAwait(false);
            return await WithLabelsAsync(site, side, ids, read, asLastSynced, baseLabels, log, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The pages of <paramref name="side"/> whose labels are to be read: current pages not kept as last synced.
        /// </summary>
        internal static List<string> LabelIdsToRead(SideSnapshot side, IReadOnlyDictionary<string, IReadOnlyList<string>?> asLastSynced) =>
            side.Snapshot.Pages.Values
                .Where(p => p.Status == PageStatus.Current && !asLastSynced.ContainsKey(p.Id))
                .Select(p => p.Id).ToList();

        /// <summary>
        /// The snapshot with the labels <paramref name="read"/> for <paramref name="ids"/> (confirmed against
        /// <paramref name="baseLabels"/> as <see cref="ReadLabelsAsync(IConfluenceSite, SideSnapshot, IReadOnlyDictionary{string, IReadOnlyList{string}?}, EngineLog, CancellationToken, IReadOnlyDictionary{string, IReadOnlyList{string}}?)"/>
        /// says) and the kept labels of <paramref name="asLastSynced"/>.
        /// </summary>
        internal static async Task<SideSnapshot> WithLabelsAsync(IConfluenceSite site, SideSnapshot side, IReadOnlyList<string> ids,
            IReadOnlyDictionary<string, IReadOnlyList<string>> read, IReadOnlyDictionary<string, IReadOnlyList<string>?> asLastSynced,
            IReadOnlyDictionary<string, IReadOnlyList<string>>? baseLabels, EngineLog log, CancellationToken cancellationToken)
        {
            log ??= EngineLog.None;
            if (ids.Count == 0 && asLastSynced.Count == 0) return side;
            var labels = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var entry in read) labels[entry.Key] = entry.Value;
            foreach (var id in ids)
            {
                if (baseLabels is null || !labels.TryGetValue(id, out var searched) || !baseLabels.TryGetValue(id, out var synced) ||
                    new HashSet<string>(searched, StringComparer.Ordinal).SetEquals(synced)) continue;
                var own = await site.GetPageLabelsAsync(id, cancellationToken).ConfigureAwait(false);
                if (own is null) labels.Remove(id);
                else labels[id] = own;
            }

            var missing = ids.Count(id => !labels.ContainsKey(id));
            if (missing > 0)
                log.Debug("{Side}: the labels of {Count} listed page(s) could not be read (gone since the listing)", side.Side.Label(), missing);

            var pages = side.Snapshot.Pages.Values.Select(p =>
                labels.TryGetValue(p.Id, out var got) ? p with { Labels = got }
                : asLastSynced.TryGetValue(p.Id, out var kept) && kept != null && p.Status == PageStatus.Current ? p with { Labels = kept }
                : p).ToList();
            return new SideSnapshot(side.Side, side.Space, side.Snapshot.WithPages(pages), side.Bodies,
                site, side.Mode, side.HighWaterMark);
        }
    }
}
