using System.IO;
using System.Management.Automation;
using SpaceSync.Core.Reporting;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.PowerShell.Completion;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>The open conflicts of each space: both sides' versions, the common base, why. Read from the state only.</summary>
    [Cmdlet(VerbsCommon.Get, "SyncConflict")]
    [OutputType(typeof(SyncConflict))]
    public sealed class GetSyncConflictCommand : SpaceSyncCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SpaceKeyCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? SpaceKey { get; set; }

        protected override void ProcessRecord()
        {
            var scope = ScopeResolver.Resolve(LoadScope());
            var spaces = SelectSpaces(scope.Spaces, SpaceKey, s => s.Key, scope.Path);
            if (!StateStores.MayHoldState(scope.State))
            {
                WriteVerbose($"No state file at {scope.State.Path}: nothing has run yet.");
                return;
            }

            ReadingState(scope.State, () =>
            {
                using var state = OpenStateToRead(scope.State);
                if (state is null)
                {
                    WriteVerbose($"No state yet in the {scope.State.Describe()}: nothing has run yet.");
                    return;
                }

                foreach (var space in spaces)
                {
                    foreach (var conflict in SyncConflict.Open(state, space, scope.Path))
                    {
                        WriteObject(conflict);
                    }
                }
            });
        }
    }
}
