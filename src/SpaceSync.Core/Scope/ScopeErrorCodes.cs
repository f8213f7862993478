namespace SpaceSync.Core.Scope
{
    /// <summary>
    /// Stable codes of scope-file findings. Scripts and tests match on these, never on message text.
    /// </summary>
    public static class ScopeErrorCodes
    {
        // Errors: the file cannot be used.
        public const string FileNotFound = "ScopeFileNotFound";
        public const string FileUnreadable = "ScopeFileUnreadable";
        public const string YamlSyntax = "ScopeYamlSyntax";
        public const string EmptyFile = "ScopeEmptyFile";
        public const string UnknownKey = "ScopeUnknownKey";
        public const string MissingKey = "ScopeMissingKey";
        public const string DuplicateKey = "ScopeDuplicateKey";
        public const string InvalidType = "ScopeInvalidType";
        public const string EmptyValue = "ScopeEmptyValue";
        public const string InvalidEnum = "ScopeInvalidEnum";
        public const string UnsupportedVersion = "ScopeUnsupportedVersion";
        public const string InvalidUrl = "ScopeInvalidUrl";
        public const string InsecureUrl = "ScopeInsecureUrl";
        public const string PlainTextSecret = "ScopePlainTextSecret";
        public const string InvalidSecretReference = "ScopeInvalidSecretReference";
        public const string MissingAuthUser = "ScopeMissingAuthUser";
        public const string UnexpectedAuthUser = "ScopeUnexpectedAuthUser";
        public const string DuplicateSpace = "ScopeDuplicateSpace";
        public const string MissingOwner = "ScopeMissingOwner";
        public const string InvalidPercent = "ScopeInvalidPercent";
        public const string InvalidSpaceKey = "ScopeInvalidSpaceKey";
        public const string InvalidPath = "ScopeInvalidPath";
        public const string InvalidSubtree = "ScopeInvalidSubtree";
        public const string InvalidLabel = "ScopeInvalidLabel";
        public const string InvalidSearchLag = "ScopeInvalidSearchLag";
        public const string InvalidRequestTimeout = "ScopeInvalidRequestTimeout";
        /// <summary>sites.*.maxRequestsPerSecond is not a whole number from 1 to 1000.</summary>
        public const string InvalidRequestRate = "ScopeInvalidRequestRate";
        /// <summary>maxConcurrentWrites (defaults or a space) is not 1 or 2.</summary>
        public const string InvalidConcurrentWrites = "ScopeInvalidConcurrentWrites";
        /// <summary>state: a key that does not belong to its provider (path with postgresql, connection with sqlite) or a missing connection.</summary>
        public const string InvalidStateSettings = "ScopeInvalidStateSettings";
        // Hostile or damaged files: refused before (or while) parsing, at the place of the first offence.
        public const string FileTooLarge = "ScopeFileTooLarge";
        public const string InvalidEncoding = "ScopeInvalidEncoding";
        public const string ControlCharacter = "ScopeControlCharacter";
        public const string ValueTooLong = "ScopeValueTooLong";
        public const string TagNotAllowed = "ScopeTagNotAllowed";
        public const string AliasExpansion = "ScopeAliasExpansion";
        // Files the scope names (Test-SyncScope offline reads them too).
        public const string UserMapInvalid = "ScopeUserMapInvalid";
        public const string IdMapInvalid = "ScopeIdMapInvalid";

        // Warnings (Test-SyncScope): legal, but worth a second look.
        public const string NoSpaces = "ScopeNoSpaces";
        public const string HighDeletePercent = "ScopeHighDeletePercent";
        public const string MirrorRestrictedPages = "ScopeMirrorRestrictedPages";
        public const string UserMapNotFound = "ScopeUserMapNotFound";
        public const string EnvironmentVariableMissing = "ScopeEnvironmentVariableMissing";
        public const string Placeholder = "ScopePlaceholder";
        public const string SameSiteTwice = "ScopeSameSiteTwice";
        public const string CloudUrlWithoutWiki = "ScopeCloudUrlWithoutWiki";
        public const string CloudBearerAuth = "ScopeCloudBearerAuth";
        public const string CloudUserNotEmail = "ScopeCloudUserNotEmail";
        public const string OverridesPhase = "ScopeOverridesPhase";

        // Information.
        public const string Valid = "ScopeValid";
    }
}
