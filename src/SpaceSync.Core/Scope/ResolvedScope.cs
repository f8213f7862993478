using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Scope
{
    /// <summary>Where a resolved setting came from; Get-SyncScope shows it so admins can see why.</summary>
    public static class ValueSources
    {
        /// <summary>Neither the space, its phase nor `defaults` set it: SpaceSync's own default.</summary>
        public const string BuiltIn = "built-in";
        /// <summary>The scope file's `defaults` section.</summary>
        public const string Defaults = "defaults";
        /// <summary>The space's own entry in `spaces`.</summary>
        public const string Space = "space";

        /// <summary>The preset of the space's phase, e.g. "phase:dual-write".</summary>
        public static string Phase(MigrationPhase phase) => "phase:" + ScopeVocabulary.Phase.Word(phase);
    }

    /// <summary>Which content kinds cross between the sites, every switch decided.</summary>
    public sealed record ResolvedContent(bool Labels, bool Attachments, bool Comments, bool Blogposts);

    /// <summary>One space with every setting decided: what the engine runs with.</summary>
    public sealed record ResolvedSpace
    {
        /// <summary>Data Center space key.</summary>
        public string Key { get; init; } = "";
        /// <summary>Cloud space key: `cloudKey`, or the Data Center key when they are the same.</summary>
        public string CloudKey { get; init; } = "";
        public string Owner { get; init; } = "";
        /// <summary>The space's phase, or null when the file gives none (then no preset applies).</summary>
        public MigrationPhase? Phase { get; init; }
        public SyncDirection Direction { get; init; }
        public ConflictPolicy Conflicts { get; init; }
        public int MaxDeletePercent { get; init; }
        /// <summary>
        /// Page writes in flight at once (scope `maxConcurrentWrites`): 1 = one action at a time in plan order; 2 = one
        /// writer per site, the two sites worked at once. Built-in 2 (see ScopeResolver.BuiltInMaxConcurrentWrites).
        /// </summary>
        public int MaxConcurrentWrites { get; init; } = ScopeResolver.BuiltInMaxConcurrentWrites;
        public ResolvedContent Content { get; init; } = null!;
        /// <summary>
        /// How long a run's space lock holds without renewal (scope <c>state.lockLeaseSeconds</c>): the heartbeat renews it every
        /// third of it, and a worker that dies holds the space this long at most. Tests may set less than the file allows.
        /// </summary>
        public TimeSpan LockLease { get; init; } = StateSettings.DefaultLockLease;
        public RestrictedPagesMode RestrictedPages { get; init; }
        /// <summary>Page path (titles from the top down, '/'-separated) limiting the sync to that page and below; null = whole space.</summary>
        public string? IncludeSubtree { get; init; }
        /// <summary>Title patterns (* and ? wildcards) of pages left out, with their descendants.</summary>
        public IReadOnlyList<string> ExcludeTitles { get; init; } = Array.Empty<string>();
        /// <summary>Lower-case labels whose pages are left out, with their descendants.</summary>
        public IReadOnlyList<string> ExcludeLabels { get; init; } = Array.Empty<string>();
        /// <summary>
        /// For each resolved setting, named as in the scope file ("direction", "conflicts", "maxDeletePercent",
        /// "content.labels", "content.attachments", "content.comments", "content.blogposts", "restrictedPages",
        /// and "phase" when set): where its value came from — see <see cref="ValueSources"/>.
        /// </summary>
        public IReadOnlyDictionary<string, string> Sources { get; init; } = new Dictionary<string, string>();
        /// <summary>The space's entry in the scope file.</summary>
        public SourceLocation? Location { get; init; }

        /// <summary>
        /// What this sync keeps in step: the page tree (the space as the scope file names it), or the space's blog posts
        /// (<see cref="BlogPosts"/>). Each collection has its own pairs, marks, lock and history in the state file, filed
        /// under <see cref="Key"/>; the sites know the space by <see cref="SiteKey"/> and <see cref="SiteCloudKey"/>.
        /// </summary>
        public ContentKind Collection { get; init; } = ContentKind.Page;

        /// <summary>Appended to the keys of a space's blog-post collection: ':' never occurs in a Confluence space key.</summary>
        public const string BlogPostSuffix = ":blogposts";

        /// <summary>The Data Center space key on the site.</summary>
        public string SiteKey => Collection == ContentKind.BlogPost ? Strip(Key) : Key;

        /// <summary>The Cloud space key on the site.</summary>
        public string SiteCloudKey => Collection == ContentKind.BlogPost ? Strip(CloudKey) : CloudKey;

        /// <summary>
        /// The space's blog posts as a collection of their own: keys suffixed (<c>ENG:blogposts</c>), no subtree (blog posts
        /// hang below no page). Labels, attachments, comments, restrictions and exclusions apply as to pages.
        /// </summary>
        public ResolvedSpace BlogPosts()
        {
            if (Collection == ContentKind.BlogPost) return this;
            return this with
            {
                Collection = ContentKind.BlogPost,
                Key = Key + BlogPostSuffix,
                CloudKey = (string.IsNullOrEmpty(CloudKey) ? Key : CloudKey) + BlogPostSuffix,
                IncludeSubtree = null,
            };
        }

        /// <summary>Whether a state key names a blog-post collection rather than a space's pages.</summary>
        public static bool IsBlogPostKey(string stateKey) =>
            stateKey != null && stateKey.EndsWith(BlogPostSuffix, StringComparison.Ordinal);

        private static string Strip(string key) =>
            IsBlogPostKey(key) ? key.Substring(0, key.Length - BlogPostSuffix.Length) : key;
    }

    /// <summary>The scope file with defaults and phase presets applied (Get-SyncScope).</summary>
    public sealed record ResolvedScope
    {
        public ScopeDocument Document { get; init; } = null!;
        /// <summary>Full path of the scope file.</summary>
        public string Path => Document.Path;
        public SiteSettings Cloud => Document.Cloud;
        public SiteSettings DataCenter => Document.DataCenter;
        public UserSettings Users => Document.Users;
        public StateSettings State => Document.State;
        public LoggingSettings Logging => Document.Logging;
        /// <summary>The spaces in file order.</summary>
        public IReadOnlyList<ResolvedSpace> Spaces { get; init; } = Array.Empty<ResolvedSpace>();

        /// <summary>The space with this Data Center key (any case), or null.</summary>
        public ResolvedSpace? FindSpace(string key) =>
            Spaces.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase));
    }
}
