using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.PowerShell.Cmdlets;

namespace SpaceSync.PowerShell.Completion
{
    /// <summary>
    /// What the completers share: the scope file and state file the command on the line would read, found the way the
    /// command finds them (its -ScopePath, else $env:SPACESYNC_SCOPE, else ./spacesync.yaml, against PowerShell's current
    /// location, not the process directory), and quoting of what they offer.
    /// </summary>
    internal static class CompletionSource
    {
        /// <summary>
        /// What <paramref name="offer"/> makes of the scope the command would load; nothing when there is none, and never an
        /// exception: a completer must not throw into the user's Tab press.
        /// </summary>
        internal static IEnumerable<CompletionResult> FromScope(IDictionary fakeBoundParameters, Func<ResolvedScope, IEnumerable<CompletionResult>> offer)
        {
            try
            {
                var scope = LoadScope(fakeBoundParameters);
                return scope is null ? Array.Empty<CompletionResult>() : offer(scope).ToList();
            }
            catch (Exception)
            {
                return Array.Empty<CompletionResult>();
            }
        }

        /// <summary>As <see cref="FromScope"/>, with the scope's state file open read-only; nothing when it does not exist yet.</summary>
        internal static IEnumerable<CompletionResult> FromState(IDictionary fakeBoundParameters, Func<ResolvedScope, StateStore, IEnumerable<CompletionResult>> offer) =>
            FromScope(fakeBoundParameters, scope =>
            {
                using var state = OpenState(scope);
                return state is null ? Array.Empty<CompletionResult>() : offer(scope, state).ToList(); // read before the store closes
            });

        /// <summary>The resolved scope the command would load; null when there is none or it does not load.</summary>
        private static ResolvedScope? LoadScope(IDictionary fakeBoundParameters)
        {
            var path = fakeBoundParameters["ScopePath"] as string;
            if (string.IsNullOrEmpty(path)) path = Environment.GetEnvironmentVariable(SpaceSyncCmdlet.ScopeEnvironmentVariable);
            if (string.IsNullOrEmpty(path)) path = SpaceSyncCmdlet.DefaultScopeFileName;
            var full = ProviderPath(path!);
            if (full is null) return null;
            try
            {
                return ScopeResolver.Load(full);
            }
            catch (ScopeException)
            {
                return null; // a missing or broken scope file offers nothing to complete; the command itself will say why
            }
        }

        /// <summary>The spaces narrowed by the -SpaceKey already on the line (all when none is).</summary>
        internal static IEnumerable<ResolvedSpace> SelectSpaces(ResolvedScope scope, IDictionary fakeBoundParameters)
        {
            var keys = fakeBoundParameters["SpaceKey"] switch
            {
                string one => new[] { one },
                IEnumerable many => many.OfType<string>().ToArray(),
                _ => Array.Empty<string>(),
            };
            return keys.Length == 0
                ? scope.Spaces
                : scope.Spaces.Where(s => keys.Contains(s.Key, StringComparer.OrdinalIgnoreCase));
        }

        /// <summary>
        /// The scope's state file opened read-only (never created, migrated or locked: a Tab press must not change it);
        /// null when there is none yet or it cannot be read now.
        /// </summary>
        private static StateStore? OpenState(ResolvedScope scope)
        {
            try
            {
                if (scope.State.Provider == StateProvider.Sqlite) return StateStore.OpenReadOnly(scope.State.Path);
                // PostgreSQL: only a connection string from the environment; a Tab press neither prompts nor asks a vault.
                var reference = scope.State.Connection;
                var connection = reference?.Source == SecretSource.Environment ? Environment.GetEnvironmentVariable(reference.Name ?? "") : null;
                return string.IsNullOrEmpty(connection) ? null : StateStores.Open(scope.State, connection);
            }
            catch (StateStoreException)
            {
                return null;
            }
        }

        /// <summary>The word typed so far without the quote the user may have opened it with.</summary>
        internal static string Typed(string? wordToComplete) => (wordToComplete ?? "").Trim('\'', '"');

        /// <summary>The text as PowerShell must read it back as one argument: single-quoted when it holds a space or a special character.</summary>
        internal static string Quote(string text)
        {
            if (text.Length > 0 && text.All(c => char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '~'))
                return text;
            return "'" + text.Replace("'", "''") + "'";
        }

        /// <summary>
        /// <paramref name="path"/> as a file system path: a relative one against PowerShell's current FileSystem location (what
        /// the command's GetUnresolvedProviderPathFromPSPath gives), a drive-qualified or ~ one through PowerShell's providers.
        /// </summary>
        private static string? ProviderPath(string path)
        {
            if (Path.IsPathRooted(path) && !path.StartsWith("~", StringComparison.Ordinal))
                return Path.GetFullPath(path);
            // A completer runs on the pipeline thread with no SessionState of its own: ask the running runspace. Commands,
            // not a script, so that a session in ConstrainedLanguage mode answers too.
            using var shell = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
            var psPath = path.StartsWith("~", StringComparison.Ordinal) || path.IndexOf(':') > 0;
            if (psPath)
            {
                // TestDrive:\x.yaml, ~/x.yaml: only an existing file can be completed from, and Convert-Path resolves those.
                shell.AddCommand("Microsoft.PowerShell.Management\\Convert-Path").AddParameter("LiteralPath", path);
                var converted = shell.Invoke();
                return shell.HadErrors ? null : converted.Select(r => r?.BaseObject as string).FirstOrDefault(r => !string.IsNullOrEmpty(r));
            }

            shell.AddCommand("Microsoft.PowerShell.Management\\Get-Location").AddParameter("PSProvider", "FileSystem");
            var location = shell.Invoke().Select(r => r?.BaseObject).OfType<PathInfo>().FirstOrDefault();
            return location is null ? null : Path.GetFullPath(Path.Combine(location.ProviderPath, path));
        }
    }
}
