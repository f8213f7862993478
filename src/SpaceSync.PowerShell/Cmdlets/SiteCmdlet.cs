using System.Management.Automation;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.PowerShell.Security;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>
    /// A cmdlet that talks to both sites: the credential overrides, and the secrets resolved on the pipeline thread
    /// (vaults, prompts) before any engine work starts, registered with the engine log so that none reaches it.
    /// </summary>
    public abstract class SiteCmdlet : SpaceSyncCmdlet
    {
        [Parameter]
        [Credential]
        [ValidateNotNull]
        public PSCredential? CloudCredential { get; set; }

        [Parameter]
        [Credential]
        [ValidateNotNull]
        public PSCredential? DataCenterCredential { get; set; }

        /// <summary>Resolves the scope's secrets that no -*Credential overrides; call on the pipeline thread.</summary>
        internal PowerShellSecretResolver ResolveSecrets(ScopeDocument scope)
        {
            var secrets = new PowerShellSecretResolver();
            if (CloudCredential is null) secrets.Prefetch(this, scope.Cloud);
            if (DataCenterCredential is null) secrets.Prefetch(this, scope.DataCenter);
            return secrets;
        }

        /// <summary>Every secret this call holds is masked in the engine log.</summary>
        internal void MaskSecrets(EngineLog log, PowerShellSecretResolver secrets)
        {
            foreach (var secret in secrets.ResolvedValues) log.RegisterSecret(secret);
            if (CloudCredential != null) log.RegisterSecret(CloudCredential.GetNetworkCredential().Password);
            if (DataCenterCredential != null) log.RegisterSecret(DataCenterCredential.GetNetworkCredential().Password);
        }

        /// <summary>The -CloudCredential / -DataCenterCredential for <paramref name="site"/>, keeping the scope's auth type; null when not given.</summary>
        internal SiteCredential? OverrideFor(SiteSettings site)
        {
            var credential = site.Kind == SiteKind.Cloud ? CloudCredential : DataCenterCredential;
            return credential is null
                ? null
                : SiteCredential.FromOverride(site.Auth, credential.UserName, credential.GetNetworkCredential().Password);
        }
    }
}
