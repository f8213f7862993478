using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Http
{
    /// <summary>
    /// Tells <see cref="SiteClientOptions.OnRequest"/> of every attempt: it sits inside the resilience handler, so each retry
    /// is seen with its number and what the attempt before it got, and outside the authorization handler, so the request it
    /// sees has no credential yet.
    /// </summary>
    internal sealed class RequestTraceHandler : DelegatingHandler
    {
        // The same request message goes through again on a retry: these properties carry the count between attempts.
        private const string AttemptProperty = "SpaceSync.TraceAttempt";
        private const string LastOutcomeProperty = "SpaceSync.TraceLastOutcome";

        private readonly Action<SiteRequestTrace>? _onRequest;
        private readonly string _site;

        public RequestTraceHandler(Action<SiteRequestTrace>? onRequest, string site)
        {
            _onRequest = onRequest;
            _site = site;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (_onRequest is null) return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

            var attempt = (request.Properties.TryGetValue(AttemptProperty, out var value) && value is int before ? before : 0) + 1;
            request.Properties[AttemptProperty] = attempt;
            var previous = request.Properties.TryGetValue(LastOutcomeProperty, out var last) ? last as string : null;
            // Several spaces' runs share the client (-ThrottleLimit): each line names the space whose run sent it.
            var run = RunCounters.CurrentLabel;
            var watch = Stopwatch.StartNew();
            try
            {
                var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                request.Properties[LastOutcomeProperty] = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Tell(new SiteRequestTrace(_site, request.Method.Method, PathOf(request.RequestUri), status, watch.Elapsed, attempt, previous, Run: run));
                return response;
            }
            catch (Exception e)
            {
                var what = e is OperationCanceledException ? "cancelled or timed out" : ResilienceHandler.Describe(e);
                request.Properties[LastOutcomeProperty] = e is OperationCanceledException ? "a timeout" : "a lost connection";
                Tell(new SiteRequestTrace(_site, request.Method.Method, PathOf(request.RequestUri), null, watch.Elapsed, attempt, previous, what, run));
                throw;
            }
        }

        /// <summary>The path, and of the query only its parameters' names (their values may be tokens or user text).</summary>
        internal static string PathOf(Uri? uri)
        {
            if (uri is null) return "";
            // Handlers see absolute URIs (the client resolves them first); a relative one is taken apart by hand.
            var text = uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
            var mark = text.IndexOf('?');
            var path = mark < 0 ? text : text.Substring(0, mark);
            var query = mark < 0 ? "" : text.Substring(mark);
            if (query.Length <= 1) return path;
            var names = query.Substring(1).Split('&').Where(p => p.Length > 0).Select(p => Uri.UnescapeDataString(p.Split('=')[0])).Distinct(StringComparer.Ordinal);
            return path + "?" + string.Join("&", names);
        }

        private void Tell(SiteRequestTrace trace)
        {
            try
            {
                _onRequest!(trace);
            }
            catch (Exception)
            {
                // A failing log sink must not fail the request.
            }
        }
    }
}
