using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Sites
{
    public sealed class ScopeOnlineCheckOptions
    {
        /// <summary>Overrides the scope's Cloud auth (-CloudCredential); see <see cref="SiteCredential.FromOverride"/>.</summary>
        public SiteCredential? CloudCredential { get; set; }

        /// <summary>Overrides the scope's Data Center auth (-DataCenterCredential).</summary>
        public SiteCredential? DataCenterCredential { get; set; }

        public SiteClientOptions? ClientOptions { get; set; }

        /// <summary>Called with each finding as soon as it is known (on the checking thread).</summary>
        public Action<ScopeFinding>? OnFinding { get; set; }
    }

    /// <summary>
    /// Test-SyncScope -Online: per site Reachable and Authenticated (who am I), per space SpaceExists
    /// (Data Center key; Cloud key on Cloud) and CanWrite. Problems are findings with stable codes, not exceptions;
    /// only cancellation ends the check early.
    /// </summary>
    public sealed class ScopeOnlineCheck
    {
        public const string Reachable = "Reachable";
        public const string Authenticated = "Authenticated";
        public const string SpaceExists = "SpaceExists";
        public const string CanWrite = "CanWrite";

        private readonly ISecretResolver _secrets;
        private readonly ScopeOnlineCheckOptions _options;

        public ScopeOnlineCheck(ISecretResolver secrets, ScopeOnlineCheckOptions? options = null)
        {
            _secrets = secrets ?? throw new ArgumentNullException(nameof(secrets));
            _options = options ?? new ScopeOnlineCheckOptions();
        }

        /// <summary>Every finding, Cloud first, then Data Center; each is also passed to OnFinding as it is made.</summary>
        public async Task<IReadOnlyList<ScopeFinding>> RunAsync(ScopeDocument scope, CancellationToken cancellationToken)
        {
            if (scope is null) throw new ArgumentNullException(nameof(scope));
            var findings = new Findings(_options.OnFinding);
            foreach (var site in new[] { scope.Cloud, scope.DataCenter })
            {
                if (site != null)
                {
                    await CheckSiteAsync(scope, site, findings, cancellationToken).ConfigureAwait(false);
                }
            }

            return findings.All;
        }

        private async Task CheckSiteAsync(ScopeDocument scope, SiteSettings settings, Findings findings, CancellationToken cancellationToken)
        {
            var kind = settings.Kind;
            var label = kind == SiteKind.Cloud ? "Cloud" : "Data Center";

            var (credential, credentialProblem) = await CredentialAsync(settings, cancellationToken).ConfigureAwait(false);
            if (credential is null)
            {
                findings.Add(credentialProblem!);
                return;
            }

            IConfluenceSite site;
            try
            {
                site = SiteClientFactory.Create(settings, credential, _options.ClientOptions);
            }
            catch (ArgumentException e)
            {
                findings.Add(Error(kind, Reachable, "SiteUrlInvalid", e.Message, settings.Location));
                return;
            }

            using (site)
            {
                SiteUser user;
                try
                {
                    user = await site.GetCurrentUserAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (SiteException e)
                {
                    foreach (var finding in SignInFindings(kind, label, site.BaseUrl, e, settings.Location))
                    {
                        findings.Add(finding);
                    }

                    return;
                }

                findings.Add(Info(kind, Reachable, $"The {label} site {site.BaseUrl} answered."));
                findings.Add(Info(kind, Authenticated, $"Signed in to {label} as {user}."));

                foreach (var space in scope.Spaces)
                {
                    await CheckSpaceAsync(site, label, space, user, findings, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private static async Task CheckSpaceAsync(
            IConfluenceSite site, string label, SpaceSettings space, SiteUser user, Findings findings, CancellationToken cancellationToken)
        {
            var kind = site.Kind;
            var key = kind == SiteKind.Cloud ? space.EffectiveCloudKey : space.Key;
            var keyText = kind == SiteKind.Cloud && space.CloudKey != null && space.CloudKey != space.Key
                ? $"{key} (cloudKey of {space.Key})"
                : key;

            SiteSpace? found;
            try
            {
                found = await site.FindSpaceAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (SiteException e)
            {
                findings.Add(Error(kind, SpaceExists, CodeFor(e.Kind), $"Space {keyText} on {label} could not be checked: {e.Message}", space.Location, space.Key));
                return;
            }

            if (found is null)
            {
                findings.Add(Error(kind, SpaceExists, "SpaceNotFound",
                    $"Space {keyText} does not exist on {label}, or {user.DisplayName} cannot see it.", space.Location, space.Key));
                return;
            }

            findings.Add(Info(kind, SpaceExists, $"Space {keyText} exists on {label}: \"{found.Name}\" (id {found.Id}).", space.Key));

            WriteAccessResult access;
            try
            {
                access = await site.CheckWriteAccessAsync(found, user, cancellationToken).ConfigureAwait(false);
            }
            catch (SiteException e)
            {
                findings.Add(Error(kind, CanWrite, CodeFor(e.Kind), $"Write access to space {keyText} on {label} could not be checked: {e.Message}", space.Location, space.Key));
                return;
            }

            switch (access.Access)
            {
                case WriteAccess.Allowed:
                    findings.Add(Info(kind, CanWrite, access.Message, space.Key));
                    break;
                case WriteAccess.Denied:
                    findings.Add(Error(kind, CanWrite, "SpaceNotWritable", access.Message, space.Location, space.Key));
                    break;
                default:
                    findings.Add(new ScopeFinding
                    {
                        Severity = FindingSeverity.Warning,
                        Check = CanWrite,
                        Site = kind,
                        SpaceKey = space.Key,
                        Message = access.Message,
                        Location = space.Location,
                        Code = "WriteAccessUnverified",
                    });
                    break;
            }
        }

        private async Task<(SiteCredential? Credential, ScopeFinding? Problem)> CredentialAsync(
            SiteSettings settings, CancellationToken cancellationToken)
        {
            var overriding = settings.Kind == SiteKind.Cloud ? _options.CloudCredential : _options.DataCenterCredential;
            if (overriding != null)
            {
                return (overriding, null);
            }

            if (settings.Auth?.Token is null)
            {
                return (null, Error(settings.Kind, Authenticated, "SiteAuthMissing",
                    $"The {settings.Kind} site has no auth settings and no credential was given.", settings.Location));
            }

            try
            {
                return (await SiteCredential.FromScopeAsync(settings, _secrets, cancellationToken).ConfigureAwait(false), null);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (SecretUnavailableException e)
            {
                return (null, Error(settings.Kind, Authenticated, "SecretNotFound", e.Message, settings.Location));
            }
            catch (ArgumentException e)
            {
                return (null, Error(settings.Kind, Authenticated, "SiteAuthInvalid", e.Message, settings.Location));
            }
            catch (Exception e)
            {
                // The resolver's own failure (missing variable, vault error, no prompt possible); it names no secret value.
                return (null, Error(settings.Kind, Authenticated, "SecretNotFound",
                    $"The {settings.Kind} token could not be read from '{settings.Auth.Token}': {e.Message}", settings.Location));
            }
        }

        private static IEnumerable<ScopeFinding> SignInFindings(
            SiteKind kind, string label, Uri url, SiteException e, SourceLocation? location)
        {
            switch (e.Kind)
            {
                case SiteErrorKind.Unauthorized:
                    yield return Info(kind, Reachable, $"The {label} site {url} answered.");
                    yield return Error(kind, Authenticated, "SiteUnauthorized", e.Message, location);
                    break;
                case SiteErrorKind.Forbidden:
                    yield return Info(kind, Reachable, $"The {label} site {url} answered.");
                    yield return Error(kind, Authenticated, "SiteForbidden",
                        e.Message + " The account signed in but may not use Confluence.", location);
                    break;
                case SiteErrorKind.NotFound:
                    yield return Error(kind, Reachable, "SiteApiNotFound",
                        e.Message + (kind == SiteKind.Cloud
                            ? " A Cloud site URL ends in /wiki (https://SITE.atlassian.net/wiki)."
                            : " Check the context path in the URL (e.g. /confluence)."), location);
                    break;
                default:
                    yield return Error(kind, Reachable, CodeFor(e.Kind), e.Message, location);
                    break;
            }
        }

        internal static string CodeFor(SiteErrorKind kind) => kind switch
        {
            SiteErrorKind.Unreachable => "SiteUnreachable",
            SiteErrorKind.Unauthorized => "SiteUnauthorized",
            SiteErrorKind.Forbidden => "SiteForbidden",
            SiteErrorKind.NotFound => "SiteNotFound",
            SiteErrorKind.RateLimited => "SiteRateLimited",
            SiteErrorKind.ServerError => "SiteServerError",
            SiteErrorKind.UnexpectedResponse => "SiteUnexpectedResponse",
            _ => "SiteError",
        };

        private static ScopeFinding Info(SiteKind site, string check, string message, string? spaceKey = null) => new ScopeFinding
        {
            Severity = FindingSeverity.Information,
            Check = check,
            Site = site,
            SpaceKey = spaceKey,
            Message = message,
        };

        private static ScopeFinding Error(
            SiteKind site, string check, string code, string message, SourceLocation? location, string? spaceKey = null) => new ScopeFinding
        {
            Severity = FindingSeverity.Error,
            Check = check,
            Site = site,
            SpaceKey = spaceKey,
            Message = message,
            Location = location,
            Code = code,
        };

        private sealed class Findings
        {
            private readonly Action<ScopeFinding>? _onFinding;

            public Findings(Action<ScopeFinding>? onFinding)
            {
                _onFinding = onFinding;
            }

            public List<ScopeFinding> All { get; } = new List<ScopeFinding>();

            public void Add(ScopeFinding finding)
            {
                All.Add(finding);
                _onFinding?.Invoke(finding);
            }
        }
    }
}
