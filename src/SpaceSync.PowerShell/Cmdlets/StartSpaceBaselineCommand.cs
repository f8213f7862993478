using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Sync;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>Which site's content wins where a baseline finds paired pages that differ.</summary>
    public enum BaselineAuthority { Cloud, DataCenter }

    /// <summary>Pairs a space's pages across the two sites by path and records the baseline.</summary>
    [Cmdlet(VerbsLifecycle.Start, "SpaceBaseline", SupportsShouldProcess = true)]
    [OutputType(typeof(BaselineResult), typeof(DriftItem))]
    public sealed class StartSpaceBaselineCommand : SpaceRunCmdlet
    {
        /// <summary>
        /// The side whose content is written over the other where paired pages differ. The cmdlet layer's own enum:
        /// PowerShell reads parameter types at import, before the module's load context can supply Core's types.
        /// </summary>
        [Parameter]
        public BaselineAuthority? Authority { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        internal override async Task RunSpaceAsync(SpaceRun run, CancellationToken cancellationToken)
        {
            SyncSide? authority = Authority switch
            {
                BaselineAuthority.Cloud => SyncSide.Cloud,
                BaselineAuthority.DataCenter => SyncSide.DataCenter,
                _ => null,
            };
            var action = authority is SyncSide side
                ? $"Record the baseline, writing {side} content over the other side where pages differ"
                : "Record the baseline";
            if (!run.ShouldProcess($"space {run.Space.Key}", action))
            {
                // -WhatIf: show how the pages would pair, write nothing.
                var preview = await BaselineRunner.RunAsync(run.DataCenter, run.Cloud, run.State, run.Space, authority, Force, whatIf: true, run.Log, cancellationToken).ConfigureAwait(false);
                run.Output(preview.Plan.Items);
                return;
            }

            var result = await BaselineRunner.RunAsync(run.DataCenter, run.Cloud, run.State, run.Space, authority, Force, whatIf: false, run.Log, cancellationToken).ConfigureAwait(false);
            foreach (var error in result.Errors) run.Warning($"Space {run.Space.Key}: {error}");
            run.Output(result);
        }
    }
}
