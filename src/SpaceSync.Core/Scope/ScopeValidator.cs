using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using SpaceSync.Core.Sync;

namespace SpaceSync.Core.Scope
{
    /// <summary>
    /// Test-SyncScope without -Online: checks the file alone. One Error finding per error; when there is
    /// none, Warning findings for legal but risky settings and one Information finding "valid".
    /// </summary>
    /// <remarks>
    /// Warnings need a readable document, so a file with errors gets only its errors: fix those first.
    /// Missing environment variables are warnings, not errors: the runbook that runs the sync may set them.
    /// </remarks>
    public static class ScopeValidator
    {
        /// <summary>Check name of every finding about the file itself.</summary>
        public const string CheckName = "ScopeFile";

        /// <summary>A delete guard above this share is allowed but warned about.</summary>
        public const int RiskyDeletePercent = 50;

        /// <summary>Findings listed per companion file (users.map, id map); the rest are counted in one last finding.</summary>
        public const int MaxFindingsPerFile = 20;

        public static IReadOnlyList<ScopeFinding> Check(string filePath) =>
            Check(filePath, Environment.GetEnvironmentVariable);

        /// <param name="getEnvironmentVariable">Looks up variables named by env: references (tests substitute it).</param>
        /// <param name="idMapPath">A CCMA id map to check too (what Start-SpaceBaseline -IdMapPath would read); the scope file does not name one.</param>
        public static IReadOnlyList<ScopeFinding> Check(string filePath, Func<string, string?> getEnvironmentVariable, string? idMapPath = null)
        {
            if (filePath == null)
            {
                throw new ArgumentNullException(nameof(filePath));
            }

            if (getEnvironmentVariable == null)
            {
                throw new ArgumentNullException(nameof(getEnvironmentVariable));
            }

            var analysis = ScopeParser.AnalyzeFile(filePath);
            var idMapFindings = idMapPath == null ? new List<ScopeFinding>() : CheckIdMap(idMapPath);
            if (analysis.Document == null)
            {
                return analysis.Errors.Select(e => new ScopeFinding
                {
                    Severity = FindingSeverity.Error,
                    Check = CheckName,
                    Code = e.Code,
                    Location = e.Location,
                    Message = e.Message,
                }).Concat(idMapFindings).ToList();
            }

            var findings = new Warnings(analysis, filePath, getEnvironmentVariable).Collect();
            findings.AddRange(CheckUserMap(analysis.Document.Users));
            findings.AddRange(idMapFindings);
            if (findings.Any(f => f.Severity == FindingSeverity.Error))
            {
                return findings;
            }

            findings.Add(new ScopeFinding
            {
                Severity = FindingSeverity.Information,
                Check = CheckName,
                Code = ScopeErrorCodes.Valid,
                Location = new SourceLocation(filePath, 1, 1),
                Message = Summary(analysis.Document),
            });
            return findings;
        }

        /// <summary>
        /// Reads users.map as a run would (strictly, every row): each problem is an Error finding at its file:line:column,
        /// since the run would stop on it. A map that does not exist yet is the Warnings' ScopeUserMapNotFound.
        /// </summary>
        private static IEnumerable<ScopeFinding> CheckUserMap(UserSettings users)
        {
            if (users.MapPath == null || !File.Exists(users.MapPath))
            {
                return Array.Empty<ScopeFinding>();
            }

            try
            {
                UserMapFile.Load(users.MapPath);
                return Array.Empty<ScopeFinding>();
            }
            catch (UserMapFileException e)
            {
                return Companion(ScopeErrorCodes.UserMapInvalid, users.MapPath, "users.map",
                    e.Problems.Select(p => (p.Location, p.ToString())).ToList());
            }
        }

        private static List<ScopeFinding> CheckIdMap(string path)
        {
            if (!File.Exists(path))
            {
                return Companion(ScopeErrorCodes.IdMapInvalid, path, "id map", new[] { (path, $"The id map '{path}' does not exist.") }).ToList();
            }

            try
            {
                IdMapFile.Load(path);
                return new List<ScopeFinding>();
            }
            catch (IdMapException e)
            {
                return Companion(ScopeErrorCodes.IdMapInvalid, path, "id map", e.Problems.Select(p => (p.Location, p.ToString())).ToList()).ToList();
            }
        }

        /// <summary>Error findings for a file the scope relies on; locations "file:line[:column]" become the finding's place.</summary>
        private static IEnumerable<ScopeFinding> Companion(string code, string file, string what, IReadOnlyList<(string Location, string Text)> problems)
        {
            foreach (var (location, text) in problems.Take(MaxFindingsPerFile))
            {
                yield return new ScopeFinding
                {
                    Severity = FindingSeverity.Error,
                    Check = CheckName,
                    Code = code,
                    Location = PlaceOf(location, file),
                    Message = $"The {what} cannot be used: {text}",
                };
            }

            if (problems.Count > MaxFindingsPerFile)
            {
                yield return new ScopeFinding
                {
                    Severity = FindingSeverity.Error,
                    Check = CheckName,
                    Code = code,
                    Location = new SourceLocation(file, 1, 1),
                    Message = $"The {what} '{file}' has {problems.Count - MaxFindingsPerFile} more problems than the {MaxFindingsPerFile} listed; correct those and run Test-SyncScope again.",
                };
            }
        }

        /// <summary>"file:12:3" or "file:12" → that place; a JSON path or the file alone → line 1 (the message carries the path).</summary>
        private static SourceLocation PlaceOf(string location, string file)
        {
            if (location.StartsWith(file, StringComparison.Ordinal))
            {
                var rest = location.Substring(file.Length).Split(':');
                if (rest.Length >= 2 && rest[0].Length == 0 && int.TryParse(rest[1], NumberStyles.None, CultureInfo.InvariantCulture, out var line))
                {
                    var column = rest.Length >= 3 && int.TryParse(rest[2], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 1;
                    return new SourceLocation(file, line, column);
                }
            }

            return new SourceLocation(file, 1, 1);
        }

        private static string Summary(ScopeDocument document)
        {
            var spaces = document.Spaces.Count == 0
                ? "no spaces"
                : $"{document.Spaces.Count} space{(document.Spaces.Count == 1 ? "" : "s")} ({string.Join(", ", document.Spaces.Select(s => s.Key))})";
            return $"The scope file is valid: {spaces} between Data Center {document.DataCenter.Url} and Cloud {document.Cloud.Url}.";
        }

        /// <summary>The legal-but-risky checks over a valid document.</summary>
        private sealed class Warnings
        {
            private readonly ScopeAnalysis _analysis;
            private readonly ScopeDocument _doc;
            private readonly Func<string, string?> _env;
            private readonly string _filePath;
            private readonly List<ScopeFinding> _findings = new List<ScopeFinding>();

            public Warnings(ScopeAnalysis analysis, string filePath, Func<string, string?> env)
            {
                _analysis = analysis;
                _filePath = filePath;
                _doc = analysis.Document!;
                _env = env;
            }

            public List<ScopeFinding> Collect()
            {
                CheckSite(_doc.Cloud, "sites.cloud");
                CheckSite(_doc.DataCenter, "sites.datacenter");
                CheckCloudSpecifics();
                if (string.Equals(_doc.Cloud.Url.ToString().TrimEnd('/'), _doc.DataCenter.Url.ToString().TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
                {
                    Warn(ScopeErrorCodes.SameSiteTwice, "sites.datacenter.url", null,
                        "Cloud and Data Center have the same URL; SpaceSync would sync a site with itself. Expected two different sites.");
                }

                CheckSyncSettings(_doc.Defaults, "defaults", null);
                if (_doc.Users.MapPath != null && !File.Exists(_doc.Users.MapPath))
                {
                    var what = Directory.Exists(_doc.Users.MapPath) ? "is a folder, not a CSV file" : "does not exist (yet)";
                    Warn(ScopeErrorCodes.UserMapNotFound, "users.map", null,
                        $"The user map '{_doc.Users.MapPath}' {what}; users not matched by e-mail will have no counterpart until it does.");
                }

                if (_doc.Spaces.Count == 0)
                {
                    Warn(ScopeErrorCodes.NoSpaces, "spaces", null, "The scope lists no spaces, so nothing will be synced. Add entries under 'spaces'.");
                }

                for (var i = 0; i < _doc.Spaces.Count; i++)
                {
                    CheckSpace(_doc.Spaces[i], $"spaces[{i}]");
                }

                return _findings;
            }

            private void CheckSite(SiteSettings site, string path)
            {
                var token = site.Auth.Token;
                if (token.Source == SecretSource.Environment && string.IsNullOrEmpty(_env(token.Name!)))
                {
                    Warn(ScopeErrorCodes.EnvironmentVariableMissing, path + ".auth.token", null,
                        $"The environment variable {token.Name} named by '{path}.auth.token' is not set in this session; the sync will fail unless the shell or runbook that runs it sets it.");
                }

                if (site.Auth.User != null && IsPlaceholder(site.Auth.User))
                {
                    Warn(ScopeErrorCodes.Placeholder, path + ".auth.user", null,
                        $"'{path}.auth.user' is still the placeholder {site.Auth.User}; expected the sync account's e-mail.");
                }
            }

            private void CheckCloudSpecifics()
            {
                var cloud = _doc.Cloud;
                if (cloud.Url.Host.EndsWith(".atlassian.net", StringComparison.OrdinalIgnoreCase) &&
                    !cloud.Url.AbsolutePath.StartsWith("/wiki", StringComparison.OrdinalIgnoreCase))
                {
                    Warn(ScopeErrorCodes.CloudUrlWithoutWiki, "sites.cloud.url", null,
                        $"Confluence Cloud serves its REST API under /wiki; expected {cloud.Url.GetLeftPart(UriPartial.Authority)}/wiki.");
                }

                if (cloud.Auth.Type == AuthType.Bearer)
                {
                    Warn(ScopeErrorCodes.CloudBearerAuth, "sites.cloud.auth.type", null,
                        "Confluence Cloud API tokens are sent with basic auth (account e-mail + token); bearer works only with OAuth or service-account tokens.");
                }
                else if (cloud.Auth.User != null && !cloud.Auth.User.Contains("@"))
                {
                    Warn(ScopeErrorCodes.CloudUserNotEmail, "sites.cloud.auth.user", null,
                        "Confluence Cloud signs in with the account's e-mail, and 'sites.cloud.auth.user' holds no '@'. Expected the sync account's e-mail (and check that no token was pasted there).");
                }
            }

            private void CheckSyncSettings(SyncSettings settings, string path, string? spaceKey)
            {
                if (settings.MaxDeletePercent > RiskyDeletePercent)
                {
                    Warn(ScopeErrorCodes.HighDeletePercent, path + ".maxDeletePercent", spaceKey,
                        $"'{path}.maxDeletePercent' is {settings.MaxDeletePercent}: a run may trash more than half of a space's pages before the guard stops it. Expected {RiskyDeletePercent} or less unless a large clean-up is intended.");
                }

                if (settings.RestrictedPages == RestrictedPagesMode.Mirror)
                {
                    Warn(ScopeErrorCodes.MirrorRestrictedPages, path + ".restrictedPages", spaceKey,
                        $"'{path}.restrictedPages' is mirror: restricted pages are copied with their restrictions, mapped user by user; a restriction naming a user with no counterpart keeps the page unsynced. Check the user map covers everyone named in restrictions.");
                }
            }

            private void CheckSpace(SpaceSettings space, string path)
            {
                CheckSyncSettings(space.Overrides, path, space.Key);
                if (IsPlaceholder(space.Owner))
                {
                    Warn(ScopeErrorCodes.Placeholder, path + ".owner", space.Key,
                        $"The owner of space {space.Key} is still the placeholder {space.Owner}; expected who answers for this space.");
                }

                if (space.Phase is MigrationPhase phase)
                {
                    var (presetDirection, presetConflicts) = ScopeResolver.PresetOf(phase);
                    var word = ScopeVocabulary.Phase.Word(phase);
                    if (space.Overrides.Direction is SyncDirection direction && direction != presetDirection)
                    {
                        Warn(ScopeErrorCodes.OverridesPhase, path + ".direction", space.Key,
                            $"Space {space.Key} is in phase {word} (direction {ScopeVocabulary.Direction.Word(presetDirection)}) but sets direction {ScopeVocabulary.Direction.Word(direction)}, which wins. Check that this is intended, or change the phase.");
                    }

                    if (presetConflicts is ConflictPolicy preset && space.Overrides.Conflicts is ConflictPolicy conflicts && conflicts != preset)
                    {
                        Warn(ScopeErrorCodes.OverridesPhase, path + ".conflicts", space.Key,
                            $"Space {space.Key} is in phase {word} (conflicts {ScopeVocabulary.Conflicts.Word(preset)}) but sets conflicts {ScopeVocabulary.Conflicts.Word(conflicts)}, which wins. Check that this is intended, or change the phase.");
                    }
                }
            }

            private static bool IsPlaceholder(string value) =>
                value.EndsWith("@" + ScopeTemplate.PlaceholderDomain, StringComparison.OrdinalIgnoreCase);

            private void Warn(string code, string keyPath, string? spaceKey, string message)
            {
                SiteKind? site = keyPath.StartsWith("sites.cloud", StringComparison.Ordinal) ? SiteKind.Cloud
                    : keyPath.StartsWith("sites.datacenter", StringComparison.Ordinal) ? SiteKind.DataCenter
                    : (SiteKind?)null;
                _findings.Add(new ScopeFinding
                {
                    Severity = FindingSeverity.Warning,
                    Check = CheckName,
                    Site = site,
                    Code = code,
                    SpaceKey = spaceKey,
                    Location = _analysis.Locations.TryGetValue(keyPath, out var location) ? location : new SourceLocation(_filePath, 1, 1),
                    Message = message,
                });
            }
        }
    }
}
