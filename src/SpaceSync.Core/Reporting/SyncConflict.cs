using System;
using System.Collections.Generic;
using System.Linq;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Reporting
{
    /// <summary>
    /// One open conflict as Get-SyncConflict shows it (SPEC §2): the page on each site, both sides' versions when the
    /// conflict was seen, the versions of the common base, and why. Read from the state only.
    /// </summary>
    public sealed record SyncConflict
    {
        /// <summary>The state's id of the conflict (what Resolve-SyncConflict takes).</summary>
        public long ConflictId { get; init; }
        /// <summary>The space key, or KEY:blogposts for a blog post.</summary>
        public string SpaceKey { get; init; } = "";
        public string Title { get; init; } = "";
        public string DataCenterId { get; init; } = "";
        public string CloudId { get; init; } = "";
        public int DataCenterVersion { get; init; }
        public int CloudVersion { get; init; }
        /// <summary>The Data Center version both sides were equal at (the base of the three-way comparison).</summary>
        public int BaseDataCenterVersion { get; init; }
        public int BaseCloudVersion { get; init; }
        public string Reason { get; init; } = "";
        public DateTimeOffset DetectedAt { get; init; }
        /// <summary>The scope file the space comes from.</summary>
        public string ScopePath { get; init; } = "";

        /// <summary>The open conflicts of a space's collections (its pages, and its blog posts when it syncs them), oldest first.</summary>
        public static IEnumerable<SyncConflict> Open(StateStore state, ResolvedSpace space, string scopePath)
        {
            if (state is null) throw new ArgumentNullException(nameof(state));
            if (space is null) throw new ArgumentNullException(nameof(space));
            foreach (var collection in new[] { space, space.BlogPosts() })
            {
                var conflicts = state.ListConflicts(collection.Key);
                if (conflicts.Count == 0) continue;
                var pairs = state.ListPairs(collection.Key).ToDictionary(p => p.Id);
                foreach (var conflict in conflicts.OrderBy(c => c.DetectedAt).ThenBy(c => c.Id))
                {
                    pairs.TryGetValue(conflict.PairId, out var pair);
                    yield return new SyncConflict
                    {
                        ConflictId = conflict.Id,
                        SpaceKey = collection.Key,
                        Title = pair?.Title ?? "",
                        DataCenterId = pair?.DataCenterPageId ?? "",
                        CloudId = pair?.CloudPageId ?? "",
                        DataCenterVersion = conflict.DataCenterVersion,
                        CloudVersion = conflict.CloudVersion,
                        BaseDataCenterVersion = conflict.BaseDataCenterVersion,
                        BaseCloudVersion = conflict.BaseCloudVersion,
                        Reason = conflict.Reason,
                        DetectedAt = conflict.DetectedAt,
                        ScopePath = scopePath,
                    };
                }
            }
        }
    }
}
