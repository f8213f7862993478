using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    // Labels during a run: read with each side's snapshot, merged by the planner, written here (one POST for the
    // additions, one DELETE per removal), and the pair's next base labels stored after each write.
    public static partial class SyncRunner
    {
        private sealed partial class SyncRun
        {
            /// <summary>Each pair's labels on both sides as this round has left them (by round and pair key, or created page).</summary>
            private readonly Dictionary<(int Round, string Key), (IReadOnlyList<string> Dc, IReadOnlyList<string> Cloud)> _labelsNow =
                new Dictionary<(int, string), (IReadOnlyList<string>, IReadOnlyList<string>)>();

            /// <summary>Labels are read when they are synced (content.labels) or decide the scope (exclude.labels).</summary>
            private bool ReadsLabels => _space.Content.Labels || _space.ExcludeLabels.Count > 0;

            /// <summary>What the metadata batch reads of <paramref name="side"/>'s labels; null when labels are not read.</summary>
            private LabelRead? LabelReadOn(SideSnapshot side)
            {
                if (!ReadsLabels) return null;
                // Both parts concern the listed pages only (kept as last synced, or read and compared with their base): after a
                // change query that is a handful, so only their pairs' base labels are loaded, not every pair's (issue 14).
                var listedPairs = new List<(string PageId, PairRecord Pair)>();
                foreach (var page in side.Snapshot.Pages.Values)
                {
                    if (PairOfPage(side.Side, page.Id) is { } pair) listedPairs.Add((page.Id, pair));
                }

                var bases = !_space.Content.Labels ? new Dictionary<long, IReadOnlyList<string>>()
                    : side.Mode == ListingMode.Changes ? _state.ListBaseLabels(listedPairs.Select(l => l.Pair.Id))
                    : BaseLabels();
                var byPage = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                foreach (var (pageId, pair) in listedPairs)
                {
                    if (bases.TryGetValue(pair.Id, out var labels)) byPage[pageId] = labels;
                }

                return new LabelRead(side.Mode == ListingMode.Changes ? MetAgain(side, listedPairs, bases) : NoneKept, byPage);
            }

            private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>?> NoneKept = new Dictionary<string, IReadOnlyList<string>?>();

            /// <summary>
            /// A change query's pages still at the version last synced and not left unsettled (the overlap meeting the last
            /// run's own writes): their labels are not read, they count as the pair's base labels. Unsettled pages (e.g. a
            /// label write that failed) are read, so their change is tried again.
            /// </summary>
            private IReadOnlyDictionary<string, IReadOnlyList<string>?> MetAgain(SideSnapshot side, List<(string PageId, PairRecord Pair)> listedPairs,
                IReadOnlyDictionary<long, IReadOnlyList<string>> bases)
            {
                var unsettled = new HashSet<string>(Unsettled(side.Side), StringComparer.Ordinal);
                var kept = new Dictionary<string, IReadOnlyList<string>?>(StringComparer.Ordinal);
                foreach (var (id, pair) in listedPairs)
                {
                    var version = side.Side == SyncSide.DataCenter ? pair.DataCenterVersion : pair.CloudVersion;
                    if (side.Snapshot.Pages[id].Version == version && !unsettled.Contains(id))
                        kept[id] = bases.TryGetValue(pair.Id, out var labels) ? labels : null;
                }

                return kept;
            }

            /// <summary>Every pair's recorded base labels (one query), when labels are synced.</summary>
            private IReadOnlyDictionary<long, IReadOnlyList<string>> BaseLabels() =>
                _space.Content.Labels ? _state.ListBaseLabels(_space.Key) : new Dictionary<long, IReadOnlyList<string>>();

            private async Task<SyncActionOutcome> LabelsAsync(SyncAction action, CancellationToken ct)
            {
                var target = action.Target;
                string pageId;
                PairRecord? pair;
                PairProgress? progress = null;
                if (action.TargetId is null)
                {
                    // Follows the create it depends on, which is done (or this action would have been skipped).
                    pageId = _createdIds[action.DependsOn[0]];
                    pair = PairOfPage(target, pageId);
                }
                else
                {
                    progress = ProgressOf(action.PairKey!); // the pair is written once its last action ran
                    pageId = action.TargetId;
                    pair = _byDc[action.PairKey!];
                }

                var key = (_round, action.PairKey ?? "created:" + pageId);
                if (!_labelsNow.TryGetValue(key, out var now)) now = (action.LabelsOnDataCenter, action.LabelsOnCloud);
                var onTarget = new SortedSet<string>(target == SyncSide.DataCenter ? now.Dc : now.Cloud, StringComparer.Ordinal);
                var site = SiteOf(target);
                var added = new List<string>();
                var removed = new List<string>();
                string? failure = null;
                try
                {
                    if (action.LabelsToAdd.Count > 0)
                    {
                        await site.AddPageLabelsAsync(pageId, action.LabelsToAdd, ct).ConfigureAwait(false);
                        added.AddRange(action.LabelsToAdd);
                        onTarget.UnionWith(action.LabelsToAdd);
                    }

                    foreach (var label in action.LabelsToRemove)
                    {
                        await site.RemovePageLabelAsync(pageId, label, ct).ConfigureAwait(false);
                        removed.Add(label);
                        onTarget.Remove(label);
                    }
                }
                catch (SiteException e)
                {
                    failure = e.Kind == SiteErrorKind.NotFound
                        ? $"labels of \"{action.Title}\" on {target.Label()}: page {pageId} is not there (404: deleted, or not visible to the account); " +
                          "its labels were not changed"
                        : $"labels of \"{action.Title}\" on {target.Label()}: {e.Message}";
                    if (added.Count + removed.Count > 0) failure += $" (done before the failure: {Done(added, removed)})";
                }

                var wrote = added.Count + removed.Count > 0;
                var stateOnly = !action.WritesSite;
                now = target == SyncSide.DataCenter ? (onTarget.ToList(), now.Cloud) : (now.Dc, onTarget.ToList());
                _labelsNow[key] = now;
                if (pair != null && (wrote || stateOnly))
                {
                    // Stored after every write, so a later failure of the pair's other label action leaves a true base.
                    _state.SetBaseLabels(pair.Id, NextBase(action.LabelsBase, now.Dc, now.Cloud));
                }

                var message = failure ?? (stateOnly ? action.Reason : $"labels of \"{action.Title}\" on {target.Label()}: {Done(added, removed)}");
                if (wrote)
                {
                    var version = progress?.Side(target).Version ?? 0;
                    var entry = progress != null
                        ? History("labels-" + SideWord(target), progress, action, version, message)
                        : History("labels-" + SideWord(target), pair?.DataCenterPageId, pair?.CloudPageId, action.Title, null, null, null, null, message);
                    if (progress != null) progress.Add(entry);
                    else _state.RecordPageOutcome(new PageOutcome { History = new[] { entry } });
                }

                return new SyncActionOutcome(action, failure is null ? ActionOutcomeKind.Done : ActionOutcomeKind.Failed, message);
            }

            /// <summary>
            /// The base after a merge's writes: a label both sides now agree on is what they agree on; one they still differ
            /// on (a write failed, or the direction forbids it) keeps its old base, so the next run sees the same change again.
            /// </summary>
            internal static IReadOnlyList<string> NextBase(IReadOnlyList<string>? oldBase, IReadOnlyList<string> dc, IReadOnlyList<string> cloud)
            {
                var onDc = new HashSet<string>(dc, StringComparer.Ordinal);
                var onCloud = new HashSet<string>(cloud, StringComparer.Ordinal);
                var inBase = new HashSet<string>(oldBase ?? Array.Empty<string>(), StringComparer.Ordinal);
                return SiteLabels.Canonical(onDc.Union(onCloud).Where(l => onDc.Contains(l) == onCloud.Contains(l) ? onDc.Contains(l) : inBase.Contains(l)));
            }

            private static string Done(IReadOnlyCollection<string> added, IReadOnlyCollection<string> removed) =>
                string.Join("; ", new[]
                {
                    added.Count > 0 ? "added " + string.Join(", ", added) : null,
                    removed.Count > 0 ? "removed " + string.Join(", ", removed) : null,
                }.Where(t => t != null));
        }
    }
}
