using System.IO;
using System.Linq;
using System.Management.Automation;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.PowerShell.Completion;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>What runs changed, page by page, oldest first. Read from the state only.</summary>
    [Cmdlet(VerbsCommon.Get, "SyncHistory")]
    [OutputType(typeof(HistoryEntry))]
    public sealed class GetSyncHistoryCommand : SpaceSyncCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SpaceKeyCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? SpaceKey { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RunIdCompleter))]
        [ValidateRange(1, long.MaxValue)]
        public long? RunId { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? Newest { get; set; }

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
                    foreach (var entry in state.ListHistory(space.Key, RunId, Newest))
                    {
                        WriteObject(entry);
                    }
                }
            });
        }
    }
}
