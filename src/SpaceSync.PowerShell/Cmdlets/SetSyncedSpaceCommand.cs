using System;
using System.Collections.Generic;
using System.Management.Automation;
using SpaceSync.Core.Reporting;
using SpaceSync.Core.Scope;
using SpaceSync.PowerShell.Completion;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>
    /// Changes a space's phase, conflict policy or direction in the scope file: the value is rewritten in place (or a
    /// line added to the space's entry), every other byte stays, and the file is replaced only once it validates.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "SyncedSpace", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SyncedSpaceStatus))]
    public sealed class SetSyncedSpaceCommand : ScopeEditCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SpaceKeyCompleter))]
        [ValidateNotNullOrEmpty]
        public string SpaceKey { get; set; } = "";

        [Parameter]
        [ValidateScopeWord("phase")]
        [ArgumentCompleter(typeof(ScopeWordCompleter))]
        public string? Phase { get; set; }

        [Parameter]
        [ValidateScopeWord("conflicts")]
        [ArgumentCompleter(typeof(ScopeWordCompleter))]
        public string? Conflicts { get; set; }

        [Parameter]
        [ValidateScopeWord("direction")]
        [ArgumentCompleter(typeof(ScopeWordCompleter))]
        public string? Direction { get; set; }

        protected override void BeginProcessing()
        {
            if (Phase is null && Conflicts is null && Direction is null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("Nothing to set: give -Phase, -Conflicts or -Direction (or several)."),
                    "NoSettingGiven", ErrorCategory.InvalidArgument, null));
            }
        }

        protected override void ProcessRecord()
        {
            // In the order the scope file's template writes them; each in the scope file's own spelling.
            var values = new List<KeyValuePair<string, string>>();
            void Add(string key, string? word)
            {
                if (word != null) values.Add(new KeyValuePair<string, string>(key, ScopeWords.Canonical(key, word)!));
            }

            Add("phase", Phase);
            Add("direction", Direction);
            Add("conflicts", Conflicts);
            var describe = "Set " + string.Join(", ", values.ConvertAll(v => $"{v.Key}: {v.Value}"));
            EditScopeFile(SpaceKey, describe, (text, path) => ScopeFileEditor.SetSpaceValues(text, SpaceKey, values, path));
        }
    }
}
