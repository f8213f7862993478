using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Sync;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>Which site's content wins where a baseline finds paired pages that differ.</summary>
    public enum BaselineAuthority { Cloud, DataCenter }

    /// <summary>Pairs a space's pages across the two sites (by CCMA id map where given, else by path) and records the baseline.</summary>
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

        /// <summary>
        /// CCMA's mapping of Data Center page ids to Cloud page ids (CSV with a header row, or JSON): the pages it names
        /// pair by it, the others by path. One transfer's map may cover several spaces; each space uses its own entries.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? IdMapPath { get; set; }

        /// <summary>
        /// How many spaces are baselined at once in this process (default 1: one after another). They share one client per
        /// site (the scope's maxRequestsPerSecond holds for all together); each has its own state connection and lock.
        /// </summary>
        [Parameter]
        [ValidateRange(1, MaxSpacesAtOnce)]
        public int ThrottleLimit { get; set; } = 1;

        internal override int SpacesAtOnce => ThrottleLimit;

        private IdMap? _idMap;
        private string? _idMapLoadedFrom;

        protected override void ProcessRecord()
        {
            // Read before anything is listed or recorded: a bad map ends the command with nothing written.
            if (!string.IsNullOrEmpty(IdMapPath))
            {
                var path = GetUnresolvedProviderPathFromPSPath(IdMapPath);
                if (_idMapLoadedFrom != path)
                {
                    _idMap = LoadIdMap(path);
                    _idMapLoadedFrom = path;
                }
            }

            base.ProcessRecord();
        }

        private IdMap LoadIdMap(string path)
        {
            if (!File.Exists(path))
            {
                ThrowTerminatingError(new ErrorRecord(new FileNotFoundException($"The id map '{path}' does not exist.", path),
                    "IdMapNotFound", ErrorCategory.ObjectNotFound, path));
            }

            try
            {
                return IdMapFile.Load(path);
            }
            catch (IdMapException e)
            {
                var record = RunErrorRecord(e, path);
                record.ErrorDetails = new ErrorDetails($"The id map cannot be used: {e.Message} Nothing was recorded.");
                ThrowTerminatingError(record);
                throw; // ThrowTerminatingError does not return
            }
        }

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
                var preview = await BaselineRunner.RunAsync(run.DataCenter, run.Cloud, run.State, run.Space, authority, _idMap, Force, whatIf: true, run.Log, cancellationToken, run.Translation, run.Progress).ConfigureAwait(false);
                foreach (var warning in preview.Plan.Warnings) run.Warning($"Space {run.Space.Key}: {warning}");
                run.Output(preview.Plan.Items);
                return;
            }

            var result = await BaselineRunner.RunAsync(run.DataCenter, run.Cloud, run.State, run.Space, authority, _idMap, Force, whatIf: false, run.Log, cancellationToken, run.Translation, run.Progress).ConfigureAwait(false);
            foreach (var warning in result.Plan.Warnings) run.Warning($"Space {run.Space.Key}: {warning}");
            foreach (var error in result.Errors) run.Warning($"Space {run.Space.Key}: {error}");
            run.Output(result);
        }
    }
}
