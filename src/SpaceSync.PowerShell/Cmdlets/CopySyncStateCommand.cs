using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.PowerShell.Security;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>
    /// Copies the scope's whole state to another store (a SQLite file to a PostgreSQL schema, or back), verified table by
    /// table by row counts and hashes. A destination that already holds a state is refused unless -Force.
    /// </summary>
    /// <remarks>
    /// ConfirmImpact Medium: a copy into an empty destination loses nothing. Replacing a destination's state (-Force on a
    /// non-empty one) asks as a High-impact change would (see <see cref="ConfirmReplace"/>).
    /// </remarks>
    [Cmdlet(VerbsCommon.Copy, "SyncState", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(StateCopyResult))]
    public sealed class CopySyncStateCommand : SpaceSyncCmdlet
    {
        private static readonly string[] StateKeys = { "provider", "path", "connection", "schema" };

        /// <summary>A SQLite file path, or a hashtable written as the scope file's <c>state:</c> (provider, path, connection, schema).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNull]
        public object Destination { get; set; } = "";

        /// <summary>Replace the state a destination already holds.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var scope = ScopeResolver.Resolve(LoadScope());
            var destination = ReadDestination();
            if (!StateStores.MayHoldState(scope.State))
            {
                ThrowTerminatingError(StateErrorRecord(new StateStoreException(StateErrorKind.NotFound,
                    $"The scope's state file '{scope.State.Path}' does not exist: there is no state to copy."), scope.State));
            }

            var secrets = new PowerShellSecretResolver();
            secrets.PrefetchState(this, scope.State);
            secrets.PrefetchState(this, destination);

            StateStore? source = null, target = null;
            try
            {
                // Read, not opened to write: a PostgreSQL source without a schema is no state, and none is made for it.
                source = OpenOrStop(scope.State, secrets, toRead: true);
                if (source is null)
                {
                    ThrowTerminatingError(StateErrorRecord(new StateStoreException(StateErrorKind.NotFound,
                        $"The scope's {scope.State.Describe()} holds no state yet: there is no state to copy."), scope.State));
                }

                var rows = StateCopy.CountRows(source!).Where(c => c.Key != "locks").Sum(c => c.Value);
                var what = $"Copy the state {source!.Path} ({rows} rows)";
                if (WhatIfRequested())
                {
                    // Opening the destination would create its file or schema: -WhatIf names it and leaves it alone.
                    ShouldProcess(destination.Describe(), what);
                    return;
                }

                // Nothing is made before the answer is yes: an existing destination is opened to count what it holds, a new
                // one (no file, no schema) only once the copy is confirmed, so a declined copy leaves no empty state behind.
                target = OpenOrStop(destination, secrets, toRead: true);
                var held = target is null ? 0 : StateCopy.CountRows(target).Sum(c => c.Value);
                var named = target?.Path ?? destination.Describe();
                if (held > 0 && Force)
                {
                    if (!ShouldProcess(named, $"Replace the state held there ({held} rows) with a copy of {source.Path}") || !ConfirmReplace(named, held))
                        return;
                }
                else if (held == 0 && !ShouldProcess(named, what))
                {
                    return;
                }

                target ??= OpenOrStop(destination, secrets, toRead: false)!;
                // held > 0 without -Force: the copy refuses (DestinationNotEmpty), writing nothing.
                var result = Copy(source, target, scope.State, destination);
                WriteObject(result);
            }
            finally
            {
                target?.Dispose();
                source?.Dispose();
            }
        }

        private StateCopyResult Copy(StateStore source, StateStore target, StateSettings sourceSettings, StateSettings destination)
        {
            try
            {
                return StateCopy.Copy(source, target, Force);
            }
            catch (StateStoreException e)
            {
                // The record names the store that failed: reading the source, or writing and verifying the copy.
                ThrowTerminatingError(StateErrorRecord(e, StateCopy.SideOf(e) == StateCopySide.Source ? sourceSettings : destination));
                throw; // unreachable
            }
        }

        private StateStore? OpenOrStop(StateSettings state, PowerShellSecretResolver secrets, bool toRead)
        {
            try
            {
                var connection = secrets.StateConnection(state);
                return toRead ? StateStores.OpenToRead(state, connection) : StateStores.Open(state, connection);
            }
            catch (StateStoreException e)
            {
                ThrowTerminatingError(StateErrorRecord(e, state));
                throw; // unreachable
            }
        }

        /// <summary>
        /// Replacing a state loses every row it held: ask as a High-impact change does, i.e. unless $ConfirmPreference is
        /// None or -Confirm:$false was given (-Confirm itself already asked in ShouldProcess).
        /// </summary>
        private bool ConfirmReplace(string target, long held)
        {
            if (MyInvocation.BoundParameters.ContainsKey("Confirm")) return true;
            var preference = SessionState.PSVariable.GetValue("ConfirmPreference");
            if (preference is ConfirmImpact impact && impact == ConfirmImpact.None) return true;
            return ShouldContinue($"The destination {target} holds a state ({held} rows). Replace it with this copy? Its rows are deleted.", "Replace a state");
        }

        private bool WhatIfRequested()
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound) && bound is SwitchParameter given) return given.IsPresent;
            var preference = SessionState.PSVariable.GetValue("WhatIfPreference");
            return preference is SwitchParameter set ? set.IsPresent : preference is bool on && on;
        }

        /// <summary>
        /// The destination as the scope file's <c>state:</c> would name it, read by the scope parser's own rules (a string is
        /// its <c>path</c>); relative paths are resolved against the current location.
        /// </summary>
        private StateSettings ReadDestination()
        {
            var value = Destination is PSObject wrapped ? wrapped.BaseObject : Destination;
            var yaml = new StringBuilder("state:\n");
            if (value is IDictionary table)
            {
                foreach (DictionaryEntry entry in table)
                {
                    var key = entry.Key?.ToString() ?? "";
                    key = StateKeys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) ?? key;
                    var text = (entry.Value is PSObject item ? item.BaseObject : entry.Value) as string;
                    if (text is null)
                        StopOnDestination($"-Destination's '{key}' must be a string; it is {(entry.Value is null ? "empty" : entry.Value.GetType().Name)}.");
                    yaml.Append("  ").Append(Quote(key)).Append(": ").Append(Quote(text!)).Append('\n');
                }
            }
            else if (value is string path && path.Length > 0)
            {
                yaml.Append("  path: ").Append(Quote(path)).Append('\n');
            }
            else
            {
                StopOnDestination("-Destination is a SQLite file path or a hashtable such as @{ provider = 'postgresql'; connection = 'env:NAME'; schema = 'name' }.");
            }

            var anchor = Path.Combine(SessionState.Path.CurrentFileSystemLocation.ProviderPath, "-Destination");
            try
            {
                return ScopeParser.ParseStateSettings(yaml.ToString(), anchor);
            }
            catch (ScopeException e)
            {
                StopOnDestination(string.Join(" ", e.Errors.Select(x => x.Message)));
                throw; // unreachable
            }
        }

        private void StopOnDestination(string message) =>
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), ModuleErrorId("StateDestinationInvalid"), ErrorCategory.InvalidArgument, null));

        /// <summary>A YAML double-quoted scalar: every character but the quote and the backslash stands for itself.</summary>
        private static string Quote(string text)
        {
            var quoted = new StringBuilder("\"");
            foreach (var c in text)
            {
                if (c == '"' || c == '\\') quoted.Append('\\').Append(c);
                else if (c < ' ') quoted.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                else quoted.Append(c);
            }

            return quoted.Append('"').ToString();
        }
    }
}
