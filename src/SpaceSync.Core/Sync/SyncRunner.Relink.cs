using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Content.Translation;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    public static partial class SyncRunner
    {
        private sealed partial class SyncRun
        {
            /// <summary>Creates of round one whose body linked to pages not yet paired when it was written: source body and body written, by action id.</summary>
            private readonly Dictionary<int, (string Source, string Written)> _createdWithUnpairedLinks = new Dictionary<int, (string, string)>();

            /// <summary>Remembers a create whose links to pages not (yet) paired were left as they were.</summary>
            private void NoteUnpairedLinks(SyncAction action, string source, TranslationResult translated)
            {
                if (_round == 1 && action.Kind == SyncActionKind.Create && translated.Warnings.Any(w => w.Code == TranslationWarningCodes.PageNotPaired))
                    _createdWithUnpairedLinks[action.Id] = (source, translated.Body);
            }

            /// <summary>
            /// A page created early in the run may link to a page the run created later (a new parent linking to its new
            /// children): when it was written that page had no twin yet. Once every action ran, such bodies are translated
            /// again and, if a link now resolves, written once more — else no later run would (the source did not change).
            /// A failure leaves the link as written; it is logged, and does not fail the run.
            /// </summary>
            private async Task RelinkCreatedPagesAsync(CancellationToken ct)
            {
                foreach (var entry in _createdWithUnpairedLinks)
                {
                    var outcome = _outcomes.FirstOrDefault(o => o.Action.Id == entry.Key && o.CreatedPageId != null && o.Outcome == ActionOutcomeKind.Done);
                    if (outcome is null) continue; // not created (failed, or paired with a namesake: nothing of ours to rewrite)
                    var action = outcome.Action;
                    var pair = PairOfPage(action.Target, outcome.CreatedPageId);
                    if (pair is null) continue;
                    var translated = await Translator.TranslateAsync(entry.Value.Source, action.Source, ct).ConfigureAwait(false);
                    if (string.Equals(translated.Body, entry.Value.Written, StringComparison.Ordinal)) continue;

                    var toDc = action.Target == SyncSide.DataCenter;
                    var before = toDc ? pair.DataCenterVersion : pair.CloudVersion;
                    SitePage page;
                    try
                    {
                        page = await SiteOf(action.Target).UpdatePageAsync(outcome.CreatedPageId!, before, action.Title, translated.Body, ct).ConfigureAwait(false);
                    }
                    catch (SiteException e)
                    {
                        _log.WarnOfPage(PageWarning.Of(action with { TargetId = outcome.CreatedPageId }, _space.Key, PageWarningKind.RelinkFailed,
                                $"\"{action.Title}\" was created on {action.Target.Label()} with links to pages that were not paired yet; rewriting them " +
                                $"failed ({e.Message}). They point at {action.Source.Label()} until the page is edited."),
                            "{Space:l}: \"{Title:l}\" was created on {Target:l} with links to pages that were not paired yet; rewriting them failed ({Error:l}). " +
                            "They point at {Source:l} until the page is edited.", _space.Key, action.Title, action.Target.Label(), e.Message, action.Source.Label());
                        continue;
                    }

                    var relinked = pair with
                    {
                        DataCenterVersion = toDc ? page.Version.Number : pair.DataCenterVersion,
                        CloudVersion = toDc ? pair.CloudVersion : page.Version.Number,
                        BaseBody = toDc ? SnapshotReader.NormalizedOrRaw(translated.Body) : pair.BaseBody,
                    };
                    // What the first translation said of links that now resolve is no longer so.
                    if (_translationWarnings.TryGetValue((1, action.Id), out var noted))
                        noted.RemoveAll(w => w.Code == TranslationWarningCodes.PageNotPaired && !translated.Warnings.Contains(w));
                    var message = $"links to pages created later in the run now point at their twins on {action.Target.Label()}";
                    Remember(_state.RecordPageOutcome(new PageOutcome
                    {
                        Pair = relinked,
                        History = new[]
                        {
                            History("relink-" + SideWord(action.Target), relinked.DataCenterPageId, relinked.CloudPageId, action.Title,
                                toDc ? before : (int?)null, toDc ? page.Version.Number : (int?)null,
                                toDc ? (int?)null : before, toDc ? (int?)null : page.Version.Number, message),
                        },
                    })!);
                    _log.Information("{Space:l}: \"{Title:l}\" on {Target:l}: {Message:l}", _space.Key, action.Title, action.Target.Label(), message);
                }

                _createdWithUnpairedLinks.Clear();
            }
        }
    }
}
