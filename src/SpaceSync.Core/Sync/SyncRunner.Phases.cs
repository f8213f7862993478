using System;
using System.Collections.Generic;
using System.Linq;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using StatePairStatus = SpaceSync.Core.State.PairStatus;

namespace SpaceSync.Core.Sync
{
    public static partial class SyncRunner
    {
        private sealed partial class SyncRun
        {
            // ---- phases
            /// <summary>
            /// Pairs (by key) on which a one-way direction (a datacenter-primary, cloud-primary or frozen phase) left some of a
            /// side's own content changes alone while other changes of the pair crossed: what each side still holds unsynced.
            /// </summary>
            private readonly Dictionary<string, (PageChanges DataCenter, PageChanges Cloud)> _leftAlone =
                new Dictionary<string, (PageChanges, PageChanges)>(StringComparer.Ordinal);

            private const PageChanges PageContent = PageChanges.Body | PageChanges.Title | PageChanges.Parent;

            /// <summary>
            /// Finds, in <paramref name="plan"/>, the pairs whose side changed an aspect (body, title, parent) that the
            /// direction does not let cross and no action carries, while the pair has actions for its other changes.
            /// </summary>
            private void NoteChangesLeftAlone(SyncPlan plan)
            {
                _leftAlone.Clear();
                // to-cloud holds back Cloud's changes (nothing is written to Data Center), to-datacenter Data Center's.
                var dcHeld = _space.Direction == SyncDirection.ToDataCenter || _space.Direction == SyncDirection.None;
                var cloudHeld = _space.Direction == SyncDirection.ToCloud || _space.Direction == SyncDirection.None;
                if (!dcHeld && !cloudHeld) return; // Direction both: every change crosses or is a conflict

                var updates = plan.Actions.Where(a => a.Kind == SyncActionKind.Update && a.PairKey != null)
                    .ToLookup(a => a.PairKey!, StringComparer.Ordinal);
                foreach (var item in plan.Items.Where(i => i.DataCenterId != null && i.ActionIds.Count > 0))
                {
                    PageChanges Into(SyncSide target) =>
                        updates[item.DataCenterId!].Where(a => a.Target == target).Aggregate(PageChanges.None, (all, a) => all | a.Changes);

                    // An aspect changed on both sides is a conflict (settled by the policy or left open), not left alone.
                    var dcLeft = dcHeld ? item.DataCenterChanges & PageContent & ~item.CloudChanges & ~Into(SyncSide.Cloud) : PageChanges.None;
                    var cloudLeft = cloudHeld ? item.CloudChanges & PageContent & ~item.DataCenterChanges & ~Into(SyncSide.DataCenter) : PageChanges.None;
                    if ((dcLeft | cloudLeft) != PageChanges.None) _leftAlone[item.DataCenterId!] = (dcLeft, cloudLeft);
                }
            }

            /// <summary>True when the pair holds changes left alone: the next run reads its pages again, as it does other such drift.</summary>
            private bool HoldsChangesLeftAlone(string? pairKey) => pairKey != null && _leftAlone.ContainsKey(pairKey);

            /// <summary>
            /// The pair row a run records after writing a pair that holds changes left alone: the side holding them keeps the
            /// version last synced, and those aspects keep their base, so the next run still sees them as that side's
            /// changes (reported, and carried once the direction allows) instead of taking them for synced.
            /// </summary>
            private PairRecord KeepChangesLeftAlone(string pairKey, PairRecord old, PairRecord pair)
            {
                if (pair.Status != StatePairStatus.Active || !_leftAlone.TryGetValue(pairKey, out var left)) return pair;
                var held = left.DataCenter | left.Cloud;
                return pair with
                {
                    DataCenterVersion = left.DataCenter != PageChanges.None ? old.DataCenterVersion : pair.DataCenterVersion,
                    CloudVersion = left.Cloud != PageChanges.None ? old.CloudVersion : pair.CloudVersion,
                    Title = (held & PageChanges.Title) != 0 ? old.Title : pair.Title,
                    ParentPairId = (held & PageChanges.Parent) != 0 ? old.ParentPairId : pair.ParentPairId,
                    BaseBody = (held & PageChanges.Body) != 0 ? old.BaseBody : pair.BaseBody,
                    BaseHash = (held & PageChanges.Body) != 0 ? old.BaseHash : pair.BaseHash,
                };
            }
        }
    }
}
