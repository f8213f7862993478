using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace SpaceSync.Core.Scope
{
    /// <summary>
    /// The commented scope file New-SyncScope writes. It parses cleanly as written; values the caller
    /// could not supply are placeholders in the reserved <c>example.invalid</c> domain, which
    /// Test-SyncScope flags (ScopePlaceholder) until someone replaces them.
    /// </summary>
    public static class ScopeTemplate
    {
        /// <summary>Reserved domain (RFC 2606) of placeholder values: never a real account.</summary>
        public const string PlaceholderDomain = "example.invalid";
        public const string CloudUserPlaceholder = "sync-bot@" + PlaceholderDomain;
        public const string OwnerPlaceholder = "space-owner@" + PlaceholderDomain;
        public const string CloudTokenVariable = "SPACESYNC_CLOUD_TOKEN";
        public const string DataCenterTokenVariable = "SPACESYNC_DC_TOKEN";

        /// <summary>
        /// Phase of each new space: Data Center stays the source of truth until the Cloud copy is
        /// trusted; moving a space to dual-write is then a one-word edit.
        /// </summary>
        public const MigrationPhase InitialPhase = MigrationPhase.DataCenterPrimary;

        /// <summary>Renders a scope file for these sites and spaces.</summary>
        /// <param name="owner">Who answers for the spaces; null writes <see cref="OwnerPlaceholder"/>.</param>
        /// <exception cref="ArgumentException">A URL, space key or owner the scope file would refuse.</exception>
        public static string Render(Uri cloudUrl, Uri dataCenterUrl, IEnumerable<string> spaceKeys, string? owner)
        {
            var cloud = CheckedUrl(cloudUrl, nameof(cloudUrl));
            var dataCenter = CheckedUrl(dataCenterUrl, nameof(dataCenterUrl));
            var keys = CheckedKeys(spaceKeys);
            if (owner != null && (owner.Trim().Length == 0 || owner.IndexOfAny(new[] { '\r', '\n' }) >= 0))
            {
                throw new ArgumentException("The owner must be a non-empty single line (an e-mail or name).", nameof(owner));
            }

            var ownerValue = owner?.Trim() ?? OwnerPlaceholder;
            var phase = ScopeVocabulary.Phase.Word(InitialPhase);
            var text = new StringBuilder();

            void Line(string yaml = "", string? comment = null)
            {
                text.Append(comment == null ? yaml : (yaml.Length == 0 ? "# " + comment : yaml.PadRight(38) + " # " + comment));
                text.Append('\n');
            }

            Line("", "SpaceSync scope file (version 1): which Confluence spaces are kept in sync between");
            Line("", "Data Center and Cloud, and how. Check it with Test-SyncScope (-Online also contacts both sites).");
            Line("", "Secrets never go in this file: tokens are references (env:NAME | secret:VAULT/NAME | prompt).");
            Line("version: 1");
            Line();
            Line("sites:");
            Line("  cloud:");
            Line("    url: " + Scalar(cloud), "https required (http only for localhost, 127.0.0.0/8, ::1)");
            Line("    auth:");
            Line("      type: basic", "basic = account e-mail + API token; bearer = token alone");
            Line("      user: " + CloudUserPlaceholder, "the sync account's e-mail: replace this");
            Line("      token: env:" + CloudTokenVariable, "env:NAME | secret:VAULT/NAME (SecretManagement) | prompt");
            Line("  datacenter:");
            Line("    url: " + Scalar(dataCenter), "https required; a context path such as /confluence is allowed");
            Line("    auth:");
            Line("      type: bearer", "personal access token (Data Center 7.9+)");
            Line("      token: env:" + DataCenterTokenVariable);
            Line();
            Line("", "What every space gets unless its phase or its own entry says otherwise.");
            Line("defaults:");
            Line("  direction: both", "both | to-cloud | to-datacenter | none (report drift only)");
            Line("  conflicts: manual", "manual | prefer-cloud | prefer-datacenter | newest | merge");
            Line("  maxDeletePercent: " + ScopeResolver.BuiltInMaxDeletePercent.ToString(CultureInfo.InvariantCulture), "refuse a run that would trash more of a space's pages than this");
            Line("  content: { labels: true, attachments: true, comments: false, blogposts: false }");
            Line("  restrictedPages: skip", "skip (report as Restricted) | mirror (copy restrictions)");
            Line();
            Line("users:");
            Line("  match: email", "pair users across the sites by e-mail");
            Line("  # map: users.csv", "optional overrides: dataCenterUserKey,cloudAccountId");
            Line();
            Line("", "Phases are presets: datacenter-primary = to-cloud + prefer-datacenter; dual-write = both;");
            Line("", "cloud-primary = to-datacenter + prefer-cloud; frozen = none. A space's own direction or");
            Line("", "conflicts overrides its phase; the phase overrides `defaults`.");
            if (keys.Count == 0)
            {
                Line("", "No spaces yet: replace [] with entries such as");
                Line("", "  - key: ENG");
                Line("", "    owner: eng-docs@acme.com");
                Line("", "    phase: " + phase);
                Line("spaces: []");
            }
            else
            {
                Line("spaces:");
                foreach (var key in keys)
                {
                    Line("  - key: " + Scalar(key), "Data Center space key");
                    Line("    # cloudKey: " + key, "Cloud space key, when it differs (CCMA renames on clashes)");
                    Line("    owner: " + Scalar(ownerValue), "required: who answers for this space during the hybrid phase");
                    Line("    phase: " + phase, "datacenter-primary | dual-write | cloud-primary | frozen");
                    Line("    # include: { subtree: \"Home/Section\" }", "optional: only this page and below");
                    Line("    # exclude: { titles: [\"Archive*\"], labels: [no-sync] }");
                }
            }

            Line();
            Line("state:");
            Line("  path: spacesync.db", "SQLite; relative paths are relative to this file");
            Line("", "Or one state for several machines or workers (PowerShell 7.5+), instead of path:");
            Line("  # provider: postgresql");
            Line("  # connection: env:SPACESYNC_STATE_DB", "Npgsql connection string: env: | secret: | prompt");
            Line("  # schema: spacesync");
            Line("  # lockLeaseSeconds: 300", "a dead worker's space waits this long (30-7200)");
            Line();
            Line("logging:");
            Line("  path: logs/spacesync-.json", "rolling compact-JSON log");
            Line("  level: Information", "Verbose | Debug | Information | Warning | Error | Fatal");
            return text.ToString();
        }

        private static string CheckedUrl(Uri url, string parameter)
        {
            if (url == null)
            {
                throw new ArgumentNullException(parameter);
            }

            if (!SiteUrlRules.TryValidate(url.OriginalString, out var valid, out _, out var problem))
            {
                throw new ArgumentException("The site URL " + problem, parameter);
            }

            return valid!.ToString().TrimEnd('/');
        }

        private static IReadOnlyList<string> CheckedKeys(IEnumerable<string> spaceKeys)
        {
            if (spaceKeys == null)
            {
                throw new ArgumentNullException(nameof(spaceKeys));
            }

            var keys = new List<string>();
            foreach (var raw in spaceKeys)
            {
                var key = (raw ?? "").Trim();
                var problem = SpaceKeyRules.Check(key);
                if (key.Length == 0 || problem != null)
                {
                    throw new ArgumentException($"The space key '{key}' {problem ?? "is empty."}", nameof(spaceKeys));
                }

                if (keys.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"The space key '{key}' is given twice.", nameof(spaceKeys));
                }

                keys.Add(key);
            }

            return keys;
        }

        private static readonly Regex SafePlain = new Regex(@"^[A-Za-z0-9_./@+-][A-Za-z0-9_./@+:\- ]*$", RegexOptions.CultureInvariant);
        private static readonly Regex LooksTyped = new Regex(
            @"^(?:[-+]?[0-9][0-9_.eE+-]*|true|false|yes|no|on|off|null|~)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        /// <summary>A value as YAML: plain when it reads back as the same text, double-quoted otherwise.</summary>
        internal static string Scalar(string value)
        {
            var plain = SafePlain.IsMatch(value) && !LooksTyped.IsMatch(value) &&
                        !value.Contains(": ") && !value.EndsWith(":", StringComparison.Ordinal) && !value.EndsWith(" ", StringComparison.Ordinal);
            if (plain)
            {
                return value;
            }

            var quoted = new StringBuilder("\"");
            foreach (var c in value)
            {
                switch (c)
                {
                    case '"': quoted.Append("\\\""); break;
                    case '\\': quoted.Append("\\\\"); break;
                    case '\t': quoted.Append("\\t"); break;
                    default:
                        if (char.IsControl(c))
                        {
                            quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            quoted.Append(c);
                        }

                        break;
                }
            }

            return quoted.Append('"').ToString();
        }
    }
}
