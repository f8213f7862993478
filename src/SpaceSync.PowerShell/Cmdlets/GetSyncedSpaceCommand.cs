using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Reporting;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.PowerShell.Completion;
using SpaceSync.PowerShell.Hosting;
using SpaceSync.PowerShell.Security;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>
    /// One object per space in scope: its settings, what the state file records, and what a sync would do now (read
    /// from both sites, as Get-SyncDrift does; -Offline skips the sites). Writes nothing, creates no state file.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SyncedSpace")]
    [OutputType(typeof(SyncedSpaceStatus))]
    public sealed class GetSyncedSpaceCommand : SiteCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SpaceKeyCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? SpaceKey { get; set; }

        /// <summary>Read the scope and state files only: no site request; the pending counts stay empty.</summary>
        [Parameter]
        public SwitchParameter Offline { get; set; }

        protected override void ProcessRecord()
        {
            var scope = ScopeResolver.Resolve(LoadScope());
            var spaces = SelectSpaces(scope.Spaces, SpaceKey, s => s.Key, scope.Path);
            try
            {
                // Reading must not create a state file: without one, no space has a baseline yet.
                using var state = OpenStateToRead(scope.State);
                var withBaseline = state is null ? new List<ResolvedSpace>() : spaces.Where(s => state.GetSpace(s.Key)?.BaselineAt != null).ToList();
                if (Offline || withBaseline.Count == 0)
                {
                    foreach (var space in spaces) WriteObject(SyncedSpaceStatus.From(scope, space, state));
                    return;
                }

                WriteWithPending(scope, spaces, withBaseline, state!);
            }
            catch (StateStoreException e)
            {
                ThrowTerminatingError(StateErrorRecord(e, scope.State));
            }
        }

        private void WriteWithPending(ResolvedScope scope, IReadOnlyList<ResolvedSpace> spaces, IReadOnlyList<ResolvedSpace> withBaseline, StateStore state)
        {
            // Vault look-ups and prompts happen here, on the pipeline thread, before the engine starts.
            var secrets = ResolveSecrets(scope.Document);
            using var queue = new PipelineQueue(StopWork);
            using var log = OpenLog(scope.Document, queue);
            MaskSecrets(log, secrets);

            // Reading the drift of many spaces takes a while: the same progress display as the commands that run spaces.
            var display = new RunProgressDisplay(WriteProgress, MyInvocation.MyCommand.Name, withBaseline.Count,
                quiet: PowerShellSecretResolver.StartedNonInteractive(), Secrets.Redact);
            // The sites are read on a worker thread; the pipeline thread only writes what it posts meanwhile.
            Dictionary<string, PendingChanges> pending;
            try
            {
                pending = ReadPending(scope, withBaseline, state, secrets, queue, log, display);
            }
            finally
            {
                display.Complete();
            }

            // A space whose sites could not be read is still reported, from the state, with its pending counts empty.
            foreach (var space in spaces)
            {
                WriteObject(SyncedSpaceStatus.From(scope, space, state, pending.TryGetValue(space.Key, out var p) ? p : null));
            }
        }

        private Dictionary<string, PendingChanges> ReadPending(ResolvedScope scope, IReadOnlyList<ResolvedSpace> withBaseline, StateStore state,
            PowerShellSecretResolver secrets, PipelineQueue queue, EngineLog log, RunProgressDisplay display)
        {
            return queue.Drain(Task.Run(async () =>
            {
                var found = new Dictionary<string, PendingChanges>(StringComparer.OrdinalIgnoreCase);
                var options = ClientOptions(log);
                IConfluenceSite dc, cloud;
                try
                {
                    dc = await OpenSiteAsync(scope.DataCenter, secrets, options).ConfigureAwait(false);
                }
                catch (SyncRunException e)
                {
                    queue.Post(() => WriteError(RunErrorRecord(e, scope.DataCenter.Url)));
                    return found;
                }

                using (dc)
                {
                    try
                    {
                        cloud = await OpenSiteAsync(scope.Cloud, secrets, options).ConfigureAwait(false);
                    }
                    catch (SyncRunException e)
                    {
                        queue.Post(() => WriteError(RunErrorRecord(e, scope.Cloud.Url)));
                        return found;
                    }

                    using (cloud)
                    {
                        foreach (var space in withBaseline)
                        {
                            var progress = display.SinkFor(queue);
                            try
                            {
                                found[space.Key] = await PendingChanges.ReadAsync(dc, cloud, state, space, log, CancelToken, TranslationSettings.From(scope),
                                    progress).ConfigureAwait(false);
                            }
                            catch (Exception e) when (e is SiteException || e is SyncRunException)
                            {
                                queue.Post(() => WriteError(RunErrorRecord(e, space.Key, $"Space {space.Key}")));
                            }
                            finally
                            {
                                progress.Report(new RunProgress { SpaceKey = space.Key, Completed = true });
                                var done = space; // the space's restricted pages: one line, each page under -Verbose
                                queue.Post(() => WriteWarningSummary(done));
                            }
                        }
                    }
                }

                return found;
            }));
        }
    }
}
