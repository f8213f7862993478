namespace SpaceSync.Emulator.Store;

/// <summary>
/// A page or blog post as the search index holds it: its state when it was last indexed. CQL matches, orders and
/// answers by it, and so do Cloud v2 listings sorted by modification date.
/// </summary>
public sealed record IndexedPage(Page Page, string Status, int Version, long? ParentId, IReadOnlyList<long> AncestorIds,
    IReadOnlyList<Label> Labels, DateTimeOffset LastModified)
{
    /// <summary>The version indexed (title, body, author, time).</summary>
    public PageVersion AtVersion => Page.Versions[Version - 1];

    public string Title => AtVersion.Title;
}

/// <summary>An attachment as the search index holds it.</summary>
public sealed record IndexedAttachment(Attachment Attachment, string Status, int Version)
{
    public AttachmentVersion AtVersion => Attachment.Versions[Version - 1];
    public DateTimeOffset LastModified => AtVersion.When;
}

/// <summary>A footer comment as the search index holds it.</summary>
public sealed record IndexedComment(Comment Comment, int Version)
{
    public PageVersion AtVersion => Comment.Versions[Version - 1];
    public DateTimeOffset LastModified => AtVersion.When;
}

// The search index (issue 12 item 5). Both products answer CQL, and Cloud its modified-date sorted listings, from a search
// index that a queue fills after each write: "placed in a queue and regularly processed in batches (as often as every 5
// seconds)" on Data Center, seconds and more under load on Cloud. Here every write queues the content it touched, due
// IndexLag later on the state's clock; a search first indexes what is due, taking the content's state as it is then (the
// index catches up to the present, it does not replay each write). Reads by id and the other listings are never lagged.
public sealed partial class EmulatorState
{
    private readonly Dictionary<long, IndexedPage> _indexedPages = new();
    private readonly Dictionary<long, IndexedAttachment> _indexedAttachments = new();
    private readonly Dictionary<long, IndexedComment> _indexedComments = new();
    private readonly Dictionary<long, DateTimeOffset> _indexDue = new();
    private TimeSpan _indexLag = EmulatorOptions.DefaultIndexLag;

    /// <summary>
    /// How long after a write the search index (CQL, Cloud v2 modified-date listings) shows it. Zero indexes at once.
    /// A change applies to writes from then on; setting zero also indexes everything still queued.
    /// </summary>
    public TimeSpan IndexLag
    {
        get { lock (Gate) return _indexLag; }
        set
        {
            if (value < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(value), "The index lag cannot be negative.");
            lock (Gate)
            {
                _indexLag = value;
                if (value == TimeSpan.Zero) IndexEverythingQueued();
            }
        }
    }

    /// <summary>How many pieces of content wait in the index queue.</summary>
    public int IndexQueueLength
    {
        get { lock (Gate) return _indexDue.Count; }
    }

    /// <summary>Indexes everything queued now, as if the lag had elapsed (tests that are about something else).</summary>
    public void IndexEverythingQueued()
    {
        lock (Gate)
        {
            foreach (var id in _indexDue.Keys.ToList()) Reindex(id);
            _indexDue.Clear();
        }
    }

    /// <summary>The index's pages and blog posts the caller may see, after indexing what is due. Call under the lock.</summary>
    internal IEnumerable<IndexedPage> IndexedPages()
    {
        IndexWhatIsDue();
        return _indexedPages.Values.Where(e => Visible(e.Page));
    }

    /// <summary>
    /// The index's pages and blog posts the caller may see, after indexing what is due, of only the given ids when
    /// <paramref name="ids"/> is not null: looked up by id, not found by scanning the whole index. Call under the lock.
    /// </summary>
    internal IEnumerable<IndexedPage> IndexedPages(IReadOnlySet<long>? ids)
    {
        if (ids is null) return IndexedPages();
        IndexWhatIsDue();
        return ids.Select(IndexedPageOf).OfType<IndexedPage>().Where(e => Visible(e.Page));
    }

    /// <summary>
    /// The ids a search confined to <paramref name="ids"/> must look at as pages: the ids themselves and the pages of
    /// the attachments and comments among them (their page decides whether they are searchable). Call under the lock.
    /// </summary>
    internal IReadOnlySet<long> WithTheirPages(IReadOnlySet<long> ids)
    {
        var all = new HashSet<long>(ids);
        foreach (var id in ids)
        {
            if (_indexedAttachments.TryGetValue(id, out var a)) all.Add(a.Attachment.Page.Id);
            else if (_indexedComments.TryGetValue(id, out var c)) all.Add(c.Comment.Page.Id);
        }
        return all;
    }

    /// <summary>The index's attachments, all or of only the given ids. Call under the lock, after <see cref="IndexedPages()"/>.</summary>
    internal IEnumerable<IndexedAttachment> IndexedAttachmentsOf(IReadOnlySet<long>? ids) =>
        ids is null ? _indexedAttachments.Values : ids.Select(id => _indexedAttachments.GetValueOrDefault(id)).OfType<IndexedAttachment>();

    /// <summary>The index's comments, all or of only the given ids. Call under the lock, after <see cref="IndexedPages()"/>.</summary>
    internal IEnumerable<IndexedComment> IndexedCommentsOf(IReadOnlySet<long>? ids) =>
        ids is null ? _indexedComments.Values : ids.Select(id => _indexedComments.GetValueOrDefault(id)).OfType<IndexedComment>();

    /// <summary>The index's attachments (of any status). Call under the lock, after <see cref="IndexedPages"/>.</summary>
    internal IEnumerable<IndexedAttachment> IndexedAttachments => _indexedAttachments.Values;

    /// <summary>The index's comments. Call under the lock, after <see cref="IndexedPages"/>.</summary>
    internal IEnumerable<IndexedComment> IndexedComments => _indexedComments.Values;

    /// <summary>The index's entry of a page, or null (not indexed yet, or purged and indexed since). Call under the lock.</summary>
    internal IndexedPage? IndexedPageOf(long id) => _indexedPages.GetValueOrDefault(id);

    /// <summary>Queues content for indexing after a write. Call under the lock.</summary>
    private void QueueIndex(long contentId)
    {
        if (_indexLag == TimeSpan.Zero)
        {
            Reindex(contentId);
            return;
        }
        var due = Now() + _indexLag;
        // A write queued earlier and not yet due takes this one along: the index takes the content as it is by then.
        if (!_indexDue.TryGetValue(contentId, out var queued) || due < queued) _indexDue[contentId] = due;
    }

    /// <summary>Queues a page and, since their ancestors changed with it, everything below it. Call under the lock.</summary>
    private void QueueIndexWithDescendants(Page page)
    {
        var todo = new Stack<Page>();
        todo.Push(page);
        while (todo.Count > 0)
        {
            var p = todo.Pop();
            QueueIndex(p.Id);
            foreach (var child in _pages.Values.Where(c => c.ParentId == p.Id)) todo.Push(child);
        }
    }

    /// <summary>A change that makes no version still moves the page's last-modified time, and queues it. Call under the lock.</summary>
    private void Touch(Page page)
    {
        page.LastModified = Now();
        QueueIndex(page.Id);
    }

    /// <summary>
    /// Takes into the index what is due by now. Searches call it first, and so do writes, before they change anything: a
    /// queued write is indexed at its due time, before any later write to the same content. Call under the lock.
    /// </summary>
    private void IndexWhatIsDue()
    {
        if (_indexDue.Count == 0) return;
        var now = Clock.GetUtcNow();
        foreach (var (id, due) in _indexDue.Where(d => d.Value <= now).ToList())
        {
            Reindex(id);
            _indexDue.Remove(id);
        }
    }

    /// <summary>Takes the content's present state into the index, or drops it when it is gone.</summary>
    private void Reindex(long id)
    {
        if (_pages.TryGetValue(id, out var page))
        {
            _indexedPages[id] = new IndexedPage(page, page.Status, page.Current.Number, page.ParentId,
                Ancestors(page).Select(a => a.Id).ToList(), page.LabelList.ToList(), page.LastModified);
            return;
        }
        _indexedPages.Remove(id);
        if (_attachments.TryGetValue(id, out var attachment))
        {
            _indexedAttachments[id] = new IndexedAttachment(attachment, attachment.Status, attachment.Current.Number);
            return;
        }
        _indexedAttachments.Remove(id);
        if (_comments.TryGetValue(id, out var comment)) _indexedComments[id] = new IndexedComment(comment, comment.Current.Number);
        else _indexedComments.Remove(id);
    }
}
