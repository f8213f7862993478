using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using SpaceSync.PowerShell.Hosting;
using SpaceSync.PowerShell.Security;

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

        /// <summary>
        /// Writes the record with the module's ErrorId. Where the caller's error preference is Stop, the record ends the
        /// command instead: PowerShell would otherwise throw an ActionPreferenceStopException whose message wraps ours in
        /// its "preference variable ... is set to Stop" sentence, which is all a hosted runbook's job log shows.
        /// </summary>
        public new void WriteError(ErrorRecord record)
        {
            var safe = Redacted(WithModuleId(record));
            if (ErrorPreference() == ActionPreference.Stop) base.ThrowTerminatingError(safe);
            base.WriteError(safe);
        }

        public new void ThrowTerminatingError(ErrorRecord record) => base.ThrowTerminatingError(Redacted(WithModuleId(record)));

        /// <summary>-ErrorAction when given, else $ErrorActionPreference as the caller's scope sees it.</summary>
        private ActionPreference? ErrorPreference()
        {
            var value = MyInvocation.BoundParameters.TryGetValue("ErrorAction", out var bound) ? bound : GetVariableValue("ErrorActionPreference");
            value = value is PSObject wrapped ? wrapped.BaseObject : value;
            return value switch
            {
                ActionPreference preference => preference,
                string text when Enum.TryParse<ActionPreference>(text, true, out var parsed) => parsed,
                _ => null,
            };
        }

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

        /// <summary>Cancels the engine's work of this command (its writes ended the command: see PipelineQueue.Drain).</summary>
        internal void StopWork() => _stopping.Cancel();

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
        /// Debug → Debug, Warning → Warning; page warnings through <see cref="WritePageWarning"/>) through
        /// <paramref name="queue"/>, since the engine logs from other threads.
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
                    case EngineLogLevel.Warning: WriteWarning(text); break;
                    default: WriteVerbose(text); break;
                }
            }), pageSink: (warning, text) => queue.Post(() => WritePageWarning(warning, text)));
        }

        private readonly WarningDigest _digest = new WarningDigest();

        /// <summary>
        /// A warning about one page: of a kind that recurs page by page (restricted, archived, title collisions) it goes to
        /// Verbose and is counted for <see cref="WriteWarningSummary"/> (a cmdlet that reads a plan only to check it, such as
        /// Remove-SyncedSpace, writes no summary); any other kind is a warning of its own. Pipeline thread only.
        /// </summary>
        internal void WritePageWarning(PageWarning warning, string text)
        {
            if (_digest.Absorb(warning)) WriteVerbose(text);
            else WriteWarning(text);
        }

        /// <summary>One warning per kind counted since the last call, for the space just run. Pipeline thread only.</summary>
        internal void WriteWarningSummary(ResolvedSpace space)
        {
            foreach (var line in _digest.Summarise(space)) WriteWarning(line);
        }

        /// <summary>Where a Core exception names what it is about (a secret reference, a space key), for the record's target.</summary>
        internal const string TargetKey = "SpaceSync.Target";

        /// <summary>The prefix of every ErrorId the module writes; a cmdlet names only the code after it.</summary>
        internal const string ErrorIdPrefix = "SpaceSync.";

        /// <summary>The module's ErrorId for a code: SpaceSync.&lt;Code&gt;.</summary>
        internal static string ModuleErrorId(string code) => code.StartsWith(ErrorIdPrefix, StringComparison.Ordinal) ? code : ErrorIdPrefix + code;

        /// <summary>The record with its ErrorId under the module's prefix (everything else as it was).</summary>
        internal static ErrorRecord WithModuleId(ErrorRecord record)
        {
            if (record.FullyQualifiedErrorId.StartsWith(ErrorIdPrefix, StringComparison.Ordinal)) return record;
            return new ErrorRecord(record.Exception, ModuleErrorId(record.FullyQualifiedErrorId), record.CategoryInfo.Category, record.TargetObject)
            {
                ErrorDetails = record.ErrorDetails,
            };
        }

        /// <summary>
        /// The one record for a failure the engine reports: ErrorId SpaceSync.&lt;Code&gt; and a category from
        /// <see cref="Classify"/>, the thing it is about as target (from the exception's Data, else
        /// <paramref name="fallbackTarget"/>), and the engine's own message, after <paramref name="context"/> when given.
        /// </summary>
        internal static ErrorRecord RunErrorRecord(Exception e, object? fallbackTarget, string? context = null)
        {
            var (code, category) = Classify(e);
            var target = e.Data.Contains(TargetKey) ? e.Data[TargetKey] : fallbackTarget;
            return new ErrorRecord(e, ModuleErrorId(code), category, target)
            {
                ErrorDetails = new ErrorDetails(context is null ? e.Message : $"{context}: {e.Message}"),
            };
        }

        /// <summary>
        /// A state that cannot be used: the record names it, as target and in the message (the file's path, or the
        /// PostgreSQL schema and the reference of its connection string, never the string).
        /// </summary>
        internal static ErrorRecord StateErrorRecord(StateStoreException e, StateSettings state) =>
            state.Provider == StateProvider.Sqlite
                ? RunErrorRecord(e, state.Path, $"State file {state.Path}")
                : RunErrorRecord(e, state.Describe(), state.Describe());

        /// <summary>Reads the state through <paramref name="read"/>; a state that cannot be used ends the command with its record.</summary>
        protected void ReadingState(StateSettings state, Action read)
        {
            try
            {
                read();
            }
            catch (StateStoreException e)
            {
                ThrowTerminatingError(StateErrorRecord(e, state));
            }
        }

        /// <summary>
        /// The scope's state for a command that only reads it; null when there is none yet: reading makes no SQLite file and
        /// no PostgreSQL schema. A PostgreSQL state's connection string is read here, on the pipeline thread.
        /// </summary>
        /// <exception cref="StateStoreException">The state cannot be opened (nor its connection string read).</exception>
        internal StateStore? OpenStateToRead(StateSettings state)
        {
            if (!StateStores.MayHoldState(state)) return null;
            var secrets = new PowerShellSecretResolver();
            secrets.PrefetchState(this, state);
            return StateStores.OpenToRead(state, secrets.StateConnection(state));
        }

        /// <summary>The state a command writes: a SQLite file's folder is the admin's choice in the scope file, made on first use.</summary>
        internal static StateStore OpenStateToWrite(StateSettings state, PowerShellSecretResolver secrets)
        {
            if (state.Provider == StateProvider.Sqlite)
            {
                var folder = Path.GetDirectoryName(state.Path);
                if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            }

            return StateStores.Open(state, secrets.StateConnection(state));
        }

        /// <summary>Whether <see cref="Classify"/> knows the exception as one of the engine's own failures.</summary>
        internal static bool IsEngineFailure(Exception e) => Classify(e).Code != UnexpectedFailure;

        private const string UnexpectedFailure = "UnexpectedFailure";

        /// <summary>
        /// What each failure the engine throws up to the cmdlets is called and which category a PowerShell user would look
        /// for: the one table behind every record (en-US/about_SpaceSync_Errors.help.txt lists it).
        /// </summary>
        internal static (string Code, ErrorCategory Category) Classify(Exception e) => e switch
        {
            SyncRunException run => (run.Code, run.Code switch
            {
                SecretNotFound => ErrorCategory.AuthenticationError,
                SyncRunException.SpaceNotFound => ErrorCategory.ObjectNotFound,
                SyncRunException.NoBaseline => ErrorCategory.ObjectNotFound,
                SyncRunException.BaselineExists => ErrorCategory.ResourceExists,
                SyncRunException.SpaceLocked => ErrorCategory.ResourceUnavailable,
                _ => ErrorCategory.InvalidOperation,
            }),
            SecretUnavailableException => (SecretNotFound, ErrorCategory.AuthenticationError),
            SiteException site => (site.Code, site.Kind switch
            {
                SiteErrorKind.Unauthorized => ErrorCategory.AuthenticationError,
                SiteErrorKind.Forbidden => ErrorCategory.PermissionDenied,
                SiteErrorKind.NotFound => ErrorCategory.ObjectNotFound,
                SiteErrorKind.RateLimited => ErrorCategory.LimitsExceeded,
                SiteErrorKind.TooLarge => ErrorCategory.LimitsExceeded,
                SiteErrorKind.Conflict => ErrorCategory.WriteError,
                SiteErrorKind.BadRequest => ErrorCategory.InvalidArgument,
                SiteErrorKind.ServerError => ErrorCategory.ResourceUnavailable,
                SiteErrorKind.OutcomeUnknown => ErrorCategory.OperationTimeout,
                SiteErrorKind.UnexpectedResponse => ErrorCategory.InvalidResult,
                _ => ErrorCategory.ConnectionError, // unreachable, TLS refused
            }),
            StateStoreException state => ("StateStore" + state.Kind, state.Kind switch
            {
                StateErrorKind.LockHeldByOther => ErrorCategory.ResourceUnavailable,
                StateErrorKind.Busy => ErrorCategory.ResourceBusy,
                StateErrorKind.NotFound => ErrorCategory.ObjectNotFound,
                StateErrorKind.CannotOpen => ErrorCategory.OpenError,
                StateErrorKind.WriteRejected => ErrorCategory.InvalidOperation,
                StateErrorKind.MigrationFailed => ErrorCategory.InvalidOperation,
                StateErrorKind.StorageFailed => ErrorCategory.WriteError,
                StateErrorKind.DestinationNotEmpty => ErrorCategory.ResourceExists,
                _ => ErrorCategory.InvalidData, // not a state file, a newer, damaged or empty one, an unreadable value
            }),
            ScopeException scope when scope.Errors.Count == 1 && scope.Errors[0].Code == "ScopeFileNotFound" => ("ScopeFileNotFound", ErrorCategory.ObjectNotFound),
            ScopeException => ("ScopeFileInvalid", ErrorCategory.InvalidData),
            SavedPlanException plan => (plan.Code, ErrorCategory.InvalidData),
            IdMapException => ("IdMapInvalid", ErrorCategory.InvalidData),
            UserMapFileException => ("UserMapInvalid", ErrorCategory.InvalidData),
            UnauthorizedAccessException => ("FileAccessDenied", ErrorCategory.PermissionDenied),
            System.IO.IOException => ("FileUnavailable", ErrorCategory.ResourceUnavailable),
            _ => (UnexpectedFailure, ErrorCategory.InvalidOperation),
        };

        /// <summary>A secret the scope file names could not be read (env, vault or prompt).</summary>
        internal const string SecretNotFound = "SecretNotFound";

        internal static ErrorRecord ScopeErrorRecord(ScopeException e, string path)
        {
            var record = RunErrorRecord(e, path);
            record.ErrorDetails.RecommendedAction = Classify(e).Category == ErrorCategory.ObjectNotFound
                ? "Create one with New-SyncScope, or name it with -ScopePath or $env:SPACESYNC_SCOPE."
                : "Correct the scope file at the positions given, then run Test-SyncScope.";
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
