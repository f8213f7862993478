using SpaceSync.Core.Sites;
using SpaceSync.Emulator;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>Putting a page at the space's top level: Cloud through v1's move beside a top-level page; Data Center cannot.</summary>
public sealed class TopLevelMoveTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly SiteTestKit _kit = new();

    private ScriptedServer Server => _kit.Server;

    public void Dispose() => _kit.Dispose();

    private static string CloudPage(string? parentId, int version) =>
        "{\"id\":\"555\",\"status\":\"current\",\"title\":\"Runbook\",\"spaceId\":\"98305\"," +
        (parentId is null ? "\"parentId\":null,\"parentType\":null," : $"\"parentId\":\"{parentId}\",\"parentType\":\"page\",") +
        $"\"version\":{{\"number\":{version},\"createdAt\":\"2026-11-20T10:00:00.000Z\",\"authorId\":\"abc\"}}," +
        "\"body\":{\"storage\":{\"value\":\"<p>Steps.</p>\",\"representation\":\"storage\"}}}";

    [Fact]
    public async Task Cloud_reads_the_page_finds_a_top_level_page_and_moves_after_it_through_v1()
    {
        Server.On("GET", "/wiki/api/v2/pages/555", Reply.Ok(CloudPage("98306", 4)), Reply.Ok(CloudPage(null, 4)));
        Server.On("GET", "/wiki/api/v2/spaces/98305/pages", Reply.Ok(
            """{"results":[{"id":"98306","status":"current","title":"Home","spaceId":"98305","parentId":null,"parentType":null,"version":{"number":2,"createdAt":"2026-11-01T10:00:00.000Z"}}],"_links":{"base":"https://acme.atlassian.net/wiki"}}"""));
        Server.On("PUT", "/wiki/rest/api/content/555/move/after/98306", Reply.Ok("""{"pageId":"555"}"""));
        using var site = _kit.Cloud();

        var moved = await site.MovePageToTopLevelAsync("555", 4, None);

        Assert.NotNull(moved);
        Assert.Null(moved!.ParentId);
        Assert.Equal(4, moved.Version.Number);
        var requests = Server.Requests;
        Assert.Equal(new[]
        {
            "GET /wiki/api/v2/pages/555?body-format=storage&status=current&status=archived&status=trashed",
            "GET /wiki/api/v2/spaces/98305/pages?depth=root&status=current&limit=25",
            "PUT /wiki/rest/api/content/555/move/after/98306",
            "GET /wiki/api/v2/pages/555?body-format=storage&status=current&status=archived&status=trashed",
        }, requests.Select(r => r.Method + " " + r.PathAndQuery));
        Assert.Equal("", requests[2].Body); // the position and target are in the path; a move carries no body
    }

    [Fact]
    public async Task Cloud_sends_nothing_when_the_page_moved_past_the_planned_version()
    {
        Server.On("GET", "/wiki/api/v2/pages/555", Reply.Ok(CloudPage("98306", 5)));
        using var site = _kit.Cloud();

        var stale = await Assert.ThrowsAsync<SiteException>(() => site.MovePageToTopLevelAsync("555", 4, None));

        Assert.Equal(SiteErrorKind.Conflict, stale.Kind);
        Assert.Equal(5, stale.CurrentVersion);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task Cloud_leaves_a_page_already_at_the_top_level_alone()
    {
        Server.On("GET", "/wiki/api/v2/pages/555", Reply.Ok(CloudPage(null, 4)));
        using var site = _kit.Cloud();

        var page = await site.MovePageToTopLevelAsync("555", 4, None);

        Assert.Null(page!.ParentId);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task Data_Center_has_no_way_and_sends_nothing()
    {
        using var site = _kit.DataCenter();

        Assert.Null(await site.MovePageToTopLevelAsync("1212418", 3, None));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Cloud_emulator_page_lands_at_the_top_level_with_title_and_body_kept()
    {
        await using var site = await EmulatedSite.StartAsync(EmulatorFlavor.Cloud, pageCount: 20);
        var page = site.LeafPage();
        var id = page.Id.ToString();
        var body = page.Current.Body;

        var moved = await site.Client.MovePageToTopLevelAsync(id, page.Current.Number, None);

        Assert.NotNull(moved);
        Assert.Null(moved!.ParentId);
        Assert.Null(site.StorePage(id).ParentId);
        Assert.Equal(body, site.StorePage(id).Current.Body);
        Assert.Equal(page.Title, moved.Title);
        Assert.Equal(moved.Version.Number, site.StorePage(id).Current.Number);
    }
}
