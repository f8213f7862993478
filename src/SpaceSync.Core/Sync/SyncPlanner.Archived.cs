using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Sync
{
    public static partial class SyncPlanner
    {
        /// <summary>The action of a drift item left alone because a page of it is archived.</summary>
        public const string ArchivedAction = "none: archived";

        private sealed partial class Planning
        {
            /// <summary>Pairs reported Archived: nothing reaches either page, neither content nor labels nor files.</summary>
            private readonly HashSet<string> _archivedPairs = new HashSet<string>(StringComparer.Ordinal);

            /// <summary>Whether the page is archived on its site, as far as this run's listing shows (a change query may not list it).</summary>
            private bool IsArchived(SyncSide side, string? id) =>
                id != null && SnapshotOn(side).Pages.TryGetValue(id, out var page) && page.Archived;

            /// <summary>
            /// A pair with a page in its site's archive (Cloud refuses every write to an archived page with 400): left
            /// untouched on both sites, reported Archived with what waits. The pair keeps its base, so the edits made
            /// meanwhile on either side are still changes when the page is restored, and cross then.
            /// </summary>
            private bool PlanArchivedPair(SyncedPair pair, SideView dc, SideView cloud)
            {
                var archived = new[] { dc, cloud }.Where(v => IsArchived(v.Side, v.Id)).ToList();
                if (archived.Count == 0) return false;
                _archivedPairs.Add(pair.Key);
                var title = string.IsNullOrEmpty(dc.Title) ? pair.Title : dc.Title;
                var where = string.Join(" and ", archived.Select(v => $"{v.Side.Label()} (page {v.Id})"));
                var text = $"\"{title}\" is archived on {where}: nothing is written to it or to its twin while it is in the archive";
                var waiting = new[] { dc, cloud }.Where(v => v.Changes != PageChanges.None)
                    .Select(v => $"the {v.Side.Label()} changes ({v.Changes})").ToList();
                text += waiting.Count == 0
                    ? "."
                    : $"; {string.Join(" and ", waiting)} wait, nothing lost, and cross at the first run after it is restored from the archive.";
                AddItem(DriftStatus.Archived, title, pair, dc, cloud, ArchivedAction, warnings: new[] { text });
                return true;
            }

            /// <summary>A page on one site only that is archived there: not created on the other site while it is archived.</summary>
            private bool PlanArchivedUnpaired(SpaceSnapshot source, PageSnapshot page)
            {
                if (!page.Archived) return false;
                AddItem(DriftStatus.Archived, page.Title, source.Side, page, null, PageChanges.Created, ArchivedAction, warnings: new[]
                {
                    $"\"{page.Title}\" (page {page.Id}) is archived on {source.Side.Label()}: it is not created on {source.Side.Other().Label()} " +
                    "while it is in the archive.",
                });
                return true;
            }

            /// <summary>A new page whose parent's twin is archived on the target: the create waits (Cloud takes no child below an archived page).</summary>
            private bool PlanBelowArchivedParent(SpaceSnapshot source, PageSnapshot page, SyncSide target, ParentRef parent)
            {
                if (!IsArchived(target, parent.TargetId)) return false;
                var onlyOn = source.Side == SyncSide.DataCenter ? DriftStatus.OnlyOnDataCenter : DriftStatus.OnlyOnCloud;
                AddItem(onlyOn, page.Title, source.Side, page, null, PageChanges.Created, ArchivedAction, warnings: new[]
                {
                    $"\"{page.Title}\" (new on {source.Side.Label()}, page {page.Id}) is not created on {target.Label()} yet: its parent there " +
                    $"(page {parent.TargetId}) is archived. It is created at the first run after that page is restored from the archive.",
                });
                return true;
            }
        }
    }
}
