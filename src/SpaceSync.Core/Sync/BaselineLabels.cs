using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// Labels at Start-SpaceBaseline: read with the listings (they also let exclude.labels decide), and each pair's
    /// base labels recorded, so the first sync merges three-way instead of guessing.
    /// </summary>
    /// <remarks>
    /// When the two pages' labels differ at the baseline, the base is chosen so that the first sync ends where the
    /// baseline's content rule does, and never by removing a label nobody removed:
    /// <list type="bullet">
    /// <item>No authority: the base is the labels both pages carry (the intersection). A label on one side only then
    /// reads as added there, and the first sync copies it: both pages end with the union.</item>
    /// <item>With -Authority: the base is the other side's labels. The authority's extra labels read as added and its
    /// missing ones as removed, so the first sync makes the other page carry exactly the authority's labels, as its
    /// body was overwritten.</item>
    /// </list>
    /// (A union base would be wrong: a label on one side only would read as removed by the other side and be deleted.)
    /// </remarks>
    public static class BaselineLabels
    {
        public static bool Reads(ResolvedSpace space) => space.Content.Labels || space.ExcludeLabels.Count > 0;

        /// <summary>The side's labels when the space reads them (ceil(n / 200) requests); the snapshot as it is otherwise.</summary>
        public static Task<SideSnapshot> ReadAsync(IConfluenceSite site, SideSnapshot side, ResolvedSpace space, EngineLog log,
            CancellationToken cancellationToken) =>
            Reads(space) ? SnapshotReader.ReadLabelsAsync(site, side, log, cancellationToken) : Task.FromResult(side);

        /// <summary>The base labels of a baseline pair (see the remarks); null when either page's labels were not read.</summary>
        public static IReadOnlyList<string>? BaseOf(BaselinePair pair, SyncSide? authority)
        {
            if (pair.DataCenter.Labels is null || pair.Cloud.Labels is null) return null;
            var dc = SiteLabels.Canonical(pair.DataCenter.Labels);
            var cloud = SiteLabels.Canonical(pair.Cloud.Labels);
            return authority switch
            {
                SyncSide.DataCenter => cloud,
                SyncSide.Cloud => dc,
                _ => dc.Intersect(cloud, StringComparer.Ordinal).ToArray(),
            };
        }

        /// <summary>Records every saved pair's base labels in one transaction (when content.labels is on).</summary>
        public static void Record(StateStore state, ResolvedSpace space, BaselinePlan plan, SyncSide? authority,
            IReadOnlyDictionary<string, PairRecord> savedByDataCenterId)
        {
            if (!space.Content.Labels) return;
            var bases = new Dictionary<long, IReadOnlyList<string>>();
            foreach (var pair in plan.Pairs)
            {
                if (BaseOf(pair, authority) is { } labels && savedByDataCenterId.TryGetValue(pair.DataCenter.Id, out var saved))
                    bases[saved.Id] = labels;
            }

            if (bases.Count > 0) state.SetBaseLabels(bases);
        }
    }
}
