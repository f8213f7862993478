using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.PowerShell.Hosting;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>
    /// What every SpaceSync cmdlet needs: finding and loading the scope file, a cancellation token that
    /// Ctrl+C (StopProcessing) trips, and ErrorRecords with stable ErrorIds.
    /// </summary>
    public abstract class SpaceSyncCmdlet : PSCmdlet, IDisposable
    {
        internal const string ScopeEnvironmentVariable = "SPACESYNC_SCOPE";
        internal const string DefaultScopeFileName = "spacesync.yaml";

        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();

        /// <summary>The scope file. Default: $env:SPACESYNC_SCOPE, else ./spacesync.yaml.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string? ScopePath { get; set; }

        protected CancellationToken CancelToken => _stopping.Token;

        protected override void StopProcessing() => _stopping.Cancel();

        public void Dispose()
        {
            _stopping.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>The scope file's full path, resolved against the current PowerShell location.</summary>
        protected string ResolveScopePath()
        {
            var path = ScopePath;
            if (string.IsNullOrEmpty(path))
            {
                path = Environment.GetEnvironmentVariable(ScopeEnvironmentVariable);
            }

            if (string.IsNullOrEmpty(path))
            {
                path = DefaultScopeFileName;
            }

            return GetUnresolvedProviderPathFromPSPath(path);
        }

        /// <summary>Loads and validates the scope file; a bad file ends the command with every error listed.</summary>
        protected ScopeDocument LoadScope()
        {
            var path = ResolveScopePath();
            try
            {
                return ScopeParser.Load(path);
            }
            catch (ScopeException e)
            {
                ThrowTerminatingError(ScopeErrorRecord(e, path));
                throw; // unreachable: ThrowTerminatingError always throws
            }
        }

        /// <summary>
        /// The spaces named by -SpaceKey (all when none is named). A named key that the scope file does not hold
        /// is a non-terminating SpaceNotInScope error; the others carry on.
        /// </summary>
        protected IReadOnlyList<T> SelectSpaces<T>(IReadOnlyList<T> spaces, string[]? keys, Func<T, string> keyOf, string scopePath)
        {
            if (keys is null || keys.Length == 0)
            {
                return spaces;
            }

            foreach (var key in keys.Where(k => !spaces.Any(s => string.Equals(keyOf(s), k, StringComparison.OrdinalIgnoreCase))))
            {
                WriteError(new ErrorRecord(
                    new ArgumentException($"Space '{key}' is not in the scope file '{scopePath}'."),
                    "SpaceNotInScope", ErrorCategory.ObjectNotFound, key));
            }

            return spaces.Where(s => keys.Contains(keyOf(s), StringComparer.OrdinalIgnoreCase)).ToList();
        }

        /// <summary>
        /// The engine log for this command: the scope's log file, and the PowerShell streams (Information → Verbose,
        /// Debug → Debug, Warning → Warning) through <paramref name="queue"/>, since the engine logs from other threads.
        /// </summary>
        internal EngineLog OpenLog(ScopeDocument scope, PipelineQueue queue)
        {
            return EngineLog.Create(scope.Logging, (level, text) => queue.Post(() =>
            {
                switch (level)
                {
                    case EngineLogLevel.Debug: WriteDebug(text); break;
                    case EngineLogLevel.Warning: WriteWarning(text); break;
                    default: WriteVerbose(text); break;
                }
            }));
        }

        internal static ErrorRecord ScopeErrorRecord(ScopeException e, string path)
        {
            var notFound = e.Errors.Count == 1 && e.Errors[0].Code == "ScopeFileNotFound";
            var record = new ErrorRecord(
                e,
                notFound ? "ScopeFileNotFound" : "ScopeFileInvalid",
                notFound ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidData,
                path);
            record.ErrorDetails = new ErrorDetails(e.Message)
            {
                RecommendedAction = notFound
                    ? "Create one with New-SyncScope, or name it with -ScopePath or $env:SPACESYNC_SCOPE."
                    : "Correct the scope file at the positions given, then run Test-SyncScope.",
            };
            return record;
        }

    }
}
