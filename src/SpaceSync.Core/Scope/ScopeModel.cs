using System;
using System.Collections.Generic;

namespace SpaceSync.Core.Scope
{
    // The scope file as written (SPEC §1), after parsing and validation. Optional settings are
    // null when the file leaves them out; ScopeResolver applies defaults and phase presets.

    public enum SyncDirection { Both, ToCloud, ToDataCenter, None }

    public enum ConflictPolicy { Manual, PreferCloud, PreferDataCenter, Newest, Merge }

    public enum MigrationPhase { DataCenterPrimary, DualWrite, CloudPrimary, Frozen }

    public enum RestrictedPagesMode { Skip, Mirror }

    public enum AuthType { Basic, Bearer }

    public enum SiteKind { Cloud, DataCenter }

    public enum UserMatch { Email }

    /// <summary>Where a value came from in the scope file: for errors that point at it.</summary>
    public sealed record SourceLocation(string File, int Line, int Column)
    {
        public override string ToString() => $"{File}:{Line}:{Column}";
    }

    public sealed record ScopeDocument
    {
        public string Path { get; init; } = "";
        public int Version { get; init; } = 1;
        public SiteSettings Cloud { get; init; } = null!;
        public SiteSettings DataCenter { get; init; } = null!;
        public SyncSettings Defaults { get; init; } = new SyncSettings();
        public UserSettings Users { get; init; } = new UserSettings();
        public IReadOnlyList<SpaceSettings> Spaces { get; init; } = Array.Empty<SpaceSettings>();
        public StateSettings State { get; init; } = new StateSettings();
        public LoggingSettings Logging { get; init; } = new LoggingSettings();
    }

    public sealed record SiteSettings
    {
        public SiteKind Kind { get; init; }
        /// <summary>Absolute site URL as written, without a trailing slash (may carry a context path).</summary>
        public Uri Url { get; init; } = null!;
        public AuthSettings Auth { get; init; } = null!;
        /// <summary>
        /// How long the site's search may trail its writes (`searchLagMinutes`); change queries reach this far back
        /// before the last run's mark. Null = not set (<c>ListingPolicy.ChangeOverlap</c>, 10 minutes).
        /// </summary>
        public TimeSpan? SearchLag { get; init; }
        /// <summary>
        /// Longest silence in one attempt of a request to the site (`requestTimeoutSeconds`): no answer, no body byte
        /// moving. Null = not set (<c>SiteClientOptions.DefaultAttemptTimeout</c>, 30 s).
        /// </summary>
        public TimeSpan? RequestTimeout { get; init; }
        /// <summary>
        /// Longest time one request spends on attempts and the backoff between them (`requestBudgetSeconds`). Null = not
        /// set (<c>SiteClientOptions.DefaultOverallTimeout</c>, 100 s).
        /// </summary>
        public TimeSpan? RequestBudget { get; init; }
        /// <summary>
        /// Most requests per second SpaceSync starts to the site (`maxRequestsPerSecond`), retries included. Null = not set:
        /// no cap of our own (requests to a site go one at a time, and the site's rate-limit answers pace them).
        /// </summary>
        public int? MaxRequestsPerSecond { get; init; }
        public SourceLocation? Location { get; init; }
    }

    public sealed record AuthSettings
    {
        public AuthType Type { get; init; }
        /// <summary>E-mail (Cloud) or user name (Data Center) for Basic auth; null for Bearer.</summary>
        public string? User { get; init; }
        public SecretReference Token { get; init; } = null!;
    }

    /// <summary>
    /// The sync settings that `defaults` holds and each space may override. Null = not set here.
    /// </summary>
    public sealed record SyncSettings
    {
        public SyncDirection? Direction { get; init; }
        public ConflictPolicy? Conflicts { get; init; }
        public int? MaxDeletePercent { get; init; }
        public ContentSettings? Content { get; init; }
        public RestrictedPagesMode? RestrictedPages { get; init; }
        /// <summary>`maxConcurrentWrites`: 1 or 2; null = not set.</summary>
        public int? MaxConcurrentWrites { get; init; }
    }

    public sealed record ContentSettings
    {
        public bool? Labels { get; init; }
        public bool? Attachments { get; init; }
        public bool? Comments { get; init; }
        public bool? Blogposts { get; init; }
    }

    public sealed record UserSettings
    {
        public UserMatch Match { get; init; } = UserMatch.Email;
        /// <summary>Path of the overrides CSV (dataCenterUserKey,cloudAccountId), resolved against the scope file's folder.</summary>
        public string? MapPath { get; init; }

        /// <summary>Where <c>users.map</c> is written in the scope file; null when it is not.</summary>
        public SourceLocation? MapLocation { get; init; }
    }

    public sealed record SpaceSettings
    {
        public string Key { get; init; } = "";
        public string? CloudKey { get; init; }
        public string Owner { get; init; } = "";
        public MigrationPhase? Phase { get; init; }
        public SyncSettings Overrides { get; init; } = new SyncSettings();
        public string? IncludeSubtree { get; init; }
        public IReadOnlyList<string> ExcludeTitles { get; init; } = Array.Empty<string>();
        public IReadOnlyList<string> ExcludeLabels { get; init; } = Array.Empty<string>();
        public SourceLocation? Location { get; init; }

        public string EffectiveCloudKey => CloudKey ?? Key;
    }

    /// <summary>Where the state lives: a SQLite file beside the scope (the default), or a PostgreSQL database shared by workers.</summary>
    public enum StateProvider { Sqlite, PostgreSql }

    public sealed record StateSettings
    {
        public StateProvider Provider { get; init; } = StateProvider.Sqlite;

        /// <summary>Absolute path of the SQLite state file (relative paths resolved against the scope file's folder). Empty for PostgreSQL.</summary>
        public string Path { get; init; } = "spacesync.db";

        /// <summary>
        /// Where PostgreSQL's connection string is kept (env:, secret:, prompt), never the string itself: it usually
        /// carries a password. Null for SQLite.
        /// </summary>
        public SecretReference? Connection { get; init; }

        /// <summary>
        /// PostgreSQL: the schema holding this scope's state, so that one database can hold several scopes. A plain
        /// lower-case name; "spacesync" when the scope names none.
        /// </summary>
        public string Schema { get; init; } = DefaultSchema;

        public const string DefaultSchema = "spacesync";

        /// <summary>
        /// How long a run's space lock holds without renewal (<c>lockLeaseSeconds</c>); a run renews it every third of it.
        /// Whole seconds from <see cref="MinLockLeaseSeconds"/> to <see cref="MaxLockLeaseSeconds"/>.
        /// </summary>
        public TimeSpan LockLease { get; init; } = DefaultLockLease;

        public static readonly TimeSpan DefaultLockLease = TimeSpan.FromSeconds(300);

        /// <summary>Half a minute: renewals every 10 s, and a store that stalls for a few seconds does not cost a run its lock.</summary>
        public const int MinLockLeaseSeconds = 30;

        /// <summary>Two hours, the lease runs had before the heartbeat: longer only keeps a dead worker's spaces longer.</summary>
        public const int MaxLockLeaseSeconds = 7200;

        /// <summary>What to call the state in messages: the file's path, or the provider and the secret's reference (no secret).</summary>
        public string Describe() => Provider == StateProvider.PostgreSql ? $"PostgreSQL state (schema {Schema}, connection {Connection})" : Path;
    }

    public sealed record LoggingSettings
    {
        /// <summary>Absolute path pattern of the rolling log (relative paths resolved against the scope file's folder); null = no file log.</summary>
        public string? Path { get; init; }
        public string Level { get; init; } = "Information";
    }
}
