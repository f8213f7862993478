using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// Start-SpaceBaseline and restricted pages. The baseline pairs restricted pages like any other (after CCMA both
    /// copies exist, restrictions included); it only writes with -Authority, and those writes are the one thing
    /// restrictions can make unsafe: a body written over a page less restricted than its source would leak. So the
    /// restrictions of the pages an -Authority write touches (and of their ancestors: a view restriction is inherited)
    /// are read — none when there is nothing to write — and such writes are held back and reported as Restricted.
    /// Nothing about restrictions is stored: the first sync after a baseline always lists every page, and reads every
    /// page's restrictions with that listing.
    /// </summary>
    internal static class BaselineRestrictions
    {
        /// <summary>The plan with writes held back from restricted pairs (see the class summary); the plan itself when it writes nothing.</summary>
        public static async Task<BaselinePlan> HoldBackAsync(IConfluenceSite dataCenter, IConfluenceSite cloud, ResolvedSpace space,
            BaselinePlan plan, SpaceSnapshot dc, SpaceSnapshot cl, EngineLog log, CancellationToken cancellationToken)
        {
            if (plan.Actions.Count == 0) return plan;
            var dcIds = new HashSet<string>(StringComparer.Ordinal);
            var cloudIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var action in plan.Actions)
            {
                foreach (var (side, id) in new[] { (action.Source, action.SourceId), (action.Target, action.TargetId) })
                {
                    if (id is null) continue;
                    var (snapshot, ids) = side == SyncSide.DataCenter ? (dc, dcIds) : (cl, cloudIds);
                    // ---- folders: the walk stops at a Cloud folder that could not be read (no page, no restrictions to ask for)
                    for (var cursor = id; cursor != null && !snapshot.Containers.ContainsKey(cursor) && ids.Add(cursor);)
                        cursor = snapshot.Pages.TryGetValue(cursor, out var page) ? page.ParentId : null;
                }
            }

            var dcRead = await dataCenter.ReadPageRestrictionsAsync(dcIds, cancellationToken).ConfigureAwait(false);
            var cloudRead = await cloud.ReadPageRestrictionsAsync(cloudIds, cancellationToken).ConfigureAwait(false);
            var held = new Dictionary<string, string>(StringComparer.Ordinal); // pair key (DC id) → why
            foreach (var action in plan.Actions)
            {
                var (sourceSnapshot, sourceRead) = action.Source == SyncSide.DataCenter ? (dc, dcRead) : (cl, cloudRead);
                var (targetSnapshot, targetRead) = action.Target == SyncSide.DataCenter ? (dc, dcRead) : (cl, cloudRead);
                var source = Restricted(sourceSnapshot, sourceRead, action.SourceId!, action.Source);
                var target = Restricted(targetSnapshot, targetRead, action.TargetId!, action.Target);
                string? why = null;
                if (space.RestrictedPages == RestrictedPagesMode.Skip && (source ?? target) is string any)
                {
                    why = any + "; restrictedPages is skip, so the baseline pairs it but writes neither copy";
                }
                else if (space.RestrictedPages == RestrictedPagesMode.Mirror && source != null && target is null)
                {
                    why = source + $", and its {action.Target.Label()} copy has none: not written before the first sync mirrors the restrictions " +
                          "(then edit the page, or run Start-SpaceBaseline -Force -Authority again)";
                }

                if (why != null) held[action.PairKey!] = why;
            }

            if (held.Count == 0) return plan;
            var heldIds = new HashSet<int>(plan.Actions.Where(a => held.ContainsKey(a.PairKey!)).Select(a => a.Id));
            foreach (var pair in held) log.Warning("{Space:l}: page {PageId}: {Why:l}", space.Key, pair.Key, pair.Value);
            return plan with
            {
                Actions = plan.Actions.Where(a => !heldIds.Contains(a.Id)).ToList(),
                Items = plan.Items.Select(item => item.DataCenterId is string key && held.TryGetValue(key, out var why) && item.ActionIds.Any(heldIds.Contains)
                    ? item with
                    {
                        Status = DriftStatus.Restricted,
                        ActionIds = item.ActionIds.Where(id => !heldIds.Contains(id)).ToList(),
                        Action = SyncPlanner.RestrictedAction,
                        Warnings = item.Warnings.Concat(new[] { $"\"{item.Title}\" differs between the sites and is not written: {why}." }).ToList(),
                    }
                    : item).ToList(),
            };
        }

        /// <summary>Why the page counts as restricted (its own restrictions, or an ancestor's view restriction), or null.</summary>
        private static string? Restricted(SpaceSnapshot snapshot, IReadOnlyDictionary<string, PageRestrictions> read, string id, SyncSide side)
        {
            if (read.TryGetValue(id, out var own) && !own.IsEmpty) return $"it has restrictions on {side.Label()} ({own})";
            var seen = new HashSet<string>(StringComparer.Ordinal) { id };
            var cursor = snapshot.Pages.TryGetValue(id, out var page) ? page.ParentId : null;
            while (cursor != null && seen.Add(cursor))
            {
                if (read.TryGetValue(cursor, out var r) && r.RestrictsRead)
                {
                    var title = snapshot.Pages.TryGetValue(cursor, out var ancestor) ? ancestor.Title : cursor;
                    return $"its ancestor \"{title}\" (page {cursor}) has view restrictions on {side.Label()}";
                }

                cursor = snapshot.Pages.TryGetValue(cursor, out var up) ? up.ParentId : null;
            }

            return null;
        }
    }
}
