using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Reporting;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>
    /// Writes each space's status, the open conflicts, the drift and the warnings to one file: a self-contained HTML page,
    /// JSON or CSV (the drift table). Reads both sites as Get-SyncDrift does (writing nothing to them), or takes the
    /// DriftItems piped from Get-SyncDrift and then reads only the scope and state files.
    /// </summary>
    [Cmdlet(VerbsData.Export, "SyncReport", DefaultParameterSetName = SitesSet, SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportSyncReportCommand : SpaceRunCmdlet
    {
        private const string SitesSet = "Sites";

        /// <summary>The report reads each space as Get-SyncDrift does; its progress says what it is for.</summary>
        internal override RunActivity? ProgressActivity => RunActivity.Report;
        private const string DriftSet = "DriftItems";

        private readonly List<DriftItem> _given = new List<DriftItem>();
        private SyncReportBuilder? _builder;
        private ResolvedScope? _scope;
        private bool _readSites;
        private string _path = "";
        // Not a ReportFormat field: a value-type field from Core would load Core with this class, before the initializer runs.
        private string _format = "";

        /// <summary>The file to write; its folder must exist.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        // Parameter types stay out of SpaceSync.Core: PowerShell reads them while importing, before the module's
        // initializer can resolve Core from Dependencies/ (hence a string set here and object for the items).

        /// <summary>Html, Json or Csv; default: from the extension of -Path (.html/.htm, .json, .csv).</summary>
        [Parameter]
        [ValidateSet("Html", "Json", "Csv", IgnoreCase = true)]
        public string? Format { get; set; }

        /// <summary>DriftItems from Get-SyncDrift: the report uses them instead of reading the sites.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = DriftSet)]
        public object[]? InputObject { get; set; }

        [Parameter(ParameterSetName = SitesSet)]
        public SwitchParameter IncludeInSync { get; set; }

        /// <summary>List every page on both sides instead of asking only what changed since the last run.</summary>
        [Parameter(ParameterSetName = SitesSet)]
        public SwitchParameter Full { get; set; }

        /// <summary>Refuse to replace an existing file (Export-Csv's convention: otherwise it is replaced).</summary>
        [Parameter]
        public SwitchParameter NoClobber { get; set; }

        /// <summary>Return the written file.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            _path = GetUnresolvedProviderPathFromPSPath(Path);
            var format = Format is null ? ReportFile.FormatOf(_path) : (ReportFormat)Enum.Parse(typeof(ReportFormat), Format, ignoreCase: true);
            if (format is null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"Cannot tell the report format from '{System.IO.Path.GetFileName(_path)}': use -Format Html, Json or Csv, or a .html, .json or .csv file name."),
                    "ReportFormatUnknown", ErrorCategory.InvalidArgument, Path));
            }

            _format = format!.Value.ToString();
            // Checked before the sites are read, and again when the file is moved into place.
            if (NoClobber && File.Exists(_path)) ThrowNoClobber();
            var folder = System.IO.Path.GetDirectoryName(_path);
            if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            {
                ThrowTerminatingError(new ErrorRecord(new DirectoryNotFoundException($"The folder '{folder}' does not exist."),
                    "ReportFolderNotFound", ErrorCategory.ObjectNotFound, folder));
            }
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == DriftSet)
            {
                var selectors = 0;
                foreach (var value in InputObject ?? Array.Empty<object>())
                {
                    var item = value is PSObject wrapped ? wrapped.BaseObject : value;
                    if (item is DriftItem drift) _given.Add(drift);
                    else if (item != null) selectors++;
                }

                if ((selectors > 0 || _readSites) && _given.Count > 0)
                {
                    ThrowTerminatingError(new ErrorRecord(
                        new ArgumentException("Export-SyncReport takes either DriftItems (from Get-SyncDrift) or spaces to read, not both in one pipeline."),
                        "ReportInputMixed", ErrorCategory.InvalidArgument, null));
                }

                // Any other object (Get-SyncedSpace's) names a space: SpaceKey and ScopePath bound from its properties.
                if (selectors > 0) ReadSites();
                return;
            }

            ReadSites();
        }

        /// <summary>Reads the sites for the spaces this record names (once per pipeline record; each collection once).</summary>
        private void ReadSites()
        {
            // Every record must name the same scope file: one report covers one scope.
            var scope = ScopeResolver.Resolve(LoadScope());
            if (_scope != null && !string.Equals(_scope.Path, scope.Path, StringComparison.Ordinal))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException($"One report covers one scope file: '{_scope.Path}', not also '{scope.Path}'."),
                    "ReportScopeMixed", ErrorCategory.InvalidArgument, scope.Path));
            }

            _scope ??= scope;
            _builder ??= new SyncReportBuilder(scope, IncludeInSync);
            _readSites = true;
            base.ProcessRecord();
        }

        /// <summary>The plan-only run Get-SyncDrift makes (WhatIf: nothing is written), kept for the report.</summary>
        internal override async Task RunSpaceAsync(SpaceRun run, CancellationToken cancellationToken)
        {
            if (_builder!.Collections.Contains(run.Space.Key)) return;   // named twice on the pipeline
            SyncRunResult result;
            try
            {
                result = await SyncRunner.RunAsync(run.DataCenter, run.Cloud, run.State, run.Space,
                    run.Observed(new SyncRunOptions { WhatIf = true, FullListing = Full, Translation = run.Translation }), run.Log, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SyncRunException || e is SiteException)
            {
                // The space stays in the report, from the state, saying why its drift is missing; the error goes out too.
                _builder.AddUnread(run.Space, run.State, $"Drift not read: {e.Message}");
                throw;
            }

            _builder.AddPlanned(run.Space, run.State, result.Plan);
        }

        protected override void EndProcessing()
        {
            if (!_readSites) BuildFromGiven();
            if (_builder is null) return;

            var report = _builder.Build(DateTimeOffset.UtcNow);
            // Asked last, after every check and read that could fail: -WhatIf then says exactly what a real run would write.
            if (!ShouldProcess(_path, $"Write the {_format} report ({report.Spaces.Count} space collection(s), {report.Conflicts.Count} open conflict(s), {report.Drift.Count} drift item(s))"))
            {
                return;
            }

            try
            {
                ReportFile.Write(report, _path, (ReportFormat)Enum.Parse(typeof(ReportFormat), _format), NoClobber);
            }
            catch (IOException e) when (NoClobber && File.Exists(_path))
            {
                ThrowNoClobber(e);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                ThrowTerminatingError(new ErrorRecord(e, "ReportNotWritten", ErrorCategory.WriteError, _path)
                {
                    ErrorDetails = new ErrorDetails($"Cannot write the report to '{_path}': {e.Message}"),
                });
            }

            WriteVerbose($"Report written to {_path} ({_format}): {report.Spaces.Count} space collection(s), {report.Conflicts.Count} open conflict(s), {report.Drift.Count} drift item(s).");
            if (PassThru) WriteObject(new FileInfo(_path));
        }

        /// <summary>Piped DriftItems (or an empty pipeline): status and conflicts from the state, no site request, no state file made.</summary>
        private void BuildFromGiven()
        {
            var scope = ScopeResolver.Resolve(LoadScope());
            var named = new HashSet<string>(_given.Select(i => i.SpaceKey), StringComparer.OrdinalIgnoreCase);
            _builder = new SyncReportBuilder(scope, IncludeInSync || _given.Any(i => i.Status == DriftStatus.InSync));
            try
            {
                using var state = OpenStateToRead(scope.State);
                // Nothing piped (nothing drifted): the spaces -SpaceKey names, else all.
                var spaces = named.Count == 0 ? SelectSpaces(scope.Spaces, SpaceKey, s => s.Key, scope.Path) : scope.Spaces;
                foreach (var collection in spaces.SelectMany(SpaceCollections.Of))
                {
                    // With items, the collections they name; with none (nothing drifted), every space in scope.
                    if (named.Count > 0 && !named.Contains(collection.Key)) continue;
                    _builder.AddGiven(collection, state, _given.Where(i => string.Equals(i.SpaceKey, collection.Key, StringComparison.OrdinalIgnoreCase)));
                    named.Remove(collection.Key);
                }
            }
            catch (StateStoreException e)
            {
                ThrowTerminatingError(StateErrorRecord(e, scope.State));
            }

            foreach (var key in named)
            {
                WriteWarning($"DriftItems of space '{key}' are left out: it is not in the scope file '{scope.Path}'.");
            }
        }

        private void ThrowNoClobber(Exception? inner = null) =>
            ThrowTerminatingError(new ErrorRecord(inner ?? new IOException($"The file '{_path}' already exists."), "NoClobber", ErrorCategory.ResourceExists, _path)
            {
                ErrorDetails = new ErrorDetails($"The file '{_path}' already exists; -NoClobber keeps it. Omit -NoClobber to replace it."),
            });
    }
}
