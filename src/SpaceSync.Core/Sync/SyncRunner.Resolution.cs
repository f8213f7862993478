using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Reporting;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    // Resolve-SyncConflict: a run of the ordinary planner and executor in which the resolved pairs carry their own
    // conflict policy and only their actions run. Nothing else of the space is written or recorded, and the change
    // marks stay where the last sync left them, so the next sync still sees every other page's changes.
    public static partial class SyncRunner
    {
        /// <summary>Resolve-SyncConflict on a space whose direction is none (the scope only reports drift there).</summary>
        public const string ResolveRefusedDirectionNone = "ResolveDirectionNone";

        /// <summary>
        /// Settles the open conflicts <paramref name="requests"/> name, all in one run of the space (or blog-post collection)
        /// <paramref name="space"/>: each resolved pair is planned with the policy its Keep stands for and only those pairs'
        /// actions (page, labels, files) run. A resolution may write to either site whatever the space's direction (it is
        /// an admin's decision about that page); a space with direction none is refused. A conflict id that is not open in
        /// the space gives a <see cref="ResolutionOutcome.NotOpen"/> result and nothing is written for it.
        /// <paramref name="options"/>: WhatIf, Progress, Translation and BodyTranslator count; PairPolicies and Force are the resolution's own.
        /// </summary>
        public static async Task<ResolutionRunResult> ResolveAsync(IConfluenceSite dataCenter, IConfluenceSite cloud, StateStore state,
            ResolvedSpace space, IReadOnlyList<ConflictResolutionRequest> requests, SyncRunOptions options, EngineLog log, CancellationToken cancellationToken)
        {
            if (dataCenter is null) throw new ArgumentNullException(nameof(dataCenter));
            if (cloud is null) throw new ArgumentNullException(nameof(cloud));
            if (state is null) throw new ArgumentNullException(nameof(state));
            if (space is null) throw new ArgumentNullException(nameof(space));
            if (requests is null) throw new ArgumentNullException(nameof(requests));
            options ??= new SyncRunOptions();
            log ??= EngineLog.None;

            var results = new List<ConflictResolutionResult>();
            var resolving = new List<PairResolution>();
            var conflicts = state.ListConflicts(space.Key, includeResolved: true).ToDictionary(c => c.Id);
            var pairs = state.ListPairs(space.Key).ToDictionary(p => p.Id);
            // The same conflict named twice (piped twice, or by both page ids): the last word counts.
            foreach (var request in requests.GroupBy(r => r.ConflictId).Select(g => g.Last()))
            {
                if (conflicts.TryGetValue(request.ConflictId, out var conflict) && conflict.ResolvedAt is null &&
                    pairs.TryGetValue(conflict.PairId, out var pair))
                {
                    resolving.Add(new PairResolution(request, conflict, pair));
                    continue;
                }

                results.Add(new ConflictResolutionResult
                {
                    ConflictId = request.ConflictId,
                    SpaceKey = space.Key,
                    Keep = request.Keep,
                    Outcome = ResolutionOutcome.NotOpen,
                    Message = conflict?.ResolvedAt is DateTimeOffset at
                        ? $"Conflict {request.ConflictId} of space '{space.Key}' was resolved already ({at:u}: {conflict.Resolution}); nothing written."
                        : $"There is no open conflict {request.ConflictId} in space '{space.Key}' (see Get-SyncConflict); nothing written.",
                });
            }

            if (resolving.Count == 0) return new ResolutionRunResult { SpaceKey = space.Key, Conflicts = results };

            if (state.GetSpace(space.Key)?.BaselineAt is null)
            {
                throw new SyncRunException(SyncRunException.NoBaseline,
                    $"Space '{space.Key}' has no baseline in '{state.Path}'; run Start-SpaceBaseline first.");
            }

            if (space.Direction == SyncDirection.None)
            {
                throw new SyncRunException(ResolveRefusedDirectionNone,
                    $"Space '{space.Key}' has direction none (drift is only reported): Resolve-SyncConflict writes nothing there. " +
                    "Give the space a direction in the scope file first.");
            }

            // Kept by the run: -Keep Both's winner is fixed once chosen, so a re-plan after an edit during the run keeps it.
            var policies = resolving.ToDictionary(r => r.PairKey, r => r.Policy, StringComparer.Ordinal);
            var runOptions = options with
            {
                PairPolicies = policies,
                // The delete guard weighs a whole sync; this run trashes nothing of other pages.
                Force = true,
            };
            var run = new SyncRun(dataCenter, cloud, state, space, runOptions, log);
            run.ResolveOnly(resolving, policies);
            SyncRunResult result;
            if (options.WhatIf)
            {
                result = await run.PlanResolutionAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var held = RunLock.Take(state, space.Key, space.LockLease, log, cancellationToken);
                result = await held.GuardAsync(ct => run.ExecuteResolutionAsync(held, ct)).ConfigureAwait(false);
            }

            results.AddRange(resolving.Select(r => r.Result(space.Key, result, state, options.WhatIf)));
            return new ResolutionRunResult { SpaceKey = space.Key, Run = result, Conflicts = results };
        }

        /// <summary>One conflict being resolved: what was asked, and what the run made of it.</summary>
        private sealed class PairResolution
        {
            public PairResolution(ConflictResolutionRequest request, ConflictRecord conflict, PairRecord pair)
            {
                Request = request;
                Conflict = conflict;
                Pair = pair;
            }

            public ConflictResolutionRequest Request { get; }
            public ConflictRecord Conflict { get; }
            public PairRecord Pair { get; }
            public string PairKey => Pair.DataCenterPageId;

            /// <summary>Both: the named winner, else the newer edit (the planner's newest, which leaves equal times open).</summary>
            public ConflictPolicy Policy => Request.Keep switch
            {
                ConflictKeep.Cloud => ConflictPolicy.PreferCloud,
                ConflictKeep.DataCenter => ConflictPolicy.PreferDataCenter,
                ConflictKeep.Merged => ConflictPolicy.Merge,
                _ => Request.Winner switch
                {
                    SyncSide.Cloud => ConflictPolicy.PreferCloud,
                    SyncSide.DataCenter => ConflictPolicy.PreferDataCenter,
                    _ => ConflictPolicy.Newest,
                },
            };

            /// <summary>The pair's drift item in the plan; null when the plan has none (excluded, restricted, not read).</summary>
            public DriftItem? Item { get; set; }
            /// <summary>The side whose version is written over the other.</summary>
            public SyncSide? Winner { get; set; }
            /// <summary>The conflict's resolution text when the planned actions all run; null while it would stay open.</summary>
            public string? Text { get; set; }
            /// <summary>Why the conflict stays open (set when it does).</summary>
            public string? Why { get; set; }
            public string? CopyPageId { get; set; }
            public string? CopyTitle { get; set; }
            /// <summary>The actions run for this pair (round one), for what the result says.</summary>
            public List<SyncAction> Actions { get; } = new List<SyncAction>();

            public ConflictResolutionResult Result(string spaceKey, SyncRunResult run, StateStore state, bool whatIf)
            {
                var result = new ConflictResolutionResult
                {
                    ConflictId = Conflict.Id,
                    SpaceKey = spaceKey,
                    Title = Item?.Title ?? Pair.Title,
                    DataCenterId = Pair.DataCenterPageId,
                    CloudId = Pair.CloudPageId,
                    Keep = Request.Keep,
                    Kept = Winner,
                    DataCenterVersion = Item?.DataCenterVersion,
                    CloudVersion = Item?.CloudVersion,
                    CopyPageId = CopyPageId,
                    CopyTitle = CopyTitle,
                    RunId = run.RunId,
                };
                if (whatIf)
                {
                    var writes = Actions.Where(a => a.WritesSite).Select(a => a.ToString()).ToList();
                    return result with
                    {
                        Outcome = ResolutionOutcome.WhatIf,
                        Message = Text is null
                            ? "would stay open: " + Why
                            : "a run now would close it as \"" + Text + "\"" + (writes.Count == 0 ? "; nothing to write" : "; it would write: " + string.Join("; ", writes)) +
                              (Request.Keep == ConflictKeep.Both && Winner is SyncSide w
                                  ? $"; first the {w.Other().Label()} text would be kept as a new page \"{CopyTitleFor(Item?.Title ?? Pair.Title, w.Other(), DateTimeOffset.UtcNow)}\" beside it"
                                  : ""),
                    };
                }

                var pair = state.ListPairs(spaceKey).FirstOrDefault(p => p.Id == Pair.Id);
                result = result with { DataCenterVersion = pair?.DataCenterVersion ?? result.DataCenterVersion, CloudVersion = pair?.CloudVersion ?? result.CloudVersion };
                var closed = state.ListConflicts(spaceKey, includeResolved: true).FirstOrDefault(c => c.Id == Conflict.Id);
                if (closed?.ResolvedAt != null)
                {
                    return result with { Outcome = ResolutionOutcome.Resolved, Message = closed.Resolution ?? Text ?? "" };
                }

                var failures = run.Outcomes.Where(o => o.Outcome != ActionOutcomeKind.Done && PairOf(o.Action) == PairKey).Select(o => o.Message).ToList();
                var why = run.Refusal != null ? $"the run was refused ({run.Refusal.Code}): {run.Refusal.Message}"
                    : failures.Count > 0 ? string.Join("; ", failures)
                    : Why ?? "the run did not settle the page";
                // A merge the executor made and found colliding: say it in the terms of -Keep Merged.
                var collided = run.Conflicts.FirstOrDefault(c => c.DataCenterId == PairKey);
                if (collided != null && Request.Keep == ConflictKeep.Merged)
                    why = $"the edits overlap ({string.Join(" ", collided.Warnings).TrimEnd('.')}); choose -Keep Cloud, DataCenter or Both";
                return result with { Kept = null, Outcome = ResolutionOutcome.Open, Message = $"not resolved, the conflict stays open: {why}" };
            }
        }

        /// <summary>The page pair an action belongs to (file actions name it in their attachment).</summary>
        private static string? PairOf(SyncAction action) => action.PairKey ?? action.Attachment?.PairKey;

        /// <summary>"Title (Data Center copy, 2026-11-26)": the page that keeps the losing version of a -Keep Both.</summary>
        internal static string CopyTitleFor(string title, SyncSide loser, DateTimeOffset day, int counter = 1) =>
            $"{title} ({loser.Label()} copy, {day.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}" +
            (counter > 1 ? ", " + counter.ToString(CultureInfo.InvariantCulture) : "") + ")";

        private sealed partial class SyncRun
        {
            /// <summary>The pairs a resolution run settles, by pair key; null for an ordinary sync.</summary>
            private Dictionary<string, PairResolution>? _resolving;
            /// <summary>The run's PairPolicies (the same dictionary the plan reads).</summary>
            private Dictionary<string, ConflictPolicy>? _policies;

            public void ResolveOnly(IEnumerable<PairResolution> resolving, Dictionary<string, ConflictPolicy> policies)
            {
                _resolving = resolving.ToDictionary(r => r.PairKey, StringComparer.Ordinal);
                _policies = policies;
            }

            /// <summary>A resolution writes the page to whichever site loses, whatever the space's direction (hook in Plan).</summary>
            private SyncDirection PlanDirection() => _resolving != null ? SyncDirection.Both : _space.Direction;

            /// <summary>The resolved pairs' pages are read whatever the change query says (hook in ReadAsync).</summary>
            private ReadMarks WithResolvedPages(ReadMarks marks) =>
                _resolving is null
                    ? marks
                    : marks with
                    {
                        Unsettled = marks.Unsettled.Concat(_resolving.Values.SelectMany(r => new[]
                        {
                            new UnsettledPage(SiteKind.DataCenter, r.Pair.DataCenterPageId),
                            new UnsettledPage(SiteKind.Cloud, r.Pair.CloudPageId),
                        })).Distinct().ToList(),
                    };

            /// <summary>
            /// The text that closes the pair's open conflict in FinishPair: the resolution's, with a history entry naming it;
            /// null in an ordinary sync (which closes it as "synced by run N").
            /// </summary>
            private string? ClosingText(string pairKey, PairProgress progress)
            {
                if (_resolving is null || !_resolving.TryGetValue(pairKey, out var resolution) || resolution.Text is null) return null;
                if (_round > 1 && resolution.Winner is SyncSide winner)
                {
                    // Planned anew after an edit during the run: the versions of the first read are stale.
                    var loser = winner.Other();
                    var overwrite = progress.History.LastOrDefault(h => h.Action == "update-" + SideWord(loser));
                    var before = loser == SyncSide.DataCenter ? overwrite?.DataCenterVersionBefore : overwrite?.CloudVersionBefore;
                    if (before != null)
                    {
                        resolution.Text = $"resolved: kept {winner.Label()} (v{progress.Side(winner).Version}) over {loser.Label()} v{before}, " +
                                          "planned anew after an edit during the run" + CopySuffix(resolution);
                    }
                }

                progress.Add(History("resolve-conflict", progress.DataCenter.Id, progress.Cloud.Id, progress.DataCenter.Title,
                    resolution.Item?.DataCenterVersion, progress.DataCenter.Version, resolution.Item?.CloudVersion, progress.Cloud.Version,
                    $"conflict {resolution.Conflict.Id} " + resolution.Text));
                return resolution.Text;
            }

            public async Task<SyncRunResult> PlanResolutionAsync(CancellationToken ct)
            {
                LoadPairs();
                await ReadAsync(ct).ConfigureAwait(false);
                await RecoverIntentsAsync(write: false, ct).ConfigureAwait(false);
                var plan = await PreviewMergesAsync(Plan(), ct).ConfigureAwait(false);
                var actions = ResolvedActions(plan);
                return Result(ResolvedPlan(plan, actions), new Dictionary<string, int>(StringComparer.Ordinal),
                    ConflictsOf(plan).Where(IsResolving).ToList()) with { WhatIf = true };
            }

            public async Task<SyncRunResult> ExecuteResolutionAsync(RunLock runLock, CancellationToken ct)
            {
                SyncPlan? replan = null;
                // No marks: this run writes only the resolved pages; every other change waits for the next sync.
                return await RecordedAsync(RunKind.Resolve, async run =>
                {
                    LoadPairs();
                    await ReadAsync(ct).ConfigureAwait(false);
                    // An interrupted create is repaired by the next sync, which records it; here it only keeps the page paired.
                    await RecoverIntentsAsync(write: false, ct).ConfigureAwait(false);
                    var plan = Plan();
                    if (plan.Refusal != null)
                    {
                        _log.Warning("Resolution in {Space} refused ({Code}): {Message}", _space.Key, plan.Refusal.Code, plan.Refusal.Message);
                        run.Outcome = RunOutcome.Refused;
                        return Result(ResolvedPlan(plan, Array.Empty<SyncAction>()), run.Counts, ConflictsOf(plan).Where(IsResolving).ToList());
                    }

                    var actions = ResolvedActions(plan);
                    actions = await KeepLosersAsync(actions, ct).ConfigureAwait(false);
                    CloseAlreadyEqual();
                    await ExecuteActionsAsync(actions, runLock, ct).ConfigureAwait(false);
                    FailUnreadable(plan, new HashSet<string>(_resolving!.Keys, StringComparer.Ordinal));
                    var conflicts = ConflictsOf(plan).Where(IsResolving).ToList();
                    conflicts.AddRange(_mergeCollisions.Values); // -Keep Merged whose merge collided
                    if (_metConcurrentEdit.Count > 0)
                    {
                        // The normal path: those pages are read again and planned anew with the same policies.
                        replan = await ReplanAsync(runLock, conflicts, ct).ConfigureAwait(false);
                    }

                    RecordOpenConflicts(conflicts);
                    Count(run.Counts);
                    run.Counts["Conflicts"] = conflicts.Count;
                    run.Outcome = run.Counts["Failed"] > 0 ? RunOutcome.Failed : RunOutcome.Succeeded;
                    return Result(WithTranslationWarnings(ResolvedPlan(plan, actions), 1), run.Counts, conflicts) with
                    {
                        Replan = replan is null ? null : WithTranslationWarnings(replan, 2),
                    };
                }).ConfigureAwait(false);
            }

            private bool IsResolving(DriftItem item) => item.DataCenterId != null && _resolving!.ContainsKey(item.DataCenterId);

            private static SyncPlan ResolvedPlan(SyncPlan plan, IReadOnlyList<SyncAction> actions) =>
                plan with { Items = plan.Items.Where(i => actions.Any(a => i.ActionIds.Contains(a.Id))).ToList(), Actions = actions };

            /// <summary>
            /// The resolved pairs' actions in plan order, each pair's outcome judged from its drift item: a conflict the policy
            /// settled carries the resolution in its history; one it left open says why; a page no longer in conflict simply syncs.
            /// </summary>
            private List<SyncAction> ResolvedActions(SyncPlan plan)
            {
                var actions = new List<SyncAction>();
                foreach (var resolution in _resolving!.Values)
                {
                    var items = plan.Items.Where(i => i.DataCenterId == resolution.PairKey).ToList();
                    var item = items.FirstOrDefault(i => i.Status == DriftStatus.Conflict) ?? items.FirstOrDefault();
                    resolution.Item = item;
                    var own = plan.Actions.Where(a => PairOf(a) == resolution.PairKey).ToList();
                    if (item is null)
                    {
                        resolution.Why = "the page was not planned (is it out of the scope's filters, restricted, or gone?)";
                        continue;
                    }

                    if (item.Status == DriftStatus.Conflict && item.ActionIds.Count == 0)
                    {
                        resolution.Why = OpenReason(resolution, item);
                        continue;
                    }

                    if (item.Status == DriftStatus.Conflict)
                    {
                        var updates = own.Where(a => item.ActionIds.Contains(a.Id) && a.Kind == SyncActionKind.Update).ToList();
                        resolution.Winner = resolution.Request.Keep == ConflictKeep.Merged ? (SyncSide?)null
                            : resolution.Request.Keep == ConflictKeep.Cloud ? SyncSide.Cloud
                            : resolution.Request.Keep == ConflictKeep.DataCenter ? SyncSide.DataCenter
                            : resolution.Request.Winner ?? updates.OrderByDescending(a => a.WritesBody).Select(a => (SyncSide?)a.Source).FirstOrDefault();
                        if (resolution.Winner is SyncSide chosen && resolution.Request.Keep == ConflictKeep.Both)
                        {
                            // An edit during the run must not flip the newer side in the re-plan: the copy is already made of this loser.
                            _policies![resolution.PairKey] = chosen == SyncSide.Cloud ? ConflictPolicy.PreferCloud : ConflictPolicy.PreferDataCenter;
                        }

                        resolution.Text = resolution.Winner is SyncSide winner
                            ? $"resolved: kept {winner.Label()} (v{VersionOn(item, winner)}) over {winner.Other().Label()} v{VersionOn(item, winner.Other())}"
                            : $"resolved: merged the Data Center v{item.DataCenterVersion} and Cloud v{item.CloudVersion} edits on both sites";
                    }
                    else if (own.Count == 0 && item.Status != DriftStatus.InSync)
                    {
                        // Restricted, excluded, or drift the run cannot write: nothing settles the page here.
                        resolution.Why = item.Status == DriftStatus.Unreadable
                            ? string.Join(" ", item.Warnings).TrimEnd('.')
                            : $"the page is {item.Status} ({item.Action})";
                        continue;
                    }
                    else if (own.Count == 0)
                    {
                        // Equal on both sites by now (edited by hand): nothing to write, the conflict just closes.
                        resolution.Text = $"resolved by run {_runId}: the pages were equal when read ({item.Action})";
                    }
                    else
                    {
                        resolution.Text = $"resolved by run {_runId}: no longer a conflict when read ({item.Action})";
                    }

                    resolution.Actions.AddRange(own);
                }

                foreach (var resolution in _resolving.Values)
                {
                    var rewritten = resolution.Actions.Select(a => a with { Reason = ReasonOf(resolution, a) }).ToList();
                    resolution.Actions.Clear();
                    resolution.Actions.AddRange(rewritten);
                }

                var byId = _resolving.Values.SelectMany(r => r.Actions).ToDictionary(a => a.Id);
                return plan.Actions.Where(a => byId.ContainsKey(a.Id)).Select(a => byId[a.Id]).ToList();
            }

            private static int? VersionOn(DriftItem item, SyncSide side) => side == SyncSide.DataCenter ? item.DataCenterVersion : item.CloudVersion;

            /// <summary>The history message of one of the pair's actions: the page's overwrite names the resolution.</summary>
            private static string ReasonOf(PairResolution resolution, SyncAction action)
            {
                var settles = resolution.Item?.Status == DriftStatus.Conflict && resolution.Item.ActionIds.Contains(action.Id) &&
                              action.Kind == SyncActionKind.Update;
                if (!settles) return $"{action.Reason} (resolving conflict {resolution.Conflict.Id})";
                return resolution.Winner is SyncSide winner && action.Target == winner.Other()
                    ? $"{resolution.Text}; the {action.Target.Label()} text stays in its page history"
                    : resolution.Text + (action.Reason.Length > 0 ? $" ({action.Reason})" : "");
            }

            /// <summary>Why the planner left the pair in conflict, in the terms of the -Keep asked for.</summary>
            private static string OpenReason(PairResolution resolution, DriftItem item)
            {
                var said = item.Warnings.Count > 0 ? string.Join(" ", item.Warnings) : item.Action;
                switch (resolution.Request.Keep)
                {
                    case ConflictKeep.Merged:
                        return $"the edits overlap ({said.TrimEnd('.')}); choose -Keep Cloud, DataCenter or Both";
                    case ConflictKeep.Both:
                        return $"both edits have the same modification time ({said.TrimEnd('.')}); name the winner with -Winner Cloud or DataCenter";
                    default:
                        return said;
                }
            }

            /// <summary>A conflict whose pages are equal by now has no action whose FinishPair would close it.</summary>
            private void CloseAlreadyEqual()
            {
                foreach (var resolution in _resolving!.Values.Where(r => r.Text != null && r.Actions.Count == 0))
                {
                    _state.ResolveConflict(resolution.Conflict.Id, resolution.Text!);
                    _state.AddHistory(History("resolve-conflict", resolution.Pair.DataCenterPageId, resolution.Pair.CloudPageId, resolution.Item?.Title,
                        null, resolution.Item?.DataCenterVersion, null, resolution.Item?.CloudVersion, $"conflict {resolution.Conflict.Id} " + resolution.Text));
                }
            }

            /// <summary>
            /// -Keep Both: before the winner overwrites the loser, the loser's current text becomes a new page beside it on its own
            /// site (same parent; its restrictions too). A copy that cannot be made leaves the pair unwritten: the conflict stays.
            /// </summary>
            private async Task<List<SyncAction>> KeepLosersAsync(List<SyncAction> actions, CancellationToken ct)
            {
                var dropped = new HashSet<string>(StringComparer.Ordinal);
                foreach (var resolution in _resolving!.Values.Where(r => r.Request.Keep == ConflictKeep.Both && r.Winner != null && r.Item?.Status == DriftStatus.Conflict))
                {
                    var loser = resolution.Winner!.Value.Other();
                    if (!resolution.Actions.Any(a => a.Kind == SyncActionKind.Update && a.Target == loser && resolution.Item!.ActionIds.Contains(a.Id)))
                    {
                        continue; // nothing of the loser is overwritten
                    }

                    try
                    {
                        var (id, title) = await CopyLoserAsync(resolution, loser, ct).ConfigureAwait(false);
                        resolution.CopyPageId = id;
                        resolution.CopyTitle = title;
                        resolution.Text += CopySuffix(resolution);
                        _state.AddHistory(History("keep-copy-" + SideWord(loser), loser == SyncSide.DataCenter ? id : null, loser == SyncSide.Cloud ? id : null, title,
                            null, loser == SyncSide.DataCenter ? 1 : (int?)null, null, loser == SyncSide.Cloud ? 1 : (int?)null,
                            $"conflict {resolution.Conflict.Id}: the {loser.Label()} version v{VersionOn(resolution.Item!, loser)} of \"{resolution.Item!.Title}\" kept as a new page " +
                            "before the other version overwrote it; the next sync copies it across"));
                    }
                    catch (SiteException e)
                    {
                        resolution.Text = null;
                        resolution.Why = $"the {loser.Label()} text could not be kept as a new page ({e.Message}), so nothing was overwritten";
                        dropped.Add(resolution.PairKey);
                        _errors.Add($"\"{resolution.Item!.Title}\": {resolution.Why}");
                    }
                }

                foreach (var resolution in _resolving.Values.Where(r => r.Text != null && r.CopyPageId != null))
                {
                    // The overwrite's history names the copy too.
                    foreach (var i in Enumerable.Range(0, actions.Count).Where(i => PairOf(actions[i]) == resolution.PairKey &&
                                 actions[i].Kind == SyncActionKind.Update && resolution.Item!.ActionIds.Contains(actions[i].Id)))
                    {
                        actions[i] = actions[i] with { Reason = ReasonOf(resolution, actions[i]) };
                    }
                }

                return actions.Where(a => !dropped.Contains(PairOf(a) ?? "")).ToList();
            }

            private static string CopySuffix(PairResolution resolution) =>
                resolution.CopyPageId is null || resolution.Winner is not SyncSide winner
                    ? ""
                    : $"; the {winner.Other().Label()} text was kept as new page {resolution.CopyPageId} \"{resolution.CopyTitle}\" on {winner.Other().Label()}";

            private async Task<(string Id, string Title)> CopyLoserAsync(PairResolution resolution, SyncSide loser, CancellationToken ct)
            {
                var site = SiteOf(loser);
                var space = SnapshotOf(loser).Space;
                var pageId = loser == SyncSide.DataCenter ? resolution.Pair.DataCenterPageId : resolution.Pair.CloudPageId;
                // Read now: an edit made since the plan's read is what the copy must hold (the overwrite then meets a 409).
                var page = await site.GetPageAsync(pageId, ct).ConfigureAwait(false)
                    ?? throw new SiteException(SiteErrorKind.NotFound, $"the {loser.Label()} page {pageId} is gone or not visible", "GET", "page " + pageId);
                var title = "";
                for (var counter = 1; ; counter++)
                {
                    title = CopyTitleFor(page.Title, loser, _started, counter);
                    if (await site.FindPageByTitleAsync(space, title, ct).ConfigureAwait(false) is null) break;
                    if (counter == 100) throw new SiteException(SiteErrorKind.BadRequest, $"the titles \"{CopyTitleFor(page.Title, loser, _started)}\" to \", 100)\" are all taken", "POST", "page");
                }

                var restrictions = await site.GetPageRestrictionsAsync(pageId, ct).ConfigureAwait(false);
                var restricted = restrictions != null && (restrictions.RestrictsRead || restrictions.RestrictsUpdate);
                var copy = new SyncAction
                {
                    Kind = SyncActionKind.Create,
                    Target = loser,
                    Source = loser,
                    SourceId = pageId,
                    Title = title,
                    Restrictions = restricted ? restrictions : null,
                    Reason = $"conflict {resolution.Conflict.Id}: keeping the {loser.Label()} version",
                };
                var created = await CreateWithRestrictionsAsync(copy, space, page.ParentId, page.Body ?? "", ct).ConfigureAwait(false);
                _log.Information("Conflict {Conflict}: the {Side} text of \"{Title}\" kept as page {PageId} \"{Copy}\"",
                    resolution.Conflict.Id, loser.Label(), page.Title, created.Id, title);
                return (created.Id, title);
            }
        }
    }
}
