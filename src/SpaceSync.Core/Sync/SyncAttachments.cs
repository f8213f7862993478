using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Sync
{
    // What the planner reads and writes about attachments. An attachment belongs to a page; its file name is unique
    // (ignoring case) among the page's current attachments on both products, so it pairs files across the sites.

    /// <summary>One attachment as a side's listing showed it, at its current version.</summary>
    public sealed record AttachmentSnapshot
    {
        public string Id { get; init; } = "";
        /// <summary>The page it belongs to (the site's own id).</summary>
        public string PageId { get; init; } = "";
        public string FileName { get; init; } = "";
        public int Version { get; init; }
        /// <summary>Bytes of the current version; -1 when the site did not say.</summary>
        public long Size { get; init; } = -1;
        public string MediaType { get; init; } = "application/octet-stream";
        public string? Comment { get; init; }
    }

    /// <summary>
    /// One side's attachments as read for a run. A complete listing holds every current attachment of the space, so an
    /// attachment absent from it was removed (or trashed); an incomplete one (a change query) holds only those changed
    /// since the last run, and absence means "unchanged" — removals wait for the next complete listing.
    /// </summary>
    public sealed class AttachmentListing
    {
        private static readonly IReadOnlyList<AttachmentSnapshot> None = Array.Empty<AttachmentSnapshot>();
        private readonly Dictionary<string, IReadOnlyList<AttachmentSnapshot>> _byPage;

        public AttachmentListing(SyncSide side, IEnumerable<AttachmentSnapshot> attachments, bool isComplete)
        {
            if (attachments is null) throw new ArgumentNullException(nameof(attachments));
            Side = side;
            IsComplete = isComplete;
            // A search can list an attachment twice (paging shifts under uploads): the higher version wins.
            _byPage = attachments
                .GroupBy(a => a.Id, StringComparer.Ordinal).Select(g => g.OrderByDescending(a => a.Version).First())
                .GroupBy(a => a.PageId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<AttachmentSnapshot>)g.OrderBy(a => a.FileName, StringComparer.OrdinalIgnoreCase).ToList(),
                    StringComparer.Ordinal);
        }

        public SyncSide Side { get; }
        public bool IsComplete { get; }

        /// <summary>The listed attachments of one page (none when the page has none listed).</summary>
        public IReadOnlyList<AttachmentSnapshot> Of(string pageId) => _byPage.TryGetValue(pageId, out var list) ? list : None;

        public int Count => _byPage.Values.Sum(l => l.Count);

        /// <summary>The pages with files listed: a change query's listing names a few, so a run looks those up only.</summary>
        public IEnumerable<string> Pages => _byPage.Keys;
    }

    /// <summary>An attachment pair as last synced: the two attachments and the version each side then had.</summary>
    public sealed record SyncedAttachment
    {
        /// <summary>The state's row id (AttachmentPairRecord.Id).</summary>
        public long Id { get; init; }
        /// <summary>The page pair's key (its Data Center page id).</summary>
        public string PairKey { get; init; } = "";
        public string DataCenterId { get; init; } = "";
        public string CloudId { get; init; } = "";
        public string FileName { get; init; } = "";
        public int DataCenterVersion { get; init; }
        public int CloudVersion { get; init; }
        public long Size { get; init; }

        public string IdOn(SyncSide side) => side == SyncSide.DataCenter ? DataCenterId : CloudId;

        public int VersionOn(SyncSide side) => side == SyncSide.DataCenter ? DataCenterVersion : CloudVersion;
    }

    /// <summary>
    /// The file an attachment action moves. Uploads copy the source attachment to the target page (as a new attachment,
    /// or as a new version of <see cref="TargetAttachmentId"/>); deletes remove <see cref="TargetAttachmentId"/>; state-only
    /// steps pair two files (<see cref="SourceAttachmentId"/> and <see cref="TargetAttachmentId"/>) or forget a pair.
    /// </summary>
    public sealed record AttachmentRef
    {
        public string FileName { get; init; } = "";
        /// <summary>The page pair's key; null for a page this plan creates.</summary>
        public string? PairKey { get; init; }
        public string? SourceAttachmentId { get; init; }
        public int SourceVersion { get; init; }
        /// <summary>The source version's bytes as listed (-1 unknown).</summary>
        public long Size { get; init; } = -1;
        public string MediaType { get; init; } = "application/octet-stream";
        public string? Comment { get; init; }
        public string? TargetAttachmentId { get; init; }
        /// <summary>The target file's name when it differs in case from <see cref="FileName"/> (files paired by name); else null.</summary>
        public string? TargetFileName { get; init; }
        public int? TargetVersion { get; init; }
        /// <summary>The attachment pair this replaces or forgets (state row id); null for a file never synced.</summary>
        public long? AttachmentPairId { get; init; }
        /// <summary>State-only steps: true forgets the pair (removed on both sites); false pairs the two files.</summary>
        public bool Forget { get; init; }

        public override string ToString() => $"'{FileName}'" + (SourceAttachmentId is null ? "" : $" ({SourceAttachmentId} v{SourceVersion})");
    }
}
