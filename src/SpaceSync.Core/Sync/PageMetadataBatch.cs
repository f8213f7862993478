using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync
{
    /// <summary>Which labels a side's metadata read asks for: <see cref="SnapshotReader.ReadLabelsAsync(IConfluenceSite, SideSnapshot, IReadOnlyDictionary{string, IReadOnlyList{string}?}, EngineLog, CancellationToken, IReadOnlyDictionary{string, IReadOnlyList{string}}?)"/>'s parameters.</summary>
    internal sealed record LabelRead(IReadOnlyDictionary<string, IReadOnlyList<string>?> AsLastSynced,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? BaseLabels);

    /// <summary>
    /// One side's page metadata in a sync run — labels and restrictions, which make no version and so come from no
    /// change query — read in one CQL batch per <see cref="SiteLabels.BatchSize"/> pages
    /// (<see cref="IConfluenceSite.ReadPageMetadataAsync"/>), not a batch for each.
    /// </summary>
    internal static class PageMetadataBatch
    {
        /// <param name="labels">The labels to read (null: labels are not read in this run).</param>
        /// <param name="restrictionsOf">The pages whose restrictions to read, listed in the snapshot or not (ancestors, twins).</param>
        /// <param name="unlisted">Receives the restrictions read for pages the snapshot does not list.</param>
        /// <returns>The snapshot with both parts, and every restriction read (listed pages and unlisted).</returns>
        public static async Task<(SideSnapshot Side, IReadOnlyDictionary<string, PageRestrictions> Restrictions)> ReadAsync(
            IConfluenceSite site, SideSnapshot side, LabelRead? labels, IReadOnlyCollection<string> restrictionsOf,
            IDictionary<string, PageRestrictions> unlisted, EngineLog log, CancellationToken cancellationToken)
        {
            var (read, restrictions, _) = await ReadAsync(site, side, labels, restrictionsOf, unlisted, log, cancellationToken, withFiles: false)
                .ConfigureAwait(false);
            return (read, restrictions);
        }

        /// <summary>
        /// As the other overload, and with <paramref name="withFiles"/> the current attachments of every current page the
        /// snapshot lists, from the same searches (<c>children.attachment</c>): a complete listing for a structural or
        /// full read, in place of the space-wide attachment search. A page with more files than the expansion carries is
        /// listed on its own. Files is null without <paramref name="withFiles"/>.
        /// </summary>
        public static async Task<(SideSnapshot Side, IReadOnlyDictionary<string, PageRestrictions> Restrictions, AttachmentListing? Files)> ReadAsync(
            IConfluenceSite site, SideSnapshot side, LabelRead? labels, IReadOnlyCollection<string> restrictionsOf,
            IDictionary<string, PageRestrictions> unlisted, EngineLog log, CancellationToken cancellationToken, bool withFiles,
            IReadOnlyDictionary<string, PageMetadata>? alreadyRead = null)
        {
            if (site is null) throw new ArgumentNullException(nameof(site));
            if (side is null) throw new ArgumentNullException(nameof(side));
            var labelIds = labels is null ? new List<string>() : SnapshotReader.LabelIdsToRead(side, labels.AsLastSynced);
            var fileIds = withFiles
                ? side.Snapshot.Pages.Values.Where(p => p.Status == PageStatus.Current).Select(p => p.Id).ToList()
                : new List<string>();
            // Parts the unsettled pages' search already brought (UnsettledSearch) are not asked again.
            alreadyRead ??= new Dictionary<string, PageMetadata>();
            var labelsToAsk = labelIds.Where(id => !(alreadyRead.TryGetValue(id, out var m) && m.Labels != null)).ToList();
            var restrictionsToAsk = restrictionsOf.Where(id => !(alreadyRead.TryGetValue(id, out var m) && m.Restrictions != null)).ToList();
            var asked = labelsToAsk.Count + restrictionsToAsk.Count + fileIds.Count == 0 ? new Dictionary<string, PageMetadata>()
                : await site.ReadPageMetadataAsync(labelsToAsk, restrictionsToAsk, cancellationToken, fileIds).ConfigureAwait(false);
            var read = new Dictionary<string, PageMetadata>(StringComparer.Ordinal);
            foreach (var entry in asked) read[entry.Key] = entry.Value;
            var labelWanted = new HashSet<string>(labelIds, StringComparer.Ordinal);
            var restrictionWanted = new HashSet<string>(restrictionsOf, StringComparer.Ordinal);
            foreach (var entry in alreadyRead)
            {
                var labelsBefore = labelWanted.Contains(entry.Key) ? entry.Value.Labels : null;
                var restrictionsBefore = restrictionWanted.Contains(entry.Key) ? entry.Value.Restrictions : null;
                if (labelsBefore is null && restrictionsBefore is null) continue;
                read[entry.Key] = read.TryGetValue(entry.Key, out var fresh)
                    ? fresh with { Labels = fresh.Labels ?? labelsBefore, Restrictions = fresh.Restrictions ?? restrictionsBefore }
                    : new PageMetadata(labelsBefore, restrictionsBefore);
            }

            var files = withFiles
                ? SnapshotReader.AttachmentsOfPages(side.Side, read.Where(e => e.Value.Attachments != null)
                    .Select(e => new KeyValuePair<string, IReadOnlyList<SiteAttachment>>(e.Key, e.Value.Attachments!)))
                : null;

            if (labels != null)
            {
                var labelsRead = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                foreach (var entry in read)
                {
                    if (entry.Value.Labels != null) labelsRead[entry.Key] = entry.Value.Labels;
                }

                side = await SnapshotReader.WithLabelsAsync(site, side, labelIds, labelsRead, labels.AsLastSynced, labels.BaseLabels, log,
                    cancellationToken).ConfigureAwait(false);
            }

            var restrictions = new Dictionary<string, PageRestrictions>(StringComparer.Ordinal);
            foreach (var entry in read)
            {
                if (entry.Value.Restrictions != null) restrictions[entry.Key] = entry.Value.Restrictions;
            }

            foreach (var r in restrictions)
            {
                if (!side.Snapshot.Pages.ContainsKey(r.Key)) unlisted[r.Key] = r.Value;
            }

            var pages = side.Snapshot.Pages.Values.Select(p => restrictions.TryGetValue(p.Id, out var r) ? p with { Restrictions = r } : p);
            side = new SideSnapshot(side.Side, side.Space, side.Snapshot.WithPages(pages), side.Bodies, site, side.Mode, side.HighWaterMark);
            return (side, restrictions, files);
        }
    }
}
