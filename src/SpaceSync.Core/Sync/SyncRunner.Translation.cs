using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Content;
using SpaceSync.Core.Content.Translation;

namespace SpaceSync.Core.Sync
{
    public static partial class SyncRunner
    {
        private sealed partial class SyncRun
        {
            private RunTranslation? _translator;

            /// <summary>
            /// Translation warnings of the actions that wrote a body, by round and action id (a re-plan numbers its actions
            /// afresh); reported with the outcome and on the plan's item.
            /// </summary>
            private readonly Dictionary<(int Round, int Action), List<TranslationWarning>> _translationWarnings =
                new Dictionary<(int Round, int Action), List<TranslationWarning>>();

            /// <summary>
            /// The run's translator: every body that crosses (pages here; comments through the same instance) goes through
            /// it, and so does the hash of every Cloud body read. Links map through this run's pairs as it leaves them.
            /// </summary>
            internal RunTranslation Translator => _translator ??=
                RunTranslation.For(_dcSite, _cloudSite, _state, _space, _options.Translation, _log, _byDc, _byCloud);

            /// <summary>The compared hash of Data Center pages this run wrote a body to (see <see cref="SnapshotReader.CanonicalHashAsync"/>).</summary>
            private readonly Dictionary<string, (string Body, string Hash)> _writtenDataCenterHashes =
                new Dictionary<string, (string Body, string Hash)>(StringComparer.Ordinal);

            /// <summary>
            /// A pair's new base hash from its Data Center side as the run left it: the hash of what the run wrote there, else
            /// the hash the read computed (the body in hand is the one read), else — a body fetched only to rewrite a title,
            /// so unchanged since the last sync — the old base.
            /// </summary>
            private string BaseHashOf(PageProgress dataCenter, State.PairRecord old) =>
                // the body must be the one written: a re-plan may have read the page again since
                _writtenDataCenterHashes.TryGetValue(dataCenter.Id, out var written) && string.Equals(written.Body, dataCenter.Body, StringComparison.Ordinal)
                    ? written.Hash
                : _dc.Snapshot.Pages.TryGetValue(dataCenter.Id, out var read) && read.BodyHash.Length > 0 ? read.BodyHash
                : old.BaseHash;

            /// <summary>
            /// <paramref name="body"/>, read on the action's source, in its target's dialect. What the crossing could not keep is
            /// noted for the outcome, the plan's item and the log; it never stops the write. A body the parser refuses is never
            /// written: <see cref="UnreadableBodyException"/> fails the action, naming the page and the parser's words.
            /// </summary>
            private async Task<string> CrossAsync(SyncAction action, string body, CancellationToken ct)
            {
                TranslationResult translated;
                try
                {
                    translated = await Translator.TranslateAsync(body, action.Source, ct).ConfigureAwait(false);
                }
                catch (StorageFormatException e)
                {
                    throw new UnreadableBodyException(action.Title, action.SourceId ?? SourceIdOf(action), _space.Key, action.Source, action.Target, e);
                }

                NoteTranslation(action, translated.Warnings);
                NoteUnpairedLinks(action, body, translated);
                if (action.Target == SyncSide.DataCenter && action.TargetId != null)
                {
                    _writtenDataCenterHashes[action.TargetId] = (translated.Body,
                        await SnapshotReader.CanonicalHashAsync(translated.Body, SyncSide.DataCenter, action.TargetId, Translator, _log, ct).ConfigureAwait(false));
                }

                return translated.Body;
            }

            /// <summary>
            /// <paramref name="body"/> (about to overwrite the target page) with the target's inline comment anchors put back
            /// from <paramref name="current"/>, its body as it is (<see cref="InlineMarkers.Keep"/>); anchors whose text the write
            /// changed are said on the outcome, the plan's item and the log. Markers are no content, so the compared hash of a
            /// Data Center write stays what <see cref="CrossAsync"/> worked out.
            /// </summary>
            private string KeepAnchors(SyncAction action, string body, string current)
            {
                var kept = InlineMarkers.Keep(body, current);
                if (kept.Lost.Count > 0)
                {
                    NoteTranslation(action, new[]
                    {
                        new TranslationWarning(TranslationWarningCodes.InlineAnchorsLost, StorageVocabulary.InlineCommentMarker,
                            $"{(kept.Lost.Count == 1 ? "1 inline comment" : kept.Lost.Count + " inline comments")} on {action.Target.Label()} " +
                            $"highlighted text that the write changed or removed; {action.Target.Label()} shows {(kept.Lost.Count == 1 ? "it" : "them")} " +
                            "unanchored (resolved or dangling)."),
                    });
                }

                if (!ReferenceEquals(kept.Body, body) && action.Target == SyncSide.DataCenter && action.TargetId != null &&
                    _writtenDataCenterHashes.TryGetValue(action.TargetId, out var written) && string.Equals(written.Body, body, StringComparison.Ordinal))
                    _writtenDataCenterHashes[action.TargetId] = (kept.Body, written.Hash);
                return kept.Body;
            }

            /// <summary>The source page's id of an update (a pair's page on the source side), for messages.</summary>
            private string? SourceIdOf(SyncAction action) =>
                action.PairKey is null ? null : action.Source == SyncSide.DataCenter ? action.PairKey : PairOfPage(SyncSide.DataCenter, action.PairKey)?.CloudPageId;

            /// <summary>The body in the Data Center dialect (a pair's base body is stored so).</summary>
            private Task<string> DataCenterDialectAsync(string body, SyncSide side, CancellationToken ct) =>
                SnapshotReader.DataCenterDialectAsync(body, side, Translator, ct);

            private void NoteTranslation(SyncAction action, IReadOnlyList<TranslationWarning> warnings)
            {
                if (warnings.Count == 0) return;
                if (!_translationWarnings.TryGetValue((_round, action.Id), out var noted))
                    _translationWarnings[(_round, action.Id)] = noted = new List<TranslationWarning>();
                foreach (var warning in warnings)
                {
                    if (noted.Contains(warning)) continue;
                    noted.Add(warning);
                    // Cloud's editor puts local ids on nearly everything: their loss is said, but not as a warning on every write.
                    if (warning.Code == TranslationWarningCodes.LocalIdsDropped)
                        _log.Information("{Space:l}: \"{Title:l}\" to {Target:l}: {Warning:l}", _space.Key, action.Title, action.Target.Label(), warning.ToString());
                    else
                        _log.WarnOfPage(PageWarning.Of(action, _space.Key, PageWarningKind.TranslationLoss, warning.ToString()),
                            "{Space:l}: \"{Title:l}\" to {Target:l}: {Warning:l}", _space.Key, action.Title, action.Target.Label(), warning.ToString());
                }
            }

            /// <summary>The outcome with what its translation lost, if anything.</summary>
            private SyncActionOutcome WithTranslationWarnings(SyncActionOutcome outcome)
            {
                if (!_translationWarnings.TryGetValue((_round, outcome.Action.Id), out var warnings) || warnings.Count == 0) return outcome;
                return outcome with
                {
                    Message = outcome.Message + "; translated for " + outcome.Action.Target.Label() + " with " +
                              (warnings.Count == 1 ? "1 warning" : warnings.Count + " warnings") + ": " +
                              string.Join(" ", warnings.Select(w => w.ToString())),
                };
            }

            /// <summary>The plan of round <paramref name="round"/> with each item's translation warnings added to its own.</summary>
            private SyncPlan WithTranslationWarnings(SyncPlan plan, int round)
            {
                if (_translationWarnings.Count == 0) return plan;
                var byAction = plan.Actions.ToDictionary(a => a.Id);
                return plan with
                {
                    Items = plan.Items.Select(item =>
                    {
                        var added = item.ActionIds
                            .Where(id => _translationWarnings.ContainsKey((round, id)) && byAction.ContainsKey(id))
                            .SelectMany(id => _translationWarnings[(round, id)].Select(w => $"To {byAction[id].Target.Label()}: {w}"))
                            .ToList();
                        return added.Count == 0 ? item : item with { Warnings = item.Warnings.Concat(added).ToList() };
                    }).ToList(),
                };
            }
        }
    }
}
