using System.Management.Automation;
using SpaceSync.Core.Reporting;
using SpaceSync.Core.Scope;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>
    /// Adds a space to the scope file: a new entry after the last one, in the file's own indentation, every other byte
    /// kept; the file is replaced only once it validates. The space has no baseline until Start-SpaceBaseline.
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "SyncedSpace", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SyncedSpaceStatus))]
    public sealed class AddSyncedSpaceCommand : ScopeEditCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string SpaceKey { get; set; } = "";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? CloudKey { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Owner { get; set; } = "";

        [Parameter]
        [ValidateScopeWord("phase")]
        [ArgumentCompleter(typeof(ScopeWordCompleter))]
        public string? Phase { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var (name, key) in new[] { ("SpaceKey", SpaceKey), ("CloudKey", CloudKey) })
            {
                var problem = key is null ? null : SpaceKeyRules.Check(key);
                if (problem != null)
                {
                    WriteError(new ErrorRecord(new System.ArgumentException($"-{name} '{key}' {problem}"), "ScopeInvalidSpaceKey",
                        ErrorCategory.InvalidArgument, key));
                    return;
                }
            }

            // A Cloud key equal to the key says nothing: the entry leaves it out, as the template does.
            var cloudKey = CloudKey == SpaceKey ? null : CloudKey;
            var phase = ScopeWords.Canonical("phase", Phase);
            var describe = "Add" + (cloudKey is null ? "" : $" (Cloud key {cloudKey})") + $" owned by {Owner}" + (phase is null ? "" : $" in phase {phase}");
            EditScopeFile(SpaceKey, describe, (text, path) => ScopeFileEditor.AddSpace(text, SpaceKey, cloudKey, Owner, phase, path));
        }
    }
}
