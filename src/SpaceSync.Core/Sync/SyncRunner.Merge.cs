using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Content;
using SpaceSync.Core.Content.Merge;

namespace SpaceSync.Core.Sync
{
    public static partial class SyncRunner
    {
        private sealed partial class SyncRun
        {
            /// <summary>One pair's merge as this round made it: the body (Data Center dialect) or why there is none.</summary>
            private sealed record PairMerge(string? Body, string? Collision, string DataCenterBody, string CloudBody)
            {
                /// <summary>A side's body does not parse: no merge is made with it, the merging updates fail with this.</summary>
                public UnreadableBodyException? Unreadable { get; init; }
            }
            // (all in the compared form: Data Center dialect after a crossing to Cloud and back)

            /// <summary>Merges by pair key, made once per round for both of the pair's updates (a re-plan reads the pages again).</summary>
            private readonly Dictionary<(int Round, string Pair), PairMerge> _merges = new Dictionary<(int Round, string Pair), PairMerge>();

            /// <summary>Pages whose merge collided this run: open conflicts, like the plan's own.</summary>
            private readonly Dictionary<string, DriftItem> _mergeCollisions = new Dictionary<string, DriftItem>(StringComparer.Ordinal);

            private int _mergedPairs;

            /// <summary>
            /// The body a merging update writes to its target: the three-way block merge of both pages against the pair's
            /// base, in the target's dialect; null when it collides or cannot be made (the outcome then says why and the pair
            /// is left as it is, an open conflict). A target that already holds the merge gets no write (<paramref name="unchanged"/>).
            /// </summary>
            private async Task<(string? Body, bool Unchanged, SyncActionOutcome? Refused)> MergedBodyAsync(SyncAction action, PairProgress progress,
                CancellationToken ct)
            {
                var merge = await MergeOfAsync(progress, ct).ConfigureAwait(false);
                if (merge.Unreadable != null)
                {
                    progress.Incomplete = true;
                    throw merge.Unreadable;
                }

                if (merge.Body is null)
                {
                    progress.Incomplete = true;
                    // The pair's first merging update says why; the second only that it follows (the log says it once).
                    var said = _mergeCollisions.ContainsKey(progress.Pair.DataCenterPageId);
                    NoteMergeCollision(action, progress, merge.Collision!);
                    return (null, false, new SyncActionOutcome(action, ActionOutcomeKind.Skipped, said
                        ? $"\"{action.Title}\" not merged (see the update of its other page): left as it is"
                        : $"\"{action.Title}\" not merged: {merge.Collision}; both versions are kept, left for Resolve-SyncConflict"));
                }

                var current = action.Target == SyncSide.DataCenter ? merge.DataCenterBody : merge.CloudBody;
                if (string.Equals(SnapshotReader.NormalizedOrRaw(current), merge.Body, StringComparison.Ordinal))
                {
                    return (null, true, null);
                }

                if (action.Target == SyncSide.Cloud)
                {
                    return (await CrossAsync(action with { Source = SyncSide.DataCenter }, merge.Body, ct).ConfigureAwait(false), false, null);
                }

                _writtenDataCenterHashes[action.TargetId!] = (merge.Body,
                    await SnapshotReader.CanonicalHashAsync(merge.Body, SyncSide.DataCenter, action.TargetId!, Translator, _log, ct).ConfigureAwait(false));
                return (merge.Body, false, null);
            }

            private async Task<PairMerge> MergeOfAsync(PairProgress progress, CancellationToken ct)
            {
                var key = (_round, progress.Pair.DataCenterPageId);
                if (_merges.TryGetValue(key, out var made)) return made;

                var dcBody = await BodyOfAsync(SyncSide.DataCenter, progress.DataCenter, ct).ConfigureAwait(false);
                var cloudBody = await BodyOfAsync(SyncSide.Cloud, progress.Cloud, ct).ConfigureAwait(false);
                // A side that does not parse is no merge side: it would only be taken for a collision, or worse, for text.
                foreach (var (side, page, body) in new[] { (SyncSide.DataCenter, progress.DataCenter, dcBody), (SyncSide.Cloud, progress.Cloud, cloudBody) })
                {
                    try
                    {
                        StorageDocument.Parse(body);
                    }
                    catch (StorageFormatException e)
                    {
                        var unreadable = new PairMerge(null, null, dcBody, cloudBody)
                        {
                            Unreadable = new UnreadableBodyException(page.Title, page.Id, _space.Key, side, target: null, e),
                        };
                        _merges[key] = unreadable;
                        return unreadable;
                    }
                }

                // All three in the compared form (Data Center dialect after a round trip): a block that differs only by how
                // a crossing spells it (a legacy mention, a Cloud-only macro's fallback) is not an edit.
                var cloudInDc = await SnapshotReader.CanonicalBodyAsync(cloudBody, SyncSide.Cloud, Translator, ct).ConfigureAwait(false);
                var dcCanonical = await SnapshotReader.CanonicalBodyAsync(dcBody, SyncSide.DataCenter, Translator, ct).ConfigureAwait(false);
                var baseBody = progress.Pair.BaseBody ?? _state.GetBaseBody(progress.Pair.Id);
                PairMerge merge;
                if (baseBody is null || baseBody.Length == 0)
                {
                    // Pairs stored before bodies were kept have a hash only: without the base there is nothing to merge against.
                    merge = new PairMerge(null, "no base body is recorded for this page (it was last synced by an older version)", dcCanonical, cloudInDc);
                }
                else
                {
                    try
                    {
                        var canonicalBase = await SnapshotReader.CanonicalBodyAsync(baseBody, SyncSide.DataCenter, Translator, ct).ConfigureAwait(false);
                        var result = BlockMerge.Merge(canonicalBase, dcCanonical, cloudInDc);
                        merge = result.Clean
                            ? new PairMerge(SnapshotReader.NormalizedOrRaw(result.Body!), null, dcCanonical, cloudInDc)
                            : new PairMerge(null, CollisionText(result.Conflicts), dcCanonical, cloudInDc);
                    }
                    catch (StorageFormatException e)
                    {
                        merge = new PairMerge(null, "a body is not well-formed storage format (" + e.Message + ")", dcCanonical, cloudInDc);
                    }
                }

                if (merge.Body != null) _mergedPairs++;
                _merges[key] = merge;
                return merge;
            }

            /// <summary>
            /// -WhatIf and Get-SyncDrift: each planned merge is made now (it needs both bodies, which a change run has read
            /// anyway), so the drift says which pages will merge and which collide, and a collision's updates leave the plan —
            /// what is shown is what a run would do.
            /// </summary>
            private async Task<SyncPlan> PreviewMergesAsync(SyncPlan plan, CancellationToken ct)
            {
                var merging = plan.Actions.Where(a => a.MergesBody && a.PairKey != null).Select(a => a.PairKey!).Distinct(StringComparer.Ordinal).ToList();
                if (merging.Count == 0) return plan;
                var collided = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var pairKey in merging)
                {
                    var merge = await MergeOfAsync(ProgressOf(pairKey), ct).ConfigureAwait(false);
                    if (merge.Unreadable != null) collided[pairKey] = merge.Unreadable.Message;
                    else if (merge.Body is null) collided[pairKey] = merge.Collision!;
                }

                _mergedPairs = 0; // a preview merges nothing
                if (collided.Count == 0) return plan;
                var dropped = new HashSet<int>(plan.Actions.Where(a => a.MergesBody && a.PairKey != null && collided.ContainsKey(a.PairKey)).Select(a => a.Id));
                return plan with
                {
                    Actions = plan.Actions.Where(a => !dropped.Contains(a.Id)).ToList(),
                    Items = plan.Items.Select(item =>
                    {
                        if (!item.ActionIds.Any(dropped.Contains)) return item;
                        var pairKey = item.DataCenterId!;
                        return item with
                        {
                            ActionIds = item.ActionIds.Where(id => !dropped.Contains(id)).ToList(),
                            Action = "none: conflict (merge: the edits collide)",
                            Warnings = item.Warnings.Concat(new[] { $"Changed on both sites; merge: {collided[pairKey]}; left for Resolve-SyncConflict." }).ToList(),
                        };
                    }).ToList(),
                };
            }

            private static string CollisionText(IReadOnlyList<MergeConflict> conflicts) =>
                "both sites edited the same part of the body (" +
                string.Join("; ", conflicts.Take(3).Select(c => c.Describe())) +
                (conflicts.Count > 3 ? $"; and {conflicts.Count - 3} more" : "") + ")";

            private void NoteMergeCollision(SyncAction action, PairProgress progress, string collision)
            {
                var pairKey = progress.Pair.DataCenterPageId;
                if (_mergeCollisions.ContainsKey(pairKey)) return;
                _mergeCollisions[pairKey] = new DriftItem
                {
                    SpaceKey = _space.Key,
                    Status = DriftStatus.Conflict,
                    Title = action.Title,
                    DataCenterId = progress.DataCenter.Id,
                    CloudId = progress.Cloud.Id,
                    DataCenterVersion = progress.DataCenter.Version,
                    CloudVersion = progress.Cloud.Version,
                    DataCenterChanges = PageChanges.Body,
                    CloudChanges = PageChanges.Body,
                    Action = "none: conflict (merge: the edits collide)",
                    Warnings = new[] { $"Changed on both sites; merge: {collision}; left for Resolve-SyncConflict." },
                };
            }
        }
    }
}
