using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    /// <summary>What Get-SyncDrift -PlanPath gets for one collection: the plan-only run as usual, and its plan to save.</summary>
    public sealed record PlanForSaving(SyncRunResult Result, SavedSpacePlan Saved);

    // Saved plans (Get-SyncDrift -PlanPath, Invoke-SpaceSync -PlanPath). Both read with a structural listing, so every page
    // of the space is seen with its version: an action is compared with the pages it was planned against, not with what a
    // change query happened to list.
    public static partial class SyncRunner
    {
        /// <summary>Plans the collection as -WhatIf does (with a structural listing) and returns the plan to save.</summary>
        public static async Task<PlanForSaving> PlanForSavingAsync(IConfluenceSite dataCenter, IConfluenceSite cloud, StateStore state,
            ResolvedSpace space, SyncRunOptions options, EngineLog log, CancellationToken cancellationToken)
        {
            CheckRunArguments(dataCenter, cloud, state, space);
            options = (options ?? new SyncRunOptions()) with { WhatIf = true, FullListing = true };
            var run = new SyncRun(dataCenter, cloud, state, space, options, log ?? EngineLog.None);
            return await run.PlanForSavingAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Applies one collection of a saved plan: both sites are read (structural listing) and planned afresh; each saved
        /// action whose pages are still at the saved versions, and which a plan made now would take alike, runs exactly as
        /// saved; the others (and every action of their pages, and those depending on them) are refused as Skipped.
        /// Actions only the fresh plan has are not run (named in the plan's warnings). Read marks never advance: the next
        /// ordinary run reads every change again. With <see cref="SyncRunOptions.WhatIf"/>, only says what would be refused.
        /// </summary>
        /// <exception cref="SyncRunException">The plan was made under other scope settings, or before the state changed.</exception>
        public static async Task<SyncRunResult> RunSavedPlanAsync(IConfluenceSite dataCenter, IConfluenceSite cloud, StateStore state,
            ResolvedSpace space, SavedSpacePlan saved, SyncRunOptions options, EngineLog log, CancellationToken cancellationToken)
        {
            CheckRunArguments(dataCenter, cloud, state, space);
            if (saved is null) throw new ArgumentNullException(nameof(saved));
            if (!string.Equals(saved.Key, space.Key, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The saved plan is for '{saved.Key}', not '{space.Key}'.", nameof(saved));
            }

            options = (options ?? new SyncRunOptions()) with { FullListing = true };
            log ??= EngineLog.None;
            CheckSettings(saved, space);
            if (saved.Refusal is PlanRefusal refusal && !(options.Force && refusal.ForceOverrides))
            {
                throw new SyncRunException("SavedPlanRefused",
                    $"The saved plan of '{space.Key}' was refused when it was made ({refusal.Code}): {refusal.Message}" +
                    (refusal.ForceOverrides ? " Use -Force to apply it anyway." : ""));
            }

            var run = new SyncRun(dataCenter, cloud, state, space, options, log);
            run.UseSavedPlan(saved);
            if (options.WhatIf)
            {
                CheckState(state, saved, space);
                return await run.PreviewSavedAsync(cancellationToken).ConfigureAwait(false);
            }

            using var held = RunLock.Take(state, space.Key, space.LockLease, log, cancellationToken);
            // Under the lock: no run can change the pairs between this check and the writes.
            CheckState(state, saved, space);
            return await held.GuardAsync(ct => run.ExecuteSavedAsync(held, ct)).ConfigureAwait(false);
        }

        /// <summary>Hash of the collection's pairs as the state records them (pages, versions, base, labels, files, intents).</summary>
        public static string StateFingerprint(StateStore state, string spaceKey)
        {
            if (state is null) throw new ArgumentNullException(nameof(state));
            var pairs = state.ListPairs(spaceKey).OrderBy(p => p.Id)
                .Select(p => p with { UpdatedAt = default, BaseBody = "" }) // the hash stands for the body; the write time is no change
                .ToList();
            var labels = state.ListBaseLabels(spaceKey).OrderBy(l => l.Key).Select(l => new { Pair = l.Key, Labels = l.Value }).ToList();
            var files = state.ListAttachmentPairs(spaceKey).OrderBy(a => a.Id).Select(a => a.ToString()).ToList();
            var intents = state.ListCreateIntents(spaceKey).Select(i => i.Id).OrderBy(i => i).ToList();
            return SavedPlanJson.HashOf(new { pairs, labels, files, intents });
        }

        private static void CheckRunArguments(IConfluenceSite dataCenter, IConfluenceSite cloud, StateStore state, ResolvedSpace space)
        {
            if (dataCenter is null) throw new ArgumentNullException(nameof(dataCenter));
            if (cloud is null) throw new ArgumentNullException(nameof(cloud));
            if (state is null) throw new ArgumentNullException(nameof(state));
            if (space is null) throw new ArgumentNullException(nameof(space));
            if (state.GetSpace(space.Key)?.BaselineAt is null)
            {
                throw new SyncRunException(SyncRunException.NoBaseline,
                    $"Space '{space.Key}' has no baseline in '{state.Path}'; run Start-SpaceBaseline first.");
            }
        }

        private static void CheckSettings(SavedSpacePlan saved, ResolvedSpace space)
        {
            var now = SavedPlanSettings.Of(space);
            if (string.Equals(SavedPlanJson.HashOf(now), saved.SettingsHash, StringComparison.Ordinal)) return;
            var differences = saved.Settings.DifferencesFrom(now);
            throw new SyncRunException(SavedPlanException.SettingsChanged,
                $"The plan of '{space.Key}' was made under other scope settings" +
                (differences.Count > 0 ? $" ({string.Join("; ", differences)})" : " (the file's settings do not match their hash)") +
                ": it is refused. Make a new plan with Get-SyncDrift -PlanPath.");
        }

        private static void CheckState(StateStore state, SavedSpacePlan saved, ResolvedSpace space)
        {
            if (string.Equals(StateFingerprint(state, space.Key), saved.StateHash, StringComparison.Ordinal)) return;
            var last = state.ListRuns(space.Key).OrderByDescending(r => r.Id).FirstOrDefault();
            throw new SyncRunException(SavedPlanException.StateChanged,
                $"The state of '{space.Key}' in '{state.Path}' changed since the plan was made" +
                (last is null ? "" : $" (last run #{last.Id}, {last.Kind}, started {last.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC)") +
                ": the plan is refused. Make a new plan with Get-SyncDrift -PlanPath.");
        }

        private sealed partial class SyncRun
        {
            /// <summary>The saved plan this run applies or previews; null for an ordinary run.</summary>
            private SavedSpacePlan? _savedPlan;

            public void UseSavedPlan(SavedSpacePlan saved) => _savedPlan = saved;

            /// <summary>A write that met a 409 in a plan run: the page changed after the check; no re-plan (it would run what was not saved).</summary>
            private static string SavedPlanConcurrentEdit() =>
                "edited by somebody else after the plan was checked: not applied; make a new plan, or let the next ordinary run carry it";

            public async Task<PlanForSaving> PlanForSavingAsync(CancellationToken ct)
            {
                var stateHash = StateFingerprint(_state, _space.Key);
                var result = await PlanOnlyAsync(ct).ConfigureAwait(false);
                var plan = result.Plan;
                var settings = SavedPlanSettings.Of(_space);
                var saved = new SavedSpacePlan
                {
                    Key = _space.Key,
                    CloudKey = _space.CloudKey,
                    Settings = settings,
                    SettingsHash = SavedPlanJson.HashOf(settings),
                    StateHash = stateHash,
                    Refusal = plan.Refusal,
                    Warnings = plan.Warnings.ToList(),
                    Items = plan.Items.Where(i => i.Status != DriftStatus.InSync).ToList(),
                    Actions = plan.Actions.Select(a =>
                    {
                        var pages = PlannedPagesOf(a);
                        return new SavedAction { Text = SavedPlanText.Describe(a, pages), Pages = pages, Action = a };
                    }).ToList(),
                };
                return new PlanForSaving(result, saved);
            }

            public async Task<SyncRunResult> PreviewSavedAsync(CancellationToken ct)
            {
                LoadPairs();
                await ReadAsync(ct).ConfigureAwait(false);
                await RecoverIntentsAsync(write: false, ct).ConfigureAwait(false);
                var check = CheckSavedActions(Plan());
                foreach (var action in SavedActions())
                {
                    if (check.Refused.TryGetValue(action.Id, out var why))
                    {
                        _outcomes.Add(new SyncActionOutcome(action, ActionOutcomeKind.Skipped, why));
                    }
                }

                var counts = new Dictionary<string, int>(StringComparer.Ordinal) { ["Skipped"] = check.Refused.Count };
                return Result(SavedAsPlan(check.Warnings), counts, Array.Empty<DriftItem>()) with { WhatIf = true };
            }

            public async Task<SyncRunResult> ExecuteSavedAsync(RunLock runLock, CancellationToken ct)
            {
                // No marks: the plan may leave changes it does not carry, which the next ordinary run must still read.
                return await RecordedAsync(RunKind.Sync, async run =>
                {
                    LoadPairs();
                    await ReadAsync(ct).ConfigureAwait(false);
                    await RecoverIntentsAsync(write: true, ct).ConfigureAwait(false);
                    var check = CheckSavedActions(Plan());
                    var toRun = new List<SyncAction>();
                    foreach (var action in SavedActions())
                    {
                        if (!check.Refused.TryGetValue(action.Id, out var why))
                        {
                            toRun.Add(action);
                            continue;
                        }

                        var refused = new SyncActionOutcome(action, ActionOutcomeKind.Skipped, why);
                        _done[action.Id] = ActionOutcomeKind.Skipped;
                        _outcomes.Add(refused);
                        _log.Warning("{Action}: {Message}", action.ToString(), why);
                        _options.Progress?.Report(refused);
                    }

                    // The result's plan carries these warnings to the caller; the log keeps them at a level that does not repeat them.
                    foreach (var warning in check.Warnings) _log.Information("{Space}: {Warning}", _space.Key, warning);
                    await ExecuteActionsAsync(toRun, runLock, ct).ConfigureAwait(false);
                    await RelinkCreatedPagesAsync(ct).ConfigureAwait(false);
                    var plan = SavedAsPlan(check.Warnings);
                    WarnOfTitleCollisions(plan);
                    FailUnreadable(plan);
                    Count(run.Counts);
                    run.Counts["Conflicts"] = 0;
                    run.Outcome = run.Counts["Failed"] > 0 ? RunOutcome.Failed : RunOutcome.Succeeded;
                    return Result(WithTranslationWarnings(plan, 1), run.Counts, Array.Empty<DriftItem>());
                }).ConfigureAwait(false);
            }

            private IEnumerable<SyncAction> SavedActions() => _savedPlan!.Actions.Select(a => a.Action);

            /// <summary>The saved plan as the run's result shows it: its items and actions, with the check's warnings.</summary>
            private SyncPlan SavedAsPlan(IEnumerable<string> warnings) => new SyncPlan
            {
                SpaceKey = _space.Key,
                Items = _savedPlan!.Items,
                Actions = SavedActions().ToList(),
                Warnings = _savedPlan.Warnings.Concat(warnings).Concat(_space.Content?.Comments == true ? new[] { CommentsNotPlanned } : Array.Empty<string>())
                    .Distinct().ToList(),
            };

            private const string CommentsNotPlanned = "footer comments are not part of a saved plan: the next ordinary run syncs them";

            /// <summary>The pages an action reads or writes, as this run's read saw them.</summary>
            private List<PlannedPage> PlannedPagesOf(SyncAction action)
            {
                var pages = new List<PlannedPage>();
                void Add(SyncSide side, string? id)
                {
                    if (id is null || pages.Any(p => p.Side == side && p.Id == id)) return;
                    if (!SnapshotOf(side).Snapshot.Pages.TryGetValue(id, out var page)) return; // purged: nothing to compare with
                    pages.Add(new PlannedPage { Side = side, Id = id, Version = page.Version, Status = page.Status, Title = page.Title });
                }

                if (action.SourceId != null) Add(action.Source, action.SourceId);
                if (action.TargetId != null) Add(action.Target, action.TargetId);
                if (action.PairKey != null && PairOfPage(SyncSide.DataCenter, action.PairKey) is PairRecord pair)
                {
                    Add(SyncSide.DataCenter, pair.DataCenterPageId);
                    Add(SyncSide.Cloud, pair.CloudPageId);
                }

                return pages;
            }

            private sealed class SavedPlanCheck
            {
                public Dictionary<int, string> Refused { get; } = new Dictionary<int, string>();
                public List<string> Warnings { get; } = new List<string>();
            }

            /// <summary>
            /// Which saved actions may still run: their pages at the saved versions, a create's title still free and its
            /// source unpaired, and the fresh plan taking the same action. A refusal spreads to every action of the same
            /// page and to the actions depending on a refused one. Fresh actions the saved plan lacks become warnings.
            /// </summary>
            private SavedPlanCheck CheckSavedActions(SyncPlan fresh)
            {
                var check = new SavedPlanCheck();
                var saved = _savedPlan!.Actions;
                var savedById = saved.ToDictionary(a => a.Action.Id, a => a.Action);
                var freshById = fresh.Actions.ToDictionary(a => a.Id);
                var freshSignatures = fresh.Actions.GroupBy(a => Signature(a, freshById)).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
                var savedSignatures = new HashSet<string>(StringComparer.Ordinal);
                foreach (var entry in saved)
                {
                    var action = entry.Action;
                    var signature = Signature(action, savedById);
                    savedSignatures.Add(signature);
                    var why = ChangedPage(entry) ?? CreateBlocked(action);
                    if (why is null && !freshSignatures.ContainsKey(signature))
                    {
                        var instead = fresh.Actions.Where(f => SamePage(f, action)).Select(f => SavedPlanText.Describe(f, Array.Empty<PlannedPage>())).ToList();
                        why = "changed since the plan was made: a plan made now would not take this action" +
                              (instead.Count > 0 ? $" (it would: {string.Join("; ", instead)})" : "");
                    }

                    if (why != null) check.Refused[action.Id] = why;
                }

                // Spread until nothing more is refused: dependents follow their prerequisite, and a page is applied whole or not at all.
                for (var changed = true; changed;)
                {
                    changed = false;
                    foreach (var action in saved.Select(a => a.Action).Where(a => !check.Refused.ContainsKey(a.Id)))
                    {
                        var prerequisite = action.DependsOn.Concat(action.Parent?.CreatedByAction is int p ? new[] { p } : Array.Empty<int>())
                            .FirstOrDefault(check.Refused.ContainsKey);
                        string? why = null;
                        if (prerequisite != 0)
                        {
                            why = $"refused with action #{prerequisite}, which it depends on: {check.Refused[prerequisite]}";
                        }
                        else if (action.PairKey != null)
                        {
                            var sibling = saved.Select(a => a.Action).FirstOrDefault(a => a.PairKey == action.PairKey && check.Refused.ContainsKey(a.Id));
                            if (sibling != null) why = $"refused with action #{sibling.Id} of the same page: {check.Refused[sibling.Id]}";
                        }

                        if (why is null) continue;
                        check.Refused[action.Id] = why;
                        changed = true;
                    }
                }

                foreach (var action in fresh.Actions.Where(a => !savedSignatures.Contains(Signature(a, freshById))))
                {
                    check.Warnings.Add($"not in the saved plan, not applied: {SavedPlanText.Describe(action, Array.Empty<PlannedPage>())}");
                }

                return check;
            }

            /// <summary>The first page of the action that is no longer as the plan saw it, in words; null when all are.</summary>
            private string? ChangedPage(SavedAction entry)
            {
                foreach (var page in entry.Pages)
                {
                    var label = $"{page.Side.Label()} page {page.Id} \"{page.Title}\"";
                    if (!SnapshotOf(page.Side).Snapshot.Pages.TryGetValue(page.Id, out var now))
                    {
                        return $"changed since the plan was made: {label} no longer exists (purged)";
                    }

                    if (now.Version != page.Version)
                    {
                        return $"changed since the plan was made: {page.Side.Label()} v{page.Version} → v{now.Version} ({label})";
                    }

                    if (now.Status != page.Status)
                    {
                        return $"changed since the plan was made: {label} was {Word(page.Status)} and is now {Word(now.Status)}";
                    }
                }

                return null;
            }

            private static string Word(PageStatus status) => status == PageStatus.Trashed ? "in the trash" : "current";

            /// <summary>A create needs its source still unpaired and its title still free on the target.</summary>
            private string? CreateBlocked(SyncAction action)
            {
                if (action.Kind != SyncActionKind.Create || action.SourceId is null) return null;
                var pair = PairOfPage(action.Source, action.SourceId);
                if (pair != null && action.PairKey is null)
                {
                    return $"changed since the plan was made: {action.Source.Label()} page {action.SourceId} is now paired with " +
                           $"{action.Target.Label()} page {(action.Target == SyncSide.DataCenter ? pair.DataCenterPageId : pair.CloudPageId)}";
                }

                // A paired namesake was there when the plan was made (the planner judged it); an unpaired one is new since.
                var taken = SnapshotOf(action.Target).Snapshot.Pages.Values.FirstOrDefault(p =>
                    p.Status == PageStatus.Current && PairOfPage(action.Target, p.Id) is null &&
                    string.Equals(p.Title, action.Title, StringComparison.OrdinalIgnoreCase));
                return taken is null ? null
                    : $"changed since the plan was made: the title \"{action.Title}\" is now taken on {action.Target.Label()} by page {taken.Id}";
            }

            private static bool SamePage(SyncAction a, SyncAction b) =>
                a.Target == b.Target && (a.PairKey != null ? a.PairKey == b.PairKey : a.SourceId != null && a.SourceId == b.SourceId && a.Source == b.Source);

            /// <summary>
            /// An action as the comparison between the saved and the fresh plan sees it: every member but its id and
            /// reason, with the actions it refers to by id named by what they act on (ids differ between two plans).
            /// </summary>
            private static string Signature(SyncAction action, IReadOnlyDictionary<int, SyncAction> byId)
            {
                string Name(int id) => byId.TryGetValue(id, out var other) ? $"{other.Kind}:{other.Source}:{other.SourceId}:{other.PairKey}" : "#" + id;
                var parent = action.Parent?.CreatedByAction is int created ? new ParentRef { TargetId = "created by " + Name(created) } : action.Parent;
                var normalized = action with { Id = 0, Reason = "", DependsOn = Array.Empty<int>(), Parent = parent };
                return JsonSerializer.Serialize(normalized, SavedPlanJson.Options) + "|" + string.Join(",", action.DependsOn.Select(Name));
            }
        }
    }
}
