using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync
{
    public static partial class SnapshotReader
    {
        /// <summary>
        /// One side's attachments for a run, in O(attachments / <see cref="RestAttachments.SearchLimit"/>) requests (one CQL
        /// search for the whole space, never one request per page): every current attachment (<paramref name="changedSince"/>
        /// null: a complete listing, read with the structural listing) or only those changed at or after
        /// <paramref name="changedSince"/> (with the change queries: an incomplete listing, removals wait for a complete one).
        /// </summary>
        public static async Task<AttachmentListing> ReadAttachmentsAsync(IConfluenceSite site, SiteSpace space, SyncSide side,
            DateTimeOffset? changedSince, CancellationToken cancellationToken)
        {
            if (site is null) throw new ArgumentNullException(nameof(site));
            if (space is null) throw new ArgumentNullException(nameof(space));
            var files = new List<AttachmentSnapshot>();
            var reader = site.ListSpaceAttachments(space, changedSince);
            while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                var a = reader.Current;
                // Newest first: the first change older than asked ends the read (the rest, and their requests, are older still).
                if (changedSince is DateTimeOffset since && a.Modified is DateTimeOffset modified && modified < since) break;
                if (Snapshot(a) is { } file) files.Add(file);
            }

            return new AttachmentListing(side, files, isComplete: changedSince is null);
        }

        /// <summary>
        /// A complete listing from each listed page's own attachments (the metadata batch's <c>children.attachment</c>,
        /// <see cref="PageMetadataBatch"/>): complete for those pages, which are all a plan looks at (current pages).
        /// </summary>
        internal static AttachmentListing AttachmentsOfPages(SyncSide side, IEnumerable<KeyValuePair<string, IReadOnlyList<SiteAttachment>>> byPage)
        {
            var files = new List<AttachmentSnapshot>();
            foreach (var page in byPage)
            {
                foreach (var a in page.Value)
                {
                    // The expansion's attachments belong to the page asked for, whatever their container says.
                    if (Snapshot(a with { PageId = page.Key }) is { } file) files.Add(file);
                }
            }

            return new AttachmentListing(side, files, isComplete: true);
        }

        /// <summary>The planner's view of a listed attachment; null when the site left out what pairs it.</summary>
        private static AttachmentSnapshot? Snapshot(SiteAttachment a) =>
            string.IsNullOrEmpty(a.Id) || string.IsNullOrEmpty(a.PageId) || string.IsNullOrEmpty(a.FileName) || a.Version < 1
                ? null
                : new AttachmentSnapshot
                {
                    Id = a.Id,
                    PageId = a.PageId,
                    FileName = a.FileName,
                    Version = a.Version,
                    Size = a.Size,
                    MediaType = a.MediaType,
                    Comment = a.Comment,
                };
    }
}
