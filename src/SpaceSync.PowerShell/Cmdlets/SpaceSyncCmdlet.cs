using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
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

        /// <summary>
        /// The secrets this call holds (registered by SiteCmdlet.MaskSecrets), shared with the engine log. Every text this
        /// cmdlet writes to a stream passes through it: the last guard, behind the redaction where server text enters.
        /// </summary>
        internal SecretRedactor Secrets { get; } = new SecretRedactor();

        // The stream writers below hide PSCmdlet's (not virtual) so that every call in the cmdlets goes through Secrets.
        public new void WriteWarning(string text) => base.WriteWarning(Secrets.Redact(text));

        public new void WriteVerbose(string text) => base.WriteVerbose(Secrets.Redact(text));

        public new void WriteDebug(string text) => base.WriteDebug(Secrets.Redact(text));

        public new void WriteError(ErrorRecord record) => base.WriteError(Redacted(record));

        public new void ThrowTerminatingError(ErrorRecord record) => base.ThrowTerminatingError(Redacted(record));

        /// <summary>
        /// The record with its message, details and exception text free of secrets. An exception whose text holds one is
        /// replaced by a plain one with the redacted text (its type named), since an exception's message cannot be rewritten.
        /// </summary>
        internal ErrorRecord Redacted(ErrorRecord record)
        {
            var exception = record.Exception;
            var details = record.ErrorDetails;
            var cleanDetails = details is null ? null : Secrets.Redact(details.Message ?? "");
            var exceptionText = exception?.ToString() ?? "";
            var exceptionClean = exception is null || Secrets.Redact(exceptionText) == exceptionText;
            if (exceptionClean && (details is null || cleanDetails == details.Message))
            {
                return record;
            }

            var safeException = exceptionClean
                ? exception!
                : new RedactedException(exception!.GetType().Name, Secrets.Redact(exception.Message));
            var copy = new ErrorRecord(safeException, record.FullyQualifiedErrorId, record.CategoryInfo.Category, record.TargetObject);
            if (details != null)
            {
                copy.ErrorDetails = new ErrorDetails(cleanDetails) { RecommendedAction = details.RecommendedAction };
            }

            return copy;
        }

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
            // -Debug shows the engine's debug events (one per HTTP request among them) whatever level the scope's log file keeps.
            return EngineLog.Create(scope.Logging, secrets: Secrets, hostLevel: StreamPreferences.WantsDebug(this) ? EngineLogLevel.Debug : null,
                hostSink: (level, text) => queue.Post(() =>
            {
                switch (level)
                {
                    case EngineLogLevel.Debug: WriteDebug(text); break;
                    case EngineLogLevel.Warning: WritePageWarning(text); break;
                    default: WriteVerbose(text); break;
                }
            }));
        }

        private readonly WarningDigest _digest = new WarningDigest();

        /// <summary>
        /// A warning from the engine or a plan: of a kind that recurs page by page (restricted pages) it goes to Verbose and
        /// is counted for <see cref="WriteWarningSummary"/>; any other text is a warning of its own. Pipeline thread only.
        /// </summary>
        internal void WritePageWarning(string text)
        {
            if (_digest.Absorb(text)) WriteVerbose(text);
            else WriteWarning(text);
        }

        /// <summary>One warning per kind counted since the last call, for the space just run. Pipeline thread only.</summary>
        internal void WriteWarningSummary(ResolvedSpace space)
        {
            foreach (var line in _digest.Summarise(space)) WriteWarning(line);
        }

        /// <summary>Where a Core exception names what it is about (a secret reference, a space key), for the record's target.</summary>
        internal const string TargetKey = "SpaceSync.Target";

        /// <summary>
        /// The one record for a run failure the engine reports by code: ErrorId SpaceSync.&lt;Code&gt;, a category that says
        /// what kind of failure it is, and the thing it is about as target (from the exception's Data, else
        /// <paramref name="fallbackTarget"/>). The message is the engine's own text, nothing added.
        /// </summary>
        internal static ErrorRecord RunErrorRecord(SyncRunException e, object? fallbackTarget)
        {
            var target = e.Data.Contains(TargetKey) ? e.Data[TargetKey] : fallbackTarget;
            return new ErrorRecord(e, RunErrorId(e), RunErrorCategory(e), target)
            {
                ErrorDetails = new ErrorDetails(e.Message),
            };
        }

        /// <summary>The module's ErrorId for a run failure: SpaceSync.&lt;Code&gt;.</summary>
        internal static string RunErrorId(SyncRunException e) => "SpaceSync." + e.Code;

        internal static ErrorCategory RunErrorCategory(SyncRunException e) => e.Code switch
        {
            "SecretNotFound" => ErrorCategory.AuthenticationError,
            SyncRunException.SpaceNotFound => ErrorCategory.ObjectNotFound,
            SyncRunException.NoBaseline => ErrorCategory.ObjectNotFound,
            SyncRunException.BaselineExists => ErrorCategory.ResourceExists,
            SyncRunException.SpaceLocked => ErrorCategory.ResourceBusy,
            _ => ErrorCategory.InvalidOperation,
        };

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

    /// <summary>What an error record carries instead of an exception whose text held a secret: its type's name and the redacted message.</summary>
    public sealed class RedactedException : Exception
    {
        public RedactedException(string originalType, string message) : base(message) => OriginalType = originalType;

        /// <summary>The type name of the exception this stands for (e.g. SiteException).</summary>
        public string OriginalType { get; }
    }
}
