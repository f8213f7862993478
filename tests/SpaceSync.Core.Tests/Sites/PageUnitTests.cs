using System.Net;
using SpaceSync.Core.Sites;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>The parts of page operations that real servers do differently from the emulator, and the small pure pieces.</summary>
public sealed class PageUnitTests
{
    [Theory]
    [InlineData("Version must be incremented when updating a page. Current Version: [6]. Provided version: [5]", 6)]
    [InlineData("Version must be incremented on update. Current version is: 12", 12)]
    [InlineData("Version must be incremented on update.", null)]
    [InlineData(null, null)]
    public void The_current_version_is_read_from_either_products_conflict_message(string? message, int? expected) =>
        Assert.Equal(expected, VersionConflict.CurrentVersionIn(message));

    [Fact]
    public void The_cql_literal_is_early_enough_for_every_zone_and_rounded_down_to_the_minute()
    {
        var instant = new DateTimeOffset(2026, 7, 1, 10, 30, 59, TimeSpan.Zero);
        var literal = CqlTime.EarliestLiteral(instant);
        Assert.Equal("2026/06/30 22:30", literal);
        var local = DateTime.ParseExact(literal, "yyyy/MM/dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var offsetHours in new[] { -12, -8, 0, 5.75, 14 })
        {
            var read = new DateTimeOffset(local, TimeSpan.FromHours(offsetHours));
            Assert.True(read <= instant, $"read at {offsetHours:+0.##;-0.##} the literal is {read}, after {instant}");
        }
    }

    [Fact]
    public void Cql_strings_are_quoted_with_escapes() =>
        Assert.Equal("\"a \\\"b\\\" \\\\ c\"", CqlTime.Quote("a \"b\" \\ c"));

    [Fact]
    public void A_page_seen_twice_is_kept_once_at_its_newest_version_and_hits_before_the_window_are_dropped()
    {
        var since = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var collector = new PageChangeCollector(since, TimeSpan.FromMinutes(2));
        SitePage Page(string id, int version, int secondsFromSince) =>
            new() { Id = id, Version = new SitePageVersion { Number = version, When = since.AddSeconds(secondsFromSince) } };

        Assert.True(collector.Add(Page("1", 4, 30)));
        Assert.True(collector.Add(Page("2", 2, -60)));     // inside the overlap
        Assert.True(collector.Add(Page("1", 3, 10)));      // an older sighting of page 1 (offset paging shifted)
        Assert.True(collector.Add(Page("1", 5, 90)));
        Assert.False(collector.Add(Page("3", 9, -121)));   // before the window

        var result = collector.Result();
        Assert.Equal(new[] { ("2", 2), ("1", 5) }, result.Pages.Select(p => (p.Id, p.Version.Number)));
        Assert.Equal(since.AddSeconds(90), result.HighWaterMark);
        Assert.Equal(since, new PageChangeCollector(since, TimeSpan.Zero).Result().HighWaterMark);
    }

    [Fact]
    public void The_mark_moves_to_the_servers_clock_when_it_answered_so_a_burst_of_old_edits_leaves_later_windows()
    {
        var since = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var collector = new PageChangeCollector(since, TimeSpan.FromMinutes(10));
        collector.Add(new SitePage { Id = "1", Version = new SitePageVersion { Number = 2, When = since.AddMinutes(-3) } });

        Assert.Equal(since.AddHours(5), collector.Result(askedAt: since.AddHours(5)).HighWaterMark);
        // A Date header behind the newest change (seconds resolution, another server's clock) never moves the mark back.
        Assert.Equal(since, collector.Result(askedAt: since.AddMinutes(-20)).HighWaterMark);
        Assert.Equal(since, collector.Result(askedAt: null).HighWaterMark);
    }

    [Fact]
    public async Task Data_center_without_content_scan_falls_back_to_the_content_listing()
    {
        using var kit = new SiteTestKit();
        kit.Server.On("GET", "/confluence/rest/api/content/scan", Reply.Json(404,
            """{"statusCode":404,"data":{"authorized":false,"valid":true,"errors":[],"successful":false},"message":"null for uri: http://wiki.acme.internal/confluence/rest/api/content/scan","reason":"Not Found"}"""));
        kit.Server.On("GET", "/confluence/rest/api/content", Reply.Ok(
            """{"results":[""" + Content("1212418", "ENG Home", 3, null) + "," + Content("1212500", "Child", 1, "1212418") +
            """],"start":0,"limit":200,"size":2,"_links":{"base":"http://wiki.acme.internal/confluence","context":"/confluence"}}"""));
        using var site = kit.DataCenter();
        var space = new SiteSpace { Id = "1212417", Key = "ENG", HomepageId = "1212418" };

        var pages = await site.ListPages(space, withBodies: false, includeTrashed: false).ReadAllAsync(CancellationToken.None);

        Assert.Equal(new[] { ("1212418", (string?)null), ("1212500", (string?)"1212418") }, pages.Select(p => (p.Id, p.ParentId)));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 14, 5, 0, TimeSpan.FromHours(2)), pages[0].Version.When);
        Assert.Equal("8a7f808a7d6b1c3e017d6b1d2f3a0001", pages[0].Version.AuthorId);
        Assert.Single(kit.Server.RequestsTo("/confluence/rest/api/content/scan"));
        var fallback = Assert.Single(kit.Server.RequestsTo("/confluence/rest/api/content"));
        Assert.Contains("spaceKey=ENG", fallback.Query);
        Assert.Contains("expand=version", fallback.Query);
    }

    [Fact]
    public async Task Data_center_change_queries_pre_filter_with_an_early_literal_and_cut_by_exact_version_times()
    {
        using var kit = new SiteTestKit();
        var since = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        kit.Server.On("GET", "/confluence/rest/api/content/search", Reply.Ok(
            """{"results":[""" +
            Content("1212600", "Edited", 4, "1212418", "2026-03-01T14:01:00.000+02:00") + "," +     // 12:01 UTC: changed
            Content("1212601", "Older", 2, "1212418", "2026-03-01T12:30:00.000+02:00") + "," +     // 10:30 UTC: before the window, ends the read
            Content("1212602", "Oldest", 7, "1212418", "2026-03-01T12:10:00.000+02:00") +
            """],"start":0,"limit":200,"size":2,"_links":{"base":"http://wiki.acme.internal/confluence","context":"/confluence"}}"""));
        using var site = kit.DataCenter();
        var space = new SiteSpace { Id = "1212417", Key = "ENG", HomepageId = "1212418" };

        var changes = await site.GetChangedPagesAsync(space, since, TimeSpan.FromMinutes(2), withBodies: false, CancellationToken.None);

        Assert.Equal("1212600", Assert.Single(changes.Pages).Id);
        // The scripted server's Date header (this machine's clock, long after the scripted pages): the next query starts there.
        Assert.InRange(changes.HighWaterMark, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Single(kit.Server.Requests); // no time-zone lookup, one page of results
        var query = WebUtility.UrlDecode(Assert.Single(kit.Server.RequestsTo("/confluence/rest/api/content/search")).Query);
        // Window start 11:58 UTC, written as if the server were at UTC-12: 2026/02/28 23:58.
        Assert.Contains("space = \"ENG\" and type = page and lastmodified >= \"2026/02/28 23:58\" order by lastmodified desc", query);
    }

    private static string Content(string id, string title, int version, string? parentId, string when = "2026-03-01T14:05:00.000+02:00")
    {
        var ancestors = parentId is null ? "" : "{\"id\":\"" + parentId + "\",\"type\":\"page\",\"status\":\"current\",\"title\":\"Parent\"}";
        return "{\"id\":\"" + id + "\",\"type\":\"page\",\"status\":\"current\",\"title\":\"" + title + "\"," +
               "\"version\":{\"by\":{\"type\":\"known\",\"username\":\"sync-bot\",\"userKey\":\"8a7f808a7d6b1c3e017d6b1d2f3a0001\",\"displayName\":\"Sync Bot\"}," +
               "\"when\":\"" + when + "\",\"number\":" + version + ",\"minorEdit\":false}," +
               "\"ancestors\":[" + ancestors + "],\"_links\":{\"webui\":\"/pages/viewpage.action?pageId=" + id + "\"}}";
    }
}
