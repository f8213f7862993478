using System;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using SpaceSync.Core.Http;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// Builds site clients. Each site gets its own HttpClient from IHttpClientFactory with the chain
    /// resilience → request trace (each attempt, for -Debug) → authorization → request counting → sockets. The DI container stays inside Core:
    /// callers see only SpaceSync types.
    /// </summary>
    public static class SiteClientFactory
    {
        public static IConfluenceSite Create(SiteSettings settings, SiteCredential credential, SiteClientOptions? options = null)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            if (credential is null) throw new ArgumentNullException(nameof(credential));
            if (settings.Url is null || !settings.Url.IsAbsoluteUri)
                throw new ArgumentException($"The {settings.Kind} site URL must be absolute.", nameof(settings));
            if (settings.Url.Scheme != Uri.UriSchemeHttps && settings.Url.Scheme != Uri.UriSchemeHttp)
                throw new ArgumentException($"The {settings.Kind} site URL must be http(s): {settings.Url}", nameof(settings));
            options = (options ?? new SiteClientOptions()).Validated();
            // The scope's per-site timeouts override the caller's (the clone is this site's own).
            if (settings.RequestTimeout is TimeSpan attemptTimeout) options.AttemptTimeout = attemptTimeout;
            if (settings.RequestBudget is TimeSpan budget) options.OverallTimeout = budget;
            if (settings.MaxRequestsPerSecond is int perSecond) options.MaxRequestsPerSecond = perSecond;
            options = options.Validated();
            TransportSecurity.EnsureTls12();   // Windows PowerShell 5.1 only

            var siteUrl = SiteUrl(settings);
            var counters = new SiteRequestCounters();
            // One per site: the factory rotates handlers, the site's throttling outlives them.
            var gate = ResilienceHandler.GateFor(options);
            var name = settings.Kind.ToString();
            var userAgent = options.UserAgent;
            var services = new ServiceCollection();
            services.AddHttpClient(name, client =>
                {
                    // The resilience pipeline owns every timeout; HttpClient's own would cut across retries.
                    client.Timeout = Timeout.InfiniteTimeSpan;
                    if (!client.DefaultRequestHeaders.UserAgent.TryParseAdd(userAgent))
                    {
                        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);
                    }
                })
                .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler
                {
                    // A redirect usually means a wrong URL (http→https, missing context path, login page):
                    // say so instead of following it to an HTML page.
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                })
                // The default logging handlers would log full URLs (CQL in the query); our events carry paths only.
                .RemoveAllLoggers()
                .AddHttpMessageHandler(() => new ResilienceHandler(options, counters, gate, name))
                .AddHttpMessageHandler(() => new RequestTraceHandler(options.OnRequest, name))
                .AddHttpMessageHandler(() => new AuthenticationHandler(credential, siteUrl))
                .AddHttpMessageHandler(() => new RequestCountingHandler(counters));

            var provider = services.BuildServiceProvider();
            try
            {
                var clients = provider.GetRequiredService<IHttpClientFactory>();
                var rest = new ConfluenceRestClient(() => clients.CreateClient(name), settings.Kind, siteUrl, counters, provider)
                {
                    SearchLag = settings.SearchLag ?? ConfluenceRestClient.DefaultSearchLag,
                    RequestTimeout = options.AttemptTimeout,
                    RequestBudget = options.OverallTimeout,
                    Secrets = credential.Redactor(),
                };
                return settings.Kind == SiteKind.Cloud ? new CloudSite(rest) : (IConfluenceSite)new DataCenterSite(rest);
            }
            catch
            {
                provider.Dispose();
                throw;
            }
        }

        /// <summary>
        /// A site from the scope file: its credential is the override when given (-CloudCredential /
        /// -DataCenterCredential), else the scope's auth with the secret resolved by the host.
        /// Throws <see cref="SecretUnavailableException"/> when the secret is empty; the resolver's own exceptions pass through.
        /// </summary>
        public static async Task<IConfluenceSite> CreateAsync(
            SiteSettings settings,
            ISecretResolver secrets,
            SiteCredential? credentialOverride,
            SiteClientOptions? options,
            CancellationToken cancellationToken)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            var credential = credentialOverride
                ?? await SiteCredential.FromScopeAsync(settings, secrets ?? throw new ArgumentNullException(nameof(secrets)), cancellationToken)
                    .ConfigureAwait(false);
            return Create(settings, credential, options);
        }

        /// <summary>
        /// The site URL without a trailing slash. Confluence Cloud lives under /wiki on its host; a Cloud URL
        /// given without a path (https://acme.atlassian.net) gets it.
        /// </summary>
        internal static Uri SiteUrl(SiteSettings settings)
        {
            var root = settings.Url.GetLeftPart(UriPartial.Path).TrimEnd('/');
            if (settings.Kind == SiteKind.Cloud && settings.Url.AbsolutePath.Trim('/').Length == 0)
            {
                root += "/wiki";
            }

            return new Uri(root, UriKind.Absolute);
        }
    }
}
