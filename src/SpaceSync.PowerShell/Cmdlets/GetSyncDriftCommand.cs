using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Sync;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>One DriftItem per page that is not in sync (all pages with -IncludeInSync). Writes nothing.</summary>
    [Cmdlet(VerbsCommon.Get, "SyncDrift")]
    [OutputType(typeof(DriftItem))]
    public sealed class GetSyncDriftCommand : SpaceRunCmdlet
    {
        [Parameter]
        public SwitchParameter IncludeInSync { get; set; }

        /// <summary>List every page on both sides instead of asking only what changed since the last run.</summary>
        [Parameter]
        public SwitchParameter Full { get; set; }

        internal override async Task RunSpaceAsync(SpaceRun run, CancellationToken cancellationToken)
        {
            var result = await SyncRunner.RunAsync(run.DataCenter, run.Cloud, run.State, run.Space,
                new SyncRunOptions { WhatIf = true, FullListing = Full, Translation = run.Translation }, run.Log, cancellationToken).ConfigureAwait(false);
            foreach (var warning in result.Plan.Warnings) run.Warning($"Space {run.Space.Key}: {warning}");
            if (result.Refusal is PlanRefusal refusal)
            {
                run.Warning($"Space {run.Space.Key}: a sync would be refused ({refusal.Code}): {refusal.Message}");
            }

            run.Output(result.Plan.Items.Where(i => IncludeInSync || i.Status != DriftStatus.InSync));
        }
    }
}
