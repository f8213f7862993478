using System;
using System.Collections.Generic;
using System.Linq;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    // Pages recent runs touched without a new version, for the change query's stop rule (issue 14).
    public static partial class SyncRunner
    {
        private sealed partial class SyncRun
        {
            /// <summary>
            /// Pages on <paramref name="side"/> that runs finished inside the change-query window (from
            /// <paramref name="windowStart"/>, the mark less the search lag) wrote labels or files to. Such writes make no
            /// version but move the query's sort key, so the query meets these pages among the newest with old version
            /// times; passed to <see cref="Sites.IConfluenceSite.GetChangedPagesAsync"/> as neutral to its stop rule, so
            /// that a run that labelled hundreds of pages does not end the next read before a person's edit behind them.
            /// Labels come from the runs' history ("labels-&lt;side&gt;"), files from the attachment pairs recorded since.
            /// </summary>
            internal IReadOnlyCollection<string> TouchedWithoutVersion(SyncSide side, DateTimeOffset windowStart)
            {
                // The window is on the site's clock, run and record times on this machine's: a minute of slack.
                var from = windowStart - TimeSpan.FromMinutes(1);
                var touched = new HashSet<string>(StringComparer.Ordinal);
                var labelAction = "labels-" + SideWord(side);
                DateTimeOffset? filesFrom = null;
                foreach (var run in _state.ListRuns(_space.Key, newest: 20))
                {
                    if (run.Id == _runId || run.Kind == RunKind.Baseline || run.FinishedAt is not { } finished || finished < from) continue;
                    if (Did(run, nameof(SyncActionKind.UploadAttachment)) || Did(run, nameof(SyncActionKind.DeleteAttachment)))
                        filesFrom = filesFrom is { } earlier && earlier < run.StartedAt ? earlier : run.StartedAt;
                    if (!Did(run, nameof(SyncActionKind.Labels))) continue;
                    foreach (var entry in _state.ListHistory(_space.Key, run.Id))
                    {
                        var id = side == SyncSide.DataCenter ? entry.DataCenterPageId : entry.CloudPageId;
                        if (entry.Action == labelAction && !string.IsNullOrEmpty(id)) touched.Add(id!);
                    }
                }

                if (filesFrom is { } start)
                {
                    // Files recorded by those runs only (not the baseline's pairing, which wrote nothing); either page of the
                    // pair may have been written, and a neutral page the run did not touch costs nothing.
                    var pairs = _byDc.Values.ToDictionary(p => p.Id);
                    foreach (var file in _state.ListAttachmentPairs(_space.Key))
                    {
                        if (file.UpdatedAt < start - TimeSpan.FromMinutes(1) || !pairs.TryGetValue(file.PairId, out var pair)) continue;
                        touched.Add(side == SyncSide.DataCenter ? pair.DataCenterPageId : pair.CloudPageId);
                    }
                }

                return touched;
            }

            private static bool Did(RunRecord run, string kind) => run.Counts.TryGetValue(kind, out var done) && done > 0;
        }
    }
}
