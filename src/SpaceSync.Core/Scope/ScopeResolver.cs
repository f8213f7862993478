using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Scope
{
    /// <summary>
    /// Decides every space's settings. Precedence, lowest first:
    /// built-in defaults → the file's `defaults` → the space's phase preset → the space's own keys.
    /// So an explicit `direction`/`conflicts` on a space beats its phase (SPEC §1), and a phase beats
    /// `defaults` (the phase is the more specific statement about that space).
    /// </summary>
    /// <remarks>
    /// Built-in defaults: direction both, conflicts manual, maxDeletePercent 10, labels and attachments
    /// on, comments and blog posts off, restricted pages skipped. A space without a phase gets no
    /// preset (its phase stays null): `defaults` and built-ins decide, so a file-wide
    /// `defaults: direction: to-cloud` is not silently undone by an assumed phase.
    /// Phase presets: datacenter-primary = to-cloud + prefer-datacenter; dual-write = both (conflicts
    /// untouched); cloud-primary = to-datacenter + prefer-cloud; frozen = none (conflicts untouched).
    /// </remarks>
    public static class ScopeResolver
    {
        public const SyncDirection BuiltInDirection = SyncDirection.Both;
        public const ConflictPolicy BuiltInConflicts = ConflictPolicy.Manual;
        public const int BuiltInMaxDeletePercent = 10;

        /// <summary>
        /// Two: each site gets one write at a time (what a Data Center node serves well, and what its rate limiting is
        /// sized for), and the two sites are written at once rather than one waiting for the other.
        /// </summary>
        public const int BuiltInMaxConcurrentWrites = 2;
        public const RestrictedPagesMode BuiltInRestrictedPages = RestrictedPagesMode.Skip;
        public static ResolvedContent BuiltInContent { get; } = new ResolvedContent(Labels: true, Attachments: true, Comments: false, Blogposts: false);

        /// <summary>What a phase sets; null where the phase leaves the setting alone.</summary>
        public static (SyncDirection Direction, ConflictPolicy? Conflicts) PresetOf(MigrationPhase phase) => phase switch
        {
            MigrationPhase.DataCenterPrimary => (SyncDirection.ToCloud, ConflictPolicy.PreferDataCenter),
            MigrationPhase.DualWrite => (SyncDirection.Both, null),
            MigrationPhase.CloudPrimary => (SyncDirection.ToDataCenter, ConflictPolicy.PreferCloud),
            MigrationPhase.Frozen => (SyncDirection.None, null),
            _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "Unknown phase."),
        };

        public static ResolvedScope Resolve(ScopeDocument document)
        {
            if (document == null)
            {
                throw new ArgumentNullException(nameof(document));
            }

            return new ResolvedScope
            {
                Document = document,
                Spaces = document.Spaces.Select(space => ResolveSpace(space, document.Defaults) with { LockLease = document.State.LockLease }).ToList(),
            };
        }

        /// <summary>Reads, validates and resolves a scope file in one step.</summary>
        /// <exception cref="ScopeException">The file is missing or invalid.</exception>
        public static ResolvedScope Load(string filePath) => Resolve(ScopeParser.Load(filePath));

        public static ResolvedSpace ResolveSpace(SpaceSettings space, SyncSettings defaults)
        {
            var sources = new Dictionary<string, string>(StringComparer.Ordinal);
            var own = space.Overrides;
            SyncDirection? presetDirection = null;
            ConflictPolicy? presetConflicts = null;
            var phaseSource = "";
            if (space.Phase is MigrationPhase phase)
            {
                (presetDirection, presetConflicts) = PresetOf(phase);
                phaseSource = ValueSources.Phase(phase);
                sources["phase"] = ValueSources.Space;
            }

            var direction = Pick("direction", sources,
                (own.Direction, ValueSources.Space),
                (presetDirection, phaseSource),
                (defaults.Direction, ValueSources.Defaults),
                (BuiltInDirection, ValueSources.BuiltIn));
            var conflicts = Pick("conflicts", sources,
                (own.Conflicts, ValueSources.Space),
                (presetConflicts, phaseSource),
                (defaults.Conflicts, ValueSources.Defaults),
                (BuiltInConflicts, ValueSources.BuiltIn));
            var maxDelete = Pick("maxDeletePercent", sources,
                (own.MaxDeletePercent, ValueSources.Space),
                (defaults.MaxDeletePercent, ValueSources.Defaults),
                (BuiltInMaxDeletePercent, ValueSources.BuiltIn));
            var writes = Pick("maxConcurrentWrites", sources,
                (own.MaxConcurrentWrites, ValueSources.Space),
                (defaults.MaxConcurrentWrites, ValueSources.Defaults),
                (BuiltInMaxConcurrentWrites, ValueSources.BuiltIn));
            var restricted = Pick("restrictedPages", sources,
                (own.RestrictedPages, ValueSources.Space),
                (defaults.RestrictedPages, ValueSources.Defaults),
                (BuiltInRestrictedPages, ValueSources.BuiltIn));

            bool Switch(string name, Func<ContentSettings, bool?> of, bool builtIn) => Pick("content." + name, sources,
                (own.Content == null ? null : of(own.Content), ValueSources.Space),
                (defaults.Content == null ? null : of(defaults.Content), ValueSources.Defaults),
                (builtIn, ValueSources.BuiltIn));

            var content = new ResolvedContent(
                Labels: Switch("labels", c => c.Labels, BuiltInContent.Labels),
                Attachments: Switch("attachments", c => c.Attachments, BuiltInContent.Attachments),
                Comments: Switch("comments", c => c.Comments, BuiltInContent.Comments),
                Blogposts: Switch("blogposts", c => c.Blogposts, BuiltInContent.Blogposts));

            return new ResolvedSpace
            {
                Key = space.Key,
                CloudKey = space.EffectiveCloudKey,
                Owner = space.Owner,
                Phase = space.Phase,
                Direction = direction,
                Conflicts = conflicts,
                MaxDeletePercent = maxDelete,
                MaxConcurrentWrites = writes,
                Content = content,
                RestrictedPages = restricted,
                IncludeSubtree = space.IncludeSubtree,
                ExcludeTitles = space.ExcludeTitles,
                ExcludeLabels = space.ExcludeLabels,
                Sources = sources,
                Location = space.Location,
            };
        }

        /// <summary>The first candidate that is set, recording its source under <paramref name="name"/>.</summary>
        private static T Pick<T>(string name, IDictionary<string, string> sources, params (T? Value, string Source)[] candidates)
            where T : struct
        {
            foreach (var (value, source) in candidates)
            {
                if (value.HasValue)
                {
                    sources[name] = source;
                    return value.Value;
                }
            }

            throw new InvalidOperationException($"No value for '{name}': the built-in default is missing.");
        }
    }
}
