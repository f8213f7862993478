using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Sync
{
    public static partial class SyncPlanner
    {
        /// <summary>What a drift item says when a both-sided body edit is to be merged.</summary>
        public const string MergeAction = "merge both edits block by block";

        private sealed partial class Planning
        {
            /// <summary>
            /// <c>conflicts: merge</c> and both sites edited the body (titles and parents agree or changed on one side only):
            /// each site gets an Update whose body the executor merges when it runs — it needs the bodies, which a plan does not
            /// hold. Title and parent cross field by field like any one-sided change. Where the bodies collide the executor
            /// writes nothing and the page becomes an open conflict.
            /// </summary>
            private void PlanMerge(SyncedPair pair, SideView dc, SideView cloud)
            {
                var titleSource = ChangedOnlyOn(dc, cloud, PageChanges.Title); // alike on both, or a conflict (not merged)
                var parentSource = ChangedOnlyOn(dc, cloud, PageChanges.Parent);
                var title = titleSource == SyncSide.Cloud ? cloud.Title : dc.Title;
                var ids = new List<int>();
                var reported = new List<string>();
                foreach (var (target, source) in new[] { (dc, cloud), (cloud, dc) })
                {
                    if (!MayWrite(target.Side))
                    {
                        reported.Add(DirectionText(target.Side));
                        continue;
                    }

                    var carried = PageChanges.Body;
                    if (titleSource == source.Side) carried |= PageChanges.Title;
                    if (parentSource == source.Side) carried |= PageChanges.Parent;
                    var update = AddUpdate(pair, target, source, carried, title, null,
                        "changed on both sites; merge: both edits merged block by block", mergesBody: true);
                    if (update is int u) ids.Add(u);
                }

                var text = ids.Count == 0
                    ? reported[0]
                    : MergeAction + " into " + string.Join(" and ", ids.Select(i => _actions.First(a => a.Id == i).Target.Label())) +
                      " (a conflict if both edited the same block)";
                AddItem(DriftStatus.Conflict, title, pair, dc, cloud, text, ids);
            }
        }
    }
}
