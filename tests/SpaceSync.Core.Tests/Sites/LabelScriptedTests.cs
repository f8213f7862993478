using SpaceSync.Core.Sites;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>Label answers the emulator does not give on its own: lost answers, cut-short or missing expansions.</summary>
public sealed class LabelScriptedTests : IDisposable
{
    private readonly SiteTestKit _kit = new();

    private ScriptedServer Server => _kit.Server;

    public void Dispose() => _kit.Dispose();

    private const string LabelPath = "/confluence/rest/api/content/42/label";

    private static string Labels(int limit, string? next, params string[] names) =>
        "{\"results\":[" + string.Join(",", names.Select((n, i) => $"{{\"prefix\":\"global\",\"name\":\"{n}\",\"id\":\"{i + 1}\",\"label\":\"{n}\"}}")) + "]," +
        $"\"start\":0,\"limit\":{limit},\"size\":{names.Length},\"_links\":{{\"base\":\"{{base}}\",\"context\":\"/confluence\"{(next is null ? "" : $",\"next\":\"{next}\"")}}}}}";

    private string Base => Server.Url("/confluence").AbsoluteUri.TrimEnd('/');

    private string Search(params string[] contents) =>
        "{\"results\":[" + string.Join(",", contents) + $"],\"start\":0,\"limit\":100,\"size\":{contents.Length},\"_links\":{{\"base\":\"{Base}\",\"context\":\"/confluence\"}}}}";

    private static string Content(string id, string? labels) =>
        $"{{\"id\":\"{id}\",\"type\":\"page\",\"status\":\"current\",\"title\":\"Page {id}\"" +
        (labels is null ? "" : $",\"metadata\":{{\"labels\":{labels}}}") + "}";

    [Fact]
    public async Task An_add_whose_answer_is_lost_is_sent_once_more_with_the_same_body()
    {
        Server.On("POST", LabelPath, Reply.Dropped(), Reply.Ok(Labels(200, null, "a", "b").Replace("{base}", Base)));
        using var site = _kit.DataCenter();

        await site.AddPageLabelsAsync("42", new[] { "B", "a" }, CancellationToken.None);

        var posts = Server.RequestsTo(LabelPath);
        Assert.Equal(2, posts.Count);
        Assert.All(posts, p => Assert.Equal("""[{"prefix":"global","name":"a"},{"prefix":"global","name":"b"}]""", p.Body));
    }

    [Fact]
    public async Task An_add_lost_twice_is_reported_as_unknown()
    {
        Server.On("POST", LabelPath, Reply.Dropped());
        using var site = _kit.DataCenter();

        var error = await Assert.ThrowsAsync<SiteException>(() => site.AddPageLabelsAsync("42", new[] { "a" }, CancellationToken.None));
        Assert.Equal(SiteErrorKind.OutcomeUnknown, error.Kind);
        Assert.Equal(2, Server.RequestsTo(LabelPath).Count);
    }

    [Fact]
    public async Task A_page_whose_expansion_is_missing_or_may_be_cut_short_is_read_alone()
    {
        Server.On("GET", "/confluence/rest/api/content/search", Reply.Ok(Search(
            Content("41", Labels(200, null, "whole").Replace("{base}", Base)),
            Content("42", Labels(2, null, "one", "two").Replace("{base}", Base)),          // as many as its limit: maybe more
            Content("43", Labels(200, "/rest/api/x?start=1", "first").Replace("{base}", Base)), // a next link: more
            Content("44", null),                                                           // not expanded
            Content("99", Labels(200, null, "not-asked").Replace("{base}", Base)))));      // a looser server's extra hit
        Server.On("GET", "/confluence/rest/api/content/42/label", Reply.Ok(Labels(200, null, "one", "three", "two").Replace("{base}", Base)));
        Server.On("GET", "/confluence/rest/api/content/43/label", Reply.Ok(Labels(200, null, "first", "second").Replace("{base}", Base)));
        Server.On("GET", "/confluence/rest/api/content/44/label", Reply.Ok(Labels(200, null).Replace("{base}", Base)));
        using var site = _kit.DataCenter();

        var labels = await site.ReadPageLabelsAsync(new[] { "41", "42", "43", "44" }, CancellationToken.None);

        Assert.Equal(new[] { "41", "42", "43", "44" }, labels.Keys.Order());
        Assert.Equal(new[] { "whole" }, labels["41"]);
        Assert.Equal(new[] { "one", "three", "two" }, labels["42"]);
        Assert.Equal(new[] { "first", "second" }, labels["43"]);
        Assert.Empty(labels["44"]);
        Assert.Empty(Server.RequestsTo("/confluence/rest/api/content/41/label"));
        var search = Assert.Single(Server.RequestsTo("/confluence/rest/api/content/search"));
        Assert.Contains("expand=metadata.labels", search.Query);
        Assert.Contains(Uri.EscapeDataString("id in (41,42,43,44)"), search.Query);
    }

    private static string Restrictions(params string[] readGroups) =>
        "{\"read\":{\"restrictions\":{\"user\":{\"results\":[],\"start\":0,\"limit\":200,\"size\":0}," +
        "\"group\":{\"results\":[" + string.Join(",", readGroups.Select(g => $"{{\"type\":\"group\",\"name\":\"{g}\"}}")) + $"],\"start\":0,\"limit\":200,\"size\":{readGroups.Length}}}}}}}," +
        "\"update\":{\"restrictions\":{\"user\":{\"results\":[],\"start\":0,\"limit\":200,\"size\":0},\"group\":{\"results\":[],\"start\":0,\"limit\":200,\"size\":0}}}}";

    private static string WithRestrictions(string content, string restrictions) => content[..^1] + ",\"restrictions\":" + restrictions + "}";

    [Fact]
    public async Task A_metadata_batch_reads_alone_only_the_part_that_may_be_cut_short_and_both_parts_of_a_page_the_search_missed()
    {
        Server.On("GET", "/confluence/rest/api/content/search", Reply.Ok(Search(
            WithRestrictions(Content("41", Labels(200, null, "whole").Replace("{base}", Base)), Restrictions("staff")),
            WithRestrictions(Content("42", Labels(2, null, "one", "two").Replace("{base}", Base)), Restrictions()), // labels maybe cut short
            Content("43", Labels(200, null, "kept").Replace("{base}", Base)))));                                  // restrictions not expanded
        Server.On("GET", "/confluence/rest/api/content/42/label", Reply.Ok(Labels(200, null, "one", "three", "two").Replace("{base}", Base)));
        Server.On("GET", "/confluence/rest/api/content/43/restriction/byOperation", Reply.Ok(Restrictions("admins")));
        Server.On("GET", "/confluence/rest/api/content/44/label", Reply.Ok(Labels(200, null, "late").Replace("{base}", Base)));
        Server.On("GET", "/confluence/rest/api/content/44/restriction/byOperation", Reply.Ok(Restrictions()));
        using var site = _kit.DataCenter();

        var read = await site.ReadPageMetadataAsync(new[] { "41", "42", "43", "44" }, new[] { "41", "42", "43", "44" }, CancellationToken.None);

        Assert.Equal(new[] { "whole" }, read["41"].Labels);
        Assert.Equal(new[] { "staff" }, read["41"].Restrictions!.ReadGroups);
        Assert.Equal(new[] { "one", "three", "two" }, read["42"].Labels);
        Assert.True(read["42"].Restrictions!.IsEmpty);
        Assert.Equal(new[] { "kept" }, read["43"].Labels);
        Assert.Equal(new[] { "admins" }, read["43"].Restrictions!.ReadGroups);
        Assert.Equal(new[] { "late" }, read["44"].Labels);
        Assert.True(read["44"].Restrictions!.IsEmpty);
        var search = Assert.Single(Server.RequestsTo("/confluence/rest/api/content/search"));
        Assert.Contains(Uri.EscapeDataString("metadata.labels,restrictions.read.restrictions.user"), search.Query);
        Assert.Empty(Server.RequestsTo("/confluence/rest/api/content/41/label"));
        Assert.Empty(Server.RequestsTo("/confluence/rest/api/content/41/restriction/byOperation"));
        Assert.Empty(Server.RequestsTo("/confluence/rest/api/content/42/restriction/byOperation"));
        Assert.Empty(Server.RequestsTo("/confluence/rest/api/content/43/label"));
    }
}
