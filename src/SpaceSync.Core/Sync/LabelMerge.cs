using System;
using System.Collections.Generic;
using System.Linq;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// What to change on each side so that both carry the merged labels, and the merged set as the next base.
    /// Every list is canonical (lower-cased, distinct, sorted ordinally).
    /// </summary>
    public sealed record LabelMergeResult(
        IReadOnlyList<string> Merged,
        IReadOnlyList<string> AddToDataCenter,
        IReadOnlyList<string> RemoveFromDataCenter,
        IReadOnlyList<string> AddToCloud,
        IReadOnlyList<string> RemoveFromCloud)
    {
        /// <summary>Whether either side needs a write.</summary>
        public bool ChangesAnySide =>
            AddToDataCenter.Count + RemoveFromDataCenter.Count + AddToCloud.Count + RemoveFromCloud.Count > 0;
    }

    /// <summary>
    /// Three-way merge of label sets against the base (the labels both sides carried after the last sync), as bodies
    /// are merged: what one side changed since the base is carried to the other.
    /// </summary>
    /// <remarks>
    /// Per label there are three bits: in base, on Data Center, on Cloud. When the sides agree, that is the result.
    /// When they differ, exactly one side moved away from the base — if the label was in the base, the side lacking it
    /// removed it; if not, the side holding it added it — and that change wins. "Added on one side, removed on the other"
    /// would need the label both in and out of the base, so sets never conflict: no label needs a person to decide.
    /// Both sides adding (or both removing) the same label agree, and need no write.
    /// Names compare as Confluence stores them: trimmed and lower-cased (Confluence lower-cases labels on save, so
    /// "Draft" and "draft" are one label).
    /// </remarks>
    public static class LabelMerge
    {
        /// <param name="baseLabels">The labels after the last sync; empty when none was recorded (a first merge is then the union).</param>
        public static LabelMergeResult Merge(IEnumerable<string> baseLabels, IEnumerable<string> dataCenter, IEnumerable<string> cloud)
        {
            var inBase = new HashSet<string>(SiteLabels.Canonical(baseLabels ?? throw new ArgumentNullException(nameof(baseLabels))), StringComparer.Ordinal);
            var onDc = SiteLabels.Canonical(dataCenter ?? throw new ArgumentNullException(nameof(dataCenter)));
            var onCloud = SiteLabels.Canonical(cloud ?? throw new ArgumentNullException(nameof(cloud)));
            var dcSet = new HashSet<string>(onDc, StringComparer.Ordinal);
            var cloudSet = new HashSet<string>(onCloud, StringComparer.Ordinal);

            var merged = new List<string>();
            foreach (var label in onDc.Concat(onCloud).Distinct(StringComparer.Ordinal).OrderBy(l => l, StringComparer.Ordinal))
            {
                var dc = dcSet.Contains(label);
                var cl = cloudSet.Contains(label);
                // Agreement stands; otherwise the side that moved away from the base wins: kept when it was an addition.
                var keep = dc == cl ? dc : !inBase.Contains(label);
                if (keep) merged.Add(label);
            }

            var mergedSet = new HashSet<string>(merged, StringComparer.Ordinal);
            return new LabelMergeResult(
                merged,
                merged.Where(l => !dcSet.Contains(l)).ToArray(),
                onDc.Where(l => !mergedSet.Contains(l)).ToArray(),
                merged.Where(l => !cloudSet.Contains(l)).ToArray(),
                onCloud.Where(l => !mergedSet.Contains(l)).ToArray());
        }
    }
}
