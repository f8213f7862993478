using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Http
{
    /// <summary>
    /// Puts the site's Authorization header on every attempt to the site's own origin, and on nothing else: a request to
    /// another origin (Cloud's media host, which a download redirects to with a token of its own) goes without it, and
    /// without any Authorization a caller may have set. Kept in a handler so that nothing else (HttpClient defaults,
    /// request objects built by callers, logs) ever holds the secret.
    /// </summary>
    internal sealed class AuthenticationHandler : DelegatingHandler
    {
        private readonly AuthenticationHeaderValue _header;
        private readonly Uri _siteOrigin;

        public AuthenticationHandler(SiteCredential credential, Uri siteUrl)
        {
            if (credential is null) throw new ArgumentNullException(nameof(credential));
            _siteOrigin = siteUrl ?? throw new ArgumentNullException(nameof(siteUrl));
            _header = credential.Type == AuthType.Bearer
                ? new AuthenticationHeaderValue("Bearer", credential.Secret)
                : new AuthenticationHeaderValue(
                    "Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.User + ":" + credential.Secret)));
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = ConfluenceRestClient.IsSameOrigin(request.RequestUri, _siteOrigin) ? _header : null;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
