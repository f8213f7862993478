namespace SpaceSync.Emulator.Store;

// The emulator's data model. Objects are mutated only by EmulatorState while it holds its lock;
// readers outside the emulator (tests) should read them through EmulatorState's snapshot methods.

/// <summary>A person who can call the site and be mentioned. Carries both products' identifiers.</summary>
public sealed class User
{
    internal User(string accountId, string userKey, string username, string displayName, string email, string timeZone)
    {
        AccountId = accountId;
        UserKey = userKey;
        Username = username;
        DisplayName = displayName;
        Email = email;
        TimeZone = timeZone;
    }

    /// <summary>Cloud identity (24 hex digits, like Atlassian account ids).</summary>
    public string AccountId { get; }

    /// <summary>Data Center identity (32 hex digits, like Confluence user keys).</summary>
    public string UserKey { get; }

    public string Username { get; }
    public string DisplayName { get; }
    public string Email { get; }

    /// <summary>IANA zone; CQL `lastmodified` literals are read in it.</summary>
    public string TimeZone { get; set; }

    /// <summary>
    /// Cloud profile visibility: the e-mail is shown to nobody but the user, so Cloud's user objects carry "" (Data Center
    /// has no such setting). Only the e-mail API (`/user/email`, for approved apps) still tells it.
    /// </summary>
    public bool EmailHidden { get; internal set; }

    /// <summary>Group names (read restrictions may name groups). Everyone is in confluence-users.</summary>
    public IReadOnlyList<string> Groups => GroupList;

    internal List<string> GroupList { get; } = new() { "confluence-users" };

    /// <summary>Cloud: Basic email:token. Null = cannot log in.</summary>
    internal string? ApiToken { get; set; }

    /// <summary>Data Center: Basic username:password. Null = cannot log in.</summary>
    internal string? Password { get; set; }

    /// <summary>Data Center: Bearer personal access token. Null = none.</summary>
    internal string? PersonalAccessToken { get; set; }

    /// <summary>Further API tokens (Cloud) or personal access tokens (Data Center): a user may hold several.</summary>
    internal List<string> MoreTokens { get; } = new();

    public override string ToString() => $"{DisplayName} <{Email}>";
}

public sealed class Space
{
    internal Space(long id, string key, string name, User creator, DateTimeOffset createdAt)
    {
        Id = id;
        Key = key;
        Name = name;
        Creator = creator;
        CreatedAt = createdAt;
    }

    public long Id { get; }
    public string Key { get; }
    public string Name { get; }
    public string Type { get; internal set; } = "global";
    public string Status { get; internal set; } = "current";
    public string? Description { get; internal set; }
    public User Creator { get; }
    public DateTimeOffset CreatedAt { get; }
    public long HomepageId { get; internal set; }
}

/// <summary>One saved state of a page: what a version number names.</summary>
public sealed class PageVersion
{
    internal PageVersion(int number, string title, string body, User author, DateTimeOffset when, string? message, bool minorEdit)
    {
        Number = number;
        Title = title;
        Body = body;
        Author = author;
        When = when;
        Message = message;
        MinorEdit = minorEdit;
    }

    public int Number { get; }
    public string Title { get; }

    /// <summary>Storage-format XHTML.</summary>
    public string Body { get; }

    public User Author { get; }
    public DateTimeOffset When { get; }
    public string? Message { get; }
    public bool MinorEdit { get; }
}

/// <summary>
/// A page or a blog post (same life cycle: versions, trash, labels, attachments, comments; blog posts have no parent), or on
/// Cloud a folder or whiteboard: content that holds pages in the tree without being a page (no body; v2 serves it on its
/// own endpoints, never among pages). Containers share the id sequence and the parent links with pages.
/// </summary>
public sealed class Page
{
    internal Page(long id, Space space, User creator, DateTimeOffset createdAt, string type = "page")
    {
        Id = id;
        Space = space;
        Creator = creator;
        CreatedAt = createdAt;
        Type = type;
    }

    public long Id { get; }

    /// <summary>"page", "blogpost", or (Cloud) "folder" or "whiteboard".</summary>
    public string Type { get; }

    public bool IsBlogPost => Type == "blogpost";

    /// <summary>A Cloud folder or whiteboard: a parent of pages in the tree that is not a page itself.</summary>
    public bool IsContainer => IsContainerType(Type);

    /// <summary>The content types that may hold pages without being pages (Cloud v2's non-page parentType values this emulator models).</summary>
    public static bool IsContainerType(string type) => type is "folder" or "whiteboard";
    public Space Space { get; }
    public User Creator { get; }
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Null for a top-level page (the home page is one); may name a folder or whiteboard on Cloud.</summary>
    public long? ParentId { get; internal set; }

    /// <summary>Parent before the page went to the trash; restore puts it back there if it still exists.</summary>
    internal long? ParentBeforeTrash { get; set; }

    /// <summary>"current", "trashed" or (Cloud) "archived".</summary>
    public string Status { get; internal set; } = "current";

    /// <summary>Order among siblings (Confluence's child position).</summary>
    public int Position { get; internal set; }

    /// <summary>
    /// What CQL `lastmodified` and Cloud v2's `modified-date` sort read: the last change of any kind, not only the last
    /// version. Moves, trashing, restoring, label and attachment changes make no version but move it (issue 12 item 5).
    /// </summary>
    public DateTimeOffset LastModified { get; internal set; }

    internal List<PageVersion> VersionList { get; } = new();
    internal List<Label> LabelList { get; } = new();

    /// <summary>Content restrictions by operation ("read", "update"); absent = not restricted.</summary>
    internal Dictionary<string, PageRestriction> RestrictionMap { get; } = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, PageRestriction> Restrictions => RestrictionMap;
    internal List<Attachment> AttachmentList { get; } = new();
    internal List<Comment> CommentList { get; } = new();

    public IReadOnlyList<PageVersion> Versions => VersionList;
    public PageVersion Current => VersionList[^1];
    public string Title => Current.Title;
    public IReadOnlyList<Label> Labels => LabelList;
    public IReadOnlyList<Attachment> Attachments => AttachmentList;
    public IReadOnlyList<Comment> Comments => CommentList;
}

/// <summary>
/// A comment on a page (optionally a reply); versions reuse <see cref="PageVersion"/> (title "Re: page"). A footer comment
/// sits below the page; an inline comment is anchored to text of the page's body by an
/// <c>&lt;ac:inline-comment-marker ac:ref="..."&gt;</c> around it. Replies live where their thread does.
/// </summary>
public sealed class Comment
{
    internal Comment(long id, Page page, long? parentCommentId, User creator, DateTimeOffset createdAt, string location = CommentLocation.Footer,
        string? markerRef = null, string? originalSelection = null)
    {
        Id = id;
        Page = page;
        ParentCommentId = parentCommentId;
        Creator = creator;
        CreatedAt = createdAt;
        Location = location;
        MarkerRef = markerRef;
        OriginalSelection = originalSelection;
    }

    public long Id { get; }
    public Page Page { get; }
    public long? ParentCommentId { get; }
    public User Creator { get; }
    public DateTimeOffset CreatedAt { get; }

    /// <summary><see cref="CommentLocation.Footer"/> or <see cref="CommentLocation.Inline"/> (replies share their thread's).</summary>
    public string Location { get; }

    public bool IsInline => Location == CommentLocation.Inline;

    /// <summary>Inline thread roots: the <c>ac:ref</c> of the marker in the page body.</summary>
    public string? MarkerRef { get; }

    /// <summary>Inline thread roots: the text that was highlighted when the comment was made.</summary>
    public string? OriginalSelection { get; }

    /// <summary>Inline thread roots: open, resolved, reopened or dangling (Cloud: the marker is gone from the body).</summary>
    public string ResolutionStatus { get; internal set; } = "open";

    /// <summary>Who last resolved or reopened the thread, and when (null until then).</summary>
    public User? ResolutionBy { get; internal set; }

    public DateTimeOffset? ResolutionAt { get; internal set; }

    internal List<PageVersion> VersionList { get; } = new();
    public IReadOnlyList<PageVersion> Versions => VersionList;
    public PageVersion Current => VersionList[^1];
}

/// <summary>Where a comment sits, as both products' REST APIs name it (v1/Data Center <c>extensions.location</c>).</summary>
public static class CommentLocation
{
    public const string Footer = "footer";
    public const string Inline = "inline";
}

/// <summary>Who may perform one operation on a restricted page.</summary>
public sealed class PageRestriction
{
    internal List<User> UserList { get; } = new();
    internal List<string> GroupList { get; } = new();
    public IReadOnlyList<User> Users => UserList;
    public IReadOnlyList<string> Groups => GroupList;
}

/// <summary>A label; ids are global per (prefix, name) as in Confluence.</summary>
public sealed record Label(long Id, string Prefix, string Name);

public sealed class AttachmentVersion
{
    internal AttachmentVersion(int number, long size, string filePath, string? comment, bool minorEdit, User author, DateTimeOffset when, string mediaType)
    {
        Number = number;
        Size = size;
        FilePath = filePath;
        Comment = comment;
        MinorEdit = minorEdit;
        Author = author;
        When = when;
        MediaType = mediaType;
    }

    public int Number { get; }
    public long Size { get; }

    /// <summary>Where the bytes of this version live on disk (the state's temp folder).</summary>
    public string FilePath { get; }

    public string? Comment { get; }
    public bool MinorEdit { get; }
    public User Author { get; }
    public DateTimeOffset When { get; }
    public string MediaType { get; }
}

public sealed class Attachment
{
    internal Attachment(long id, Page page, string fileName, string fileId, DateTimeOffset createdAt)
    {
        Id = id;
        Page = page;
        FileName = fileName;
        FileId = fileId;
        CreatedAt = createdAt;
    }

    public long Id { get; }

    /// <summary>Id as both products print it in JSON ("att" + number).</summary>
    public string ContentId => "att" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Page Page { get; }
    public string FileName { get; }
    public string FileId { get; }
    public DateTimeOffset CreatedAt { get; }
    public string Status { get; internal set; } = "current";
    internal List<AttachmentVersion> VersionList { get; } = new();
    public IReadOnlyList<AttachmentVersion> Versions => VersionList;
    public AttachmentVersion Current => VersionList[^1];
}

/// <summary>TooLarge: a body above the site's size limit (413).</summary>
public enum StoreErrorKind { NotFound, BadRequest, Conflict, Forbidden, TooLarge }

/// <summary>A refusal by the store; each flavour renders it in its own error shape.</summary>
public sealed class StoreException : Exception
{
    public StoreException(StoreErrorKind kind, string message, int? currentVersion = null, int? providedVersion = null)
        : base(message)
    {
        Kind = kind;
        CurrentVersion = currentVersion;
        ProvidedVersion = providedVersion;
    }

    public StoreErrorKind Kind { get; }
    public int? CurrentVersion { get; }
    public int? ProvidedVersion { get; }
}
