using System.IO;
using System.Management.Automation;
using SpaceSync.Core.Reporting;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.PowerShell.Completion;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>One object per space in scope: its settings and what the state file records. No site request.</summary>
    [Cmdlet(VerbsCommon.Get, "SyncedSpace")]
    [OutputType(typeof(SyncedSpaceStatus))]
    public sealed class GetSyncedSpaceCommand : SpaceSyncCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SpaceKeyCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? SpaceKey { get; set; }

        protected override void ProcessRecord()
        {
            var scope = ScopeResolver.Resolve(LoadScope());
            var spaces = SelectSpaces(scope.Spaces, SpaceKey, s => s.Key, scope.Path);
            // Reading must not create a state file: without one, no space has a baseline yet.
            using var state = File.Exists(scope.State.Path) ? StateStore.Open(scope.State.Path) : null;
            foreach (var space in spaces)
            {
                WriteObject(SyncedSpaceStatus.From(scope, space, state));
            }
        }
    }
}
