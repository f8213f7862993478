using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// A real site client with hooks that run just before a write goes out (to let "somebody else" edit the page
/// between plan and write) or just after a create (to lose its answer, as a dropped connection would).
/// </summary>
public sealed class InterceptingSite(IConfluenceSite inner) : IConfluenceSite
{
    public Func<string, Task>? BeforeUpdate { get; set; }
    public Func<string, Task>? BeforeGetPage { get; set; }
    /// <summary>Makes a create that took effect fail as OutcomeUnknown (the answer was lost).</summary>
    public Func<string, bool>? LoseCreateAnswer { get; set; }

    public SiteKind Kind => inner.Kind;
    public Uri BaseUrl => inner.BaseUrl;
    public SiteRequestCounters Counters => inner.Counters;
    public TimeSpan SearchLag => inner.SearchLag;

    public Task<SiteUser> GetCurrentUserAsync(CancellationToken cancellationToken) => inner.GetCurrentUserAsync(cancellationToken);
    /// <summary>Told "start &lt;call&gt;" and "end &lt;call&gt;" around the reads a run makes of both sites (the order shows overlap).</summary>
    public Action<string>? Journal { get; set; }

    private async Task<T> JournaledAsync<T>(string call, Func<Task<T>> read)
    {
        Journal?.Invoke("start " + call);
        try
        {
            return await read();
        }
        finally
        {
            Journal?.Invoke("end " + call);
        }
    }

    public Task<SiteSpace?> FindSpaceAsync(string spaceKey, CancellationToken cancellationToken) =>
        JournaledAsync("FindSpace", () => inner.FindSpaceAsync(spaceKey, cancellationToken));
    public Task<WriteAccessResult> CheckWriteAccessAsync(SiteSpace space, SiteUser user, CancellationToken cancellationToken) =>
        inner.CheckWriteAccessAsync(space, user, cancellationToken);
    public SitePageReader ListPages(SiteSpace space, bool withBodies, bool includeTrashed) => inner.ListPages(space, withBodies, includeTrashed);
    public SitePageReader ListTrash(SiteSpace space) => inner.ListTrash(space);
    public async Task<SitePage?> GetPageAsync(string pageId, CancellationToken cancellationToken)
    {
        if (BeforeGetPage != null) await BeforeGetPage(pageId);
        return await inner.GetPageAsync(pageId, cancellationToken);
    }

    /// <summary>Answers a folder (or whiteboard) as missing, as a 404 would (gone, or not visible to the account).</summary>
    public Func<string, bool>? HideContainer { get; set; }

    public Task<SiteContainer?> GetContainerAsync(string type, string id, CancellationToken cancellationToken) =>
        HideContainer?.Invoke(id) == true ? Task.FromResult<SiteContainer?>(null) : inner.GetContainerAsync(type, id, cancellationToken);

    public async Task<SitePage> CreatePageAsync(SiteSpace space, string? parentId, string title, string storageBody, CancellationToken cancellationToken)
    {
        var page = await inner.CreatePageAsync(space, parentId, title, storageBody, cancellationToken);
        if (LoseCreateAnswer?.Invoke(title) == true)
            throw new SiteException(SiteErrorKind.OutcomeUnknown, "The connection was lost before the answer to the create arrived.", "POST", "/pages");
        return page;
    }

    public async Task<SitePage> UpdatePageAsync(string pageId, int plannedVersion, string title, string storageBody, CancellationToken cancellationToken)
    {
        if (BeforeUpdate != null) await BeforeUpdate(pageId);
        return await inner.UpdatePageAsync(pageId, plannedVersion, title, storageBody, cancellationToken);
    }

    public async Task<SitePage> MovePageAsync(string pageId, int plannedVersion, string newParentId, CancellationToken cancellationToken)
    {
        if (BeforeUpdate != null) await BeforeUpdate(pageId);
        return await inner.MovePageAsync(pageId, plannedVersion, newParentId, cancellationToken);
    }

    public async Task<SitePage?> MovePageToTopLevelAsync(string pageId, int plannedVersion, CancellationToken cancellationToken)
    {
        if (BeforeUpdate != null) await BeforeUpdate(pageId);
        return await inner.MovePageToTopLevelAsync(pageId, plannedVersion, cancellationToken);
    }

    public Task TrashPageAsync(string pageId, CancellationToken cancellationToken) => inner.TrashPageAsync(pageId, cancellationToken);

    public Task<SitePage> RestorePageAsync(string pageId, int plannedVersion, CancellationToken cancellationToken) =>
        inner.RestorePageAsync(pageId, plannedVersion, cancellationToken);
    public Task PurgePageAsync(string pageId, CancellationToken cancellationToken) => inner.PurgePageAsync(pageId, cancellationToken);
    public Task<SitePage?> FindPageByTitleAsync(SiteSpace space, string title, CancellationToken cancellationToken) =>
        inner.FindPageByTitleAsync(space, title, cancellationToken);
    public Task<SitePageChanges> GetChangedPagesAsync(SiteSpace space, DateTimeOffset since, TimeSpan overlap, bool withBodies, CancellationToken cancellationToken,
        IReadOnlyCollection<string>? touchedWithoutVersion = null) =>
        JournaledAsync("GetChangedPages", () => inner.GetChangedPagesAsync(space, since, overlap, withBodies, cancellationToken, touchedWithoutVersion));

    public void Dispose() { /* the inner client belongs to the test world */ }

    // ---- labels
    public Task<IReadOnlyList<string>?> GetPageLabelsAsync(string pageId, CancellationToken cancellationToken) =>
        inner.GetPageLabelsAsync(pageId, cancellationToken);
    public Task<IReadOnlyDictionary<string, SitePage>> ReadPageBodiesAsync(IReadOnlyCollection<string> pageIds, CancellationToken cancellationToken) =>
        JournaledAsync("ReadPageBodies", () => inner.ReadPageBodiesAsync(pageIds, cancellationToken));
    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadPageLabelsAsync(IReadOnlyCollection<string> pageIds, CancellationToken cancellationToken) =>
        inner.ReadPageLabelsAsync(pageIds, cancellationToken);
    /// <summary>Runs just before a label write goes out (e.g. to delete the page meanwhile).</summary>
    public Func<string, Task>? BeforeLabelWrite { get; set; }
    public async Task AddPageLabelsAsync(string pageId, IReadOnlyCollection<string> labels, CancellationToken cancellationToken)
    {
        if (BeforeLabelWrite != null) await BeforeLabelWrite(pageId);
        await inner.AddPageLabelsAsync(pageId, labels, cancellationToken);
    }
    public async Task RemovePageLabelAsync(string pageId, string label, CancellationToken cancellationToken)
    {
        if (BeforeLabelWrite != null) await BeforeLabelWrite(pageId);
        await inner.RemovePageLabelAsync(pageId, label, cancellationToken);
    }

    // ---- users
    public SiteUserReader ListUsers() => inner.ListUsers();
    public Task<DirectoryUser?> GetUserAsync(string userId, CancellationToken cancellationToken) => inner.GetUserAsync(userId, cancellationToken);
    public Task<DirectoryUser?> FindUserByUsernameAsync(string username, CancellationToken cancellationToken) =>
        inner.FindUserByUsernameAsync(username, cancellationToken);

    // ---- attachments
    public SiteAttachmentReader ListAttachments(string pageId) => inner.ListAttachments(pageId);
    public Task<SiteAttachment?> FindAttachmentAsync(string pageId, string fileName, CancellationToken cancellationToken) =>
        inner.FindAttachmentAsync(pageId, fileName, cancellationToken);
    public Task<AttachmentDownload> DownloadAttachmentAsync(SiteAttachment attachment, int? version, Stream destination, CancellationToken cancellationToken) =>
        inner.DownloadAttachmentAsync(attachment, version, destination, cancellationToken);
    public Task<SiteAttachment> UploadAttachmentAsync(string pageId, string fileName, string? mediaType, Stream content, string? comment,
        CancellationToken cancellationToken) =>
        inner.UploadAttachmentAsync(pageId, fileName, mediaType, content, comment, cancellationToken);
    public Task<SiteAttachment> UploadAttachmentVersionAsync(string pageId, string attachmentId, string fileName, string? mediaType, Stream content,
        string? comment, CancellationToken cancellationToken) =>
        inner.UploadAttachmentVersionAsync(pageId, attachmentId, fileName, mediaType, content, comment, cancellationToken);
    public Task DeleteAttachmentAsync(string pageId, string attachmentId, CancellationToken cancellationToken) =>
        inner.DeleteAttachmentAsync(pageId, attachmentId, cancellationToken);

    // ---- attachments (space-wide)
    public SiteAttachmentReader ListSpaceAttachments(SiteSpace space, DateTimeOffset? changedSince) => inner.ListSpaceAttachments(space, changedSince);

    // ---- restrictions
    public Task<PageRestrictions?> GetPageRestrictionsAsync(string pageId, CancellationToken cancellationToken) =>
        inner.GetPageRestrictionsAsync(pageId, cancellationToken);
    /// <summary>Every page id whose restrictions were asked for.</summary>
    public List<string> RestrictionReads { get; } = new();

    public Task<IReadOnlyDictionary<string, PageRestrictions>> ReadPageRestrictionsAsync(IReadOnlyCollection<string> pageIds,
        CancellationToken cancellationToken)
    {
        RestrictionReads.AddRange(pageIds);
        return inner.ReadPageRestrictionsAsync(pageIds, cancellationToken);
    }
    /// <summary>Every page id whose labels or restrictions were asked for in a metadata batch.</summary>
    public List<string> MetadataReads { get; } = new();

    public Task<IReadOnlyDictionary<string, PageMetadata>> ReadPageMetadataAsync(IReadOnlyCollection<string> labelsOf,
        IReadOnlyCollection<string> restrictionsOf, CancellationToken cancellationToken, IReadOnlyCollection<string>? attachmentsOf = null)
    {
        RestrictionReads.AddRange(restrictionsOf);
        MetadataReads.AddRange(labelsOf.Concat(restrictionsOf).Distinct());
        return JournaledAsync("ReadPageMetadata", () => inner.ReadPageMetadataAsync(labelsOf, restrictionsOf, cancellationToken, attachmentsOf));
    }
    public Task<IReadOnlyDictionary<string, PageMetadata>> ReadPagesWithMetadataAsync(IReadOnlyCollection<string> pagesOf,
        IReadOnlyCollection<string> labelsOf, IReadOnlyCollection<string> restrictionsOf, CancellationToken cancellationToken)
    {
        RestrictionReads.AddRange(restrictionsOf);
        MetadataReads.AddRange(labelsOf.Concat(restrictionsOf).Distinct());
        return JournaledAsync("ReadPagesWithMetadata", () => inner.ReadPagesWithMetadataAsync(pagesOf, labelsOf, restrictionsOf, cancellationToken));
    }
    public Task SetPageRestrictionsAsync(string pageId, PageRestrictions restrictions, CancellationToken cancellationToken) =>
        inner.SetPageRestrictionsAsync(pageId, restrictions, cancellationToken);

    // ---- comments
    /// <summary>Makes a comment create that took effect fail as OutcomeUnknown (the answer was lost); given the body sent.</summary>
    public Func<string, bool>? LoseCommentCreateAnswer { get; set; }
    /// <summary>Runs just before a comment update goes out (given the comment id): "somebody else" edits meanwhile.</summary>
    public Func<string, Task>? BeforeCommentUpdate { get; set; }
    public Task<IReadOnlyList<SiteComment>?> ListPageCommentsAsync(string pageId, CancellationToken cancellationToken) =>
        inner.ListPageCommentsAsync(pageId, cancellationToken);
    /// <summary>Leaves comments out of the space listing, as a search index that has not caught up does.</summary>
    public Func<SiteComment, bool>? HideFromCommentSearch { get; set; }
    public async Task<IReadOnlyList<SiteComment>> ListSpaceCommentsAsync(string spaceKey, DateTimeOffset? modifiedSince, CancellationToken cancellationToken)
    {
        var all = await inner.ListSpaceCommentsAsync(spaceKey, modifiedSince, cancellationToken);
        return HideFromCommentSearch is null ? all : all.Where(c => !HideFromCommentSearch(c)).ToList();
    }
    public Task<SiteComment?> GetCommentAsync(string commentId, CancellationToken cancellationToken) => inner.GetCommentAsync(commentId, cancellationToken);
    public async Task<SiteComment> CreateCommentAsync(string pageId, string? parentCommentId, string storageBody, CancellationToken cancellationToken)
    {
        var comment = await inner.CreateCommentAsync(pageId, parentCommentId, storageBody, cancellationToken);
        if (LoseCommentCreateAnswer?.Invoke(storageBody) == true)
            throw new SiteException(SiteErrorKind.OutcomeUnknown, "The connection was lost before the answer to the comment create arrived.", "POST", "/footer-comments");
        return comment;
    }
    public async Task<SiteComment> UpdateCommentAsync(string commentId, int plannedVersion, string storageBody, CancellationToken cancellationToken)
    {
        if (BeforeCommentUpdate != null) await BeforeCommentUpdate(commentId);
        return await inner.UpdateCommentAsync(commentId, plannedVersion, storageBody, cancellationToken);
    }
    public Task DeleteCommentAsync(string commentId, CancellationToken cancellationToken) => inner.DeleteCommentAsync(commentId, cancellationToken);

    // ---- blog posts
    public ContentKind Content => inner.Content;
    public IConfluenceSite OfBlogPosts() => inner.OfBlogPosts();
}
