using System;
using System.IO;
using System.Management.Automation;
using System.Text;
using SpaceSync.Core.Scope;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>Writes a commented scope file to start from.</summary>
    [Cmdlet(VerbsCommon.New, "SyncScope", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class NewSyncScopeCommand : PSCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = SpaceSyncCmdlet.DefaultScopeFileName;

        [Parameter(Mandatory = true)]
        [ValidateNotNull]
        public Uri CloudUrl { get; set; } = null!;

        [Parameter(Mandatory = true)]
        [ValidateNotNull]
        public Uri DataCenterUrl { get; set; } = null!;

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string[] SpaceKey { get; set; } = Array.Empty<string>();

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Owner { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            var fullPath = GetUnresolvedProviderPathFromPSPath(Path);
            if (File.Exists(fullPath) && !Force)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new IOException($"The scope file '{fullPath}' already exists. Use -Force to overwrite it."),
                    "SpaceSync.ScopeFileExists", ErrorCategory.ResourceExists, fullPath));
            }

            string text;
            try
            {
                text = ScopeTemplate.Render(CloudUrl, DataCenterUrl, SpaceKey, Owner);
            }
            catch (ArgumentException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, "SpaceSync.ScopeTemplateInvalidArgument", ErrorCategory.InvalidArgument, e.ParamName));
                return;
            }

            if (!ShouldProcess(fullPath, "Write scope file"))
            {
                return;
            }

            var folder = System.IO.Path.GetDirectoryName(fullPath);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            File.WriteAllText(fullPath, text, new UTF8Encoding(false));
            WriteObject(new FileInfo(fullPath));
        }
    }
}
