using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>Applies the plan of each space: changes cross between the sites; conflicts and guards are reported.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "SpaceSync", SupportsShouldProcess = true)]
    [OutputType(typeof(SyncRunResult), typeof(SyncActionOutcome))]
    public sealed class InvokeSpaceSyncCommand : SpaceRunCmdlet
    {
        /// <summary>Run even when the plan trashes more than maxDeletePercent of the space's pages.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>List every page on both sides instead of asking only what changed since the last run.</summary>
        [Parameter]
        public SwitchParameter Full { get; set; }

        /// <summary>
        /// A space whose lock another run holds is skipped and reported (its result names the holder), not an error:
        /// several workers on one schedule and one shared state then cover all spaces between them.
        /// </summary>
        [Parameter]
        public SwitchParameter SkipLocked { get; set; }

        /// <summary>
        /// How many spaces run at once in this process (default 1: one after another, in scope order). They share one
        /// client per site, so the scope's maxRequestsPerSecond holds for all of them together; each has its own state
        /// connection and its own lock. Results are written as each space ends.
        /// </summary>
        [Parameter]
        [ValidateRange(1, MaxSpacesAtOnce)]
        public int ThrottleLimit { get; set; } = 1;

        internal override int SpacesAtOnce => ThrottleLimit;

        // ---- saved plans -------------------------------------------------------------------------------------------

        /// <summary>Apply exactly the plan Get-SyncDrift -PlanPath saved: its actions only, each refused when its pages changed since.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PlanPath { get; set; }

        private SavedPlan? _savedPlan;
        private string _savedPlanPath = "";
        private readonly HashSet<string> _savedPlanSpacesSeen = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>When this command began: with -SkipLocked, a space another run synced since then is not run again.</summary>
        private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (PlanPath is null) return;
            _savedPlanPath = GetUnresolvedProviderPathFromPSPath(PlanPath);
            try
            {
                _savedPlan = SavedPlanJson.Read(_savedPlanPath);
                _savedPlan.CheckUsable(ResolveScopePath(), DateTimeOffset.UtcNow);
            }
            catch (SavedPlanException e)
            {
                ThrowTerminatingError(RunErrorRecord(e, _savedPlanPath, $"Plan {_savedPlanPath}"));
            }
        }

        /// <summary>Plan spaces the scope file no longer has: said once every space ran.</summary>
        private void WarnOfPlanSpacesNotRun()
        {
            if (_savedPlan is null || SpaceKey != null) return;
            foreach (var space in _savedPlan.Spaces.Where(s => !_savedPlanSpacesSeen.Contains(s.Key)))
            {
                WriteWarning($"Space {space.Key} of the plan {_savedPlanPath} is not in the scope file: its {space.Actions.Count} action(s) were not applied.");
            }
        }

        private async Task RunSavedPlanAsync(SpaceRun run, CancellationToken cancellationToken)
        {
            var saved = _savedPlan!.SpaceOf(run.Space.Key);
            lock (_savedPlanSpacesSeen) _savedPlanSpacesSeen.Add(run.Space.Key);
            if (saved is null)
            {
                // -SpaceKey names spaces to take from the plan; without it, the plan's spaces are the ones that run.
                if (SpaceKey != null) run.Warning($"Space {run.Space.Key}: not in the plan {_savedPlanPath}; nothing was done.");
                return;
            }

            var options = run.Observed(new SyncRunOptions { Force = Force, Translation = run.Translation });
            if (!run.ShouldProcess($"space {run.Space.Key}", $"Apply the saved plan {_savedPlanPath} ({saved.Actions.Count} action(s))"))
            {
                var preview = await SyncRunner.RunSavedPlanAsync(run.DataCenter, run.Cloud, run.State, run.Space, saved, options with { WhatIf = true },
                    run.Log, cancellationToken).ConfigureAwait(false);
                var refused = preview.Outcomes.ToDictionary(o => o.Action.Id, o => o.Message);
                foreach (var entry in saved.Actions)
                {
                    var action = entry.Action;
                    run.ShouldProcess($"{action.Target} page {action.TargetId ?? "(new)"} \"{action.Title}\"",
                        $"{action.Kind}: {entry.Text}" + (refused.TryGetValue(action.Id, out var why) ? $" [would be refused: {why}]" : ""));
                }

                foreach (var warning in preview.Plan.Warnings) run.Warning($"Space {run.Space.Key}: {warning}");
                return;
            }

            var result = await SyncRunner.RunSavedPlanAsync(run.DataCenter, run.Cloud, run.State, run.Space, saved, options, run.Log, cancellationToken)
                .ConfigureAwait(false);
            foreach (var warning in result.Plan.Warnings) run.Warning($"Space {run.Space.Key}: {warning}");
            foreach (var error in result.Errors) run.Warning($"Space {run.Space.Key}: {error}");
            run.Output(result);
            if (PassThru) run.Output(result.Outcomes);
            Summarize(SpaceRunSummary.Of(result, OpenConflictsOf(run))); // -FailOn
        }

        /// <summary>
        /// End with a terminating error (ErrorId SpaceSync.ConflictsOpen or SpaceSync.RunErrors) once every space has
        /// run and its results are written, when one of these holds for any space: a runbook then exits non-zero.
        /// </summary>
        [Parameter]
        public RunFailureCondition[]? FailOn { get; set; }

        // ---- -FailOn: what each space's run left, judged in EndProcessing (with -ThrottleLimit, spaces end on several lanes).
        private readonly List<SpaceRunSummary> _summaries = new List<SpaceRunSummary>();

        internal override async Task RunSpaceAsync(SpaceRun run, CancellationToken cancellationToken)
        {
            try
            {
                if (PlanPath != null) await RunSavedPlanAsync(run, cancellationToken).ConfigureAwait(false); // ---- saved plans
                else if (SkipLocked && SyncedSinceStart(run) is { } other)
                {
                    // Another worker ran this space, to its end, after this command began: running it again would find
                    // nothing new and only spend requests. The worker that ran it reports its conflicts and errors.
                    run.Log.Information("Space {Space:l} skipped: run {Run} synced it at {At:u}, after this command began", run.Space.Key, other.Id, other.StartedAt);
                    run.Output(new SyncRunResult { SpaceKey = run.Space.Key, SkippedAfterRun = other });
                }
                else await SyncSpaceAsync(run, cancellationToken).ConfigureAwait(false);
            }
            catch (SyncRunException e) when (SkipLocked && e.HeldBy is { } holder)
            {
                // Only a lock held before this run began: one lost part-way stays an error (the run may have written).
                run.Log.Information("Space {Space:l} skipped: run {Owner:l} holds its lock until {Until:u}", run.Space.Key, holder.OwnerId, holder.ExpiresAt);
                // Not summarised for -FailOn: the worker that holds the space reports its conflicts and errors.
                run.Output(new SyncRunResult { SpaceKey = run.Space.Key, SkippedLockedBy = holder });
            }
            catch (Exception e) when (e is SyncRunException || e is SiteException)
            {
                Summarize(new SpaceRunSummary { SpaceKey = run.Space.Key, RunErrorId = Classify(e).Code, OpenConflicts = OpenConflictsOf(run) });
                throw; // the base writes the space's error record
            }
        }

        /// <summary>The space's latest sync run if it started after this command and finished without failing; else null.</summary>
        private RunRecord? SyncedSinceStart(SpaceRun run)
        {
            var latest = run.State.ListRuns(run.Space.Key, newest: 1).FirstOrDefault();
            return latest is { Kind: RunKind.Sync, Outcome: RunOutcome.Succeeded } && latest.StartedAt >= _started ? latest : null;
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            WarnOfPlanSpacesNotRun();
            List<SpaceRunSummary> summaries;
            lock (_summaries) summaries = new List<SpaceRunSummary>(_summaries);
            if (RunFailure.Evaluate(RunFailure.Combine(FailOn), summaries) is RunFailure failure)
            {
                var category = (failure.Conditions & RunFailureCondition.Error) != 0 ? ErrorCategory.InvalidOperation : ErrorCategory.InvalidResult;
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(failure.Message), failure.ErrorId, category,
                    string.Join(",", failure.SpaceKeys)));
            }
        }

        private void Summarize(SpaceRunSummary summary)
        {
            lock (_summaries) _summaries.Add(summary);
        }

        /// <summary>The space's open conflicts in the state, whichever run found them (-FailOn Conflict).</summary>
        private static int OpenConflictsOf(SpaceRun run) => run.State.ListConflicts(run.Space.Key).Count;

        private async Task SyncSpaceAsync(SpaceRun run, CancellationToken cancellationToken)
        {
            if (!run.ShouldProcess($"space {run.Space.Key}", "Synchronize pages between Data Center and Cloud"))
            {
                // -WhatIf: every action the run would take, and nothing written.
                var preview = await SyncRunner.RunAsync(run.DataCenter, run.Cloud, run.State, run.Space,
                    run.Observed(new SyncRunOptions { WhatIf = true, Force = Force, FullListing = Full, Translation = run.Translation }), run.Log, cancellationToken).ConfigureAwait(false);
                foreach (var action in preview.Plan.Actions)
                {
                    run.ShouldProcess($"{action.Target} page {action.TargetId ?? "(new)"} \"{action.Title}\"", $"{action.Kind}: {action.Reason}");
                }

                foreach (var warning in preview.Plan.Warnings) run.Warning($"Space {run.Space.Key}: {warning}");
                if (preview.Refusal is PlanRefusal refused)
                {
                    run.Warning($"Space {run.Space.Key}: the run would be refused ({refused.Code}): {refused.Message}");
                }

                return;
            }

            var result = await SyncRunner.RunAsync(run.DataCenter, run.Cloud, run.State, run.Space,
                run.Observed(new SyncRunOptions { Force = Force, FullListing = Full, Translation = run.Translation }), run.Log, cancellationToken).ConfigureAwait(false);
            if (result.Refusal is PlanRefusal refusal)
            {
                run.Error(new InvalidOperationException(refusal.Message), "SyncRefused" + refusal.Code, ErrorCategory.LimitsExceeded);
            }

            foreach (var warning in result.Plan.Warnings) run.Warning($"Space {run.Space.Key}: {warning}");
            foreach (var error in result.Errors) run.Warning($"Space {run.Space.Key}: {error}");
            run.Output(result);
            if (PassThru) run.Output(result.Outcomes);
            Summarize(SpaceRunSummary.Of(result, OpenConflictsOf(run)));
        }
    }
}
