using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Http;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// HTTP + JSON for one site: sends through the handler chain (resilience, auth, counting), turns
    /// every failure into a <see cref="SiteException"/>, and follows the site's own next-page links.
    /// </summary>
    internal sealed class ConfluenceRestClient : IDisposable
    {
        private readonly Func<HttpClient> _clients;
        private readonly IDisposable? _owner;

        /// <param name="clients">
        /// Hands out an HttpClient per request (IHttpClientFactory.CreateClient is cheap and lets the factory
        /// rotate handlers, e.g. to pick up DNS changes in long runs).
        /// </param>
        public ConfluenceRestClient(Func<HttpClient> clients, SiteKind kind, Uri siteUrl, SiteRequestCounters counters, IDisposable? owner)
        {
            _clients = clients;
            Kind = kind;
            SiteUrl = siteUrl;
            Counters = counters;
            _owner = owner;
            SiteRoot = siteUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        }

        public SiteKind Kind { get; }

        public Uri SiteUrl { get; }

        /// <summary>The site URL as a string without a trailing slash, ready for "/rest/api/...".</summary>
        public string SiteRoot { get; }

        public SiteRequestCounters Counters { get; }

        /// <summary>
        /// Knows this site's credential in every wire form: a server or proxy that echoes the request's Authorization
        /// header in its error body gets it masked here, before its text becomes a message anything else sees.
        /// </summary>
        public SecretRedactor Secrets { get; set; } = new SecretRedactor();

        /// <summary>How long the site's search may trail its writes (see <see cref="IConfluenceSite.SearchLag"/>).</summary>
        public TimeSpan SearchLag { get; set; } = DefaultSearchLag;

        /// <summary>
        /// Ten minutes: both products index a write within seconds when quiet (Data Center's queue runs "as often as every
        /// 5 seconds"), far longer under load or a re-index; a change query reaching ten minutes back costs nothing more.
        /// </summary>
        public static readonly TimeSpan DefaultSearchLag = TimeSpan.FromMinutes(10);

        /// <summary>The site's silence timeout per attempt (SiteClientOptions.AttemptTimeout); a streamed download's body gets it between bytes.</summary>
        public TimeSpan RequestTimeout { get; set; } = SiteClientOptions.DefaultAttemptTimeout;

        /// <summary>The site's budget per request (SiteClientOptions.OverallTimeout), for error messages.</summary>
        public TimeSpan RequestBudget { get; set; } = SiteClientOptions.DefaultOverallTimeout;

        /// <summary>"sites.cloud" or "sites.datacenter": where the scope file sets this site.</summary>
        private string ScopeKey => Kind == SiteKind.Cloud ? "sites.cloud" : "sites.datacenter";

        /// <summary>The site URL for messages: scheme, host, port and path; never user info or a query.</summary>
        internal string SiteUrlText => SiteUrl.Scheme + "://" + SiteUrl.Authority + SiteUrl.AbsolutePath.TrimEnd('/');

        public Uri Url(string pathFromSite) => new Uri(SiteRoot + pathFromSite, UriKind.Absolute);

        public async Task<JsonDocument> GetJsonAsync(Uri url, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await SendAsync(request, allowNotFound: false, cancellationToken).ConfigureAwait(false);
            return await ReadJsonAsync(request, response).ConfigureAwait(false);
        }

        /// <summary>GET that answers null on 404 (Confluence's "missing or not visible to you").</summary>
        public async Task<JsonDocument?> GetJsonOrNullAsync(Uri url, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await SendAsync(request, allowNotFound: true, cancellationToken).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadJsonAsync(request, response).ConfigureAwait(false);
        }

        /// <summary>A write with a JSON body (a byte-array body, so a retry can resend it). Null when the answer has no body.</summary>
        public async Task<JsonDocument?> SendJsonAsync(HttpMethod method, Uri url, string? jsonBody, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(method, url);
            if (jsonBody != null)
            {
                request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
            }

            using var response = await SendAsync(request, allowNotFound: false, cancellationToken).ConfigureAwait(false);
            var length = response.Content?.Headers.ContentLength;
            if (response.StatusCode == HttpStatusCode.NoContent || length == 0)
            {
                return null;
            }

            return await ReadJsonAsync(request, response).ConfigureAwait(false);
        }

        /// <summary>
        /// A reader over every item of a listing, fetching page after page as the consumer asks:
        /// one page in memory at a time. (A pull reader rather than IAsyncEnumerable: on netstandard2.0 that
        /// type lives in Microsoft.Bcl.AsyncInterfaces, which .NET 8+ consumers of Core do not get.)
        /// </summary>
        public ListingReader List(Uri firstPage, PagingStyle style) => new ListingReader(this, firstPage, style);

        /// <summary>
        /// One page of a listing: its items (detached from the response), the next page's URL, and the server's clock
        /// when it answered (the Date header), if it sent one.
        /// </summary>
        internal Task<(List<JsonElement> Items, Uri? Next, DateTimeOffset? ServerDate)> GetPageAsync(Uri page, PagingStyle style, CancellationToken cancellationToken) =>
            GetPageAsync(page, style, item => item.Clone(), cancellationToken);

        /// <summary>
        /// As the other overload, each item mapped by <paramref name="map"/> while the answer's document is open, so nothing
        /// of it is copied that the map does not keep (a change listing's bodies of pages older than its window, issue 14).
        /// </summary>
        internal async Task<(List<T> Items, Uri? Next, DateTimeOffset? ServerDate)> GetPageAsync<T>(Uri page, PagingStyle style,
            Func<JsonElement, T> map, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, page);
            using var response = await SendAsync(request, allowNotFound: false, cancellationToken).ConfigureAwait(false);
            using var document = await ReadJsonAsync(request, response).ConfigureAwait(false);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("results", out var results) ||
                results.ValueKind != JsonValueKind.Array)
            {
                throw Unexpected(request, response, "the answer is not a listing (no \"results\" array)");
            }

            var items = new List<T>(results.GetArrayLength());
            foreach (var item in results.EnumerateArray())
            {
                items.Add(map(item));
            }

            var link = NextLink.Find(response, root, style);
            try
            {
                return (items, link is null ? null : NextLink.Resolve(link, SiteUrl, style), response.Headers.Date);
            }
            catch (InvalidOperationException e)
            {
                throw Unexpected(request, response, e.Message);
            }
        }

        /// <summary>
        /// Sends and maps failures. The response is returned only for 2xx (and 404 when allowed);
        /// its body is already buffered by the resilience handler.
        /// </summary>
        public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, bool allowNotFound, CancellationToken cancellationToken) =>
            SendCoreAsync(request, allowNotFound, HttpCompletionOption.ResponseContentRead, cancellationToken);

        /// <summary>
        /// Sends and maps failures like <see cref="SendAsync"/>, but returns a 2xx answer as soon as its headers are in,
        /// its body unread (attachment bytes: never buffered whole). Retries happen only before the first body byte;
        /// the caller reads the body under its own token and disposes the response.
        /// </summary>
        /// <param name="allowRedirect">
        /// True: a 3xx answer is returned too (its Location for the caller to judge) instead of failing as a wrong site URL.
        /// Redirects are never followed automatically.
        /// </param>
        public Task<HttpResponseMessage> SendForStreamAsync(HttpRequestMessage request, CancellationToken cancellationToken, bool allowRedirect = false)
        {
            request.Properties[ResilienceHandler.StreamBodyProperty] = true;
            return SendCoreAsync(request, false, HttpCompletionOption.ResponseHeadersRead, cancellationToken, allowRedirect);
        }

        /// <summary>The site-independent failure for a transport error while a streamed body was being read or written.</summary>
        internal SiteException StreamFailure(HttpRequestMessage request, Exception e, string what) =>
            new SiteException(
                SiteErrorKind.Unreachable,
                $"{request.Method.Method} {PathOf(request)} on {Where(request)}: {what} ({ResilienceHandler.Describe(e)}).",
                request.Method.Method, PathOf(request), null, null, e);

        /// <summary>True when the URL is on the site's own origin (scheme, host and port): the only place credentials go.</summary>
        internal bool IsSiteOrigin(Uri? url) => IsSameOrigin(url, SiteUrl);

        internal static bool IsSameOrigin(Uri? url, Uri origin) =>
            url != null && url.IsAbsoluteUri &&
            Uri.Compare(url, origin, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

        /// <summary>"the Cloud site", or for a request to another origin (the media host of a download) that host, named by its authority.</summary>
        private string Where(HttpRequestMessage request) =>
            IsSiteOrigin(request.RequestUri)
                ? $"the {Kind} site"
                : $"the {Kind} site's media host {request.RequestUri?.GetLeftPart(UriPartial.Authority)}";

        private async Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, bool allowNotFound, HttpCompletionOption completion,
            CancellationToken cancellationToken, bool allowRedirect = false)
        {
            if (request.Headers.Accept.Count == 0)
            {
                request.Headers.Accept.ParseAdd("application/json");
            }

            HttpResponseMessage response;
            try
            {
                // Disposing a factory-made HttpClient leaves the pooled handlers alone.
                using var http = _clients();
                response = await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (RateLimitClosedException e)
            {
                throw ClosedFailure(request, e.Refusal);
            }
            catch (Exception e) when (RetryRules.IsTransportFailure(e) || e is OperationCanceledException)
            {
                throw TransportFailure(request, e);
            }

            var status = (int)response.StatusCode;
            if ((status >= 200 && status < 300) || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound) ||
                (allowRedirect && status >= 300 && status < 400))
            {
                return response;
            }

            using (response)
            {
                throw await StatusFailureAsync(request, response).ConfigureAwait(false);
            }
        }

        private SiteException TransportFailure(HttpRequestMessage request, Exception e)
        {
            var method = request.Method.Method;
            var path = PathOf(request);
            var cause = ResilienceHandler.Describe(e) + TimeoutsText(e);
            if (!RetryRules.IsIdempotent(request.Method) && !RetryRules.NeverReachedServer(e))
            {
                var at = IsSiteOrigin(request.RequestUri) ? $"the {Kind} site at {SiteUrlText}" : Where(request);
                return new SiteException(
                    SiteErrorKind.OutcomeUnknown,
                    $"{method} {path} on {at}: the request was sent but no answer came back{ElapsedText(request)} ({cause}). " +
                    $"It may or may not have taken effect; it was not repeated because repeating a {method} could apply it twice.",
                    method, path, null, null, e);
            }

            var where = IsSiteOrigin(request.RequestUri) ? $"the {Kind} site at {SiteUrlText}" : Where(request);
            return new SiteException(
                SiteErrorKind.Unreachable,
                $"{method} {path}: {where} could not be reached{AttemptsText(request, evenOne: true)}{ElapsedText(request)} ({cause}).",
                method, path, null, null, e);
        }

        /// <summary>For a timeout: the limits that applied and the scope keys that set them.</summary>
        private string TimeoutsText(Exception e)
        {
            for (var inner = e; inner != null; inner = inner.InnerException)
            {
                if (inner is Polly.Timeout.TimeoutRejectedException)
                {
                    return $"; each attempt waits {WaitText(RequestTimeout)} for a sign of life ({ScopeKey}.requestTimeoutSeconds), " +
                           $"a request at most {WaitText(RequestBudget)} in all ({ScopeKey}.requestBudgetSeconds)";
                }
            }

            return "";
        }

        /// <summary>A request not sent because its site asked, earlier in this run, for a wait longer than the client waits.</summary>
        private SiteException ClosedFailure(HttpRequestMessage request, RateLimitRefusal refusal)
        {
            var method = request.Method.Method;
            var path = PathOf(request);
            return new SiteException(
                SiteErrorKind.RateLimited,
                $"{method} {path}: not sent. The {Kind} site at {SiteUrl.GetLeftPart(UriPartial.Authority)} asked at {ResilienceHandler.Utc(refusal.At)} " +
                $"to wait {WaitText(refusal.Asked.Delay)} ({refusal.Asked.Source}), longer than SpaceSync waits for a site " +
                $"({WaitText(refusal.LongestWait)}, SiteClientOptions.MaxRetryAfter); nothing is sent to it before {ResilienceHandler.Utc(refusal.Until)}.",
                method, path, (HttpStatusCode)429);
        }

        /// <summary>What a throttled answer adds to its error: a wait the client would not sleep, or how long it waited.</summary>
        private string ThrottledText(HttpRequestMessage request)
        {
            if (request.Properties.TryGetValue(ResilienceHandler.WaitRefusedProperty, out var value) && value is RateLimitRefusal refusal)
            {
                return $": the site asks to wait {WaitText(refusal.Asked.Delay)} ({refusal.Asked.Source}), longer than SpaceSync waits for a site " +
                       $"({WaitText(refusal.LongestWait)}, SiteClientOptions.MaxRetryAfter). Not repeated; nothing is sent to the {Kind} site at " +
                       $"{SiteUrl.GetLeftPart(UriPartial.Authority)} before {ResilienceHandler.Utc(refusal.Until)}";
            }

            return request.Properties.TryGetValue(ResilienceHandler.RateLimitWaitedProperty, out var waited) && waited is TimeSpan span
                ? $" (having waited {WaitText(span)} for the site)"
                : "";
        }

        private static string WaitText(TimeSpan wait) =>
            wait.TotalSeconds >= 100 * 365.25 * 86400
                ? "for ever (" + wait.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s)"
                : wait.TotalSeconds.ToString(wait.TotalSeconds < 10 ? "0.#" : "0", CultureInfo.InvariantCulture) + " s";

        private async Task<SiteException> StatusFailureAsync(HttpRequestMessage request, HttpResponseMessage response)
        {
            var method = request.Method.Method;
            var path = PathOf(request);
            var status = response.StatusCode;
            var code = (int)status;
            string? body = null;
            if (response.Content != null)
            {
                try
                {
                    body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // An unreadable error body leaves the status to speak for itself.
                }
            }

            var serverMessage = ErrorEnvelope.Parse(body, response.Content?.Headers.ContentType?.MediaType);
            if (!IsSiteOrigin(request.RequestUri))
            {
                serverMessage = WithoutQueryValues(request.RequestUri, serverMessage);
            }

            // Server text is hostile input: secrets out first, then cut, so no cut leaves half a secret behind.
            serverMessage = serverMessage is null ? null : SecretRedactor.Bound(Secrets.Redact(serverMessage));

            var prefix = $"{method} {path} on {Where(request)} answered {code} {response.ReasonPhrase}";
            var suffix = serverMessage != null ? ": " + serverMessage : ".";

            SiteErrorKind kind;
            string message;
            if (code >= 300 && code < 400)
            {
                kind = SiteErrorKind.UnexpectedResponse;
                var location = response.Headers.Location;
                var target = location is null ? "elsewhere"
                    : location.IsAbsoluteUri ? location.GetLeftPart(UriPartial.Path) : location.OriginalString.Split('?')[0];
                message = $"{prefix}: redirected to {target}. Check the site URL in the scope file (https, host name, context path).";
            }
            else
            {
                switch (code)
                {
                    case 400:
                        kind = SiteErrorKind.BadRequest;
                        message = prefix + suffix;
                        break;
                    case 401 when !IsSiteOrigin(request.RequestUri):
                    case 403 when !IsSiteOrigin(request.RequestUri):
                        // No credentials go to another origin: what it refused is the link's own token, not the user's.
                        kind = SiteErrorKind.Forbidden;
                        message = prefix + (serverMessage != null ? ": " + serverMessage.TrimEnd('.') + "." : ".") +
                                  " The short-lived download link the site handed out was refused (expired or not valid); a new download asks for a new one.";
                        break;
                    case 401:
                        kind = SiteErrorKind.Unauthorized;
                        message = prefix + (serverMessage != null ? ": " + serverMessage.TrimEnd('.') + "." : ".") +
                                  " The credentials were refused: check the user and token.";
                        break;
                    case 403:
                        kind = SiteErrorKind.Forbidden;
                        message = prefix + suffix;
                        break;
                    case 404:
                        kind = SiteErrorKind.NotFound;
                        message = prefix + suffix;
                        break;
                    case 409:
                        kind = SiteErrorKind.Conflict;
                        message = prefix + suffix;
                        break;
                    case 413:
                        kind = SiteErrorKind.TooLarge;
                        message = prefix + suffix;
                        break;
                    case 429:
                        kind = SiteErrorKind.RateLimited;
                        message = request.Properties.ContainsKey(ResilienceHandler.WaitRefusedProperty)
                            ? $"{prefix}{ThrottledText(request)}." + (serverMessage != null ? " Server: " + serverMessage : "")
                            : $"{prefix}: still rate limited{AttemptsText(request)}{ThrottledText(request)}{BodyNotReplayedText(request)}." +
                              (serverMessage != null ? " Server: " + serverMessage : "");
                        break;
                    default:
                        if (code == 503 && request.Properties.ContainsKey(ResilienceHandler.WaitRefusedProperty))
                        {
                            kind = SiteErrorKind.RateLimited;
                            message = $"{prefix}{ThrottledText(request)}." + (serverMessage != null ? " Server: " + serverMessage : "");
                        }
                        else if (code >= 500)
                        {
                            kind = SiteErrorKind.ServerError;
                            message = $"{prefix}{AttemptsText(request)}{ThrottledText(request)}{BodyNotReplayedText(request)}{suffix}";
                        }
                        else
                        {
                            kind = SiteErrorKind.BadRequest;
                            message = prefix + suffix;
                        }

                        break;
                }
            }

            var currentVersion = kind == SiteErrorKind.Conflict ? VersionConflict.CurrentVersionIn(serverMessage) : null;
            return new SiteException(kind, message, method, path, status, serverMessage, null, currentVersion);
        }

        private async Task<JsonDocument> ReadJsonAsync(HttpRequestMessage request, HttpResponseMessage response)
        {
            var mediaType = response.Content?.Headers.ContentType?.MediaType;
            if (response.Content is null || (mediaType != null && mediaType.IndexOf("json", StringComparison.OrdinalIgnoreCase) < 0))
            {
                throw Unexpected(request, response, $"the answer is {mediaType ?? "empty"}, not JSON. Is the site URL Confluence's base URL?");
            }

            try
            {
                var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                return await JsonDocument.ParseAsync(stream).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                throw Unexpected(request, response, "the JSON answer cannot be read: " + e.Message);
            }
        }

        internal SiteException Unexpected(HttpRequestMessage request, HttpResponseMessage? response, string what)
        {
            var status = response is null ? "" : $" answered {(int)response.StatusCode} but";
            return new SiteException(
                SiteErrorKind.UnexpectedResponse,
                $"{request.Method.Method} {PathOf(request)} on {Where(request)}{status} {what}",
                request.Method.Method,
                PathOf(request),
                response?.StatusCode);
        }

        private static string PathOf(HttpRequestMessage request) => request.RequestUri?.AbsolutePath ?? "";

        /// <summary>
        /// <paramref name="text"/> with the values of <paramref name="url"/>'s query parameters blanked out: a URL from
        /// another origin may carry its own credential (a download link's token=), which an echoing error must not repeat.
        /// </summary>
        internal static string? WithoutQueryValues(Uri? url, string? text)
        {
            if (text is null || url is null || !url.IsAbsoluteUri || url.Query.Length <= 1)
            {
                return text;
            }

            foreach (var pair in url.Query.Substring(1).Split('&'))
            {
                var value = pair.Substring(pair.IndexOf('=') + 1);
                if (value.Length >= 8)
                {
                    text = text.Replace(value, "[redacted]").Replace(Uri.UnescapeDataString(value), "[redacted]");
                }
            }

            return text;
        }

        private static string ElapsedText(HttpRequestMessage request) =>
            request.Properties.TryGetValue(ResilienceHandler.ElapsedProperty, out var value) && value is TimeSpan elapsed
                ? " in " + elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
                : "";

        /// <param name="evenOne">Say "after 1 attempt" too (a request that timed out: how it spent its budget).</param>
        private static string AttemptsText(HttpRequestMessage request, bool evenOne = false) =>
            request.Properties.TryGetValue(ResilienceHandler.AttemptsProperty, out var value) && value is int attempts && (attempts > 1 || (evenOne && attempts == 1))
                ? " after " + attempts.ToString(CultureInfo.InvariantCulture) + (attempts == 1 ? " attempt" : " attempts")
                : "";

        private static string BodyNotReplayedText(HttpRequestMessage request) =>
            request.Properties.ContainsKey(ResilienceHandler.BodyNotReplayableProperty)
                ? " (not retried: the request body is a stream that cannot be sent again)"
                : "";

        public void Dispose()
        {
            _owner?.Dispose();
        }
    }
}
