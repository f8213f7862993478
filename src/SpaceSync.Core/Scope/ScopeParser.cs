using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SpaceSync.Core.Files;
using SpaceSync.Core.Scope.Yaml;

namespace SpaceSync.Core.Scope
{
    /// <summary>
    /// Reads a scope file (SPEC §1, version 1) into a <see cref="ScopeDocument"/>. Every problem is
    /// reported at once in a <see cref="ScopeException"/>, each with file:line:column, a stable code
    /// and what was expected.
    /// </summary>
    /// <remarks>
    /// Decisions beyond the spec:
    /// <list type="bullet">
    /// <item>Keys and enum words are case-sensitive; a near miss gets "did you mean".</item>
    /// <item>A key with no value is an error for settings (it would otherwise silently fall back to a
    /// default) but an empty section for mappings (<c>defaults:</c>) and an empty list for lists.</item>
    /// <item><c>spaces</c> is required but may be empty (a fresh file, or every space retired):
    /// Test-SyncScope warns.</item>
    /// <item><c>phase</c> is optional per space and not allowed in <c>defaults</c>.</item>
    /// <item>Basic auth needs <c>user</c>; bearer auth with a <c>user</c> is an error, since a personal
    /// access token carries its own identity and the line would silently do nothing.</item>
    /// <item>An unsupported <c>version</c> stops the check there: the rest was written for another schema.</item>
    /// <item>Relative paths (state.path, logging.path, users.map) are resolved against the scope file's
    /// folder; backslashes count as folder separators on every platform.</item>
    /// <item>Exclude labels are matched as Confluence stores labels: lower case.</item>
    /// </list>
    /// </remarks>
    public static class ScopeParser
    {
        public const int SupportedVersion = 1;

        /// <summary>
        /// The largest scope file read, checked before it is read or parsed. A scope is written by hand: a space
        /// takes 3-15 lines (about 100-500 bytes), so 1 MiB holds a few thousand spaces with comments, several
        /// times the largest migration we have seen.
        /// </summary>
        public const int MaxFileBytes = 1024 * 1024;

        private static readonly string[] RootKeys = { "version", "sites", "defaults", "users", "spaces", "state", "logging" };
        private static readonly string[] SitesKeys = { "cloud", "datacenter" };
        private static readonly string[] SiteKeys = { "url", "auth", "searchLagMinutes", "requestTimeoutSeconds", "requestBudgetSeconds", "maxRequestsPerSecond" };

        /// <summary>A day: a search that trails by more is broken, and a run would re-read a day of changes each time.</summary>
        public const int MaxSearchLagMinutes = 1440;

        /// <summary>Ten minutes of silence: no healthy site is that quiet, and a run would sit for hours on a stuck one.</summary>
        public const int MaxRequestTimeoutSeconds = 600;

        /// <summary>An hour for one request's attempts: beyond it a stuck site holds the whole run for hours.</summary>
        public const int MaxRequestBudgetSeconds = 3600;
        public const int MaxRequestsPerSecondLimit = 1000;

        /// <summary>Two: one writer per site, the two sites at once. More writers to one site is not offered (see SyncRunner.WriteLanes).</summary>
        public const int MaxConcurrentWritesLimit = 2;
        private static readonly string[] AuthKeys = { "type", "user", "token" };
        private static readonly string[] SyncKeys = { "direction", "conflicts", "maxDeletePercent", "content", "restrictedPages", "maxConcurrentWrites" };
        private static readonly string[] ContentKeys = { "labels", "attachments", "comments", "blogposts" };
        private static readonly string[] UsersKeys = { "match", "map" };
        private static readonly string[] SpaceKeys =
            new[] { "key", "cloudKey", "owner", "phase" }.Concat(SyncKeys).Concat(new[] { "include", "exclude" }).ToArray();
        // Space-only keys written under `defaults`: say where they belong instead of just "unknown".
        private static readonly IReadOnlyDictionary<string, string> SpaceOnlyKeys =
            new[] { "key", "cloudKey", "owner", "phase", "include", "exclude" }.ToDictionary(
                k => k, k => $"'{k}' is set on each space under 'spaces', not in 'defaults'.", StringComparer.Ordinal);
        private static readonly string[] IncludeKeys = { "subtree" };
        private static readonly string[] ExcludeKeys = { "titles", "labels" };
        private static readonly string[] StateKeys = { "provider", "path", "connection", "schema", "lockLeaseSeconds" };
        // PostgreSQL's unquoted identifiers (it folds them to lower case), so the name never needs quoting.
        private static readonly System.Text.RegularExpressions.Regex StateSchemaName =
            new System.Text.RegularExpressions.Regex("^[a-z_][a-z0-9_]{0,62}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        private static readonly string[] LoggingKeys = { "path", "level" };

        private const string TokenExpected = "a token reference: env:NAME, secret:VAULT/NAME or prompt";
        private const string ConnectionExpected = "a reference to the PostgreSQL connection string: env:NAME, secret:VAULT/NAME or prompt";
        private static readonly char[] LabelForbiddenCharacters = { ':', ';', ',', '?', '&', '[', ']', '(', ')', '#', '^', '*', '@', '!' };

        /// <summary>Parses scope-file text. <paramref name="filePath"/> names the file in errors and anchors relative paths.</summary>
        /// <exception cref="ScopeException">The text is not a valid scope file; carries every error.</exception>
        public static ScopeDocument Parse(string yamlText, string filePath) =>
            Analyze(yamlText, filePath).DocumentOrThrow();

        /// <summary>Reads and parses a scope file.</summary>
        /// <exception cref="ScopeException">The file is missing, unreadable or invalid (codes ScopeFileNotFound, ScopeFileUnreadable, ...).</exception>
        public static ScopeDocument Load(string filePath) => AnalyzeFile(filePath).DocumentOrThrow();

        /// <summary>
        /// Reads only a scope file's <c>state</c> section, by the same rules as a whole scope file (Copy-SyncState's
        /// -Destination names a state as a scope file would). <paramref name="yamlText"/> is a document whose one key is
        /// <c>state</c>; <paramref name="filePath"/> names it in errors and anchors a relative SQLite path.
        /// </summary>
        /// <exception cref="ScopeException">The state section is invalid; carries every error.</exception>
        public static StateSettings ParseStateSettings(string yamlText, string filePath)
        {
            if (yamlText == null) throw new ArgumentNullException(nameof(yamlText));
            var read = YamlTreeReader.Read(yamlText);
            var reader = new SchemaReader(filePath);
            if (read.Problem != null)
            {
                reader.Error(read.Problem.Code, read.Problem.Message, read.Problem.Position);
                throw new ScopeException(reader.Errors);
            }

            var state = new DocumentWalk(reader, filePath).ReadStateOnly(read.Root!);
            return reader.Errors.Count == 0 && state != null ? state : throw new ScopeException(reader.Errors);
        }

        internal static ScopeAnalysis AnalyzeFile(string filePath)
        {
            if (filePath == null)
            {
                throw new ArgumentNullException(nameof(filePath));
            }

            var fileLocation = new SourceLocation(filePath, 1, 1);
            if (Directory.Exists(filePath))
            {
                return ScopeAnalysis.Failed(new ScopeError(ScopeErrorCodes.FileNotFound,
                    $"The scope path '{filePath}' is a folder; expected a scope file such as spacesync.yaml (New-SyncScope writes one).", fileLocation));
            }

            if (!File.Exists(filePath))
            {
                return ScopeAnalysis.Failed(new ScopeError(ScopeErrorCodes.FileNotFound,
                    $"The scope file '{filePath}' does not exist; expected a YAML scope file there (New-SyncScope writes one; -ScopePath or $env:SPACESYNC_SCOPE point elsewhere).", fileLocation));
            }

            string? text;
            TextFileProblem? problem;
            try
            {
                text = StrictTextFile.Read(filePath, MaxFileBytes, out problem);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return ScopeAnalysis.Failed(new ScopeError(ScopeErrorCodes.FileUnreadable,
                    $"The scope file '{filePath}' cannot be read: {ex.Message}", fileLocation));
            }

            return text == null ? ScopeAnalysis.Failed(ErrorOf(problem!, filePath)) : Analyze(text, filePath);
        }

        internal static ScopeAnalysis Analyze(string yamlText, string filePath)
        {
            if (yamlText == null)
            {
                throw new ArgumentNullException(nameof(yamlText));
            }

            if (string.IsNullOrWhiteSpace(filePath))
            {
                throw new ArgumentException("Name the scope file: errors point into it and relative paths are resolved against its folder.", nameof(filePath));
            }

            // The same limits as a file, for text that did not come from one (and YamlDotNet would keep a NUL).
            var problem = yamlText.Length > MaxFileBytes
                ? StrictTextFile.TooLarge(yamlText.Length, MaxFileBytes)
                : StrictTextFile.FindControlCharacter(yamlText);
            if (problem != null)
            {
                return ScopeAnalysis.Failed(ErrorOf(problem, filePath));
            }

            var read = YamlTreeReader.Read(yamlText);
            var reader = new SchemaReader(filePath);
            if (read.Problem != null)
            {
                reader.Error(read.Problem.Code, read.Problem.Message, read.Problem.Position);
                return new ScopeAnalysis(null, reader.Errors, reader.Locations);
            }

            var document = new DocumentWalk(reader, filePath).Read(read.Root!);
            return new ScopeAnalysis(reader.Errors.Count == 0 ? document : null, reader.Errors, reader.Locations);
        }

        private static ScopeError ErrorOf(TextFileProblem problem, string filePath)
        {
            var code = problem.Kind switch
            {
                TextFileProblemKind.TooLarge => ScopeErrorCodes.FileTooLarge,
                TextFileProblemKind.InvalidEncoding => ScopeErrorCodes.InvalidEncoding,
                _ => ScopeErrorCodes.ControlCharacter,
            };
            return new ScopeError(code, "The scope file cannot be used: " + problem.Message, new SourceLocation(filePath, problem.Line, problem.Column));
        }

        /// <summary>One pass over one file: the schema, written as code.</summary>
        private sealed class DocumentWalk
        {
            private readonly SchemaReader _r;
            private readonly string _filePath;
            private readonly string _folder;

            public DocumentWalk(SchemaReader reader, string filePath)
            {
                _r = reader;
                _filePath = filePath;
                _folder = Path.GetDirectoryName(Path.GetFullPath(filePath)) ?? Directory.GetCurrentDirectory();
            }

            /// <summary>A document holding only <c>state</c>: read as the scope file's own.</summary>
            public StateSettings? ReadStateOnly(YamlTreeNode rootNode)
            {
                var root = _r.OpenSection(rootNode, "", new TextPosition(1, 1), new[] { "state" });
                return root == null ? null : ReadState(root);
            }

            public ScopeDocument? Read(YamlTreeNode rootNode)
            {
                var root = _r.OpenSection(rootNode, "", new TextPosition(1, 1), RootKeys);
                if (root == null)
                {
                    return null;
                }

                var version = _r.ReadInteger(root, "version", required: true, $"the number {SupportedVersion}");
                if (version != null && version != SupportedVersion)
                {
                    _r.Error(ScopeErrorCodes.UnsupportedVersion,
                        $"Scope file version {version} is not supported; this SpaceSync reads version {SupportedVersion}. Use a SpaceSync release that reads version {version}, or write the file for version {SupportedVersion}.",
                        root.Entry("version")!.Value.Position);
                    return null;
                }

                var sites = _r.ReadSection(root, "sites", required: true, SitesKeys);
                var cloud = sites == null ? null : ReadSite(sites, "cloud", SiteKind.Cloud);
                var dataCenter = sites == null ? null : ReadSite(sites, "datacenter", SiteKind.DataCenter);

                var defaultsSection = _r.ReadSection(root, "defaults", required: false, SyncKeys, SpaceOnlyKeys);
                var defaults = defaultsSection == null ? new SyncSettings() : ReadSyncSettings(defaultsSection);

                var users = ReadUsers(root);
                var spaces = ReadSpaces(root);
                var state = ReadState(root);
                var logging = ReadLogging(root);

                return new ScopeDocument
                {
                    Path = Path.GetFullPath(_filePath),
                    Version = SupportedVersion,
                    Cloud = cloud!,
                    DataCenter = dataCenter!,
                    Defaults = defaults,
                    Users = users,
                    Spaces = spaces,
                    State = state,
                    Logging = logging,
                };
            }

            private SiteSettings? ReadSite(Section sites, string key, SiteKind kind)
            {
                var site = _r.ReadSection(sites, key, required: true, SiteKeys);
                if (site == null)
                {
                    return null;
                }

                Uri? url = null;
                var urlText = _r.ReadString(site, "url", required: true, "the site's https:// base URL");
                if (urlText != null)
                {
                    if (!SiteUrlRules.TryValidate(urlText, out url, out var code, out var problem))
                    {
                        _r.Error(code!, $"'{site.PathOf("url")}' {problem}", site.Entry("url")!.Value.Position);
                    }
                }

                var auth = ReadAuth(site);
                var lag = ReadWholeNumber(site, "searchLagMinutes", "minutes", MaxSearchLagMinutes, ScopeErrorCodes.InvalidSearchLag,
                    "how long the site's search may trail its writes");
                var (timeout, budget) = ReadTimeouts(site);
                var rate = ReadWholeNumber(site, "maxRequestsPerSecond", "requests per second", MaxRequestsPerSecondLimit,
                    ScopeErrorCodes.InvalidRequestRate, "the most requests SpaceSync starts to the site each second");

                return new SiteSettings
                {
                    Kind = kind,
                    Url = url!,
                    Auth = auth!,
                    SearchLag = lag is int m ? TimeSpan.FromMinutes(m) : (TimeSpan?)null,
                    RequestTimeout = timeout is int t ? TimeSpan.FromSeconds(t) : (TimeSpan?)null,
                    RequestBudget = budget is int b ? TimeSpan.FromSeconds(b) : (TimeSpan?)null,
                    MaxRequestsPerSecond = rate,
                    Location = _r.Locate(site.Anchor),
                };
            }

            /// <summary>
            /// requestTimeoutSeconds and requestBudgetSeconds: whole seconds in range, and an attempt's timeout no longer
            /// than the budget that holds it (the defaults count when one of them is not set).
            /// </summary>
            private (int? Timeout, int? Budget) ReadTimeouts(Section site)
            {
                var timeout = ReadSeconds(site, "requestTimeoutSeconds", MaxRequestTimeoutSeconds,
                    "how long one attempt may wait without a sign of life from the site");
                var budget = ReadSeconds(site, "requestBudgetSeconds", MaxRequestBudgetSeconds,
                    "how long one request may spend on its attempts and the waits between them");
                var effectiveTimeout = timeout ?? (int)Sites.SiteClientOptions.DefaultAttemptTimeout.TotalSeconds;
                var effectiveBudget = budget ?? (int)Sites.SiteClientOptions.DefaultOverallTimeout.TotalSeconds;
                if ((timeout != null || budget != null) && effectiveTimeout > effectiveBudget)
                {
                    var key = budget != null ? "requestBudgetSeconds" : "requestTimeoutSeconds";
                    _r.Error(ScopeErrorCodes.InvalidRequestTimeout,
                        $"'{site.PathOf(key)}': an attempt's timeout of {effectiveTimeout} s{(timeout is null ? " (the default)" : "")} is longer than " +
                        $"the request's budget of {effectiveBudget} s{(budget is null ? " (the default)" : "")}; requestTimeoutSeconds must not exceed requestBudgetSeconds.",
                        site.Entry(key)!.Value.Position);
                    return (null, null);
                }

                return (timeout, budget);
            }

            private int? ReadSeconds(Section site, string key, int max, string meaning) =>
                ReadWholeNumber(site, key, "seconds", max, ScopeErrorCodes.InvalidRequestTimeout, meaning);

            /// <summary>An optional whole number of <paramref name="unit"/> from 1 to <paramref name="max"/> at <paramref name="key"/>; null (with an error at the key) when out of range.</summary>
            private int? ReadWholeNumber(Section site, string key, string unit, int max, string rangeCode, string meaning)
            {
                var expected = $"a whole number of {unit} from 1 to {max}";
                var number = _r.ReadInteger(site, key, required: false, expected);
                if (number is int value && (value < 1 || value > max))
                {
                    _r.Error(rangeCode, $"'{site.PathOf(key)}' is {value}: expected {expected} ({meaning}).", site.Entry(key)!.Value.Position);
                    return null;
                }

                return number;
            }

            private AuthSettings? ReadAuth(Section site)
            {
                var auth = _r.ReadSection(site, "auth", required: true, AuthKeys, sensitive: true);
                if (auth == null)
                {
                    return null;
                }

                var type = _r.ReadEnum(auth, "type", required: true, ScopeVocabulary.AuthType);
                var user = _r.ReadString(auth, "user", required: false, "the account's e-mail (Cloud) or user name (Data Center)");
                var token = ReadSecret(auth, "token", TokenExpected);
                // A vault secret or a prompt can carry the account with the secret (a credential); an environment variable cannot.
                if (type == AuthType.Basic && user == null && !auth.Has("user") && token?.Source == SecretSource.Environment)
                {
                    _r.Error(ScopeErrorCodes.MissingAuthUser,
                        $"'{auth.Path}' uses basic auth but has no 'user'; expected the account's e-mail (Cloud) or user name (Data Center) next to the token, or a token from a vault credential (secret:) or a prompt, which names the account.",
                        auth.Anchor);
                }
                else if (type == AuthType.Bearer && auth.Has("user"))
                {
                    _r.Error(ScopeErrorCodes.UnexpectedAuthUser,
                        $"'{auth.Path}' uses bearer auth, where the token alone identifies the account, so 'user' would be ignored; remove 'user', or use type: basic.",
                        auth.Entry("user")!.Key.Position);
                }

                return new AuthSettings { Type = type ?? default, User = type == AuthType.Basic ? user : null, Token = token! };
            }

            /// <summary>A secret's reference (a token, a connection string): plain text is refused, naming the line.</summary>
            private SecretReference? ReadSecret(Section section, string key, string expected)
            {
                var entry = _r.ReadEntry(section, key, required: true, expected);
                if (entry == null)
                {
                    return null;
                }

                var path = section.PathOf(key);
                if (!(entry.Value is YamlTreeScalar scalar))
                {
                    _r.Error(ScopeErrorCodes.InvalidType, $"'{path}' must be {expected}, found {SchemaReader.KindOf(entry.Value)}.", entry.Value.Position);
                    return null;
                }

                var text = scalar.IsNull ? "" : scalar.Value;
                switch (SecretReference.Classify(text, out var reference, out var problem))
                {
                    case SecretReferenceKind.Valid:
                        return reference;
                    case SecretReferenceKind.Malformed:
                        _r.Error(ScopeErrorCodes.InvalidSecretReference, $"'{path}' {problem}", SchemaReader.ValuePosition(entry));
                        return null;
                    default:
                        _r.Error(ScopeErrorCodes.PlainTextSecret,
                            $"'{path}' {problem} Plain-text secrets are refused: remove it from the file (and rotate it if the file was shared).",
                            entry.Value.Position);
                        return null;
                }
            }

            private SyncSettings ReadSyncSettings(Section section)
            {
                var contentSection = _r.ReadSection(section, "content", required: false, ContentKeys);
                return new SyncSettings
                {
                    Direction = _r.ReadEnum(section, "direction", required: false, ScopeVocabulary.Direction),
                    Conflicts = _r.ReadEnum(section, "conflicts", required: false, ScopeVocabulary.Conflicts),
                    MaxDeletePercent = _r.ReadPercent(section, "maxDeletePercent"),
                    Content = contentSection == null ? null : ReadContent(contentSection),
                    RestrictedPages = _r.ReadEnum(section, "restrictedPages", required: false, ScopeVocabulary.RestrictedPages),
                    MaxConcurrentWrites = ReadWholeNumber(section, "maxConcurrentWrites", "writes", MaxConcurrentWritesLimit,
                        ScopeErrorCodes.InvalidConcurrentWrites, "1: one write at a time; 2: the two sites written at once, one write each"),
                };
            }

            private ContentSettings ReadContent(Section content) => new ContentSettings
            {
                Labels = _r.ReadBool(content, "labels"),
                Attachments = _r.ReadBool(content, "attachments"),
                Comments = _r.ReadBool(content, "comments"),
                Blogposts = _r.ReadBool(content, "blogposts"),
            };

            private UserSettings ReadUsers(Section root)
            {
                var users = _r.ReadSection(root, "users", required: false, UsersKeys);
                if (users == null)
                {
                    return new UserSettings();
                }

                var match = _r.ReadEnum(users, "match", required: false, ScopeVocabulary.UserMatch);
                return new UserSettings
                {
                    Match = match ?? UserMatch.Email,
                    MapPath = ReadFilePath(users, "map", "the user-map CSV file (dataCenterUserKey,cloudAccountId)"),
                    MapLocation = users.Entry("map") is { } map ? _r.Locate(map.Value.Position) : null,
                };
            }

            private StateSettings ReadState(Section root)
            {
                var state = _r.ReadSection(root, "state", required: false, StateKeys);
                var lease = state == null ? StateSettings.DefaultLockLease : ReadLockLease(state);
                return ReadStateWhere(state) with { LockLease = lease };
            }

            /// <summary>state.lockLeaseSeconds: whole seconds within the range StateSettings gives; the default when absent or wrong.</summary>
            private TimeSpan ReadLockLease(Section state)
            {
                var expected = $"a whole number of seconds from {StateSettings.MinLockLeaseSeconds} to {StateSettings.MaxLockLeaseSeconds}";
                var seconds = _r.ReadInteger(state, "lockLeaseSeconds", required: false, expected);
                if (seconds is not int value) return StateSettings.DefaultLockLease;
                if (value >= StateSettings.MinLockLeaseSeconds && value <= StateSettings.MaxLockLeaseSeconds) return TimeSpan.FromSeconds(value);
                _r.Error(ScopeErrorCodes.InvalidStateSettings,
                    $"'{state.PathOf("lockLeaseSeconds")}' is {value}: expected {expected} (how long a run's space lock holds without renewal; " +
                    "a worker that dies keeps its spaces that long).", state.Entry("lockLeaseSeconds")!.Value.Position);
                return StateSettings.DefaultLockLease;
            }

            private StateSettings ReadStateWhere(Section? state)
            {
                var provider = state == null ? null : _r.ReadEnum(state, "provider", required: false, ScopeVocabulary.StateProvider);
                if (provider == StateProvider.PostgreSql)
                {
                    // A shared database: the file path has no meaning there, and a leftover one would suggest a file that
                    // is never written.
                    if (state!.Entry("path") is { } path)
                    {
                        _r.Error(ScopeErrorCodes.InvalidStateSettings,
                            $"'{state.PathOf("path")}' names a SQLite file, but 'state.provider' is postgresql; remove 'path' (the database is named by 'connection').",
                            path.Key.Position);
                    }

                    if (state.Entry("connection") == null)
                    {
                        _r.Error(ScopeErrorCodes.InvalidStateSettings,
                            $"'{state.Path}' uses provider postgresql and needs 'connection': {ConnectionExpected}.",
                            state.Anchor);
                        return new StateSettings { Provider = StateProvider.PostgreSql, Path = "" };
                    }

                    return new StateSettings
                    {
                        Provider = StateProvider.PostgreSql,
                        Path = "",
                        Connection = ReadSecret(state, "connection", ConnectionExpected),
                        Schema = ReadStateSchema(state) ?? StateSettings.DefaultSchema,
                    };
                }

                if (state?.Entry("schema") is { } schema)
                {
                    _r.Error(ScopeErrorCodes.InvalidStateSettings,
                        $"'{state.PathOf("schema")}' names a PostgreSQL schema, but the state is a SQLite file; add 'provider: postgresql' or remove 'schema'.",
                        schema.Key.Position);
                }

                if (state?.Entry("connection") is { } connection)
                {
                    _r.Error(ScopeErrorCodes.InvalidStateSettings,
                        $"'{state.PathOf("connection")}' is a database connection, but the state is a SQLite file; add 'provider: postgresql' or remove 'connection'.",
                        connection.Key.Position);
                }

                var file = state == null ? null : ReadFilePath(state, "path", "the SQLite state file, e.g. spacesync.db");
                return new StateSettings { Path = file ?? Resolve(new StateSettings().Path) };
            }

            private string? ReadStateSchema(Section state)
            {
                const string expected = "a plain lower-case PostgreSQL schema name (a-z, 0-9, _; at most 63 characters), e.g. spacesync_eng";
                var name = _r.ReadString(state, "schema", required: false, expected);
                if (name == null || StateSchemaName.IsMatch(name))
                {
                    return name;
                }

                _r.Error(ScopeErrorCodes.InvalidStateSettings, $"'{state.PathOf("schema")}' '{name}' is not {expected}.", state.Entry("schema")!.Value.Position);
                return null;
            }

            private LoggingSettings ReadLogging(Section root)
            {
                var logging = _r.ReadSection(root, "logging", required: false, LoggingKeys);
                if (logging == null)
                {
                    return new LoggingSettings();
                }

                return new LoggingSettings
                {
                    Path = ReadFilePath(logging, "path", "the rolling log file, e.g. logs/spacesync-.json"),
                    Level = _r.ReadWord(logging, "level", required: false, ScopeVocabulary.LogLevels) ?? new LoggingSettings().Level,
                };
            }

            private IReadOnlyList<SpaceSettings> ReadSpaces(Section root)
            {
                var items = _r.ReadList(root, "spaces", required: true, "spaces (each with key and owner)");
                if (items == null)
                {
                    return Array.Empty<SpaceSettings>();
                }

                var spaces = new List<SpaceSettings>();
                var byKey = new Dictionary<string, (SpaceSettings Space, int Line)>(StringComparer.OrdinalIgnoreCase);
                var byCloudKey = new Dictionary<string, (SpaceSettings Space, int Line)>(StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < items.Count; i++)
                {
                    var section = _r.OpenSection(items[i], $"spaces[{i}]", items[i].Position, SpaceKeys);
                    if (section == null)
                    {
                        continue;
                    }

                    var space = ReadSpace(section);
                    if (space == null)
                    {
                        continue;
                    }

                    CheckUnique(section, space, byKey, byCloudKey);
                    spaces.Add(space);
                }

                return spaces;
            }

            private SpaceSettings? ReadSpace(Section space)
            {
                var key = ReadSpaceKey(space, "key", required: true, "the Data Center space key, e.g. ENG");
                var cloudKey = ReadSpaceKey(space, "cloudKey", required: false, "the Cloud space key, e.g. ENG2");
                var owner = ReadOwner(space);
                var phase = _r.ReadEnum(space, "phase", required: false, ScopeVocabulary.Phase);
                var overrides = ReadSyncSettings(space);

                string? subtree = null;
                var include = _r.ReadSection(space, "include", required: false, IncludeKeys);
                if (include != null)
                {
                    subtree = ReadSubtree(include);
                }

                IReadOnlyList<string>? titles = null;
                IReadOnlyList<string>? labels = null;
                var exclude = _r.ReadSection(space, "exclude", required: false, ExcludeKeys);
                if (exclude != null)
                {
                    titles = _r.ReadStringList(exclude, "titles", "page titles (wildcards * and ? allowed)", "a page title");
                    labels = _r.ReadStringList(exclude, "labels", "label names", "a label name", CheckLabel, ScopeErrorCodes.InvalidLabel);
                }

                if (key == null)
                {
                    return null;
                }

                return new SpaceSettings
                {
                    Key = key,
                    CloudKey = cloudKey,
                    Owner = owner ?? "",
                    Phase = phase,
                    Overrides = overrides,
                    IncludeSubtree = subtree,
                    ExcludeTitles = titles ?? Array.Empty<string>(),
                    ExcludeLabels = (labels ?? Array.Empty<string>()).Select(l => l.ToLowerInvariant()).Distinct().ToList(),
                    Location = _r.Locate(space.Anchor),
                };
            }

            private string? ReadSpaceKey(Section space, string key, bool required, string expected)
            {
                var text = _r.ReadString(space, key, required, expected);
                if (text == null)
                {
                    return null;
                }

                var problem = SpaceKeyRules.Check(text);
                if (problem != null)
                {
                    _r.Error(ScopeErrorCodes.InvalidSpaceKey, $"'{space.PathOf(key)}' '{text}' {problem}", space.Entry(key)!.Value.Position);
                    return null;
                }

                return text;
            }

            private string? ReadOwner(Section space)
            {
                const string expected = "who answers for this space during the hybrid phase (an e-mail or name)";
                if (!space.Has("owner"))
                {
                    _r.Error(ScopeErrorCodes.MissingOwner, $"'{space.Path}' has no 'owner'; every space needs {expected}.", space.Anchor);
                    return null;
                }

                var entry = _r.ReadEntry(space, "owner", required: true, expected)!;
                if (SchemaReader.IsEmpty(entry.Value))
                {
                    _r.Error(ScopeErrorCodes.MissingOwner, $"'{space.PathOf("owner")}' is empty; every space needs {expected}.", entry.Key.Position);
                    return null;
                }

                return _r.ReadString(space, "owner", required: true, expected);
            }

            private string? ReadSubtree(Section include)
            {
                var subtree = _r.ReadString(include, "subtree", required: false, "a page path from the space's top level down, e.g. \"Engineering Home/Runbooks\"");
                if (subtree == null)
                {
                    return null;
                }

                if (subtree.Split('/').Any(title => title.Trim().Length == 0))
                {
                    _r.Error(ScopeErrorCodes.InvalidSubtree,
                        $"'{include.PathOf("subtree")}' has an empty title in '{subtree}'; expected page titles separated by single '/', without a leading or trailing '/'.",
                        include.Entry("subtree")!.Value.Position);
                    return null;
                }

                return string.Join("/", subtree.Split('/').Select(title => title.Trim()));
            }

            private static string? CheckLabel(string label)
            {
                if (label.Any(char.IsWhiteSpace))
                {
                    return $"'{label}' contains a space; Confluence labels are single words (use '-' or '_').";
                }

                var bad = label.IndexOfAny(LabelForbiddenCharacters);
                return bad >= 0
                    ? $"'{label}' contains '{label[bad]}', which Confluence does not allow in labels."
                    : null;
            }

            private void CheckUnique(
                Section section,
                SpaceSettings space,
                Dictionary<string, (SpaceSettings Space, int Line)> byKey,
                Dictionary<string, (SpaceSettings Space, int Line)> byCloudKey)
            {
                var keyPosition = section.Entry("key")!.Value.Position;
                if (byKey.TryGetValue(space.Key, out var first))
                {
                    _r.Error(ScopeErrorCodes.DuplicateSpace,
                        $"Space '{space.Key}' is listed twice (first at line {first.Line}); each Data Center space may appear once.",
                        keyPosition);
                    return;
                }

                byKey.Add(space.Key, (space, keyPosition.Line));

                var cloudPosition = section.Entry("cloudKey")?.Value.Position ?? keyPosition;
                if (byCloudKey.TryGetValue(space.EffectiveCloudKey, out var other))
                {
                    _r.Error(ScopeErrorCodes.DuplicateSpace,
                        $"Space '{space.Key}' maps to Cloud space '{space.EffectiveCloudKey}', which space '{other.Space.Key}' (line {other.Line}) already maps to; two Data Center spaces cannot sync into one Cloud space.",
                        cloudPosition);
                    return;
                }

                byCloudKey.Add(space.EffectiveCloudKey, (space, keyPosition.Line));
            }

            private string? ReadFilePath(Section section, string key, string expected)
            {
                var text = _r.ReadString(section, key, required: false, expected);
                if (text == null)
                {
                    return null;
                }

                var position = section.Entry(key)!.Value.Position;
                var invalid = text.IndexOfAny(Path.GetInvalidPathChars().Concat(new[] { '\0' }).ToArray());
                if (invalid >= 0)
                {
                    _r.Error(ScopeErrorCodes.InvalidPath, $"'{section.PathOf(key)}' contains a character that is not allowed in file paths; expected {expected}.", position);
                    return null;
                }

                if (text.EndsWith("/", StringComparison.Ordinal) || text.EndsWith("\\", StringComparison.Ordinal))
                {
                    _r.Error(ScopeErrorCodes.InvalidPath, $"'{section.PathOf(key)}' '{text}' names a folder; expected {expected}.", position);
                    return null;
                }

                try
                {
                    return Resolve(text);
                }
                catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
                {
                    _r.Error(ScopeErrorCodes.InvalidPath, $"'{section.PathOf(key)}' '{text}' is not a usable file path ({ex.Message}); expected {expected}.", position);
                    return null;
                }
            }

            /// <summary>Relative to the scope file's folder; '\' and '/' both separate folders.</summary>
            private string Resolve(string path)
            {
                var normalized = path.Replace('\\', '/').Replace('/', Path.DirectorySeparatorChar);
                return Path.GetFullPath(Path.Combine(_folder, normalized));
            }
        }
    }

    /// <summary>What one check of a scope file found: the document when valid, every error, and where each key sits.</summary>
    internal sealed class ScopeAnalysis
    {
        public ScopeAnalysis(ScopeDocument? document, IReadOnlyList<ScopeError> errors, IReadOnlyDictionary<string, SourceLocation> locations)
        {
            Document = document;
            Errors = errors.OrderBy(e => e.Location.Line).ThenBy(e => e.Location.Column).ToList();
            Locations = locations;
        }

        public ScopeDocument? Document { get; }
        public IReadOnlyList<ScopeError> Errors { get; }

        /// <summary>Key path → location of its value, e.g. "spaces[0].maxDeletePercent".</summary>
        public IReadOnlyDictionary<string, SourceLocation> Locations { get; }

        public static ScopeAnalysis Failed(ScopeError error) =>
            new ScopeAnalysis(null, new[] { error }, new Dictionary<string, SourceLocation>());

        public ScopeDocument DocumentOrThrow() =>
            Document ?? throw new ScopeException(Errors);
    }
}
