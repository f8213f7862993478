using System;
using System.Collections.Generic;

namespace SpaceSync.Core.Sites
{
    public enum SitePageStatus
    {
        Current,
        Trashed,
        /// <summary>Cloud's archived pages (listed by default by v2, as the product does).</summary>
        Archived,
        /// <summary>Any other status the site reports (e.g. draft); see <see cref="SitePage.RawStatus"/>.</summary>
        Other,
    }

    /// <summary>One version stamp of a page.</summary>
    public sealed record SitePageVersion
    {
        public int Number { get; init; }

        /// <summary>When the version was made, as an instant (Cloud sends UTC, Data Center the server's offset).</summary>
        public DateTimeOffset When { get; init; }

        /// <summary>Who made it: Cloud accountId, Data Center userKey (null when the site does not say).</summary>
        public string? AuthorId { get; init; }
    }

    /// <summary>
    /// A page as either site reports it, in one shape. Parent rule (the same on both products): the space
    /// homepage and any other top-level page have no parent (ParentId null); pages below the homepage carry
    /// the homepage's id. Whether a page *is* the homepage: compare its Id with <see cref="SiteSpace.HomepageId"/>.
    /// </summary>
    public sealed record SitePage
    {
        public string Id { get; init; } = "";

        /// <summary>The space's id (Cloud spaceId; Data Center's numeric id when the answer carries it).</summary>
        public string? SpaceId { get; init; }

        /// <summary>The space's key (Data Center always; Cloud when the page was read through a known space).</summary>
        public string? SpaceKey { get; init; }

        public string Title { get; init; } = "";

        /// <summary>
        /// The parent's id; null for top-level pages (including the space homepage) and for trashed pages on Data Center. On
        /// Cloud the parent may be a folder, whiteboard, database or embed rather than a page: see <see cref="ParentType"/>.
        /// </summary>
        public string? ParentId { get; init; }

        /// <summary>
        /// What the parent is, as Cloud v2 says (<c>parentType</c>: "page", "folder", "whiteboard", "database", "embed"); null
        /// when the site does not say (Data Center, whose parents are always pages) or there is no parent.
        /// </summary>
        public string? ParentType { get; init; }

        /// <summary>The parent is content of another type than a page (a Cloud folder, whiteboard, database or embed).</summary>
        public bool HasNonPageParent => ParentId != null && ParentType != null && ParentType != SiteContainer.PageType;

        /// <summary>
        /// Set by a move (<see cref="IConfluenceSite.MovePageAsync"/>, <see cref="IConfluenceSite.MovePageToTopLevelAsync"/>) that
        /// took the page out of a non-page parent: that folder (or whiteboard, ...), as it was before the move.
        /// </summary>
        public SiteParent? LeftContainer { get; init; }

        public SitePageStatus Status { get; init; }

        /// <summary>The status word as the site sent it (current, trashed, archived, draft...).</summary>
        public string RawStatus { get; init; } = "";

        public SitePageVersion Version { get; init; } = new SitePageVersion();

        /// <summary>Order among siblings (Cloud v2 position); null where the answer does not carry it (Data Center).</summary>
        public int? Position { get; init; }

        /// <summary>The body in storage representation, or null when it was not asked for (structural listings).</summary>
        public string? Body { get; init; }

        public override string ToString() => $"page {Id} \"{Title}\" v{Version.Number} ({RawStatus})";
    }

    /// <summary>What a change query found.</summary>
    public sealed record SitePageChanges
    {
        /// <summary>Pages modified at or after (since − overlap): one entry per page, its newest version, oldest change first (bodies when asked for).</summary>
        public IReadOnlyList<SitePage> Pages { get; init; } = Array.Empty<SitePage>();

        /// <summary>
        /// The mark to pass as <c>since</c> next time: the site's clock when it answered (its Date header), or the
        /// newest modification time seen if later, or the given <c>since</c> when neither moves it. Never the
        /// client's clock, which may be skewed against the site.
        /// </summary>
        public DateTimeOffset HighWaterMark { get; init; }
    }
}
