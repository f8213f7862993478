using System.Linq;

namespace SpaceSync.Core.Sync
{
    public static partial class SyncPlanner
    {
        /// <summary>The action of a drift item left alone because a page's body does not parse.</summary>
        public const string UnreadableAction = "none: the body does not parse";

        private sealed partial class Planning
        {
            /// <summary>The page's parser problem when it is current and its body, read by this listing, does not parse; else null.</summary>
            private string? UnreadableOn(SyncSide side, string? id) =>
                id != null && SnapshotOn(side).Pages.TryGetValue(id, out var page) && page.Status == PageStatus.Current ? page.Unreadable : null;

            /// <summary>
            /// A pair with a page whose body does not parse as storage format: nothing is written to either page (a body that
            /// cannot be parsed cannot be translated, compared or merged, and Confluence itself refuses to take it), and the pair
            /// keeps its base, so once the page is fixed on its site the next run sees the fix as that side's change.
            /// </summary>
            private bool PlanUnreadablePair(SyncedPair pair, SideView dc, SideView cloud)
            {
                var broken = new[] { dc, cloud }.Select(v => (View: v, Problem: UnreadableOn(v.Side, v.Id))).Where(b => b.Problem != null).ToList();
                if (broken.Count == 0) return false;
                var title = string.IsNullOrEmpty(dc.Title) ? pair.Title : dc.Title;
                var warnings = broken.Select(b => UnreadableText(title, b.View.Id, b.View.Side, b.Problem!) +
                    " Nothing is written to it or to its twin until it is fixed there; the changes on either side wait, nothing lost.").ToList();
                AddItem(DriftStatus.Unreadable, title, pair, dc, cloud, UnreadableAction, warnings: warnings);
                return true;
            }

            /// <summary>A page on one site only whose body does not parse: not created on the other site.</summary>
            private bool PlanUnreadableUnpaired(SpaceSnapshot source, PageSnapshot page)
            {
                if (page.Unreadable is null) return false;
                AddItem(DriftStatus.Unreadable, page.Title, source.Side, page, null, PageChanges.Created, UnreadableAction, warnings: new[]
                {
                    UnreadableText(page.Title, page.Id, source.Side, page.Unreadable) +
                    $" It is not created on {source.Side.Other().Label()} until it is fixed there.",
                });
                return true;
            }

            private string UnreadableText(string title, string id, SyncSide side, string problem) =>
                $"\"{title}\" (page {id} in space {_request.SpaceKey} on {side.Label()}) has a body that is not storage format: {problem}.";
        }
    }
}
