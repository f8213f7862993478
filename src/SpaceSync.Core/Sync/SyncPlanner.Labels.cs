using System;
using System.Collections.Generic;
using System.Linq;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync
{
    // Labels (content.labels): each pair's labels are merged three-way against its base labels, as bodies are
    // (LabelMerge), and a page this plan creates gets its source page's labels. Label edits make no page version, so
    // only pages whose labels this run read take part: a pair read on neither side gets no label action.
    public static partial class SyncPlanner
    {
        private sealed partial class Planning
        {
            private const PageChanges PageGoneOrBack = PageChanges.Trashed | PageChanges.Restored | PageChanges.Purged;

            /// <summary>Runs once every page is planned: label actions ride on the page actions already chosen.</summary>
            private void PlanLabels()
            {
                foreach (var create in _actions.Where(a => a.Kind == SyncActionKind.Create).ToList())
                    PlanLabelsOfCreate(create);
                foreach (var pair in _request.Pairs)
                    PlanLabelsOfPair(pair);
            }

            /// <summary>A new page gets its source's labels once it exists (a create cannot carry labels).</summary>
            private void PlanLabelsOfCreate(SyncAction create)
            {
                if (create.SourceId is null || !SnapshotOn(create.Source).Pages.TryGetValue(create.SourceId, out var source) ||
                    source.Labels is null || source.Labels.Count == 0)
                {
                    return;
                }

                var labels = SiteLabels.Canonical(source.Labels);
                var id = AddAction(new SyncAction
                {
                    Kind = SyncActionKind.Labels,
                    Target = create.Target,
                    Source = create.Source,
                    SourceId = create.SourceId,
                    SourceVersion = create.SourceVersion,
                    Title = create.Title,
                    Changes = PageChanges.Labels,
                    DependsOn = new[] { create.Id },
                    Reason = $"labels of the new page: {string.Join(", ", labels)}",
                    LabelsToAdd = labels,
                    LabelsOnDataCenter = create.Source == SyncSide.DataCenter ? labels : Array.Empty<string>(),
                    LabelsOnCloud = create.Source == SyncSide.Cloud ? labels : Array.Empty<string>(),
                }, _depthOfAction[create.Id]);
                var index = _items.FindIndex(i => i.ActionIds.Contains(create.Id));
                if (index >= 0) _items[index] = _items[index] with { ActionIds = _items[index].ActionIds.Concat(new[] { id }).ToList() };
            }

            private void PlanLabelsOfPair(SyncedPair pair)
            {
                if (pair.Status != PairStatus.Active) return;
                var index = _items.FindIndex(i => i.DataCenterId == pair.DataCenterId && i.CloudId == pair.CloudId);
                if (index < 0) return;
                var item = _items[index];
                // Only pairs whose pages both stay where they are: out of scope, left for Resolve-SyncConflict, trashed,
                // restored or created again wait (a restored or re-created page gets its labels merged by a later run).
                var open = item.Status == DriftStatus.InSync || item.Status == DriftStatus.CloudAhead || item.Status == DriftStatus.DataCenterAhead ||
                           (item.Status == DriftStatus.Conflict && item.ActionIds.Count > 0);
                if (!open || ((item.DataCenterChanges | item.CloudChanges) & PageGoneOrBack) != 0 ||
                    _bringsBack.ContainsKey((SyncSide.DataCenter, pair.Key)) || _bringsBack.ContainsKey((SyncSide.Cloud, pair.Key)))
                {
                    return;
                }

                var dc = LabelsAsRead(_request.DataCenter, pair.DataCenterId, pair.BaseLabels, out var dcRead);
                var cloud = LabelsAsRead(_request.Cloud, pair.CloudId, pair.BaseLabels, out var cloudRead);
                if (dc is null || cloud is null || (!dcRead && !cloudRead)) return;

                var baseLabels = pair.BaseLabels ?? Array.Empty<string>();
                var merge = LabelMerge.Merge(baseLabels, dc, cloud);
                // What changed on a side: it differs from the base; with no base yet, what it brings the other side.
                var dcChanged = pair.BaseLabels is null ? merge.AddToCloud.Count + merge.RemoveFromCloud.Count > 0 : !SameSet(dc, baseLabels);
                var cloudChanged = pair.BaseLabels is null ? merge.AddToDataCenter.Count + merge.RemoveFromDataCenter.Count > 0 : !SameSet(cloud, baseLabels);

                var ids = new List<int>();
                var blocked = new List<string>();
                foreach (var (target, add, remove) in new[]
                         {
                             (SyncSide.DataCenter, merge.AddToDataCenter, merge.RemoveFromDataCenter),
                             (SyncSide.Cloud, merge.AddToCloud, merge.RemoveFromCloud),
                         })
                {
                    if (add.Count + remove.Count == 0) continue;
                    if (!MayWrite(target))
                    {
                        blocked.Add(DirectionText(target));
                        continue;
                    }

                    var source = target.Other();
                    ids.Add(AddAction(LabelAction(pair, item.Title, target, add, remove, dc, cloud) with
                    {
                        Reason = $"labels changed on {source.Label()}: " + LabelChangeText(add, remove),
                    }, DepthOfPair(pair)));
                }

                if (ids.Count == 0 && blocked.Count == 0)
                {
                    // Nothing to write, but the base must follow (both sides made the same change, or the first merge of
                    // a pair recorded before labels synced): otherwise a later removal would read as the other side adding.
                    if (SameSet(merge.Merged, baseLabels) && (pair.BaseLabels != null || merge.Merged.Count == 0)) return;
                    ids.Add(AddAction(LabelAction(pair, item.Title, SyncSide.DataCenter, Array.Empty<string>(), Array.Empty<string>(), dc, cloud) with
                    {
                        Reason = "labels: the same on both sites; recorded as the base",
                    }, DepthOfPair(pair)));
                }

                var labelText = ids.Count > 0 && _actions.Any(a => ids.Contains(a.Id) && a.WritesSite)
                    ? "labels on " + string.Join(" and ", ids.Select(i => _actions.First(a => a.Id == i).Target.Label()))
                    : ids.Count == 0 ? blocked[0] : null;
                var wasInSync = item.Status == DriftStatus.InSync;
                var status = !wasInSync || labelText is null ? item.Status
                    : dcChanged && !cloudChanged ? DriftStatus.DataCenterAhead
                    : cloudChanged && !dcChanged ? DriftStatus.CloudAhead
                    : merge.AddToCloud.Count + merge.RemoveFromCloud.Count > 0 ? DriftStatus.DataCenterAhead
                    : DriftStatus.CloudAhead;
                _items[index] = item with
                {
                    Status = status,
                    DataCenterChanges = item.DataCenterChanges | (dcChanged ? PageChanges.Labels : PageChanges.None),
                    CloudChanges = item.CloudChanges | (cloudChanged ? PageChanges.Labels : PageChanges.None),
                    ActionIds = item.ActionIds.Concat(ids).ToList(),
                    Action = labelText is null ? item.Action : wasInSync ? labelText : item.Action + "; " + labelText,
                };
            }

            private SyncAction LabelAction(SyncedPair pair, string title, SyncSide target, IReadOnlyList<string> add, IReadOnlyList<string> remove,
                IReadOnlyList<string> dc, IReadOnlyList<string> cloud) => new SyncAction
            {
                Kind = SyncActionKind.Labels,
                Target = target,
                Source = target.Other(),
                SourceId = pair.IdOn(target.Other()),
                TargetId = pair.IdOn(target),
                TargetVersion = SnapshotOn(target).Pages.TryGetValue(pair.IdOn(target), out var page) ? page.Version : pair.VersionOn(target),
                PairKey = pair.Key,
                Title = title,
                Changes = PageChanges.Labels,
                LabelsToAdd = add,
                LabelsToRemove = remove,
                LabelsBase = pair.BaseLabels,
                LabelsOnDataCenter = dc,
                LabelsOnCloud = cloud,
            };

            /// <summary>
            /// A pair page's labels for the merge (canonical): as read, or — for a page a change query did not list — as
            /// last synced, its base. Null when they are not known (not read, or never recorded).
            /// </summary>
            private static IReadOnlyList<string>? LabelsAsRead(SpaceSnapshot snapshot, string id, IReadOnlyList<string>? baseLabels, out bool read)
            {
                if (snapshot.Pages.TryGetValue(id, out var page))
                {
                    read = page.Labels != null;
                    return page.Labels is null ? null : SiteLabels.Canonical(page.Labels);
                }

                read = false;
                return snapshot.IsComplete ? null : baseLabels;
            }

            private static bool SameSet(IEnumerable<string> a, IEnumerable<string> b) =>
                new HashSet<string>(a, StringComparer.Ordinal).SetEquals(b);

            private static string LabelChangeText(IReadOnlyList<string> add, IReadOnlyList<string> remove) =>
                string.Join("; ", new[]
                {
                    add.Count > 0 ? "add " + string.Join(", ", add) : null,
                    remove.Count > 0 ? "remove " + string.Join(", ", remove) : null,
                }.Where(t => t != null));
        }
    }
}
