using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// One attachment of a page, at the version the site reported (the current one in listings). Ids are the site's own:
    /// Cloud "att123456", Data Center "123456".
    /// </summary>
    public sealed record SiteAttachment
    {
        public string Id { get; init; } = "";
        /// <summary>The page (or blog post) the attachment belongs to.</summary>
        public string PageId { get; init; } = "";
        /// <summary>The file name, which is also the attachment's title; unique (ignoring case) among a page's current attachments.</summary>
        public string FileName { get; init; } = "";
        public string MediaType { get; init; } = "application/octet-stream";
        /// <summary>Bytes of this version as the site reports them (-1 when it does not say).</summary>
        public long Size { get; init; } = -1;
        public int Version { get; init; }
        /// <summary>The version's comment; null when empty.</summary>
        public string? Comment { get; init; }
        /// <summary>The site's download link for this version, relative to the site URL (e.g. /download/attachments/1/a.png?version=2...).</summary>
        public string? DownloadLink { get; init; }
        /// <summary>When this version was made (v1 version.when, v2 version.createdAt); null when the answer did not say.</summary>
        public DateTimeOffset? Modified { get; init; }

        public override string ToString() => $"attachment {Id} '{FileName}' v{Version} of page {PageId}";
    }

    /// <summary>What a download wrote: the byte count and the SHA-256 of exactly those bytes (lowercase hex), computed while streaming.</summary>
    public sealed record AttachmentDownload(long Bytes, string Sha256);

    /// <summary>
    /// Streams a page's attachments one listing page at a time: <c>while (await reader.MoveNextAsync(ct)) use(reader.Current);</c>.
    /// Nothing is requested before the first MoveNextAsync. Not thread-safe; read it once.
    /// </summary>
    public sealed class SiteAttachmentReader
    {
        private readonly ListingReader _listing;
        private readonly Func<JsonElement, SiteAttachment> _map;
        private SiteAttachment? _current;

        internal SiteAttachmentReader(ListingReader listing, Func<JsonElement, SiteAttachment> map)
        {
            _listing = listing;
            _map = map;
        }

        public SiteAttachment Current => _current ?? throw new InvalidOperationException("MoveNextAsync has not returned true.");

        public async Task<bool> MoveNextAsync(CancellationToken cancellationToken)
        {
            var moved = await _listing.MoveNextAsync(cancellationToken).ConfigureAwait(false);
            _current = moved ? _map(_listing.Current) : null;
            return moved;
        }

        /// <summary>Everything: a page's attachments are usually few. Pages with very many should stream.</summary>
        public async Task<List<SiteAttachment>> ReadAllAsync(CancellationToken cancellationToken)
        {
            var all = new List<SiteAttachment>();
            while (await MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                all.Add(Current);
            }

            return all;
        }
    }
}
