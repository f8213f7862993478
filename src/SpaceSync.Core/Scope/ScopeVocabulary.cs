using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Scope
{
    /// <summary>The words of one enum as the scope file spells them (kebab case, case-sensitive).</summary>
    public sealed class EnumWords<T> where T : struct, Enum
    {
        private readonly IReadOnlyList<KeyValuePair<string, T>> _words;

        internal EnumWords(params (string Word, T Value)[] words)
        {
            _words = words.Select(w => new KeyValuePair<string, T>(w.Word, w.Value)).ToList();
        }

        /// <summary>Every allowed word, in the order the spec lists them.</summary>
        public IReadOnlyList<string> All => _words.Select(w => w.Key).ToList();

        public string Word(T value)
        {
            foreach (var pair in _words)
            {
                if (EqualityComparer<T>.Default.Equals(pair.Value, value))
                {
                    return pair.Key;
                }
            }

            throw new ArgumentOutOfRangeException(nameof(value), value, "No scope-file word for this value.");
        }

        public bool TryParse(string word, out T value)
        {
            foreach (var pair in _words)
            {
                if (string.Equals(pair.Key, word, StringComparison.Ordinal))
                {
                    value = pair.Value;
                    return true;
                }
            }

            value = default;
            return false;
        }
    }

    /// <summary>The scope file's words for each enum (SPEC §1).</summary>
    public static class ScopeVocabulary
    {
        public static EnumWords<SyncDirection> Direction { get; } = new EnumWords<SyncDirection>(
            ("both", SyncDirection.Both),
            ("to-cloud", SyncDirection.ToCloud),
            ("to-datacenter", SyncDirection.ToDataCenter),
            ("none", SyncDirection.None));

        public static EnumWords<ConflictPolicy> Conflicts { get; } = new EnumWords<ConflictPolicy>(
            ("manual", ConflictPolicy.Manual),
            ("prefer-cloud", ConflictPolicy.PreferCloud),
            ("prefer-datacenter", ConflictPolicy.PreferDataCenter),
            ("newest", ConflictPolicy.Newest),
            ("merge", ConflictPolicy.Merge));

        public static EnumWords<MigrationPhase> Phase { get; } = new EnumWords<MigrationPhase>(
            ("datacenter-primary", MigrationPhase.DataCenterPrimary),
            ("dual-write", MigrationPhase.DualWrite),
            ("cloud-primary", MigrationPhase.CloudPrimary),
            ("frozen", MigrationPhase.Frozen));

        public static EnumWords<RestrictedPagesMode> RestrictedPages { get; } = new EnumWords<RestrictedPagesMode>(
            ("skip", RestrictedPagesMode.Skip),
            ("mirror", RestrictedPagesMode.Mirror));

        public static EnumWords<AuthType> AuthType { get; } = new EnumWords<AuthType>(
            ("basic", Scope.AuthType.Basic),
            ("bearer", Scope.AuthType.Bearer));

        public static EnumWords<StateProvider> StateProvider { get; } = new EnumWords<StateProvider>(
            ("sqlite", Scope.StateProvider.Sqlite),
            ("postgresql", Scope.StateProvider.PostgreSql));

        public static EnumWords<UserMatch> UserMatch { get; } = new EnumWords<UserMatch>(
            ("email", Scope.UserMatch.Email));

        /// <summary>Serilog's level names: what `logging.level` accepts.</summary>
        public static IReadOnlyList<string> LogLevels { get; } =
            new[] { "Verbose", "Debug", "Information", "Warning", "Error", "Fatal" };
    }
}
