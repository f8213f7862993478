using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
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

        internal override async Task RunSpaceAsync(SpaceRun run, CancellationToken cancellationToken)
        {
            if (!run.ShouldProcess($"space {run.Space.Key}", "Synchronize pages between Data Center and Cloud"))
            {
                // -WhatIf: every action the run would take, and nothing written.
                var preview = await SyncRunner.RunAsync(run.DataCenter, run.Cloud, run.State, run.Space,
                    new SyncRunOptions { WhatIf = true, Force = Force, FullListing = Full, Translation = run.Translation }, run.Log, cancellationToken).ConfigureAwait(false);
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
                new SyncRunOptions { Force = Force, FullListing = Full, Translation = run.Translation }, run.Log, cancellationToken).ConfigureAwait(false);
            if (result.Refusal is PlanRefusal refusal)
            {
                run.Error(new InvalidOperationException(refusal.Message), "SyncRefused" + refusal.Code, ErrorCategory.LimitsExceeded);
            }

            foreach (var warning in result.Plan.Warnings) run.Warning($"Space {run.Space.Key}: {warning}");
            foreach (var error in result.Errors) run.Warning($"Space {run.Space.Key}: {error}");
            run.Output(result);
            if (PassThru) run.Output(result.Outcomes);
        }
    }
}
