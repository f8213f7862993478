using System;
using System.Collections.Generic;
using System.Linq;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Sync.Comments
{
    /// <summary>
    /// Plans one page pair's comments against their pairs (pure: no I/O). New comments are copied to the other side,
    /// replies after their parents and under the parent's copy; an edit on one side is carried to the other; an edit on
    /// both is a conflict, reported and left alone; a comment deleted on one side is deleted on the other unless that
    /// copy was edited since the last sync (then it is reported). The direction decides which sides may be written.
    /// </summary>
    public static class CommentPlanner
    {
        public static CommentPlan Plan(CommentPageInput page, SyncDirection direction)
        {
            if (page is null) throw new ArgumentNullException(nameof(page));
            var actions = new List<CommentAction>();
            var drift = new List<CommentDrift>();
            var pairBy = new Dictionary<(SyncSide, string), SyncedComment>();
            foreach (var pair in page.Pairs)
            {
                pairBy[(SyncSide.DataCenter, pair.DataCenterId)] = pair;
                pairBy[(SyncSide.Cloud, pair.CloudId)] = pair;
            }

            var listed = new Dictionary<(SyncSide, string), CommentSnapshot>();
            foreach (var side in new[] { SyncSide.DataCenter, SyncSide.Cloud })
                foreach (var comment in page.On(side))
                    listed[(side, comment.Id)] = comment;

            PlanPairs(page, direction, pairBy, listed, actions, drift);
            PairTwins(page, pairBy, actions);
            foreach (var side in new[] { SyncSide.DataCenter, SyncSide.Cloud })
                PlanNew(page, side, direction, pairBy, actions, drift);
            return new CommentPlan(actions, drift);
        }

        private static void PlanPairs(CommentPageInput page, SyncDirection direction, Dictionary<(SyncSide, string), SyncedComment> pairBy,
            Dictionary<(SyncSide, string), CommentSnapshot> listed, List<CommentAction> actions, List<CommentDrift> drift)
        {
            foreach (var pair in page.Pairs)
            {
                listed.TryGetValue((SyncSide.DataCenter, pair.DataCenterId), out var dc);
                listed.TryGetValue((SyncSide.Cloud, pair.CloudId), out var cloud);
                var dcGone = page.Complete && dc is null;
                var cloudGone = page.Complete && cloud is null;
                var dcMoved = dc != null && dc.Version > pair.DataCenterVersion;
                var cloudMoved = cloud != null && cloud.Version > pair.CloudVersion;
                // A version that moved without a change of words is not an edit (SPEC §3), and equal edits are no conflict.
                var dcEdited = dcMoved && (dc!.ContentHash is null || dc.ContentHash != pair.BaseHash);
                var cloudEdited = cloudMoved && (cloud!.ContentHash is null || cloud.ContentHash != pair.BaseHash);
                var sameEdit = dcEdited && cloudEdited && dc!.ContentHash != null && dc.ContentHash == cloud!.ContentHash;

                if (dcGone && cloudGone)
                {
                    actions.Add(new CommentAction { Kind = CommentActionKind.Forget, PagePairId = page.PagePairId, Pair = pair, TargetPageId = page.CloudPageId });
                    continue;
                }

                if (dcGone || cloudGone)
                {
                    var goneOn = dcGone ? SyncSide.DataCenter : SyncSide.Cloud;
                    var keptOn = goneOn.Other();
                    if (dcGone ? cloudEdited : dcEdited)
                    {
                        drift.Add(Drift(page, pair, true,
                            $"comment deleted on {goneOn.Label()} and edited on {keptOn.Label()} since the last sync: left alone; delete or keep it by hand"));
                        continue;
                    }

                    if (!MayWrite(direction, keptOn))
                    {
                        drift.Add(Drift(page, pair, false, $"comment deleted on {goneOn.Label()}: {Blocked(direction, keptOn)}"));
                        continue;
                    }

                    actions.Add(new CommentAction
                    {
                        Kind = CommentActionKind.Delete, PagePairId = page.PagePairId, Source = goneOn, Target = keptOn, Pair = pair,
                        TargetPageId = page.PageIdOn(keptOn),
                    });
                    continue;
                }

                if (sameEdit || ((dcMoved || cloudMoved) && !dcEdited && !cloudEdited))
                {
                    actions.Add(new CommentAction
                    {
                        Kind = CommentActionKind.Record, PagePairId = page.PagePairId, Pair = pair, TargetPageId = page.CloudPageId,
                        DataCenterVersion = dcMoved ? dc!.Version : (int?)null, CloudVersion = cloudMoved ? cloud!.Version : (int?)null,
                    });
                    continue;
                }

                if (dcEdited && cloudEdited)
                {
                    drift.Add(Drift(page, pair, true,
                        $"comment edited on both sides since the last sync (Data Center v{dc!.Version}, Cloud v{cloud!.Version}): neither overwritten; make them agree by hand"));
                    continue;
                }

                if (!dcEdited && !cloudEdited) continue;
                var source = dcEdited ? SyncSide.DataCenter : SyncSide.Cloud;
                var target = source.Other();
                if (!MayWrite(direction, target))
                {
                    drift.Add(Drift(page, pair, false, $"comment edited on {source.Label()}: {Blocked(direction, target)}"));
                    continue;
                }

                actions.Add(new CommentAction
                {
                    Kind = CommentActionKind.Update, PagePairId = page.PagePairId, Source = source, Target = target, Pair = pair,
                    SourceCommentId = pair.IdOn(source), TargetPageId = page.PageIdOn(target),
                    TargetVersion = (target == SyncSide.DataCenter ? dc : cloud)?.Version ?? pair.VersionOn(target),
                });
            }
        }

        /// <summary>
        /// Unpaired comments with the same words (<see cref="CommentSnapshot.MatchHash"/>) under twin parents on the two sites
        /// are one comment — the copy a migration made, or the same words written on both sites: they are paired (nothing
        /// written, whatever the direction), parents before replies, each comment with at most one twin.
        /// </summary>
        private static void PairTwins(CommentPageInput page, Dictionary<(SyncSide, string), SyncedComment> pairBy, List<CommentAction> actions)
        {
            foreach (var (dcId, cloudId) in MatchTwins(page, pairBy))
            {
                actions.Add(new CommentAction
                {
                    Kind = CommentActionKind.Pair, PagePairId = page.PagePairId, Source = SyncSide.DataCenter, Target = SyncSide.Cloud,
                    SourceCommentId = dcId, TwinCommentId = cloudId, TargetPageId = page.CloudPageId,
                });
            }
        }

        /// <summary>
        /// The twins among one page pair's unpaired comments (see <see cref="CommentSnapshot.MatchHash"/>): what a baseline
        /// records as comment pairs, parents before replies.
        /// </summary>
        public static IReadOnlyList<(string DataCenterId, string CloudId)> Twins(CommentPageInput page)
        {
            if (page is null) throw new ArgumentNullException(nameof(page));
            var pairBy = new Dictionary<(SyncSide, string), SyncedComment>();
            foreach (var pair in page.Pairs)
            {
                pairBy[(SyncSide.DataCenter, pair.DataCenterId)] = pair;
                pairBy[(SyncSide.Cloud, pair.CloudId)] = pair;
            }

            return MatchTwins(page, pairBy);
        }

        private static List<(string, string)> MatchTwins(CommentPageInput page, Dictionary<(SyncSide, string), SyncedComment> pairBy)
        {
            var matched = new List<(string, string)>();
            var dcFresh = page.DataCenter.Where(c => c.MatchHash != null && !pairBy.ContainsKey((SyncSide.DataCenter, c.Id)))
                .OrderBy(c => c.Id.Length).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
            var cloudFresh = page.Cloud.Where(c => c.MatchHash != null && !pairBy.ContainsKey((SyncSide.Cloud, c.Id)))
                .OrderBy(c => c.Id.Length).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
            if (dcFresh.Count == 0 || cloudFresh.Count == 0) return matched;

            // The Cloud parent a Data Center comment's twin must have: "" for top level, null while its own parent has no twin.
            string? TwinParent(string? dcParent) =>
                dcParent is null ? "" : pairBy.TryGetValue((SyncSide.DataCenter, dcParent), out var parentPair) ? parentPair.CloudId : null;

            bool progress;
            do
            {
                progress = false;
                foreach (var dc in dcFresh.Where(c => !pairBy.ContainsKey((SyncSide.DataCenter, c.Id))).ToList())
                {
                    var parent = TwinParent(dc.ParentId);
                    if (parent is null) continue;
                    var twin = cloudFresh.FirstOrDefault(c => !pairBy.ContainsKey((SyncSide.Cloud, c.Id)) && c.MatchHash == dc.MatchHash &&
                                                              (c.ParentId ?? "") == parent);
                    if (twin is null) continue;
                    var placeholder = new SyncedComment { DataCenterId = dc.Id, CloudId = twin.Id, Origin = SyncSide.DataCenter };
                    pairBy[(SyncSide.DataCenter, dc.Id)] = placeholder;
                    pairBy[(SyncSide.Cloud, twin.Id)] = placeholder;
                    matched.Add((dc.Id, twin.Id));
                    progress = true;
                }
            } while (progress);

            return matched;
        }

        /// <summary>Unpaired comments of one side, parents before their replies.</summary>
        private static void PlanNew(CommentPageInput page, SyncSide side, SyncDirection direction, Dictionary<(SyncSide, string), SyncedComment> pairBy,
            List<CommentAction> actions, List<CommentDrift> drift)
        {
            var fresh = page.On(side).Where(c => !pairBy.ContainsKey((side, c.Id))).ToDictionary(c => c.Id, StringComparer.Ordinal);
            if (fresh.Count == 0) return;
            var target = side.Other();
            if (!MayWrite(direction, target))
            {
                foreach (var comment in fresh.Values)
                    drift.Add(new CommentDrift(page.PagePairId, page.DataCenterPageId, side == SyncSide.DataCenter ? comment.Id : null,
                        side == SyncSide.Cloud ? comment.Id : null, false, $"new comment on {side.Label()}: {Blocked(direction, target)}"));
                return;
            }

            // Depth-first from each comment whose parent is already placed (paired, or top-level): parents come first.
            var placed = new HashSet<string>(StringComparer.Ordinal);
            var ordered = fresh.Values.OrderBy(c => c.Id.Length).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
            bool progress;
            do
            {
                progress = false;
                foreach (var comment in ordered)
                {
                    if (placed.Contains(comment.Id)) continue;
                    var parent = comment.ParentId;
                    var parentReady = parent is null || pairBy.ContainsKey((side, parent)) || placed.Contains(parent);
                    if (!parentReady) continue;
                    placed.Add(comment.Id);
                    progress = true;
                    actions.Add(new CommentAction
                    {
                        Kind = CommentActionKind.Create, PagePairId = page.PagePairId, Source = side, Target = target,
                        SourceCommentId = comment.Id, SourceParentId = parent, TargetPageId = page.PageIdOn(target),
                    });
                }
            } while (progress);

            foreach (var comment in ordered.Where(c => !placed.Contains(c.Id)))
                drift.Add(new CommentDrift(page.PagePairId, page.DataCenterPageId, side == SyncSide.DataCenter ? comment.Id : null,
                    side == SyncSide.Cloud ? comment.Id : null, false,
                    $"reply {comment.Id} on {side.Label()} waits: the comment it answers ({comment.ParentId}) has no copy on {target.Label()} yet"));
        }

        private static CommentDrift Drift(CommentPageInput page, SyncedComment pair, bool conflict, string message) =>
            new CommentDrift(page.PagePairId, page.DataCenterPageId, pair.DataCenterId, pair.CloudId, conflict, message);

        private static bool MayWrite(SyncDirection direction, SyncSide target) => direction switch
        {
            SyncDirection.Both => true,
            SyncDirection.ToCloud => target == SyncSide.Cloud,
            SyncDirection.ToDataCenter => target == SyncSide.DataCenter,
            _ => false,
        };

        private static string Blocked(SyncDirection direction, SyncSide target) =>
            $"not copied: direction {ScopeVocabulary.Direction.Word(direction)} does not write to {target.Label()}";
    }
}
