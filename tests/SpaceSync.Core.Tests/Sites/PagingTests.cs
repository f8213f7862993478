using System.Net.Http;
using System.Text.Json;
using SpaceSync.Core.Sites;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

public sealed class PagingTests : IDisposable
{
    private readonly SiteTestKit _kit = new();

    private ScriptedServer Server => _kit.Server;

    public void Dispose() => _kit.Dispose();

    private static string Pages(params int[] ids) =>
        string.Join(",", ids.Select(id => $$$"""{"id":"{{{id}}}","status":"current","title":"Page {{{id}}}","spaceId":"98305","parentId":"98306","parentType":"page","version":{"number":1}}"""));

    private static async Task<List<string>> Ids(ListingReader reader)
    {
        var ids = new List<string>();
        while (await reader.MoveNextAsync(CancellationToken.None))
        {
            ids.Add(reader.Current.GetProperty("id").GetString()!);
        }

        return ids;
    }

    [Fact]
    public async Task Cloud_v2_follows_the_Link_header_one_page_at_a_time()
    {
        Server.On("GET", "/wiki/api/v2/spaces/98305/pages?limit=2",
            Reply.Ok("{\"results\":[" + Pages(1, 2) + "],\"_links\":{\"base\":\"https://acme.atlassian.net/wiki\"}}",
                ("Link", "</wiki/api/v2/spaces/98305/pages?limit=2&cursor=abc>; rel=\"next\", <https://acme.atlassian.net/wiki>; rel=\"base\"")));
        Server.On("GET", "/wiki/api/v2/spaces/98305/pages?limit=2&cursor=abc",
            Reply.Ok("{\"results\":[" + Pages(3) + "],\"_links\":{\"base\":\"https://acme.atlassian.net/wiki\"}}"));
        using var site = _kit.Cloud();
        var reader = site.ListV2("/spaces/98305/pages?limit=2");

        Assert.True(await reader.MoveNextAsync(CancellationToken.None));
        Assert.Single(Server.Requests); // streaming: the second page is not fetched before it is needed
        Assert.Equal("1", reader.Current.GetProperty("id").GetString());

        var rest = await Ids(reader);

        Assert.Equal(new[] { "2", "3" }, rest);
        Assert.Equal(new[] { "?limit=2", "?limit=2&cursor=abc" }, Server.Requests.Select(r => r.Query));
        Assert.Equal(2, reader.PagesRead);
    }

    [Fact]
    public async Task Cloud_v2_follows_links_next_when_there_is_no_Link_header()
    {
        Server.On("GET", "/wiki/api/v2/spaces/98305/pages",
            Reply.Ok("{\"results\":[" + Pages(1) + "],\"_links\":{\"next\":\"/wiki/api/v2/spaces/98305/pages?cursor=def\",\"base\":\"https://acme.atlassian.net/wiki\"}}"));
        Server.On("GET", "/wiki/api/v2/spaces/98305/pages?cursor=def",
            Reply.Ok("{\"results\":[" + Pages(2) + "],\"_links\":{\"next\":\"/wiki/api/v2/spaces/98305/pages?cursor=ghi\",\"base\":\"https://acme.atlassian.net/wiki\"}}"));
        Server.On("GET", "/wiki/api/v2/spaces/98305/pages?cursor=ghi",
            Reply.Ok("{\"results\":[],\"_links\":{\"base\":\"https://acme.atlassian.net/wiki\"}}"));
        using var site = _kit.Cloud();

        var ids = await Ids(site.ListV2("/spaces/98305/pages"));

        Assert.Equal(new[] { "1", "2" }, ids);
        Assert.Equal(3, Server.Requests.Count);
        Assert.All(Server.Requests, r => Assert.Equal("/wiki/api/v2/spaces/98305/pages", r.Path)); // not /wiki/wiki/...
    }

    [Fact]
    public async Task Cloud_v1_search_follows_links_next_relative_to_the_base()
    {
        Server.On("GET", "/wiki/rest/api/search?cql=type%3Dpage&limit=1",
            Reply.Ok("""{"results":[{"content":{"id":"11","type":"page","title":"A"}}],"start":0,"limit":1,"size":1,"_links":{"base":"https://acme.atlassian.net/wiki","context":"/wiki","next":"/rest/api/search?next=true&cursor=xyz&limit=1&start=1&cql=type%3Dpage"}}"""));
        Server.On("GET", "/wiki/rest/api/search?next=true&cursor=xyz&limit=1&start=1&cql=type%3Dpage",
            Reply.Ok("""{"results":[{"content":{"id":"12","type":"page","title":"B"}}],"start":1,"limit":1,"size":1,"_links":{"base":"https://acme.atlassian.net/wiki","context":"/wiki"}}"""));
        using var site = _kit.Cloud();

        var results = await site.SearchV1("type=page", 1).ReadAllAsync(CancellationToken.None);

        Assert.Equal(new[] { "11", "12" }, results.Select(r => r.GetProperty("content").GetProperty("id").GetString()));
        Assert.Equal("/wiki/rest/api/search", Server.Requests[1].Path);
    }

    [Fact]
    public async Task DataCenter_follows_links_next_under_its_context_path_on_our_own_host()
    {
        // The server's base URL names the host it believes it has (behind a proxy); we stay on ours.
        const string links = "\"_links\":{\"base\":\"http://wiki.acme.internal/confluence\",\"context\":\"/confluence\",\"self\":\"http://wiki.acme.internal/confluence/rest/api/content\"";
        Server.On("GET", "/confluence/rest/api/content?spaceKey=ENG&type=page&limit=2",
            Reply.Ok("{\"results\":[{\"id\":\"1\",\"type\":\"page\"},{\"id\":\"2\",\"type\":\"page\"}],\"start\":0,\"limit\":2,\"size\":2," + links +
                     ",\"next\":\"/rest/api/content?spaceKey=ENG&type=page&limit=2&start=2\"}}"));
        Server.On("GET", "/confluence/rest/api/content?spaceKey=ENG&type=page&limit=2&start=2",
            Reply.Ok("{\"results\":[{\"id\":\"3\",\"type\":\"page\"}],\"start\":2,\"limit\":2,\"size\":1," + links + "}}"));
        using var site = _kit.DataCenter();

        var ids = await Ids(site.List("/content?spaceKey=ENG&type=page&limit=2"));

        Assert.Equal(new[] { "1", "2", "3" }, ids);
        Assert.Equal("/confluence/rest/api/content", Server.Requests[1].Path);
        Assert.Equal("?spaceKey=ENG&type=page&limit=2&start=2", Server.Requests[1].Query);
        Assert.All(Server.Requests, r => Assert.StartsWith("Bearer ", r.Authorization));
    }

    [Fact]
    public async Task An_absolute_next_link_to_another_host_is_not_followed()
    {
        Server.On("GET", "/wiki/api/v2/spaces",
            Reply.Ok("{\"results\":[],\"_links\":{\"next\":\"https://evil.example.com/wiki/api/v2/spaces?cursor=x\"}}"));
        using var site = _kit.Cloud();

        var e = await Assert.ThrowsAsync<SiteException>(() => site.ListV2("/spaces").ReadAllAsync(CancellationToken.None));

        Assert.Equal(SiteErrorKind.UnexpectedResponse, e.Kind);
        Assert.Contains("evil.example.com", e.Message);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task An_absolute_next_link_to_our_own_host_is_followed()
    {
        Server.On("GET", "/wiki/api/v2/spaces",
            Reply.Ok("{\"results\":[{\"id\":\"1\"}],\"_links\":{\"next\":\"" + Server.Origin.AbsoluteUri.TrimEnd('/') + "/wiki/api/v2/spaces?cursor=x\"}}"));
        Server.On("GET", "/wiki/api/v2/spaces?cursor=x", Reply.Ok("{\"results\":[{\"id\":\"2\"}],\"_links\":{}}"));
        using var site = _kit.Cloud();

        Assert.Equal(new[] { "1", "2" }, await Ids(site.ListV2("/spaces")));
    }

    [Fact]
    public async Task A_next_link_that_loops_is_stopped()
    {
        Server.On("GET", "/confluence/rest/api/content",
            Reply.Ok("{\"results\":[{\"id\":\"1\"}],\"_links\":{\"base\":\"http://x/confluence\",\"next\":\"/rest/api/content?start=1\"}}"));
        Server.On("GET", "/confluence/rest/api/content?start=1",
            Reply.Ok("{\"results\":[{\"id\":\"2\"}],\"_links\":{\"base\":\"http://x/confluence\",\"next\":\"/rest/api/content?start=1\"}}"));
        using var site = _kit.DataCenter();

        var e = await Assert.ThrowsAsync<SiteException>(() => site.List("/content").ReadAllAsync(CancellationToken.None));

        Assert.Equal(SiteErrorKind.UnexpectedResponse, e.Kind);
        Assert.Contains("repeats", e.Message);
        Assert.Equal(2, Server.Requests.Count);
    }

    [Fact]
    public async Task A_listing_without_results_is_an_unexpected_response()
    {
        Server.On("GET", "/confluence/rest/api/content", Reply.Ok("""{"id":"1","type":"page"}"""));
        using var site = _kit.DataCenter();

        var e = await Assert.ThrowsAsync<SiteException>(() => site.List("/content").ReadAllAsync(CancellationToken.None));

        Assert.Equal(SiteErrorKind.UnexpectedResponse, e.Kind);
        Assert.Contains("results", e.Message);
    }

    [Fact]
    public async Task A_cancelled_token_stops_before_the_next_page()
    {
        Server.On("GET", "/wiki/api/v2/spaces",
            Reply.Ok("{\"results\":[{\"id\":\"1\"}],\"_links\":{\"next\":\"/wiki/api/v2/spaces?cursor=2\"}}"));
        using var site = _kit.Cloud();
        using var cancel = new CancellationTokenSource();
        var reader = site.ListV2("/spaces");

        Assert.True(await reader.MoveNextAsync(cancel.Token));
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader.MoveNextAsync(cancel.Token));
        Assert.Single(Server.Requests);
    }

    [Theory]
    [InlineData("</wiki/api/v2/spaces?keys=A,B&cursor=c1>; rel=\"next\", <https://acme.atlassian.net/wiki>; rel=\"base\"", "/wiki/api/v2/spaces?keys=A,B&cursor=c1")]
    [InlineData("<https://acme.atlassian.net/wiki>; rel=\"base\", </wiki/api/v2/pages?cursor=z>; rel=next", "/wiki/api/v2/pages?cursor=z")]
    [InlineData("</wiki/api/v2/pages?cursor=z>; rel=\"prev next\"", "/wiki/api/v2/pages?cursor=z")]
    [InlineData("<https://acme.atlassian.net/wiki>; rel=\"base\"", null)]
    [InlineData("", null)]
    public void The_Link_header_is_read_by_its_angle_brackets(string header, string? expected)
    {
        Assert.Equal(expected, NextLink.FromLinkHeader(header));
    }

    [Theory]
    [InlineData("https://acme.atlassian.net/wiki", "/wiki/api/v2/pages?cursor=a", "CloudV2", "https://acme.atlassian.net/wiki/api/v2/pages?cursor=a")]
    [InlineData("https://acme.atlassian.net/wiki", "/rest/api/search?cursor=a", "BaseRelative", "https://acme.atlassian.net/wiki/rest/api/search?cursor=a")]
    [InlineData("http://wiki.acme.internal/confluence", "/rest/api/content?start=25", "BaseRelative", "http://wiki.acme.internal/confluence/rest/api/content?start=25")]
    [InlineData("http://wiki.acme.internal", "/rest/api/content?start=25", "BaseRelative", "http://wiki.acme.internal/rest/api/content?start=25")]
    public void Next_links_resolve_against_the_configured_site(string site, string link, string style, string expected)
    {
        Assert.Equal(expected, NextLink.Resolve(link, new Uri(site), Enum.Parse<PagingStyle>(style)).AbsoluteUri);
    }
}
