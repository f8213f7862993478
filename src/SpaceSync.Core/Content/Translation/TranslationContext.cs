using System;
using System.Collections.Generic;

namespace SpaceSync.Core.Content.Translation
{
    /// <summary>
    /// What a translation needs to know about the two sites, supplied by the caller (the translator does no I/O).
    /// One context serves both directions.
    /// </summary>
    public sealed class TranslationContext
    {
        private readonly Dictionary<string, string> _toCloudKey = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _toDataCenterKey = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <param name="users">Mentions: user key / username ↔ account id.</param>
        /// <param name="pages">Links that carry page ids: the pair table.</param>
        /// <param name="spaceKeys">Data Center space key → Cloud space key, for spaces whose key differs (ENG → ENG2);
        /// a key not listed is the same on both sites.</param>
        /// <exception cref="ArgumentException">Two Data Center keys map to one Cloud key (the way back would be ambiguous).</exception>
        public TranslationContext(IUserMap users, IPageMap pages, IReadOnlyDictionary<string, string>? spaceKeys = null)
        {
            Users = users ?? throw new ArgumentNullException(nameof(users));
            Pages = pages ?? throw new ArgumentNullException(nameof(pages));
            if (spaceKeys == null) return;
            foreach (var pair in spaceKeys)
            {
                if (string.IsNullOrEmpty(pair.Key) || string.IsNullOrEmpty(pair.Value))
                    throw new ArgumentException("A space key mapping has an empty key.", nameof(spaceKeys));
                if (_toDataCenterKey.TryGetValue(pair.Value, out var other))
                    throw new ArgumentException($"Space keys '{other}' and '{pair.Key}' both map to Cloud key '{pair.Value}'.", nameof(spaceKeys));
                _toCloudKey.Add(pair.Key, pair.Value);
                _toDataCenterKey.Add(pair.Value, pair.Key);
            }
        }

        public IUserMap Users { get; }

        public IPageMap Pages { get; }

        /// <summary>
        /// The Data Center base URL with its context path (<c>https://wiki.acme.internal/confluence</c>). Relative links
        /// are read and written under its path (none when null); absolute links to a site are rewritten only when both
        /// base URLs are known, since a link to any other host is not a link into a synced space.
        /// </summary>
        public Uri? DataCenterBaseUrl { get; init; }

        /// <summary>The Cloud base URL, <c>https://SITE.atlassian.net/wiki</c>; its path is always <c>/wiki</c>.</summary>
        public Uri? CloudBaseUrl { get; init; }

        /// <summary>Macro names Cloud has (<c>ac:name</c>); null = not known, macros are not checked going to Cloud.</summary>
        public IReadOnlyCollection<string>? CloudMacros { get; init; }

        /// <summary>Macro names Data Center has; null = not known, macros are not checked going to Data Center.</summary>
        public IReadOnlyCollection<string>? DataCenterMacros { get; init; }

        internal string? MapSpaceKey(string key, TranslationDirection direction) =>
            (direction == TranslationDirection.DataCenterToCloud ? _toCloudKey : _toDataCenterKey).TryGetValue(key, out var mapped) ? mapped : null;
    }
}
