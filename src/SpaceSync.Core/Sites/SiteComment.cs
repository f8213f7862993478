using System;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// A footer comment on a page (or blog post) as a site lists it. Ids are the site's own. A reply names the comment it
    /// answers; top-level comments have none. Author fields are what the listing said: a Data Center user key or a Cloud
    /// account id, and the display name (absent from Cloud v2's per-page listing, which names authors by id only).
    /// </summary>
    public sealed record SiteComment
    {
        public string Id { get; init; } = "";
        public string PageId { get; init; } = "";
        public string? ParentCommentId { get; init; }
        public int Version { get; init; }
        /// <summary>Storage format; null when the listing did not carry bodies.</summary>
        public string? Body { get; init; }
        public string? AuthorId { get; init; }
        public string? AuthorName { get; init; }
        /// <summary>When the comment was first written (its first version); MinValue when unknown.</summary>
        public DateTimeOffset Created { get; init; }
        /// <summary>When its current version was written.</summary>
        public DateTimeOffset Modified { get; init; }

        public override string ToString() =>
            $"comment {Id} v{Version} on page {PageId}" + (ParentCommentId is null ? "" : $" (reply to {ParentCommentId})");
    }
}
