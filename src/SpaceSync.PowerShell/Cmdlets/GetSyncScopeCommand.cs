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
            if (SpaceKey is { Length: > 0 })
            {
                foreach (var key in SpaceKey.Where(k => !resolved.Spaces.Any(s => string.Equals(s.Key, k, StringComparison.OrdinalIgnoreCase))))
                {
                    WriteError(new ErrorRecord(
                        new ArgumentException($"Space '{key}' is not in the scope file '{resolved.Path}'."),
                        "SpaceNotInScope", ErrorCategory.ObjectNotFound, key));
                }

                resolved = resolved with
                {
                    Spaces = resolved.Spaces.Where(s => SpaceKey.Contains(s.Key, StringComparer.OrdinalIgnoreCase)).ToList(),
                };
            }

            WriteObject(resolved);
        }
    }
}
