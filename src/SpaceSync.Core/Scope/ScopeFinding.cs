namespace SpaceSync.Core.Scope
{
    public enum FindingSeverity { Information, Warning, Error }

    /// <summary>
    /// One result of checking a scope: offline (the file itself) or online (reachability,
    /// authentication, spaces, write permission). Test-SyncScope emits one per finding.
    /// </summary>
    public sealed record ScopeFinding
    {
        public FindingSeverity Severity { get; init; }
        /// <summary>Stable check name, e.g. "ScopeFile", "Reachable", "Authenticated", "SpaceExists", "CanWrite".</summary>
        public string Check { get; init; } = "";
        /// <summary>"Cloud", "DataCenter", or null for the file itself.</summary>
        public SiteKind? Site { get; init; }
        public string? SpaceKey { get; init; }
        public string Message { get; init; } = "";
        /// <summary>file:line:column for file findings.</summary>
        public SourceLocation? Location { get; init; }
        /// <summary>Stable error code for errors (e.g. ScopeUnknownKey, SiteUnauthorized).</summary>
        public string? Code { get; init; }
    }
}
