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
    /// Puts the site's Authorization header on every attempt. Kept in a handler so that nothing
    /// else (HttpClient defaults, request objects built by callers, logs) ever holds the secret.
    /// </summary>
    internal sealed class AuthenticationHandler : DelegatingHandler
    {
        private readonly AuthenticationHeaderValue _header;

        public AuthenticationHandler(SiteCredential credential)
        {
            if (credential is null) throw new ArgumentNullException(nameof(credential));
            _header = credential.Type == AuthType.Bearer
                ? new AuthenticationHeaderValue("Bearer", credential.Secret)
                : new AuthenticationHeaderValue(
                    "Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.User + ":" + credential.Secret)));
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = _header;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
