using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Content.Translation;
using SpaceSync.Core.Logging;
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
    /// (Data Center key; Cloud key on Cloud) and CanWrite; then, when both sites signed in, Users: both user directories
    /// and users.map as a sync pairs them, warning per site about people who came without an e-mail address. Problems are
    /// findings with stable codes, not exceptions; only cancellation ends the check early.
    /// </summary>
    public sealed class ScopeOnlineCheck
    {
        public const string Reachable = "Reachable";
        public const string Authenticated = "Authenticated";
        public const string SpaceExists = "SpaceExists";
        public const string CanWrite = "CanWrite";
        public const string Users = "Users";

        /// <summary>Names listed in a Users finding before "and N more".</summary>
        private const int NamesShown = 10;

        private readonly ISecretResolver _secrets;
        private readonly ScopeOnlineCheckOptions _options;

        public ScopeOnlineCheck(ISecretResolver secrets, ScopeOnlineCheckOptions? options = null)
        {
            _secrets = secrets ?? throw new ArgumentNullException(nameof(secrets));
            _options = options ?? new ScopeOnlineCheckOptions();
        }

        /// <summary>Every finding, Cloud first, then Data Center, then Users; each is also passed to OnFinding as it is made.</summary>
        public async Task<IReadOnlyList<ScopeFinding>> RunAsync(ScopeDocument scope, CancellationToken cancellationToken)
        {
            if (scope is null) throw new ArgumentNullException(nameof(scope));
            var findings = new Findings(_options.OnFinding);
            var signedIn = new List<IConfluenceSite>();
            try
            {
                foreach (var site in new[] { scope.Cloud, scope.DataCenter })
                {
                    var client = site is null ? null : await CheckSiteAsync(scope, site, findings, cancellationToken).ConfigureAwait(false);
                    if (client != null) signedIn.Add(client);
                }

                var cloud = signedIn.FirstOrDefault(s => s.Kind == SiteKind.Cloud);
                var dataCenter = signedIn.FirstOrDefault(s => s.Kind == SiteKind.DataCenter);
                if (cloud != null && dataCenter != null)
                {
                    await CheckUsersAsync(scope, dataCenter, cloud, findings, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                foreach (var site in signedIn) site.Dispose();
            }

            return findings.All;
        }

        /// <summary>The site's checks; returns its client when it signed in (the caller disposes it), else null.</summary>
        private async Task<IConfluenceSite?> CheckSiteAsync(ScopeDocument scope, SiteSettings settings, Findings findings, CancellationToken cancellationToken)
        {
            var kind = settings.Kind;
            var label = kind == SiteKind.Cloud ? "Cloud" : "Data Center";

            var (credential, credentialProblem) = await CredentialAsync(settings, cancellationToken).ConfigureAwait(false);
            if (credential is null)
            {
                findings.Add(credentialProblem!);
                return null;
            }

            IConfluenceSite site;
            try
            {
                site = SiteClientFactory.Create(settings, credential, _options.ClientOptions);
            }
            catch (ArgumentException e)
            {
                findings.Add(Error(kind, Reachable, "SiteUrlInvalid", e.Message, settings.Location));
                return null;
            }

            var signedIn = false;
            try
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

                    return null;
                }

                findings.Add(Info(kind, Reachable, $"The {label} site {site.BaseUrl} answered."));
                findings.Add(Info(kind, Authenticated, $"Signed in to {label} as {user}."));

                foreach (var space in scope.Spaces)
                {
                    await CheckSpaceAsync(site, label, space, user, findings, cancellationToken).ConfigureAwait(false);
                }

                signedIn = true;
                return site;
            }
            finally
            {
                if (!signedIn) site.Dispose();
            }
        }

        /// <summary>
        /// Lists both sites' users and reads users.map, as a sync does when a body, restriction or comment names somebody.
        /// People who came without an e-mail address on a site pair with their counterpart only through users.map: a
        /// finding per site says how many, how many users.map already pairs, and who is left (their mentions cross as names,
        /// mirrored restrictions naming them keep a page unsynced, their comments are attributed by name) — a warning while
        /// anybody is left, information once users.map pairs them all.
        /// </summary>
        private static async Task CheckUsersAsync(ScopeDocument scope, IConfluenceSite dataCenter, IConfluenceSite cloud, Findings findings,
            CancellationToken cancellationToken)
        {
            UserDirectoryReport report;
            try
            {
                report = (await UserDirectory.BuildAsync(dataCenter, cloud, scope.Users.MapPath, EngineLog.None, cancellationToken).ConfigureAwait(false)).Report;
            }
            catch (UserMapFileException e)
            {
                findings.Add(new ScopeFinding
                {
                    Severity = FindingSeverity.Error,
                    Check = Users,
                    Message = $"The user map cannot be used, so a sync would stop at the first mention: {e.Message}",
                    Location = scope.Users.MapLocation,
                    Code = "UserMapInvalid",
                });
                return;
            }
            catch (SiteException e)
            {
                findings.Add(new ScopeFinding
                {
                    Severity = FindingSeverity.Warning,
                    Check = Users,
                    Message = $"The users could not be listed, so how people pair across the sites is not known: {e.Message}",
                    Code = "UsersNotListed",
                });
                return;
            }

            var pairedByMap = new HashSet<string>(report.Pairs.Where(p => p.PairedBy == UserPairing.Override).Select(p => p.DataCenter.Id), StringComparer.Ordinal);
            var mapAccounts = new HashSet<string>(report.Pairs.Where(p => p.PairedBy == UserPairing.Override).Select(p => p.CloudAccountId), StringComparer.Ordinal);
            var missing = false;
            if (report.DataCenterWithoutEmail.Count > 0)
            {
                missing = true;
                findings.Add(MissingEmails(scope, SiteKind.DataCenter, report.DataCenterUsers, report.DataCenterWithoutEmail,
                    report.DataCenterWithoutEmail.Where(u => !pairedByMap.Contains(u.Id)).ToList(), report.DataCenterEmailNotice));
            }

            if (report.CloudEmailWithheld.Count > 0)
            {
                missing = true;
                findings.Add(MissingEmails(scope, SiteKind.Cloud, report.CloudUsers, report.CloudEmailWithheld,
                    report.CloudEmailWithheld.Where(u => !mapAccounts.Contains(u.Id)).ToList(), report.CloudEmailNotice));
            }

            var summary = $"{report.DataCenterUsers} Data Center and {report.CloudUsers} Cloud users: {report.PairedByEmail} pair by e-mail, " +
                          $"{report.PairedByOverride} by users.map; {report.UnpairedDataCenter.Count} Data Center and {report.UnpairedCloud.Count} " +
                          "Cloud users have no counterpart (mentions of them cross as their names).";
            findings.Add(Info(null, Users, missing ? summary : summary + " Every user came with an e-mail address."));
        }

        private static ScopeFinding MissingEmails(ScopeDocument scope, SiteKind site, int total, IReadOnlyList<DirectoryUser> without,
            IReadOnlyList<DirectoryUser> unpaired, string? notice)
        {
            var label = site == SiteKind.Cloud ? "Cloud" : "Data Center";
            var other = site == SiteKind.Cloud ? "Data Center" : "Cloud";
            var map = scope.Users.MapPath != null
                ? $"the CSV that the scope key users.map names ({scope.Users.MapPath}, set at {scope.Users.MapLocation})"
                : $"a CSV named by the scope key users.map (under 'users:' in {scope.Path}; columns dataCenterUserKey,cloudAccountId)";
            var left = unpaired.Count == 0
                ? "users.map pairs all of them."
                : $"{without.Count - unpaired.Count} of them are paired there; {unpaired.Count} are not ({Names(unpaired)}): mentions of them cross " +
                  "as their names, a mirrored restriction naming them keeps its page unsynced, and comments they wrote are attributed by name.";
            return new ScopeFinding
            {
                // Told either way (how many, and why); a warning while somebody is left unpaired.
                Severity = unpaired.Count > 0 ? FindingSeverity.Warning : FindingSeverity.Information,
                Check = Users,
                Site = site,
                Message = $"{without.Count} of {total} {label} users came without an e-mail address, so they cannot pair with their {other} " +
                          $"counterparts by e-mail; users.map is the way to pair them: rows in {map}. {left}" +
                          (notice != null ? " " + notice : ""),
                Location = scope.Users.MapLocation,
                Code = "UserEmailsMissing",
            };
        }

        private static string Names(IReadOnlyList<DirectoryUser> users) =>
            string.Join(", ", users.Take(NamesShown).Select(u => u.ToString())) + (users.Count > NamesShown ? $" and {users.Count - NamesShown} more" : "");

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
                findings.Add(Error(kind, SpaceExists, e.Code, $"Space {keyText} on {label} could not be checked: {e.Message}", space.Location, space.Key));
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
                findings.Add(Error(kind, CanWrite, e.Code, $"Write access to space {keyText} on {label} could not be checked: {e.Message}", space.Location, space.Key));
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
                    yield return Error(kind, Reachable, e.Code, e.Message, location);
                    break;
            }
        }

        private static ScopeFinding Info(SiteKind? site, string check, string message, string? spaceKey = null) => new ScopeFinding
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
