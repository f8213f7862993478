using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// Who a site client signs in as: a user (Basic) or none (Bearer) plus the secret. The secret is
    /// readable only inside Core (the Authorization handler); ToString and the debugger never show it.
    /// </summary>
    [DebuggerDisplay("{ToString(),nq}")]
    public sealed class SiteCredential
    {
        private readonly string _secret;

        private SiteCredential(AuthType type, string? user, string secret)
        {
            if (string.IsNullOrEmpty(secret))
            {
                throw new ArgumentException("The secret (token or password) is empty.", nameof(secret));
            }

            if (type == AuthType.Basic && string.IsNullOrWhiteSpace(user))
            {
                throw new ArgumentException("Basic authentication needs a user name (Cloud: the account's e-mail).", nameof(user));
            }

            Type = type;
            User = type == AuthType.Basic ? user : null;
            _secret = secret;
        }

        public AuthType Type { get; }

        /// <summary>E-mail (Cloud) or user name (Data Center) for Basic; null for Bearer.</summary>
        public string? User { get; }

        internal string Secret => _secret;

        /// <summary>Basic: Cloud e-mail + API token, or Data Center user name + password.</summary>
        public static SiteCredential Basic(string user, string secret) => new SiteCredential(AuthType.Basic, user, secret);

        /// <summary>Bearer: a Data Center personal access token.</summary>
        public static SiteCredential Bearer(string token) => new SiteCredential(AuthType.Bearer, null, token);

        /// <summary>
        /// A credential given on the command line (PSCredential → user + password) that overrides the
        /// scope file. It keeps the scope's auth type: for bearer the password is the token and the
        /// user name is ignored; for basic (and when the scope has no auth) both are used.
        /// </summary>
        public static SiteCredential FromOverride(AuthSettings? scopeAuth, string user, string password)
        {
            return scopeAuth?.Type == AuthType.Bearer ? Bearer(password) : Basic(user, password);
        }

        /// <summary>The scope file's auth with its secret reference resolved through the host's resolver.</summary>
        public static async Task<SiteCredential> FromScopeAsync(
            SiteSettings site, ISecretResolver resolver, CancellationToken cancellationToken)
        {
            if (site is null) throw new ArgumentNullException(nameof(site));
            if (resolver is null) throw new ArgumentNullException(nameof(resolver));
            var auth = site.Auth ?? throw new ArgumentException($"The {site.Kind} site has no auth settings.", nameof(site));
            var resolved = await resolver.ResolveAsync(auth.Token, site.Kind, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(resolved?.Secret))
            {
                throw new SecretUnavailableException(auth.Token, site.Kind, "it is empty");
            }

            if (auth.Type == AuthType.Bearer)
            {
                return Bearer(resolved!.Secret);
            }

            // The scope's user wins; where it names none, the account the store kept with the secret.
            var user = string.IsNullOrWhiteSpace(auth.User) ? resolved!.User : auth.User;
            if (string.IsNullOrWhiteSpace(user))
            {
                throw new SecretUnavailableException(auth.Token, site.Kind,
                    "basic auth needs an account, and neither the scope file (auth.user) nor the secret (a credential with a user name) names one");
            }

            return Basic(user!, resolved!.Secret);
        }

        /// <summary>A redactor that hides this credential in every form it takes on the wire (raw, Base64 of user:secret).</summary>
        internal SpaceSync.Core.Logging.SecretRedactor Redactor()
        {
            var redactor = new SpaceSync.Core.Logging.SecretRedactor();
            redactor.Add(_secret, User);
            return redactor;
        }

        public override string ToString() =>
            Type == AuthType.Basic ? $"Basic {User} (secret hidden)" : "Bearer (token hidden)";
    }

    /// <summary>A secret named by the scope file could not be obtained. Names the reference, never a value.</summary>
    public sealed class SecretUnavailableException : Exception
    {
        public SecretUnavailableException(SecretReference reference, SiteKind site, string reason, Exception? inner = null)
            : base($"The {site} token could not be read from '{reference}': {reason}.", inner)
        {
            Reference = reference;
            Site = site;
        }

        public SecretReference Reference { get; }

        public SiteKind Site { get; }
    }
}
