using System;
using System.Collections.Generic;

using System.IO;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// One Confluence site (Cloud or Data Center) as SpaceSync uses it. Every call may throw
    /// <see cref="SiteException"/> and honours its cancellation token on every request it makes.
    /// </summary>
    public interface IConfluenceSite : IDisposable
    {
        SiteKind Kind { get; }

        /// <summary>The site URL as configured (Cloud: https://x.atlassian.net/wiki; DC with its context path).</summary>
        Uri BaseUrl { get; }

        SiteRequestCounters Counters { get; }

        /// <summary>
        /// How long the site's search (CQL, Cloud's modified-date listing) may trail its writes: a write shows there only
        /// later, at the time it was made. Change queries reach this far back before the last run's mark, so a write made
        /// just before a run and searchable only after it is still found by the next one. The scope's
        /// <c>sites.*.searchLagMinutes</c>; 10 minutes when not set.
        /// </summary>
        TimeSpan SearchLag { get; }

        /// <summary>Who the credentials sign in as. Throws SiteException Unauthorized when refused (or anonymous).</summary>
        Task<SiteUser> GetCurrentUserAsync(CancellationToken cancellationToken);

        /// <summary>The space with this key (Cloud: the Cloud key), or null when missing or invisible to the account.</summary>
        Task<SiteSpace?> FindSpaceAsync(string spaceKey, CancellationToken cancellationToken);

        /// <summary>Whether the user may create pages in the space.</summary>
        Task<WriteAccessResult> CheckWriteAccessAsync(SiteSpace space, SiteUser user, CancellationToken cancellationToken);

        // ------------------------------------------------------------------ pages
        // Page ids are the site's own (strings). Every write states the version it was planned against; a stale
        // one fails with SiteException Conflict whose CurrentVersion says where the page is now.

        /// <summary>
        /// Streams every page of the space (current and archived; with <paramref name="includeTrashed"/> also the
        /// trash). <paramref name="withBodies"/> false is the structural listing (ids, titles, parents, versions,
        /// status), much cheaper on both products. Requests start with the first MoveNextAsync.
        /// </summary>
        SitePageReader ListPages(SiteSpace space, bool withBodies, bool includeTrashed);

        /// <summary>
        /// Streams the pages in the space's trash (structural: no bodies). Trashing makes no version on either
        /// product, so change queries cannot see it; the trash is usually small, and one request lists it.
        /// </summary>
        SitePageReader ListTrash(SiteSpace space);

        /// <summary>The page with its storage body (current or trashed), or null when missing or not visible to the account (404).</summary>
        Task<SitePage?> GetPageAsync(string pageId, CancellationToken cancellationToken);

        /// <summary>
        /// The current bodies and versions of many pages in few requests: Data Center CQL <c>id in (...)</c> with
        /// <c>body.storage</c>, 50 a request (the cap with bodies); Cloud v2 <c>GET /pages?id=</c>, 250 a request. A page the
        /// answer does not return (the search index trails; trashed) is read on its own with
        /// <see cref="GetPageAsync"/>; pages missing then are absent from the answer. The search may trail a recent edit:
        /// callers compare the version with the one they expect.
        /// </summary>
        Task<IReadOnlyDictionary<string, SitePage>> ReadPageBodiesAsync(IReadOnlyCollection<string> pageIds, CancellationToken cancellationToken);

        /// <summary>
        /// A non-page parent a page names (<see cref="SitePage.ParentType"/>): Cloud v2 <c>GET /{type}s/{id}</c> for a folder,
        /// whiteboard, database or embed; null when missing or not visible to the account (404). Data Center has none: null,
        /// nothing sent. A type Cloud does not document (<see cref="SiteContainer.Types"/>) is an ArgumentException.
        /// </summary>
        Task<SiteContainer?> GetContainerAsync(string type, string id, CancellationToken cancellationToken);

        /// <summary>
        /// Creates a page below <paramref name="parentId"/> (null: at the top level of the space, beside the homepage).
        /// A POST is never repeated blindly: when the answer is lost the call fails with SiteErrorKind.OutcomeUnknown
        /// and the page may or may not exist; look for it with <see cref="FindPageByTitleAsync"/> (titles are unique
        /// in a space) and adopt it when its parent and body are the intended ones. A taken title: BadRequest.
        /// </summary>
        Task<SitePage> CreatePageAsync(SiteSpace space, string? parentId, string title, string storageBody, CancellationToken cancellationToken);

        /// <summary>New title and body, as version <paramref name="plannedVersion"/> + 1. Stale: Conflict (CurrentVersion set).</summary>
        Task<SitePage> UpdatePageAsync(string pageId, int plannedVersion, string title, string storageBody, CancellationToken cancellationToken);

        /// <summary>
        /// Moves the page below <paramref name="newParentId"/> (same space) as version <paramref name="plannedVersion"/> + 1,
        /// keeping title and body: reads the page first (both products need them in the PUT), and fails with
        /// Conflict without writing when it is no longer at the planned version. A Cloud page that sat in a folder (or below
        /// another non-page parent) leaves it: the answer's <see cref="SitePage.LeftContainer"/> names it.
        /// </summary>
        Task<SitePage> MovePageAsync(string pageId, int plannedVersion, string newParentId, CancellationToken cancellationToken);

        /// <summary>
        /// Moves the page to the space's top level (beside the homepage), keeping title and body: reads the page first and
        /// fails with Conflict without writing when it is no longer at <paramref name="plannedVersion"/>. Returns the page
        /// as it is after the move, or null when the product's REST API has no way to do it (Data Center) — nothing sent.
        /// </summary>
        Task<SitePage?> MovePageToTopLevelAsync(string pageId, int plannedVersion, CancellationToken cancellationToken);

        /// <summary>Moves the page to the space's trash (its children move up to its parent, as Confluence does).</summary>
        Task TrashPageAsync(string pageId, CancellationToken cancellationToken);

        /// <summary>
        /// Brings a trashed page back (status current, sent as version <paramref name="plannedVersion"/> + 1, the
        /// trashed page's version + 1; both products then keep the version number). Conflict when stale. A page that
        /// is already current at the planned version is returned as it is, without a write.
        /// </summary>
        Task<SitePage> RestorePageAsync(string pageId, int plannedVersion, CancellationToken cancellationToken);

        /// <summary>Deletes a trashed page for good.</summary>
        Task PurgePageAsync(string pageId, CancellationToken cancellationToken);

        /// <summary>The current page with this title in the space (with body), or null. For adopting a create whose outcome is unknown.</summary>
        Task<SitePage?> FindPageByTitleAsync(SiteSpace space, string title, CancellationToken cancellationToken);

        /// <summary>
        /// Current pages modified at or after <paramref name="since"/> − <paramref name="overlap"/> (with their storage
        /// bodies when <paramref name="withBodies"/>: a sync needs them, and they come in the same requests), one per
        /// page at its newest version, oldest change first. Pass the previous answer's
        /// HighWaterMark as <paramref name="since"/>. Trashing does not make a version on either product, so trashes
        /// (and restores) are not changes here: a periodic structural listing catches them.
        /// <paramref name="touchedWithoutVersion"/>: pages recent runs wrote labels or files to. Those writes make no
        /// version but move the query's sort key, so such pages sort among the newest with an old version time; they are
        /// neutral to the stop rule (neither older hits nor changes), so that many of them cannot end the read before a
        /// person's edit that sorts behind them.
        /// </summary>
        Task<SitePageChanges> GetChangedPagesAsync(SiteSpace space, DateTimeOffset since, TimeSpan overlap, bool withBodies,
            CancellationToken cancellationToken, IReadOnlyCollection<string>? touchedWithoutVersion = null);

        // ---- labels
        // Only global labels (prefix "global") are read and written: personal "my:" labels belong to one user, and
        // "team" is the legacy prefix of space categories; neither has a meaning on the other product. Names come
        // back trimmed, lower-cased (Confluence stores them so), distinct and sorted ordinally.

        /// <summary>The page's global labels, or null when the page is missing or not visible to the account (404).</summary>
        Task<IReadOnlyList<string>?> GetPageLabelsAsync(string pageId, CancellationToken cancellationToken);

        /// <summary>
        /// The global labels of many pages in few requests: CQL <c>id in (...)</c> with <c>expand=metadata.labels</c>,
        /// <see cref="SiteLabels.BatchSize"/> ids per request. A page the search does not return (the index lags a new
        /// page; trashed or deleted) is read on its own; pages missing or invisible then are absent from the answer.
        /// Cost: ceil(n / BatchSize) requests, plus one per page the index has not caught up with (or with more labels
        /// than an expansion carries). Labels are not versioned, so change queries never see a label edit: a sync that
        /// merges labels has to read them for every pair it tracks.
        /// </summary>
        Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadPageLabelsAsync(
            IReadOnlyCollection<string> pageIds, CancellationToken cancellationToken);

        /// <summary>
        /// Adds global labels to the page in one request (v1 POST with an array). Labels already there are no-ops, so a
        /// lost answer is repeated once rather than reported as unknown. Empty list: nothing is sent.
        /// </summary>
        Task AddPageLabelsAsync(string pageId, IReadOnlyCollection<string> labels, CancellationToken cancellationToken);

        /// <summary>
        /// Removes one label from the page (DELETE with <c>?name=</c>). A label already gone is success (e.g. a repeated
        /// DELETE whose first answer was lost); a missing page is SiteException NotFound.
        /// </summary>
        Task RemovePageLabelAsync(string pageId, string label, CancellationToken cancellationToken);

        // ---- users
        // For pairing users between the sites (mentions: Data Center user key <-> Cloud account id).

        /// <summary>
        /// Streams the site's users. Data Center: <c>GET /rest/api/user/list?expand=details.personal</c> (every registered
        /// user, deactivated ones included; e-mails only where the site shows them to the caller, and the reader's EmailNotice
        /// says why some are missing). Cloud: <c>GET /wiki/rest/api/search/user?cql=type=user</c>; e-mails that profiles hide are asked
        /// from <c>/user/email/bulk</c>, and when Cloud refuses that too the users come with EmailWithheld and the
        /// reader's EmailNotice says why. Requests start with the first MoveNextAsync.
        /// </summary>
        SiteUserReader ListUsers();

        /// <summary>
        /// One user by the site's id (Data Center user key, Cloud account id), deactivated users included, or null when
        /// the site knows no such user (404). For a mention of someone the listing did not return.
        /// </summary>
        Task<DirectoryUser?> GetUserAsync(string userId, CancellationToken cancellationToken);

        /// <summary>
        /// Data Center: the user with this username (older content mentions by <c>ri:username</c>), or null. Cloud has no
        /// usernames since its privacy changes: always null, nothing is sent.
        /// </summary>
        Task<DirectoryUser?> FindUserByUsernameAsync(string username, CancellationToken cancellationToken);

        // ---- attachments
        // An attachment belongs to a page; its file name is unique (ignoring case) among the page's current attachments
        // on both products. Bytes are streamed both ways, never held whole in memory.

        /// <summary>Streams the page's current attachments (each at its current version). Requests start with the first MoveNextAsync.</summary>
        SiteAttachmentReader ListAttachments(string pageId);

        /// <summary>
        /// The page's current attachment with exactly this file name (the sites' filename filter compares it as given), or
        /// null. For adopting an upload whose outcome is unknown.
        /// </summary>
        Task<SiteAttachment?> FindAttachmentAsync(string pageId, string fileName, CancellationToken cancellationToken);

        /// <summary>
        /// Copies version <paramref name="version"/> (null: <see cref="SiteAttachment.Version"/>) of the attachment into
        /// <paramref name="destination"/> as it arrives, hashing on the way. Retried only before the first byte; a break
        /// after it fails with Unreachable (the destination then holds a part: start over). Cloud needs
        /// <see cref="SiteAttachment.Id"/> (its REST download redirects once to a media host, followed without credentials);
        /// a version the attachment does not have is NotFound on Data Center and BadRequest on Cloud (as documented).
        /// </summary>
        Task<AttachmentDownload> DownloadAttachmentAsync(SiteAttachment attachment, int? version, Stream destination, CancellationToken cancellationToken);

        /// <summary>
        /// Adds a new attachment to the page from <paramref name="content"/> (read from its position to its end, left open).
        /// Like a page create, never repeated blindly: a lost answer fails with OutcomeUnknown (look with
        /// <see cref="FindAttachmentAsync"/>). A taken file name: BadRequest. Above the site's size limit: TooLarge, naming the file.
        /// </summary>
        Task<SiteAttachment> UploadAttachmentAsync(string pageId, string fileName, string? mediaType, Stream content, string? comment,
            CancellationToken cancellationToken);

        /// <summary>Uploads new bytes as the next version of the page's attachment; same failure rules as <see cref="UploadAttachmentAsync"/>.</summary>
        Task<SiteAttachment> UploadAttachmentVersionAsync(string pageId, string attachmentId, string fileName, string? mediaType, Stream content,
            string? comment, CancellationToken cancellationToken);

        /// <summary>Moves the attachment to the trash, as deleting it in the product does. NotFound when it is gone already.</summary>
        Task DeleteAttachmentAsync(string pageId, string attachmentId, CancellationToken cancellationToken);

        // ---- attachments (space-wide)
        // Attachments make no page version, so neither page listings nor change queries see them come and go; one CQL
        // search lists them for the whole space instead of one request per page.

        /// <summary>
        /// Streams the current attachments of the space's pages (and blog posts), each at its current version, with its page
        /// as <see cref="SiteAttachment.PageId"/>: CQL <c>type = attachment and space = KEY</c> (v1 <c>/content/search</c>,
        /// <c>expand=version,container</c>), <see cref="RestAttachments.SearchLimit"/> a request, oldest first. With
        /// <paramref name="changedSince"/> only those changed at or after it, newest first (<c>lastmodified &gt;=</c>, written
        /// early enough for any caller time zone, so older ones come after them: stop reading at the first whose
        /// <see cref="SiteAttachment.Modified"/> is before <paramref name="changedSince"/>). Trashed attachments are never listed, and the search
        /// index trails uploads by seconds: confirm an absence on the page itself before acting on it. Requests start with the
        /// first MoveNextAsync.
        /// </summary>
        SiteAttachmentReader ListSpaceAttachments(SiteSpace space, DateTimeOffset? changedSince);

        // ---- restrictions
        // A page's own read (view) and update (edit) restrictions, users by the site's id (Data Center user key, Cloud
        // account id) and groups by name. Confluence hides a page with a read restriction, and every descendant of it,
        // from everyone it does not name. Restriction edits make no version: change queries never see them.

        /// <summary>The page's own restrictions, or null when the page is missing or not visible to the account (404).</summary>
        Task<PageRestrictions?> GetPageRestrictionsAsync(string pageId, CancellationToken cancellationToken);

        /// <summary>
        /// The restrictions of many pages in few requests: CQL <c>id in (...)</c> expanding
        /// <c>restrictions.read.restrictions.user/group</c> and <c>restrictions.update.restrictions.user/group</c>,
        /// <see cref="SiteLabels.BatchSize"/> ids a request. A page the search does not return (index lag; trashed), or
        /// whose lists may be cut short, is read on its own; pages missing or invisible then are absent from the answer.
        /// Cost: ceil(n / BatchSize) requests, plus one per page read on its own.
        /// </summary>
        Task<IReadOnlyDictionary<string, PageRestrictions>> ReadPageRestrictionsAsync(IReadOnlyCollection<string> pageIds,
            CancellationToken cancellationToken);

        // ---- page metadata
        /// <summary>
        /// Labels, restrictions and current attachments of many pages together: one CQL <c>id in (...)</c> search
        /// expanding <c>metadata.labels</c>, the four restriction lists and <c>children.attachment.version</c>,
        /// <see cref="SiteLabels.BatchSize"/> ids a request, over the union of the id lists (a page in one list gets only
        /// that part). What the search does not return, or returns cut short (a page with more attachments than the
        /// expansion carries), is read on the page's own endpoints; pages missing then are absent. Cost:
        /// ceil(|union| / BatchSize) requests, plus one per part read alone — where reading the parts apart costs a batch
        /// (or a space-wide listing) each.
        /// </summary>
        Task<IReadOnlyDictionary<string, PageMetadata>> ReadPageMetadataAsync(IReadOnlyCollection<string> labelsOf,
            IReadOnlyCollection<string> restrictionsOf, CancellationToken cancellationToken, IReadOnlyCollection<string>? attachmentsOf = null);

        /// <summary>
        /// Pages read through the search together with their labels and restrictions (issue 14: an unsettled page and its
        /// metadata in one request a side): one CQL <c>id in (...)</c> search per <see cref="SiteLabels.BatchSize"/> ids of
        /// the union, expanding <c>version,ancestors,space</c> for <paramref name="pagesOf"/> (no body), <c>metadata.labels</c>
        /// and the four restriction lists. Nothing is read alone: a page the search does not return is absent, a part it
        /// cuts short is null. The page part is the search index's (it may trail an edit by the site's search lag, B34).
        /// </summary>
        Task<IReadOnlyDictionary<string, PageMetadata>> ReadPagesWithMetadataAsync(IReadOnlyCollection<string> pagesOf,
            IReadOnlyCollection<string> labelsOf, IReadOnlyCollection<string> restrictionsOf, CancellationToken cancellationToken);

        /// <summary>
        /// Makes the page's read and update restrictions exactly <paramref name="restrictions"/> (users by this site's
        /// ids). Both products refuse a write that shuts out the account making it, so name the account when restricting.
        /// </summary>
        Task SetPageRestrictionsAsync(string pageId, PageRestrictions restrictions, CancellationToken cancellationToken);

        // ---- comments
        // Footer comments (and replies) on pages. Ids are the site's own; a comment carries its page, the comment it
        // answers, its version, author and storage body. Comments are not trashed: a delete is for good, replies included.

        /// <summary>One page's footer comments, replies included (each naming its parent); null when the page is not there.</summary>
        Task<IReadOnlyList<SiteComment>?> ListPageCommentsAsync(string pageId, CancellationToken cancellationToken);

        /// <summary>
        /// Every comment in the space (CQL type = comment), or with <paramref name="modifiedSince"/> those whose current
        /// version is that recent or newer. Deleted comments are simply absent. CQL cannot ask for footer comments alone:
        /// inline comments (and their replies) come too, each with its <see cref="SiteComment.Location"/>.
        /// </summary>
        Task<IReadOnlyList<SiteComment>> ListSpaceCommentsAsync(string spaceKey, DateTimeOffset? modifiedSince, CancellationToken cancellationToken);

        /// <summary>
        /// One comment read directly (not through the search index, which lags new and deleted content); null when it is gone.
        /// Cloud reads footer comments only (an inline comment's id is not one); Data Center reads either kind, saying which.
        /// </summary>
        Task<SiteComment?> GetCommentAsync(string commentId, CancellationToken cancellationToken);

        /// <summary>Adds a footer comment to the page, or a reply to <paramref name="parentCommentId"/> (on the same page).</summary>
        Task<SiteComment> CreateCommentAsync(string pageId, string? parentCommentId, string storageBody, CancellationToken cancellationToken);

        /// <summary>Replaces the body; fails with SiteException Conflict when the comment is no longer at <paramref name="plannedVersion"/>.</summary>
        Task<SiteComment> UpdateCommentAsync(string commentId, int plannedVersion, string storageBody, CancellationToken cancellationToken);

        /// <summary>Deletes the comment (and its replies) for good; one already gone is no error.</summary>
        Task DeleteCommentAsync(string commentId, CancellationToken cancellationToken);

        // ---- blog posts

        /// <summary>What this instance's page operations work on: pages, or (through <see cref="OfBlogPosts"/>) blog posts.</summary>
        ContentKind Content { get; }

        /// <summary>
        /// The same site, signed in the same way and counting on the same counters, whose "page" operations work on the
        /// space's blog posts: listing, change queries, trash, get, create (never below a parent), update, trash, restore,
        /// purge, find by title. Moves do not apply. Labels, attachments, comments and restrictions take a blog post's id as
        /// they take a page's. Disposing the view leaves the site open.
        /// </summary>
        IConfluenceSite OfBlogPosts();
    }
}
