using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;

namespace SpaceSync.PowerShell.Security
{
    /// <summary>
    /// Resolves the scope's secret references the PowerShell way: environment variables, SecretManagement
    /// vaults (Get-Secret, found at run time — no hard dependency), and host prompts. Vaults and prompts need
    /// the pipeline thread, so every reference is resolved up front (Prefetch, on that thread) and the engine's
    /// later ResolveAsync calls — from any thread — only read the results.
    /// </summary>
    internal sealed class PowerShellSecretResolver : ISecretResolver
    {
        private readonly Dictionary<SecretReference, ResolvedSecret> _values = new Dictionary<SecretReference, ResolvedSecret>();
        private readonly Dictionary<SecretReference, string> _failures = new Dictionary<SecretReference, string>();
        private readonly List<string> _users = new List<string>();

        public void Prefetch(PSCmdlet cmdlet, SiteSettings site)
        {
            if (!string.IsNullOrEmpty(site.Auth.User) && !_users.Contains(site.Auth.User!)) _users.Add(site.Auth.User!);
            var value = Read(cmdlet, site.Auth.Token, () => FromPrompt(cmdlet, site));
            if (value?.User != null && !_users.Contains(value.User)) _users.Add(value.User);
        }

        /// <summary>
        /// Reads a reference once (env:, secret:, or <paramref name="prompt"/>); a failure is kept, to be reported where the
        /// secret is needed. Null when it was read before or could not be read.
        /// </summary>
        private ResolvedSecret? Read(PSCmdlet cmdlet, SecretReference reference, Func<ResolvedSecret> prompt)
        {
            if (_values.ContainsKey(reference) || _failures.ContainsKey(reference))
            {
                return null;
            }

            try
            {
                var value = reference.Source switch
                {
                    SecretSource.Environment => FromEnvironment(reference),
                    SecretSource.Vault => FromVault(cmdlet, reference),
                    _ => prompt(),
                };
                _values[reference] = value;
                return value;
            }
            catch (SecretNotReadException e)
            {
                _failures[reference] = e.Message;
                return null;
            }
        }

        /// <summary>The secrets resolved so far: the engine log masks them wherever they would appear.</summary>
        public IEnumerable<string> ResolvedValues => _values.Values.Select(v => v.Secret).Concat(_connectionPasswords);

        private readonly List<string> _connectionPasswords = new List<string>();

        /// <summary>
        /// Reads a PostgreSQL state's connection string (env:, secret:, prompt), on the pipeline thread like the tokens; a
        /// failure is kept for <see cref="StateConnection"/> to report where the state is opened. Masked like the tokens,
        /// and its password on its own too (a driver may quote it alone).
        /// </summary>
        public void PrefetchState(PSCmdlet cmdlet, StateSettings state)
        {
            if (state.Provider != StateProvider.PostgreSql || state.Connection is null) return;
            var value = Read(cmdlet, state.Connection, () => FromStatePrompt(cmdlet, state));
            if (value != null) _connectionPasswords.AddRange(ConnectionPasswords(value.Secret));
        }

        /// <summary>The connection string <see cref="PrefetchState"/> read; null for a SQLite state.</summary>
        /// <exception cref="StateStoreException">CannotOpen: it could not be read (the message says why, never a value).</exception>
        public string? StateConnection(StateSettings state)
        {
            if (state.Provider != StateProvider.PostgreSql || state.Connection is null) return null;
            if (_values.TryGetValue(state.Connection, out var value)) return value.Secret;
            var reason = _failures.TryGetValue(state.Connection, out var failure) ? failure : "it was not read before the command opened the state";
            throw new StateStoreException(StateErrorKind.CannotOpen, $"The {state.Describe()} cannot be opened: its connection string could not be read from '{state.Connection}': {reason}.");
        }

        // Password=...; or Pwd=... (Npgsql's keywords are case-insensitive); the value ends at ';' unless quoted.
        private static readonly System.Text.RegularExpressions.Regex PasswordPart = new System.Text.RegularExpressions.Regex(
            @"(?:^|;)\s*(?:password|pwd)\s*=\s*(?:""(?<v>[^""]*)""|'(?<v>[^']*)'|(?<v>[^;]*))",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        internal static IEnumerable<string> ConnectionPasswords(string connectionString) =>
            PasswordPart.Matches(connectionString).Cast<System.Text.RegularExpressions.Match>()
                .Select(m => m.Groups["v"].Value.Trim()).Where(v => v.Length > 0);

        private static ResolvedSecret FromStatePrompt(PSCmdlet cmdlet, StateSettings state)
        {
            if (StartedNonInteractive())
            {
                throw new SecretNotReadException("the scope file asks for a prompt, but this session cannot prompt (non-interactive); use env: or secret:");
            }

            PSCredential? credential;
            try
            {
                credential = cmdlet.Host.UI.PromptForCredential("SpaceSync: PostgreSQL state",
                    $"Enter the connection string of the PostgreSQL database holding the state (schema {state.Schema}) as the password.", "state", "");
            }
            catch (Exception e) when (e is PSInvalidOperationException || e is System.Management.Automation.Host.HostException || e is NotImplementedException)
            {
                throw new SecretNotReadException("this session cannot prompt (non-interactive); use env: or secret:");
            }

            if (credential is null || credential.Password.Length == 0)
            {
                throw new SecretNotReadException("no connection string was entered");
            }

            return new ResolvedSecret(credential.GetNetworkCredential().Password);
        }

        /// <summary>The Basic users of the sites prefetched and of the credentials read: their "user:secret" Base64 is a form to mask too.</summary>
        public IEnumerable<string> Users => _users;

        public Task<ResolvedSecret> ResolveAsync(SecretReference reference, SiteKind site, CancellationToken cancellationToken)
        {
            if (_values.TryGetValue(reference, out var value))
            {
                return Task.FromResult(value);
            }

            var reason = _failures.TryGetValue(reference, out var failure) ? failure : "it was not resolved before the run";
            throw new SecretUnavailableException(reference, site, reason);
        }

        private static ResolvedSecret FromEnvironment(SecretReference reference)
        {
            var value = Environment.GetEnvironmentVariable(reference.Name ?? "");
            if (string.IsNullOrEmpty(value))
            {
                throw new SecretNotReadException($"the environment variable {reference.Name} is not set");
            }

            return new ResolvedSecret(value!);
        }

        private static ResolvedSecret FromVault(PSCmdlet cmdlet, SecretReference reference)
        {
            if (cmdlet.InvokeCommand.GetCommand("Get-Secret", CommandTypes.Cmdlet | CommandTypes.Function) is null)
            {
                throw new SecretNotReadException(
                    "Get-Secret is not available; install and register a vault with Microsoft.PowerShell.SecretManagement");
            }

            Collection<PSObject> result;
            try
            {
                var script = ScriptBlock.Create("param($name, $vault) Get-Secret -Name $name -Vault $vault -AsPlainText -ErrorAction Stop");
                result = cmdlet.InvokeCommand.InvokeScript(false, script, null, reference.Name, reference.Vault);
            }
            catch (RuntimeException e)
            {
                // The vault's own message names the secret and vault, never the value. Under -ErrorAction Stop it arrives
                // wrapped in PowerShell's "preference variable ... Stop" sentence; the record inside holds the vault's text.
                throw new SecretNotReadException(e.ErrorRecord?.ToString() ?? e.Message);
            }

            var value = result.Count == 1 ? result[0]?.BaseObject : null;
            return value switch
            {
                string text when text.Length > 0 => new ResolvedSecret(text),
                System.Security.SecureString secure => new ResolvedSecret(new NetworkCredential("", secure).Password),
                // A vault secret stored as a PSCredential: the password is the token, the user name the account.
                PSCredential credential when credential.Password.Length > 0 => new ResolvedSecret(credential.GetNetworkCredential().Password, credential.UserName),
                _ => throw new SecretNotReadException("the vault returned no text secret"),
            };
        }

        private static ResolvedSecret FromPrompt(PSCmdlet cmdlet, SiteSettings site)
        {
            if (StartedNonInteractive())
            {
                // The console host prints the caption and message before it refuses to read: fail before that.
                throw new SecretNotReadException(NoPrompt);
            }

            PSCredential? credential;
            try
            {
                // Basic with no user in the scope: the field starts empty for the account to be typed there.
                var user = site.Auth.User ?? (site.Auth.Type == AuthType.Basic ? "" : "token");
                credential = cmdlet.Host.UI.PromptForCredential(
                    $"SpaceSync: {site.Kind} credentials",
                    $"Enter the {(site.Auth.Type == AuthType.Bearer ? "personal access token" : "API token or password")} for {site.Url}.",
                    user, site.Url.Host);
            }
            catch (Exception e) when (e is PSInvalidOperationException || e is System.Management.Automation.Host.HostException || e is NotImplementedException)
            {
                throw new SecretNotReadException(NoPrompt);
            }

            if (credential is null || credential.Password.Length == 0)
            {
                throw new SecretNotReadException("no token was entered");
            }

            return new ResolvedSecret(credential.GetNetworkCredential().Password, site.Auth.Type == AuthType.Basic ? credential.UserName : null);
        }

        private const string NoPrompt =
            "the scope file asks for a prompt, but this session cannot prompt (non-interactive); pass -CloudCredential / -DataCenterCredential or use env: or secret:";

        /// <summary>
        /// Whether this process is pwsh started with -NonInteractive (any prefix from -noni, as pwsh accepts). PowerShell
        /// offers no public flag for it; the switches before -Command/-File are pwsh's own, the rest belong to the script.
        /// </summary>
        internal static bool StartedNonInteractive() => StartedNonInteractive(Environment.GetCommandLineArgs());

        internal static bool StartedNonInteractive(IReadOnlyList<string> args)
        {
            for (var i = 1; i < args.Count; i++)
            {
                var arg = args[i];
                if (arg.Length < 2 || (arg[0] != '-' && arg[0] != '/')) continue; // a switch's value
                var name = arg.TrimStart('-', '/').ToLowerInvariant();
                if (name.Length >= 4 && "noninteractive".StartsWith(name, StringComparison.Ordinal)) return true;
                if (name == "c" || name == "f" || name == "e" || name == "ec"
                    || (name.Length >= 2 && ("command".StartsWith(name, StringComparison.Ordinal) || "file".StartsWith(name, StringComparison.Ordinal)
                        || "encodedcommand".StartsWith(name, StringComparison.Ordinal))))
                {
                    return false;
                }
            }

            return false;
        }

        private sealed class SecretNotReadException : Exception
        {
            public SecretNotReadException(string message) : base(message) { }
        }
    }
}
