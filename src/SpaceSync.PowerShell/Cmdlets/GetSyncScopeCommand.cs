using System;
using System.Linq;
using System.Management.Automation;
using SpaceSync.Core.Scope;
using SpaceSync.PowerShell.Completion;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>The resolved scope: defaults and phase presets applied to every space.</summary>
    [Cmdlet(VerbsCommon.Get, "SyncScope")]
    [OutputType(typeof(ResolvedScope))]
    public sealed class GetSyncScopeCommand : SpaceSyncCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SpaceKeyCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? SpaceKey { get; set; }

        protected override void ProcessRecord()
        {
            var resolved = ScopeResolver.Resolve(LoadScope());
            resolved = resolved with { Spaces = SelectSpaces(resolved.Spaces, SpaceKey, s => s.Key, resolved.Path) };
            WriteObject(resolved);
        }
    }
}
