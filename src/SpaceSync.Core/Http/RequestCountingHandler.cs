using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Http
{
    /// <summary>Innermost handler: sees every attempt that goes on the wire, so retries are counted too.</summary>
    internal sealed class RequestCountingHandler : DelegatingHandler
    {
        private readonly SiteRequestCounters _counters;

        public RequestCountingHandler(SiteRequestCounters counters)
        {
            _counters = counters;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _counters.CountSent();
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == (HttpStatusCode)429)
            {
                _counters.CountRateLimited();
            }

            return response;
        }
    }
}
