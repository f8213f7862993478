using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SpaceSync.Emulator.Store;

/// <summary>What a page update asks for; null members leave that part unchanged.</summary>
public sealed record PageUpdate(int VersionNumber, string? Title, string? Body, string? Status = null,
    bool Move = false, long? NewParentId = null, string? Message = null, bool MinorEdit = false);

/// <summary>
/// The whole site: users, spaces, pages with their versions, labels and attachments.
/// One lock guards everything (the emulator serves tests, not load), ids come from counters so a
/// seeded run reproduces, attachment bytes live in a private temp folder.
/// </summary>
public sealed partial class EmulatorState : IDisposable
{
    private readonly Dictionary<long, Space> _spaces = new();
    private readonly Dictionary<long, Page> _pages = new();
    private readonly Dictionary<long, Attachment> _attachments = new();
    private readonly Dictionary<long, Comment> _comments = new();
    private readonly Dictionary<string, Label> _labels = new(StringComparer.Ordinal);
    private readonly List<User> _users = new();
    private readonly string _blobFolder;
    private long _nextSpaceId;
    private long _nextContentId;
    private long _nextLabelId = 1001;
    private int _nextUserNumber;
    private int _blobCounter;

    public EmulatorState(EmulatorFlavor flavor, int seed = 1, string adminTimeZone = "Europe/Berlin")
    {
        Flavor = flavor;
        Seed = seed;
        _nextSpaceId = flavor == EmulatorFlavor.Cloud ? 1_376_257 : 98_305;
        _nextContentId = flavor == EmulatorFlavor.Cloud ? 2_654_209 : 65_537;
        _blobFolder = Path.Combine(Path.GetTempPath(), "spacesync-emulator-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_blobFolder);
        Admin = flavor == EmulatorFlavor.Cloud
            ? AddUser("Emulator Admin", "admin@example.com", "admin", adminTimeZone, apiToken: "emulator-token")
            : AddUser("Emulator Admin", "admin@example.com", "admin", adminTimeZone, password: "admin", personalAccessToken: "emulator-pat");
    }

    public EmulatorFlavor Flavor { get; }
    public int Seed { get; }

    /// <summary>The default caller (Cloud admin@example.com / emulator-token; DC admin/admin or PAT emulator-pat).</summary>
    public User Admin { get; }

    /// <summary>Request counters (the control endpoint reads and resets them).</summary>
    public RequestStats Stats { get; } = new();

    /// <summary>
    /// The zone whose calendar dates blog posts are "posted" on (titles unique per day, DC postingDay, URLs):
    /// the server's zone on Data Center, UTC on Cloud. Set by the host from the options.
    /// </summary>
    public TimeZoneInfo PostingZone { get; set; } = TimeZoneInfo.Utc;

    /// <summary>The posting day of a blog post (its creation date in <see cref="PostingZone"/>).</summary>
    public DateTime PostingDay(Page post)
    {
        ArgumentNullException.ThrowIfNull(post);
        return TimeZoneInfo.ConvertTime(post.CreatedAt, PostingZone).Date;
    }

    /// <summary>Source of timestamps; tests may swap it to make times predictable.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>
    /// The site's maximum attachment size in bytes (Data Center: General Configuration › Attachment Maximum Size, 100 MB
    /// by default); an upload above it is refused with 413. 0 = no limit.
    /// </summary>
    public long MaxAttachmentBytes { get; set; }

    /// <summary>
    /// Cloud only: page and blog-post writes store the body converted as Cloud's editor converts it (local ids, table and
    /// macro attributes, task ids, attribute order, empty elements; see <see cref="Cloud.CloudEditorConversion"/>).
    /// On by default, as on a real site; off only for a test about something else that needs the body stored as written.
    /// </summary>
    public bool RewritesBodies { get; set; } = true;

    /// <summary>
    /// Cloud only: constructs a page or blog-post write is refused for (400 "Content body cannot be converted to new editor
    /// format"): element names or <c>macro:NAME</c>, space separated for nesting ("table table" = a table inside a table).
    /// Default <see cref="Cloud.CloudEditorConversion.DefaultRefusedConstructs"/>; empty = refuse nothing.
    /// </summary>
    public IReadOnlyList<string> RefusedConstructs
    {
        get => _refusedConstructs;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            foreach (var construct in value) Cloud.CloudEditorConversion.Validate(construct);
            _refusedConstructs = value.ToList();
        }
    }

    private IReadOnlyList<string> _refusedConstructs = Cloud.CloudEditorConversion.DefaultRefusedConstructs;

    internal object Gate { get; } = new();

    private readonly AsyncLocal<User?> _viewer = new();

    /// <summary>
    /// The authenticated caller of the request being served (flows with the request). When set, pages hidden
    /// from it by read restrictions look missing, as on a real site. Unset (tests using the store) = sees all.
    /// </summary>
    internal User? Viewer
    {
        get => _viewer.Value;
        set => _viewer.Value = value;
    }

    private bool Visible(Page page) => Viewer is not { } viewer || CanView(page, viewer);

    /// <summary>
    /// Read restrictions apply to the page and, inherited, to its descendants: the user must be named (or be
    /// in a named group) by every read restriction on the way to the root.
    /// </summary>
    public bool CanView(Page page, User user)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(user);
        lock (Gate)
        {
            for (Page? p = page; p is not null; p = p.ParentId is long up ? _pages.GetValueOrDefault(up) : null)
                if (p.RestrictionMap.TryGetValue("read", out var r) && !r.UserList.Contains(user) && !r.GroupList.Any(g => user.GroupList.Contains(g, StringComparer.OrdinalIgnoreCase)))
                    return false;
            return true;
        }
    }

    /// <summary>Update restrictions are not inherited: only the page's own one counts.</summary>
    public bool CanEdit(Page page, User user)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(user);
        lock (Gate)
            return CanView(page, user)
                && (!page.RestrictionMap.TryGetValue("update", out var r) || r.UserList.Contains(user) || r.GroupList.Any(g => user.GroupList.Contains(g, StringComparer.OrdinalIgnoreCase)));
    }

    private void EnsureEditable(Page page)
    {
        EnsureNotArchived(page);
        if (Viewer is { } viewer && !CanEdit(page, viewer))
            throw new StoreException(StoreErrorKind.Forbidden, $"Not permitted to edit page {page.Id}: an update restriction does not include {viewer.DisplayName}.");
    }

    /// <summary>Adds a user to a group (for restrictions that name groups).</summary>
    public void AddUserToGroup(User user, string group)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        lock (Gate)
            if (!user.GroupList.Contains(group, StringComparer.OrdinalIgnoreCase)) user.GroupList.Add(group);
    }

    internal DateTimeOffset Now()
    {
        var now = Clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }

    // ---------------------------------------------------------------- users

    /// <summary>
    /// Adds a user. Credentials are optional: a user without them can only be mentioned. <paramref name="sharedEmail"/>
    /// lets a Data Center directory hold a second user with an e-mail already taken (real directories do: test and
    /// service accounts); Cloud accounts are e-mail addresses, so Cloud never allows it. A shared-e-mail user cannot log in.
    /// </summary>
    public User AddUser(string displayName, string email, string? username = null, string? timeZone = null,
        string? apiToken = null, string? password = null, string? personalAccessToken = null, bool sharedEmail = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        if (sharedEmail && (Flavor == EmulatorFlavor.Cloud || apiToken is not null || password is not null || personalAccessToken is not null))
            throw new ArgumentException("Only a Data Center user without credentials may share an e-mail address.", nameof(sharedEmail));
        lock (Gate)
        {
            if (!sharedEmail && _users.Any(u => string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase)))
                throw new ArgumentException($"A user with email {email} exists already.", nameof(email));
            username ??= email.Split('@')[0].ToLowerInvariant();
            if (_users.Any(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase)))
                throw new ArgumentException($"A user with username {username} exists already.", nameof(username));
            var n = _nextUserNumber++;
            var accountId = Hex($"account:{Seed}:{n}", 24);
            var userKey = Hex($"userkey:{Seed}:{n}", 32);
            var zone = timeZone ?? Admin?.TimeZone ?? "UTC";
            TimeZones.Find(zone);
            var user = new User(accountId, userKey, username, displayName, email, zone)
            {
                ApiToken = apiToken,
                Password = password,
                PersonalAccessToken = personalAccessToken,
            };
            if (Admin is null) user.GroupList.Add(AdministratorsGroup);
            _users.Add(user);
            return user;
        }
    }

    /// <summary>Sets the user's Cloud profile visibility for the e-mail address (see <see cref="User.EmailHidden"/>).</summary>
    public void HideEmail(User user, bool hidden = true)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (Gate) user.EmailHidden = hidden;
    }

    /// <summary>
    /// Whether the caller counts as an app Atlassian approved for e-mail access: Cloud's `/user/email` and
    /// `/user/email/bulk` answer 400 to everyone else. False by default, as for any API-token caller on a real site
    /// (only approved Connect/Forge apps get it); true only for a test about something else than hidden e-mails.
    /// </summary>
    public bool EmailApiApproved { get; set; }

    /// <summary>
    /// Whether a user object shows <paramref name="viewer"/> the e-mail of <paramref name="person"/>. Cloud: unless the
    /// person's profile hides it (<see cref="HideEmail"/>). Data Center, whose "User email visibility" the emulator keeps
    /// at "only visible to site administrators": to members of confluence-administrators (and to the person); and then only
    /// under `expand=details.personal`. No viewer (the store itself) sees everything.
    /// </summary>
    public bool EmailVisibleTo(User person, User? viewer)
    {
        ArgumentNullException.ThrowIfNull(person);
        if (viewer is null || ReferenceEquals(person, viewer)) return true;
        lock (Gate)
            return Flavor == EmulatorFlavor.Cloud
                ? !person.EmailHidden
                : viewer.GroupList.Contains(AdministratorsGroup, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The group whose members are Confluence administrators (the default admin is in it; added users are not).</summary>
    public const string AdministratorsGroup = "confluence-administrators";

    public IReadOnlyList<User> GetUsers()
    {
        lock (Gate) return _users.ToList();
    }

    public User? FindUserByAccountId(string accountId) { lock (Gate) return _users.Find(u => u.AccountId == accountId); }
    public User? FindUserByKey(string userKey) { lock (Gate) return _users.Find(u => u.UserKey == userKey); }
    public User? FindUserByUsername(string username) { lock (Gate) return _users.Find(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase)); }
    public User? FindUserByEmail(string email) { lock (Gate) return _users.Find(u => string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase)); }

    /// <summary>Cloud Basic (email + API token) or DC Basic (username + password).</summary>
    internal User? AuthenticateBasic(string login, string secret)
    {
        lock (Gate)
        {
            return Flavor == EmulatorFlavor.Cloud
                ? _users.Find(u => string.Equals(u.Email, login, StringComparison.OrdinalIgnoreCase) && HoldsToken(u, u.ApiToken, secret))
                : _users.Find(u => u.Password is not null && string.Equals(u.Username, login, StringComparison.OrdinalIgnoreCase) && FixedEquals(u.Password, secret));
        }
    }

    internal User? AuthenticateBearer(string token)
    {
        if (Flavor != EmulatorFlavor.DataCenter) return null;
        lock (Gate) return _users.Find(u => HoldsToken(u, u.PersonalAccessToken, token));
    }

    /// <summary>Gives <paramref name="user"/> one more API token (Cloud) or personal access token (Data Center).</summary>
    public void AddToken(User user, string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        lock (Gate) user.MoreTokens.Add(token);
    }

    private static bool HoldsToken(User user, string? primary, string secret) =>
        (primary is not null && FixedEquals(primary, secret)) || user.MoreTokens.Exists(t => FixedEquals(t, secret));

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    // ---------------------------------------------------------------- spaces

    public static bool IsValidSpaceKey(string key) =>
        key.Length is > 0 and <= 255 && key.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9'));

    /// <summary>Creates a space and its home page ("NAME Home"), as both products do.</summary>
    public Space CreateSpace(string key, string name, User? creator = null, string? description = null)
    {
        lock (Gate)
        {
            if (string.IsNullOrWhiteSpace(key) || !IsValidSpaceKey(key))
                throw new StoreException(StoreErrorKind.BadRequest, $"Space key '{key}' is invalid: use letters and digits only.");
            if (string.IsNullOrWhiteSpace(name))
                throw new StoreException(StoreErrorKind.BadRequest, "A space name is required.");
            if (_spaces.Values.Any(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase)))
                throw new StoreException(StoreErrorKind.BadRequest, $"A space with key {key} already exists.");
            creator ??= Admin;
            var space = new Space(_nextSpaceId++, key, name, creator, Now()) { Description = description };
            _spaces.Add(space.Id, space);
            var home = AddPage(space, name + " Home", "<p>Welcome to " + System.Net.WebUtility.HtmlEncode(name) + ".</p>", null, creator, null);
            space.HomepageId = home.Id;
            return space;
        }
    }

    public IReadOnlyList<Space> GetSpaces() { lock (Gate) return _spaces.Values.OrderBy(s => s.Id).ToList(); }
    public Space? FindSpace(long id) { lock (Gate) return _spaces.GetValueOrDefault(id); }
    public Space? FindSpaceByKey(string key) { lock (Gate) return _spaces.Values.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase)); }

    // ---------------------------------------------------------------- pages

    /// <summary>All pages and blog posts (current and trashed), optionally of one space, in id order; folders and whiteboards are not pages.</summary>
    public IReadOnlyList<Page> GetPages(string? spaceKey = null)
    {
        lock (Gate)
            return _pages.Values.Where(p => !p.IsContainer && (spaceKey is null || string.Equals(p.Space.Key, spaceKey, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(p => p.Id).ToList();
    }

    /// <summary>The Cloud folders and whiteboards (current and trashed), optionally of one space, in id order.</summary>
    public IReadOnlyList<Page> GetContainers(string? spaceKey = null)
    {
        lock (Gate)
            return _pages.Values.Where(p => p.IsContainer && (spaceKey is null || string.Equals(p.Space.Key, spaceKey, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(p => p.Id).ToList();
    }

    /// <summary>The page with this id (current or trashed), or null; hidden pages are null for the request's caller.</summary>
    public Page? FindPage(long id)
    {
        lock (Gate) return _pages.GetValueOrDefault(id) is { } page && Visible(page) ? page : null;
    }

    /// <summary>The page whatever the caller may see: for answering a write that just changed its visibility.</summary>
    internal Page RequirePageIgnoringViewer(long id)
    {
        lock (Gate)
            return _pages.GetValueOrDefault(id) ?? throw new StoreException(StoreErrorKind.NotFound, $"No content with id {id}.");
    }

    internal Page RequirePage(long id)
    {
        lock (Gate)
            return _pages.GetValueOrDefault(id) is { } page && Visible(page)
                ? page
                : throw new StoreException(StoreErrorKind.NotFound, $"No content with id {id}.");
    }

    public Page CreatePage(long spaceId, string title, string body, long? parentId, User? author = null, string? message = null)
    {
        lock (Gate)
        {
            var space = _spaces.GetValueOrDefault(spaceId)
                ?? throw new StoreException(StoreErrorKind.NotFound, $"No space with id {spaceId}.");
            return AddPage(space, title, body, parentId, author ?? Admin, message);
        }
    }

    /// <summary>Creates a blog post (no parent; its title must be unique among the space's posts of that day).</summary>
    public Page CreateBlogPost(long spaceId, string title, string body, User? author = null, string? message = null)
    {
        lock (Gate)
        {
            var space = _spaces.GetValueOrDefault(spaceId)
                ?? throw new StoreException(StoreErrorKind.NotFound, $"No space with id {spaceId}.");
            return AddPage(space, title, body, null, author ?? Admin, message, "blogpost");
        }
    }

    /// <summary>
    /// Creates a Cloud folder or whiteboard (<paramref name="type"/>) below <paramref name="parentId"/> (a page, folder or
    /// whiteboard), or at the space's top level when null. Data Center has neither: that flavour refuses. Folder titles need not
    /// be unique in a space (unlike page titles), and a container has no body; it gets version 1 like any content.
    /// </summary>
    public Page CreateContainer(string type, long spaceId, string title, long? parentId, User? author = null)
    {
        if (!Page.IsContainerType(type))
            throw new ArgumentException($"'{type}' is not a container type (folder, whiteboard).", nameof(type));
        lock (Gate)
        {
            if (Flavor != EmulatorFlavor.Cloud)
                throw new StoreException(StoreErrorKind.BadRequest, $"Only the Cloud flavour has {type}s: Data Center's page tree holds pages only.");
            var space = _spaces.GetValueOrDefault(spaceId)
                ?? throw new StoreException(StoreErrorKind.NotFound, $"No space with id {spaceId}.");
            return AddPage(space, title, "", parentId, author ?? Admin, null, type);
        }
    }

    /// <summary>
    /// Seeding only: puts a page below a container without a new version, as a drag in Cloud's page tree does. Call under
    /// the lock, before the site takes requests.
    /// </summary>
    internal void PlaceBelow(Page page, Page container)
    {
        page.ParentId = container.Id;
        page.Position = NextPosition(page.Space, container.Id);
    }

    private Page AddPage(Space space, string title, string body, long? parentId, User author, string? message, string type = "page")
    {
        title = CheckTitle(title);
        if (parentId is long pid)
        {
            var parent = _pages.GetValueOrDefault(pid);
            if (parent is null || parent.Status != "current" || !Visible(parent) || parent.IsBlogPost)
                throw new StoreException(StoreErrorKind.BadRequest, $"The parent page {pid} does not exist or is not current.");
            if (parent.Space != space)
                throw new StoreException(StoreErrorKind.BadRequest, $"The parent page {pid} is in space {parent.Space.Key}, not {space.Key}.");
        }
        var now = Now();
        if (!Page.IsContainerType(type)) EnsureTitleFree(space, title, null, type, now);
        var page = new Page(_nextContentId++, space, author, now, type) { ParentId = parentId, Position = type != "blogpost" ? NextPosition(space, parentId) : 0 };
        page.VersionList.Add(new PageVersion(1, title, body ?? "", author, now, message, false));
        page.LastModified = now;
        _pages.Add(page.Id, page);
        QueueIndex(page.Id);
        return page;
    }

    private static string CheckTitle(string? title)
    {
        if (string.IsNullOrWhiteSpace(title))
            throw new StoreException(StoreErrorKind.BadRequest, "A page title is required.");
        title = title.Trim();
        if (title.Length > 255)
            throw new StoreException(StoreErrorKind.BadRequest, "A page title must be 255 characters or fewer.");
        return title;
    }

    /// <summary>Page titles are unique per space; blog post titles per space and posting day (UTC here).</summary>
    private void EnsureTitleFree(Space space, string title, Page? self, string type, DateTimeOffset created)
    {
        var clash = _pages.Values.Any(p => p != self && p.Space == space && p.Status == "current" && p.Type == type
            && (type == "page" || PostingDay(p) == TimeZoneInfo.ConvertTime(created, PostingZone).Date)
            && string.Equals(p.Title, title, StringComparison.OrdinalIgnoreCase));
        if (clash)
            throw new StoreException(StoreErrorKind.BadRequest, type == "page"
                ? $"A page with this title already exists: A page already exists with the title {title} in this space"
                : $"A blog post with this title already exists: A blog post with the title {title} was already posted that day in this space");
    }

    private int NextPosition(Space space, long? parentId) =>
        _pages.Values.Where(p => p.Space == space && p.ParentId == parentId).Select(p => p.Position + 1).DefaultIfEmpty(0).Max();

    /// <summary>
    /// Applies an edit. The version number must be current + 1 (else Conflict). Restoring a trashed page
    /// (Status = "current") changes only its status, as both products document.
    /// </summary>
    public Page UpdatePage(long id, PageUpdate update, User? author = null)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (Gate)
        {
            IndexWhatIsDue();
            var page = RequirePage(id);
            EnsureEditable(page);
            author ??= Admin;
            var current = page.Current.Number;
            if (update.VersionNumber != current + 1)
                throw new StoreException(StoreErrorKind.Conflict, "Version must be incremented on update.", current, update.VersionNumber);

            if (page.Status == "trashed")
            {
                if (update.Status != "current")
                    throw new StoreException(StoreErrorKind.BadRequest, $"Page {id} is in the trash; restore it with status current before editing it.");
                EnsureTitleFree(page.Space, page.Title, page, page.Type, page.CreatedAt);
                var back = page.ParentBeforeTrash is long old && _pages.TryGetValue(old, out var oldParent) && oldParent.Status == "current" ? old : (long?)null;
                page.ParentId = back;
                page.ParentBeforeTrash = null;
                page.Position = NextPosition(page.Space, back);
                page.Status = "current";
                Touch(page);
                return page;
            }

            if (update.Status is not null && update.Status != "current")
                throw new StoreException(StoreErrorKind.BadRequest, $"Status '{update.Status}' cannot be set by an update here; only current is supported.");
            var title = CheckTitle(update.Title ?? page.Title);
            EnsureTitleFree(page.Space, title, page, page.Type, page.CreatedAt);
            if (update.Move && page.IsBlogPost)
                throw new StoreException(StoreErrorKind.BadRequest, "A blog post has no parent and cannot be moved.");
            if (update.Move && update.NewParentId != page.ParentId)
            {
                if (update.NewParentId is long np)
                {
                    var parent = _pages.GetValueOrDefault(np);
                    if (parent is null || parent.Status != "current" || !Visible(parent) || parent.IsBlogPost)
                        throw new StoreException(StoreErrorKind.BadRequest, $"The new parent page {np} does not exist or is not current.");
                    if (parent.Space != page.Space)
                        throw new StoreException(StoreErrorKind.BadRequest, "A page cannot be moved to another space by an update.");
                    for (Page? p = parent; p is not null; p = p.ParentId is long up ? _pages.GetValueOrDefault(up) : null)
                        if (p == page)
                            throw new StoreException(StoreErrorKind.BadRequest, $"Page {id} cannot be moved below itself or one of its descendants.");
                }
                page.ParentId = update.NewParentId;
                page.Position = NextPosition(page.Space, update.NewParentId);
                QueueIndexWithDescendants(page);
            }
            page.VersionList.Add(new PageVersion(current + 1, title, update.Body ?? page.Current.Body, author, Now(), update.Message, update.MinorEdit));
            if (update.Body is not null) Reanchor(page, author);
            page.LastModified = page.Current.When;
            QueueIndex(page.Id);
            return page;
        }
    }

    /// <summary>Moves a page to the trash; its children move up to its parent, as in Confluence.</summary>
    public void TrashPage(long id)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            var page = RequirePage(id);
            if (page.Status == "trashed")
                throw new StoreException(StoreErrorKind.NotFound, $"Page {id} is already in the trash.");
            EnsureEditable(page);
            foreach (var child in Children(page))
            {
                child.ParentId = page.ParentId;
                child.Position = NextPosition(page.Space, page.ParentId);
                QueueIndexWithDescendants(child);
            }
            page.ParentBeforeTrash = page.ParentId;
            page.ParentId = null;
            page.Status = "trashed";
            Touch(page);
        }
    }

    /// <summary>Deletes a trashed page for good, with its attachment files.</summary>
    public void PurgePage(long id)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            var page = RequirePage(id);
            if (page.Status != "trashed")
                throw new StoreException(StoreErrorKind.BadRequest, $"Page {id} is not in the trash; only trashed pages can be purged.");
            if (Viewer is { } viewer && !IsSpaceAdmin(viewer))
                throw new StoreException(StoreErrorKind.Forbidden,
                    $"Cannot purge content with id {id}: {viewer.DisplayName} does not have permission to administer space {page.Space.Key}, which purging from the trash requires.");
            _pages.Remove(id);
            QueueIndex(id);
            foreach (var attachment in page.AttachmentList)
            {
                _attachments.Remove(attachment.Id);
                QueueIndex(attachment.Id);
                foreach (var v in attachment.VersionList) TryDelete(v.FilePath);
            }
            foreach (var comment in page.CommentList)
            {
                _comments.Remove(comment.Id);
                QueueIndex(comment.Id);
            }
            if (page.Space.HomepageId == id) page.Space.HomepageId = 0;
        }
    }

    /// <summary>Current child pages in position order. Call under the lock.</summary>
    internal List<Page> Children(Page page) =>
        _pages.Values.Where(p => p.ParentId == page.Id && p.Status == "current").OrderBy(p => p.Position).ThenBy(p => p.Id).ToList();

    /// <summary>What the page's parent is ("page", "folder", "whiteboard"), or null at the top level. Call under the lock.</summary>
    internal string? ParentTypeOf(Page page) => page.ParentId is long id ? TypeOfContent(id) : null;

    /// <summary>The type (page, folder, whiteboard, …) of the content with this id, or null. Call under the lock.</summary>
    internal string? TypeOfContent(long id) => _pages.TryGetValue(id, out var content) ? content.Type : null;

    /// <summary>Ancestors root first (pages, folders and whiteboards alike). Call under the lock.</summary>
    internal List<Page> Ancestors(Page page)
    {
        var list = new List<Page>();
        for (var p = page.ParentId is long id ? _pages.GetValueOrDefault(id) : null; p is not null; p = p.ParentId is long up ? _pages.GetValueOrDefault(up) : null)
            list.Insert(0, p);
        return list;
    }

    /// <summary>Current child pages (not folders or whiteboards) the request's caller may see, in position order. Call under the lock.</summary>
    internal List<Page> VisibleChildren(Page page) => Children(page).Where(p => !p.IsContainer && Visible(p)).ToList();

    /// <summary>Pages of a space the caller may see, any status. Call under the lock.</summary>
    internal IEnumerable<Page> PagesOf(Space space) => _pages.Values.Where(p => p.Space == space && Visible(p));

    /// <summary>All pages the caller may see, any status. Call under the lock.</summary>
    internal IEnumerable<Page> AllPages => _pages.Values.Where(Visible);
    internal IEnumerable<Space> AllSpaces => _spaces.Values;

    /// <summary>
    /// Moves a page relative to a target, as Confluence's move endpoint does: "append" makes it the target's
    /// last child; "before"/"after" make it the target's sibling at that place. No new version is made.
    /// </summary>
    public Page MovePage(long pageId, string position, long targetId)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            var page = RequirePage(pageId);
            EnsureEditable(page);
            var target = RequirePage(targetId);
            EnsureNotArchived(target);
            if (page.Status != "current" || target.Status != "current")
                throw new StoreException(StoreErrorKind.NotFound, "Both the page and the target must be current.");
            if (page.IsBlogPost || target.IsBlogPost)
                throw new StoreException(StoreErrorKind.BadRequest, "Blog posts have no place in the page tree and cannot be moved.");
            if (position is not ("append" or "before" or "after"))
                throw new StoreException(StoreErrorKind.BadRequest, $"Position '{position}' is invalid: use append, before or after.");
            if (target.Space != page.Space)
                throw new StoreException(StoreErrorKind.BadRequest, "This emulator moves pages within their space only.");
            var newParent = position == "append" ? target.Id : target.ParentId;
            for (var p = newParent is long np ? _pages.GetValueOrDefault(np) : null; p is not null; p = p.ParentId is long up ? _pages.GetValueOrDefault(up) : null)
                if (p == page)
                    throw new StoreException(StoreErrorKind.BadRequest, $"Page {pageId} cannot be moved below itself or one of its descendants.");
            if (position == "append")
            {
                page.ParentId = target.Id;
                page.Position = NextPosition(page.Space, target.Id);
                Touch(page);
                QueueIndexWithDescendants(page);
                return page;
            }
            if (target == page) throw new StoreException(StoreErrorKind.BadRequest, "A page cannot be moved relative to itself.");
            page.ParentId = target.ParentId;
            var siblings = _pages.Values.Where(p => p.Space == page.Space && p.ParentId == target.ParentId && p.Status == "current" && p != page)
                .OrderBy(p => p.Position).ThenBy(p => p.Id).ToList();
            var at = siblings.IndexOf(target) + (position == "after" ? 1 : 0);
            siblings.Insert(at, page);
            for (var i = 0; i < siblings.Count; i++) siblings[i].Position = i;
            Touch(page);
            QueueIndexWithDescendants(page);
            return page;
        }
    }

    // ---------------------------------------------------------------- archive (Cloud) and space admin

    /// <summary>
    /// Cloud's page archive: the page keeps its id, versions and place in the data but leaves the page tree and search
    /// (CQL), v2 answers carry status "archived", and every write to it (update, trash, move, labels, attachments,
    /// restrictions, comments) is refused with 400 until it is restored from the archive. Archiving makes no version.
    /// Data Center's REST API (10.0.3) has no archived page status, so the Data Center flavour refuses this.
    /// </summary>
    public void ArchivePage(long id)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            if (Flavor != EmulatorFlavor.Cloud)
                throw new StoreException(StoreErrorKind.BadRequest, "Only the Cloud flavour archives pages: Data Center's REST API has no archived page status.");
            var page = _pages.GetValueOrDefault(id) ?? throw new StoreException(StoreErrorKind.NotFound, $"No content with id {id}.");
            if (page.IsBlogPost)
                throw new StoreException(StoreErrorKind.BadRequest, $"Content {id} is a blog post; only pages can be archived.");
            if (page.Status != "current")
                throw new StoreException(StoreErrorKind.BadRequest, $"Page {id} is {page.Status}; only current pages can be archived.");
            page.Status = "archived";
            QueueIndex(page.Id);
        }
    }

    /// <summary>Restores an archived page to the page tree: below its parent when that is still current, else at the top level.</summary>
    public void UnarchivePage(long id)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            var page = _pages.GetValueOrDefault(id) ?? throw new StoreException(StoreErrorKind.NotFound, $"No content with id {id}.");
            if (page.Status != "archived")
                throw new StoreException(StoreErrorKind.BadRequest, $"Page {id} is {page.Status}, not archived.");
            if (page.ParentId is long parentId && _pages.GetValueOrDefault(parentId)?.Status != "current")
            {
                page.ParentId = null;
                page.Position = NextPosition(page.Space, null);
            }
            page.Status = "current";
            QueueIndexWithDescendants(page);
        }
    }

    /// <summary>The refusal of any write to an archived page (Cloud: 400 on v2 PUT and DELETE, as on the v1 writes).</summary>
    internal static void EnsureNotArchived(Page page)
    {
        if (page.Status == "archived")
            throw new StoreException(StoreErrorKind.BadRequest,
                $"Cannot update or delete archived content: page {page.Id} is archived. Restore it from the archive first.");
    }

    private readonly HashSet<User> _notSpaceAdmins = new();

    /// <summary>
    /// Whether <paramref name="user"/> administers the spaces, which purging from the trash requires on both
    /// products. The admin (the sync account) does unless <see cref="SetSpaceAdmin"/> took it away; other users do not.
    /// </summary>
    public bool IsSpaceAdmin(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (Gate) return user == Admin && !_notSpaceAdmins.Contains(user);
    }

    /// <summary>Gives or takes the admin's (the sync account's) space-admin permission in every space.</summary>
    public void SetSpaceAdmin(bool isSpaceAdmin)
    {
        lock (Gate)
        {
            if (isSpaceAdmin) _notSpaceAdmins.Remove(Admin);
            else _notSpaceAdmins.Add(Admin);
        }
    }

    public bool AdminIsSpaceAdmin
    {
        get { lock (Gate) return !_notSpaceAdmins.Contains(Admin); }
    }

    // ---------------------------------------------------------------- restrictions

    /// <summary>Replaces (or with <paramref name="add"/> extends) who may do <paramref name="operation"/> on a page.</summary>
    public void SetRestriction(long pageId, string operation, IEnumerable<User> users, IEnumerable<string> groups, bool add = false) =>
        ApplyRestrictions(pageId, new[] { (operation, users, groups) }, replaceAll: false, add);

    /// <summary>
    /// Applies several operations' restrictions at once (the caller's edit right is checked once, before any
    /// change, so a caller may restrict a page away from itself in one request). <paramref name="replaceAll"/>
    /// first clears every restriction.
    /// </summary>
    public void ApplyRestrictions(long pageId, IEnumerable<(string Operation, IEnumerable<User> Users, IEnumerable<string> Groups)> restrictions, bool replaceAll, bool add = true)
    {
        var list = restrictions.Select(r => (r.Operation, Users: r.Users.ToList(), Groups: r.Groups.ToList())).ToList();
        foreach (var (operation, _, _) in list)
            if (operation is not ("read" or "update"))
                throw new StoreException(StoreErrorKind.BadRequest, $"Restriction operation '{operation}' is not supported (read, update).");
        lock (Gate)
        {
            var page = RequirePage(pageId);
            EnsureEditable(page);
            if (replaceAll) page.RestrictionMap.Clear();
            foreach (var (operation, users, groups) in list)
            {
                if (!add || !page.RestrictionMap.TryGetValue(operation, out var restriction))
                    page.RestrictionMap[operation] = restriction = new PageRestriction();
                foreach (var u in users) if (!restriction.UserList.Contains(u)) restriction.UserList.Add(u);
                foreach (var g in groups) if (!restriction.GroupList.Contains(g, StringComparer.OrdinalIgnoreCase)) restriction.GroupList.Add(g);
                if (restriction.UserList.Count == 0 && restriction.GroupList.Count == 0) page.RestrictionMap.Remove(operation);
            }
        }
    }

    public void ClearRestrictions(long pageId, string? operation = null)
    {
        lock (Gate)
        {
            var page = RequirePage(pageId);
            EnsureEditable(page);
            if (operation is null) page.RestrictionMap.Clear();
            else page.RestrictionMap.Remove(operation);
        }
    }

    /// <summary>Removes one user from an operation's restriction (the restriction goes when it names nobody).</summary>
    public void RemoveRestrictionUser(long pageId, string operation, User user)
    {
        lock (Gate)
        {
            var page = RequirePage(pageId);
            EnsureEditable(page);
            if (!page.RestrictionMap.TryGetValue(operation, out var restriction) || !restriction.UserList.Remove(user))
                throw new StoreException(StoreErrorKind.NotFound, $"User is not in the {operation} restriction of page {pageId}.");
            if (restriction.UserList.Count == 0 && restriction.GroupList.Count == 0) page.RestrictionMap.Remove(operation);
        }
    }

    // ---------------------------------------------------------------- labels

    /// <summary>Adds labels (Confluence lower-cases names; adding an existing label is a no-op).</summary>
    public IReadOnlyList<Label> AddLabels(long pageId, IEnumerable<(string Prefix, string Name)> labels)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            var page = RequirePage(pageId);
            EnsureEditable(page);
            foreach (var (prefix, rawName) in labels)
            {
                var name = (rawName ?? "").Trim().ToLowerInvariant();
                var pre = string.IsNullOrEmpty(prefix) ? "global" : prefix.ToLowerInvariant();
                if (name.Length == 0 || name.Length > 255 || name.Any(c => char.IsWhiteSpace(c) || "!#&()*,.:;<>?@[]^".Contains(c)))
                    throw new StoreException(StoreErrorKind.BadRequest, $"Label '{rawName}' is invalid: no spaces or any of !#&()*,.:;<>?@[]^ allowed.");
                if (pre is not ("global" or "my" or "team"))
                    throw new StoreException(StoreErrorKind.BadRequest, $"Label prefix '{prefix}' is invalid: use global, my or team.");
                var key = pre + ":" + name;
                if (!_labels.TryGetValue(key, out var label))
                    _labels[key] = label = new Label(_nextLabelId++, pre, name);
                if (!page.LabelList.Contains(label))
                {
                    page.LabelList.Add(label);
                    Touch(page);
                }
            }
            return page.LabelList.ToList();
        }
    }

    public void RemoveLabel(long pageId, string name)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            var page = RequirePage(pageId);
            EnsureEditable(page);
            var lower = (name ?? "").Trim().ToLowerInvariant();
            var label = page.LabelList.Find(l => l.Name == lower)
                ?? throw new StoreException(StoreErrorKind.NotFound, $"Label '{name}' is not on content {pageId}.");
            page.LabelList.Remove(label);
            Touch(page);
        }
    }

    // ---------------------------------------------------------------- attachments

    /// <summary>A fresh path in the private folder for an upload to be streamed into.</summary>
    internal string NewBlobPath() => Path.Combine(_blobFolder, Interlocked.Increment(ref _blobCounter).ToString("D8", CultureInfo.InvariantCulture));

    public Attachment? FindAttachment(long id)
    {
        lock (Gate) return _attachments.GetValueOrDefault(id) is { } a && Visible(a.Page) ? a : null;
    }

    /// <summary>Registers bytes already written to <paramref name="blobPath"/> as a new attachment.</summary>
    public Attachment AddAttachment(long pageId, string fileName, string mediaType, string blobPath, string? comment, bool minorEdit, User? author = null)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            var page = RequirePage(pageId);
            EnsureNotArchived(page);
            if (page.Status != "current")
                throw new StoreException(StoreErrorKind.NotFound, $"No current page with id {pageId}.");
            EnsureEditable(page);
            fileName = CheckFileName(fileName);
            if (page.AttachmentList.Any(a => a.Status == "current" && string.Equals(a.FileName, fileName, StringComparison.OrdinalIgnoreCase)))
                throw new StoreException(StoreErrorKind.BadRequest, $"Cannot add a new attachment with same file name as an existing attachment: {fileName}");
            var id = _nextContentId++;
            var attachment = new Attachment(id, page, fileName, DeterministicGuid($"file:{Seed}:{id}"), Now());
            attachment.VersionList.Add(new AttachmentVersion(1, new FileInfo(blobPath).Length, blobPath, comment, minorEdit, author ?? Admin, attachment.CreatedAt, mediaType));
            page.AttachmentList.Add(attachment);
            _attachments.Add(id, attachment);
            QueueIndex(id);
            Touch(page);
            return attachment;
        }
    }

    public Attachment AddAttachmentVersion(long pageId, long attachmentId, string mediaType, string blobPath, string? comment, bool minorEdit, User? author = null)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            var attachment = _attachments.GetValueOrDefault(attachmentId);
            if (attachment is null || attachment.Page.Id != pageId || !Visible(attachment.Page))
                throw new StoreException(StoreErrorKind.NotFound, $"No attachment {attachmentId} on content {pageId}.");
            EnsureEditable(attachment.Page);
            attachment.VersionList.Add(new AttachmentVersion(attachment.Current.Number + 1, new FileInfo(blobPath).Length, blobPath, comment, minorEdit, author ?? Admin, Now(), mediaType));
            QueueIndex(attachmentId);
            Touch(attachment.Page);
            return attachment;
        }
    }

    /// <summary>Moves an attachment to the trash (it disappears from listings, its bytes stay).</summary>
    public void TrashAttachment(long attachmentId)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            var attachment = _attachments.GetValueOrDefault(attachmentId);
            if (attachment is null || attachment.Status != "current" || !Visible(attachment.Page))
                throw new StoreException(StoreErrorKind.NotFound, $"No current attachment with id {attachmentId}.");
            EnsureEditable(attachment.Page);
            attachment.Status = "trashed";
            QueueIndex(attachmentId);
            Touch(attachment.Page);
        }
    }

    /// <summary>Deletes a trashed attachment and its files for good.</summary>
    public void PurgeAttachment(long attachmentId)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            var attachment = _attachments.GetValueOrDefault(attachmentId);
            if (attachment is null || !Visible(attachment.Page))
                throw new StoreException(StoreErrorKind.NotFound, $"No attachment with id {attachmentId}.");
            EnsureEditable(attachment.Page);
            if (attachment.Status != "trashed")
                throw new StoreException(StoreErrorKind.BadRequest, $"Attachment {attachmentId} is not in the trash; only trashed attachments can be purged.");
            _attachments.Remove(attachmentId);
            attachment.Page.AttachmentList.Remove(attachment);
            foreach (var v in attachment.VersionList) TryDelete(v.FilePath);
            QueueIndex(attachmentId);
            Touch(attachment.Page);
        }
    }

    private static string CheckFileName(string fileName)
    {
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        if (string.IsNullOrWhiteSpace(name))
            throw new StoreException(StoreErrorKind.BadRequest, "An attachment needs a file name.");
        return name;
    }

    // ---------------------------------------------------------------- comments

    public Comment? FindComment(long id)
    {
        lock (Gate) return _comments.GetValueOrDefault(id) is { } c && Visible(c.Page) ? c : null;
    }

    internal Comment RequireComment(long id) =>
        FindComment(id) ?? throw new StoreException(StoreErrorKind.NotFound, $"No comment with id {id}.");

    /// <summary>Adds a footer comment (or a reply to a footer or inline comment) to a current page.</summary>
    public Comment AddComment(long pageId, string body, long? parentCommentId = null, User? author = null)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            var page = RequireCommentablePage(pageId, body);
            if (parentCommentId is long parentId && (_comments.GetValueOrDefault(parentId) is not { } parent || parent.Page != page))
                throw new StoreException(StoreErrorKind.BadRequest, $"Comment {parentId} is not a comment on page {pageId}.");
            author ??= Admin;
            var now = Now();
            // A reply lives where its thread does: a reply to an inline comment is an inline comment too.
            var location = parentCommentId is long p && _comments[p].IsInline ? CommentLocation.Inline : CommentLocation.Footer;
            var comment = new Comment(_nextContentId++, page, parentCommentId, author, now, location);
            comment.VersionList.Add(new PageVersion(1, "Re: " + page.Title, body, author, now, null, false));
            page.CommentList.Add(comment);
            _comments.Add(comment.Id, comment);
            QueueIndex(comment.Id);
            return comment;
        }
    }

    /// <summary>
    /// Adds an inline comment on the <paramref name="matchIndex"/>-th occurrence (from 0) of <paramref name="selection"/> in
    /// the text of a current page's body, as both products do when someone highlights text and comments: the text gets an
    /// <c>ac:inline-comment-marker</c> with a new ref in the current version's body, and no new page version is made.
    /// <paramref name="matchCount"/>, when given, must be the number of occurrences (Cloud's textSelectionMatchCount).
    /// The comment is queued for the search index like any comment. The page's index entry does not move: no version, no
    /// last-modified time (nothing documents a page-update event for a marker); a search answers the page at its indexed
    /// version with that version's body as stored, so the marker shows once that version is indexed.
    /// </summary>
    public Comment AddInlineComment(long pageId, string selection, string body, User? author = null, int matchIndex = 0, int? matchCount = null)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            var page = RequireCommentablePage(pageId, body);
            if (string.IsNullOrEmpty(selection))
                throw new StoreException(StoreErrorKind.BadRequest, "An inline comment needs the text it highlights.");
            var hits = InlineMarkers.FindInText(page.Current.Body, selection);
            if (matchCount is int count && count != hits.Count)
                throw new StoreException(StoreErrorKind.BadRequest, $"The text \"{selection}\" occurs {hits.Count} times on page {pageId}, not {count}.");
            if (matchIndex < 0 || matchIndex >= hits.Count)
                throw new StoreException(StoreErrorKind.BadRequest,
                    hits.Count == 0 ? $"The text \"{selection}\" is not on page {pageId}." : $"Match {matchIndex} of \"{selection}\" is not on page {pageId} ({hits.Count} matches).");
            var id = _nextContentId++;
            var markerRef = DeterministicGuid($"inline-marker:{pageId}:{id}:{Seed}");
            var (start, length) = hits[matchIndex];
            ReplaceCurrentBody(page, InlineMarkers.Wrap(page.Current.Body, start, length, markerRef));
            return NewInlineRoot(id, page, markerRef, selection, body, author);
        }
    }

    /// <summary>
    /// Adds an inline comment to a marker already in the page's current body (what a migration does: the body comes
    /// with its markers, the comment attaches to one by its ref).
    /// </summary>
    public Comment AttachInlineComment(long pageId, string markerRef, string originalSelection, string body, User? author = null)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            var page = RequireCommentablePage(pageId, body);
            if (!InlineMarkers.Contains(page.Current.Body, markerRef))
                throw new StoreException(StoreErrorKind.BadRequest, $"Page {pageId} has no inline comment marker {markerRef}.");
            return NewInlineRoot(_nextContentId++, page, markerRef, originalSelection, body, author);
        }
    }

    /// <summary>Resolves (or reopens) an inline comment thread. A dangling one cannot be changed, as Cloud documents.</summary>
    public Comment SetInlineResolution(long id, bool resolved, User? by = null)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            var comment = RequireComment(id);
            EnsureNotArchived(comment.Page);
            if (!comment.IsInline || comment.ParentCommentId is not null)
                throw new StoreException(StoreErrorKind.BadRequest, $"Comment {id} is not the first comment of an inline thread; only those are resolved.");
            if (comment.ResolutionStatus == "dangling")
                throw new StoreException(StoreErrorKind.BadRequest, $"Inline comment {id} is dangling (its text is gone from the page) and cannot be resolved or reopened.");
            var isResolved = comment.ResolutionStatus == "resolved";
            if (resolved == isResolved) return comment;
            comment.ResolutionStatus = resolved ? "resolved" : "reopened";
            comment.ResolutionBy = by ?? Admin;
            comment.ResolutionAt = Now();
            QueueIndex(comment.Id);
            return comment;
        }
    }

    private Page RequireCommentablePage(long pageId, string body)
    {
        var page = RequirePage(pageId);
        EnsureNotArchived(page);
        if (page.Status != "current")
            throw new StoreException(StoreErrorKind.NotFound, $"No current page with id {pageId}.");
        if (string.IsNullOrWhiteSpace(body))
            throw new StoreException(StoreErrorKind.BadRequest, "A comment needs a body.");
        return page;
    }

    private Comment NewInlineRoot(long id, Page page, string markerRef, string selection, string body, User? author)
    {
        author ??= Admin;
        var now = Now();
        var comment = new Comment(id, page, null, author, now, CommentLocation.Inline, markerRef, selection);
        comment.VersionList.Add(new PageVersion(1, "Re: " + page.Title, body, author, now, null, false));
        page.CommentList.Add(comment);
        _comments.Add(comment.Id, comment);
        QueueIndex(comment.Id);
        return comment;
    }

    /// <summary>The current version's body rewritten in place: what an inline comment does to its page (no new version).</summary>
    private static void ReplaceCurrentBody(Page page, string body)
    {
        var v = page.Current;
        page.VersionList[^1] = new PageVersion(v.Number, v.Title, body, v.Author, v.When, v.Message, v.MinorEdit);
    }

    /// <summary>
    /// After a new version of a page: an open inline thread whose marker the new body lost is no longer anchored — Cloud
    /// marks it dangling, Data Center resolves it — and on Cloud a dangling one whose marker came back is open again. A
    /// thread whose status changed is queued for the index, as any write to a comment is. Call under the lock.
    /// </summary>
    private void Reanchor(Page page, User by)
    {
        foreach (var thread in page.CommentList.Where(c => c.IsInline && c.ParentCommentId is null && c.MarkerRef is not null))
        {
            var anchored = InlineMarkers.Contains(page.Current.Body, thread.MarkerRef!);
            if (!anchored && thread.ResolutionStatus is "open" or "reopened")
            {
                thread.ResolutionStatus = Flavor == EmulatorFlavor.Cloud ? "dangling" : "resolved";
                thread.ResolutionBy = by;
                thread.ResolutionAt = page.Current.When;
                QueueIndex(thread.Id);
            }
            else if (anchored && thread.ResolutionStatus == "dangling")
            {
                thread.ResolutionStatus = "open";
                thread.ResolutionBy = by;
                thread.ResolutionAt = page.Current.When;
                QueueIndex(thread.Id);
            }
        }
    }

    /// <summary>Edits a comment; the version number must be current + 1 (else Conflict).</summary>
    public Comment UpdateComment(long id, int versionNumber, string body, User? author = null, string? message = null)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            var comment = RequireComment(id);
            EnsureNotArchived(comment.Page);
            var current = comment.Current.Number;
            if (versionNumber != current + 1)
                throw new StoreException(StoreErrorKind.Conflict, "Version must be incremented on update.", current, versionNumber);
            if (string.IsNullOrWhiteSpace(body))
                throw new StoreException(StoreErrorKind.BadRequest, "A comment needs a body.");
            comment.VersionList.Add(new PageVersion(current + 1, "Re: " + comment.Page.Title, body, author ?? Admin, Now(), message, false));
            QueueIndex(comment.Id);
            return comment;
        }
    }

    /// <summary>Deletes a comment and its replies for good (comments are not trashable).</summary>
    public void DeleteComment(long id)
    {
        lock (Gate)
        {
            IndexWhatIsDue();
            var comment = RequireComment(id);
            EnsureNotArchived(comment.Page);
            var doomed = new List<Comment> { comment };
            for (var i = 0; i < doomed.Count; i++)
                doomed.AddRange(comment.Page.CommentList.Where(c => c.ParentCommentId == doomed[i].Id));
            foreach (var c in doomed)
            {
                comment.Page.CommentList.Remove(c);
                _comments.Remove(c.Id);
                QueueIndex(c.Id);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    internal static string Hex(string seedText, int digits)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(seedText));
        return Convert.ToHexString(bytes).ToLowerInvariant()[..digits];
    }

    internal static string DeterministicGuid(string seedText)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(seedText));
        return new Guid(bytes.AsSpan(0, 16)).ToString();
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public void Dispose()
    {
        try { Directory.Delete(_blobFolder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
