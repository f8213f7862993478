using System.Net;
using SpaceSync.Core.Http;
using SpaceSync.Core.Sites;
using Xunit;

namespace SpaceSync.Core.Tests.Http;

/// <summary>The -Debug line of each HTTP attempt: no query value, no host, the retry counted on the same request.</summary>
public sealed class RequestTraceHandlerTests
{
    /// <summary>The wire: answers from a list, one per attempt.</summary>
    private sealed class Answers(params HttpStatusCode[] codes) : HttpMessageHandler
    {
        private int _next;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(codes[_next++]));
    }

    [Fact]
    public async Task A_token_in_the_query_and_the_host_stay_out_and_a_second_attempt_is_a_retry_after_the_first_s_status()
    {
        var traces = new List<SiteRequestTrace>();
        using var invoker = new HttpMessageInvoker(new RequestTraceHandler(traces.Add, "Cloud")
        {
            InnerHandler = new Answers((HttpStatusCode)429, HttpStatusCode.OK),
        });
        // The resilience handler sends the same message again on a retry.
        using var request = new HttpRequestMessage(HttpMethod.Get,
            "https://acme.atlassian.net/wiki/rest/api/content/search?cql=space%3DENG&access_token=SECRET-TOKEN-1&limit=50&cql=again");
        (await invoker.SendAsync(request, CancellationToken.None)).Dispose();
        (await invoker.SendAsync(request, CancellationToken.None)).Dispose();

        var lines = traces.Select(t => t.ToString()).ToList();
        Assert.Matches(@"^Cloud GET /wiki/rest/api/content/search\?cql&access_token&limit: 429 in \d+ ms$", lines[0]);
        Assert.Matches(@"^Cloud GET /wiki/rest/api/content/search\?cql&access_token&limit: 200 in \d+ ms \(retry 1 after 429\)$", lines[1]);
        Assert.All(lines, l => Assert.DoesNotContain("SECRET", l));
        Assert.All(lines, l => Assert.DoesNotContain("acme.atlassian.net", l));
    }

    [Fact]
    public async Task Requests_of_runs_going_at_once_on_one_client_name_their_space()
    {
        var traces = new List<SiteRequestTrace>();
        using var invoker = new HttpMessageInvoker(new RequestTraceHandler(t => { lock (traces) traces.Add(t); }, "DataCenter")
        {
            InnerHandler = new Answers(HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK),
        });

        async Task Run(string space)
        {
            RunCounters.Begin(space);
            await Task.Yield();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"https://wiki.acme.internal/rest/api/space/{space}");
            (await invoker.SendAsync(request, CancellationToken.None)).Dispose();
        }

        await Task.WhenAll(Run("ENG"), Run("OPS"));
        using (var outside = new HttpRequestMessage(HttpMethod.Get, "https://wiki.acme.internal/rest/api/space"))
            (await invoker.SendAsync(outside, CancellationToken.None)).Dispose();

        var lines = traces.Select(t => t.ToString()).ToList();
        Assert.Contains(lines, l => l.StartsWith("ENG: DataCenter GET /rest/api/space/ENG: 200", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("OPS: DataCenter GET /rest/api/space/OPS: 200", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("DataCenter GET /rest/api/space: 200", StringComparison.Ordinal)); // no run: no space
    }

    [Fact]
    public async Task Without_a_listener_the_request_passes_untouched()
    {
        using var invoker = new HttpMessageInvoker(new RequestTraceHandler(null, "Cloud") { InnerHandler = new Answers(HttpStatusCode.OK) });
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://acme.atlassian.net/wiki/api/v2/pages");
        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(request.Options);
    }
}
