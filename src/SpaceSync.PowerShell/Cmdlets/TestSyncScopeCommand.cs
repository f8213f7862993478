using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.PowerShell.Completion;
using SpaceSync.PowerShell.Hosting;
using SpaceSync.PowerShell.Security;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>
    /// Validates a scope file; with -Online also checks both sites and every space. One finding per result.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "SyncScope")]
    [OutputType(typeof(ScopeFinding))]
    [OutputType(typeof(bool))]
    public sealed class TestSyncScopeCommand : SiteCmdlet
    {
        [Parameter]
        public SwitchParameter Online { get; set; }

        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <summary>A CCMA id map to check with the file (the one Start-SpaceBaseline -IdMapPath will read).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? IdMapPath { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(SpaceKeyCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? SpaceKey { get; set; }

        protected override void ProcessRecord()
        {
            var path = ResolveScopePath();
            var idMap = string.IsNullOrEmpty(IdMapPath) ? null : GetUnresolvedProviderPathFromPSPath(IdMapPath);
            var findings = new List<ScopeFinding>(ScopeValidator.Check(path, Environment.GetEnvironmentVariable, idMap));
            Emit(findings);

            if (Online && !findings.Any(f => f.Severity == FindingSeverity.Error))
            {
                findings.AddRange(RunOnlineChecks(ScopeParser.Load(path)));
            }

            if (Quiet)
            {
                WriteObject(!findings.Any(f => f.Severity == FindingSeverity.Error));
            }
        }

        private IReadOnlyList<ScopeFinding> RunOnlineChecks(ScopeDocument scope)
        {
            scope = scope with { Spaces = SelectSpaces(scope.Spaces, SpaceKey, s => s.Key, scope.Path) };

            // Vault look-ups and prompts must happen here, on the pipeline thread, before the checks start.
            var secrets = ResolveSecrets(scope);

            using var queue = new PipelineQueue(StopWork);
            using var log = OpenLog(scope, queue);
            MaskSecrets(log, secrets);

            var options = new ScopeOnlineCheckOptions
            {
                CloudCredential = OverrideFor(scope.Cloud),
                DataCenterCredential = OverrideFor(scope.DataCenter),
                OnFinding = finding =>
                {
                    log.Write(finding.Severity == FindingSeverity.Error ? EngineLogLevel.Information : EngineLogLevel.Debug,
                        "Online check {Check} {Site} {SpaceKey}: {Severity} {Code} {Message}",
                        finding.Check, finding.Site, finding.SpaceKey, finding.Severity, finding.Code, finding.Message);
                    queue.Post(() => Emit(new[] { finding }));
                },
                ClientOptions = new SiteClientOptions { OnEvent = e => log.Write(LevelOf(e.Level), "{Site}: {Message}", e.Site, e.Message) },
            };

            log.Information("Test-SyncScope -Online: {ScopePath}, {SpaceCount} spaces", scope.Path, scope.Spaces.Count);
            var check = new ScopeOnlineCheck(secrets, options);
            return queue.Drain(Task.Run(() => check.RunAsync(scope, CancelToken)));
        }

        private static EngineLogLevel LevelOf(SiteEventLevel level) => level switch
        {
            SiteEventLevel.Debug => EngineLogLevel.Debug,
            SiteEventLevel.Warning => EngineLogLevel.Warning,
            _ => EngineLogLevel.Information,
        };

        private void Emit(IEnumerable<ScopeFinding> findings)
        {
            if (Quiet)
            {
                return;
            }

            foreach (var finding in findings)
            {
                WriteObject(finding);
            }
        }
    }
}
