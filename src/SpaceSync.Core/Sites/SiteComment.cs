using System;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// A comment on a page (or blog post) as a site lists it. Ids are the site's own. A reply names the comment it
    /// answers; top-level comments have none. Author fields are what the listing said: a Data Center user key or a Cloud
    /// account id, and the display name (absent from Cloud v2's per-page listing, which names authors by id only).
    /// Space listings (CQL <c>type = comment</c>) hold inline comments too: <see cref="Location"/> tells them apart.
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

        /// <summary>
        /// Where it sits, as the site said (v1/Data Center <c>extensions.location</c>): <see cref="FooterLocation"/>,
        /// <c>inline</c> (anchored to text of the page body), or another word a server may use for an inline one
        /// (<c>resolved</c>); null when the answer did not say, as older servers, which know footer comments only.
        /// </summary>
        public string? Location { get; init; }

        public const string FooterLocation = "footer";

        /// <summary>A footer comment: the only kind SpaceSync copies. Anything the site places elsewhere is not one.</summary>
        public bool IsFooter => Location is null || Location == FooterLocation;

        public override string ToString() =>
            $"{(IsFooter ? "" : Location + " ")}comment {Id} v{Version} on page {PageId}" + (ParentCommentId is null ? "" : $" (reply to {ParentCommentId})");
    }
}
