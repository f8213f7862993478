using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Sync;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>
    /// One DriftItem per page that is not in sync (all pages with -IncludeInSync), then one per Cloud folder holding synced
    /// pages (status CloudFolder). Writes nothing, but -PlanPath saves the plan.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SyncDrift")]
    [OutputType(typeof(DriftItem))]
    public sealed class GetSyncDriftCommand : SpaceRunCmdlet
    {
        [Parameter]
        public SwitchParameter IncludeInSync { get; set; }

        /// <summary>List every page on both sides instead of asking only what changed since the last run.</summary>
        [Parameter]
        public SwitchParameter Full { get; set; }

        /// <summary>Save the plan (every space planned by this call) as JSON, for Invoke-SpaceSync -PlanPath.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PlanPath { get; set; }

        // ---- saved plans: each space's plan as it is made (worker thread), written once every space was planned.
        private readonly List<SavedSpacePlan> _saved = new List<SavedSpacePlan>();
        private DateTimeOffset _planStarted;

        protected override void BeginProcessing()
        {
            _planStarted = DateTimeOffset.UtcNow;
            base.BeginProcessing();
        }

        internal override async Task RunSpaceAsync(SpaceRun run, CancellationToken cancellationToken)
        {
            var options = run.Observed(new SyncRunOptions { WhatIf = true, FullListing = Full, Translation = run.Translation });
            SyncRunResult result;
            if (PlanPath is null)
            {
                result = await SyncRunner.RunAsync(run.DataCenter, run.Cloud, run.State, run.Space, options, run.Log, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var planned = await SyncRunner.PlanForSavingAsync(run.DataCenter, run.Cloud, run.State, run.Space, options, run.Log, cancellationToken)
                    .ConfigureAwait(false);
                lock (_saved) _saved.Add(planned.Saved);
                result = planned.Result;
            }

            foreach (var warning in result.Plan.Warnings) run.Warning($"Space {run.Space.Key}: {warning}");
            if (result.Refusal is PlanRefusal refusal)
            {
                run.Warning($"Space {run.Space.Key}: a sync would be refused ({refusal.Code}): {refusal.Message}");
            }

            run.Output(result.Plan.Items.Where(i => IncludeInSync || i.Status != DriftStatus.InSync));
            run.Output(result.Plan.Folders); // Cloud folders: no page, no twin, always a difference between the sites
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            if (PlanPath is null) return;
            var path = GetUnresolvedProviderPathFromPSPath(PlanPath);
            List<SavedSpacePlan> spaces;
            lock (_saved) spaces = _saved.ToList();
            if (spaces.Count == 0)
            {
                WriteWarning($"No space was planned: no plan written to {path}.");
                return;
            }

            var plan = new SavedPlan { CreatedAt = _planStarted, ScopePath = ResolveScopePath(), Spaces = spaces };
            try
            {
                SavedPlanJson.Write(path, plan);
            }
            catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException)
            {
                ThrowTerminatingError(new ErrorRecord(e, "SavedPlanNotWritten", ErrorCategory.WriteError, path)
                {
                    ErrorDetails = new ErrorDetails($"The plan could not be written to {path}: {e.Message}"),
                });
            }

            WriteVerbose($"Plan of {spaces.Sum(s => s.Actions.Count)} action(s) for {string.Join(", ", spaces.Select(s => s.Key))} written to {path}.");
        }
    }
}
