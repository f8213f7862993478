using System.Management.Automation;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.Sync;
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
            secrets.PrefetchState(this, scope.State);
            return secrets;
        }

        /// <summary>
        /// Every secret this call holds is masked, in every wire form (with each Basic user's "user:secret" Base64), in the
        /// engine log and in everything this cmdlet writes (the log shares the cmdlet's redactor).
        /// </summary>
        internal void MaskSecrets(EngineLog log, PowerShellSecretResolver secrets)
        {
            foreach (var secret in secrets.ResolvedValues)
            {
                log.RegisterSecret(secret);
                foreach (var user in secrets.Users) log.RegisterSecret(secret, user);
            }

            foreach (var credential in new[] { CloudCredential, DataCenterCredential })
            {
                if (credential != null) log.RegisterSecret(credential.GetNetworkCredential().Password, credential.UserName);
            }
        }

        /// <summary>
        /// The site's client events go to the engine log (warnings as warnings, the rest as debug), and each request's attempt
        /// as one debug line (-Debug): method, path with the query's names only, status, milliseconds, retry.
        /// </summary>
        internal static SiteClientOptions ClientOptions(EngineLog log) => new SiteClientOptions
        {
            OnEvent = e => log.Write(e.Level == SiteEventLevel.Warning ? EngineLogLevel.Warning : EngineLogLevel.Debug, "{Site}: {Message}", e.Site, e.Message),
            OnRequest = r => log.Debug("HTTP {Request:l}", r.ToString()),
        };

        /// <summary>A client for one site with the override or the scope's secret; a missing secret is a SecretNotFound SyncRunException.</summary>
        internal async Task<IConfluenceSite> OpenSiteAsync(SiteSettings settings, ISecretResolver secrets, SiteClientOptions options)
        {
            try
            {
                return await SiteClientFactory.CreateAsync(settings, secrets, OverrideFor(settings), options, CancelToken).ConfigureAwait(false);
            }
            catch (SecretUnavailableException e)
            {
                // The reference (never a value) becomes the error record's target.
                var failure = new SyncRunException(SecretNotFound, e.Message);
                failure.Data[TargetKey] = e.Reference.ToString();
                throw failure;
            }
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
