using System.Text.Json.Nodes;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Store;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Comments;

/// <summary>
/// The comment reads a comment sync makes, on every site variant, each answer validated against the documents:
/// CQL <c>type = comment</c> over a space (with container, ancestors, history, version and body) and its
/// lastmodified window.
/// </summary>
public abstract class CommentReadTests : SiteTest
{
    private const string SpaceKey = "CMT";
    private const string Api = "/rest/api";
    private const string Expand = "body.storage,version,container,ancestors,history";

    private (Page Page, Comment Top, Comment Reply) Seed()
    {
        Seeder.Seed(Emulator.State, SpaceKey, pageCount: 3, seed: 2);
        var page = Emulator.State.GetPages(SpaceKey).First(p => !p.IsBlogPost && p.Status == "current");
        var jane = Emulator.State.AddUser("Jane Doe", "jane@example.com", "jane");
        var top = Emulator.State.AddComment(page.Id, "<p>Top</p>", null, jane);
        var reply = Emulator.State.AddComment(page.Id, "<p>Reply</p>", top.Id);
        return (page, top, reply);
    }

    [Fact]
    public async Task Cql_type_comment_lists_the_spaces_comments_with_their_page_parent_author_and_body()
    {
        var (page, top, reply) = Seed();
        var cql = "type = comment and space = " + SpaceKey;
        var results = Results((await Client.GetAsync($"{Api}/content/search?cql={Uri.EscapeDataString(cql)}&expand={Expand}&limit=50")).Expect(200));

        var all = Emulator.State.GetPages(SpaceKey).Where(p => p.Status == "current").SelectMany(p => p.Comments).Select(c => c.Id.ToString());
        Assert.Equal(all.Order(), results.Select(r => Str(r, "id")).Order());
        Assert.Contains(reply.Id.ToString(), results.Select(r => Str(r, "id")));
        var topJson = results.Single(r => Str(r, "id") == top.Id.ToString());
        var replyJson = results.Single(r => Str(r, "id") == reply.Id.ToString());
        Assert.Equal("comment", Str(topJson, "type"));
        Assert.Equal(page.Id.ToString(), Str(topJson?["container"], "id"));
        Assert.Empty(topJson?["ancestors"]?.AsArray() ?? throw new Xunit.Sdk.XunitException("no ancestors"));
        Assert.Equal(top.Id.ToString(), Str(replyJson?["ancestors"]?[0], "id"));
        Assert.Equal("Jane Doe", Str(topJson?["history"]?["createdBy"], "displayName"));
        Assert.Equal("<p>Top</p>", Str(topJson?["body"]?["storage"], "value"));
        Assert.Equal(1, Int(topJson?["version"], "number"));

        // Pages stay out of a type = comment query, and comments out of a type = page one.
        var pages = Results((await Client.GetAsync($"{Api}/content/search?cql={Uri.EscapeDataString("type = page and space = " + SpaceKey)}&limit=50")).Expect(200));
        Assert.DoesNotContain(pages, p => Str(p, "type") == "comment");
    }

    [Fact]
    public async Task Cql_lastmodified_finds_only_comments_edited_inside_the_window()
    {
        var (_, top, reply) = Seed();
        var before = Emulator.State.Clock.GetUtcNow().AddDays(-1);
        var literal = before.ToString("yyyy/MM/dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var cql = $"type = comment and space = {SpaceKey} and lastmodified >= \"{literal}\"";
        var hits = Results((await Client.GetAsync($"{Api}/content/search?cql={Uri.EscapeDataString(cql)}&expand=version")).Expect(200));
        Assert.Contains(hits, h => Str(h, "id") == top.Id.ToString());
        Assert.Contains(hits, h => Str(h, "id") == reply.Id.ToString());

        var later = Emulator.State.Clock.GetUtcNow().AddDays(1).ToString("yyyy/MM/dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        cql = $"type = comment and space = {SpaceKey} and lastmodified >= \"{later}\"";
        Assert.Empty(Results((await Client.GetAsync($"{Api}/content/search?cql={Uri.EscapeDataString(cql)}")).Expect(200)));
    }

    [Fact]
    public async Task The_wrapped_search_answers_comments_too()
    {
        var (_, top, _) = Seed();
        var cql = "type = comment and space = " + SpaceKey;
        var hits = Results((await Client.GetAsync($"{Api}/search?cql={Uri.EscapeDataString(cql)}&expand=content.version")).Expect(200));
        Assert.Contains(hits, h => Str(h?["content"], "id") == top.Id.ToString());
        Assert.All(hits, h => Assert.Equal("aui-icon content-type-comment", Str(h, "iconCssClass")));
    }
}

public sealed class CloudCommentReadTests : CommentReadTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.Cloud;

    [Fact]
    public async Task V2_children_lists_the_replies_of_one_footer_comment()
    {
        Seeder.Seed(Emulator.State, "CCH", pageCount: 2, seed: 3);
        var page = Emulator.State.GetPages("CCH").First(p => !p.IsBlogPost && p.Status == "current");
        var top = Emulator.State.AddComment(page.Id, "<p>Top</p>");
        var first = Emulator.State.AddComment(page.Id, "<p>First</p>", top.Id);
        var nested = Emulator.State.AddComment(page.Id, "<p>Nested</p>", first.Id);
        Emulator.State.AddComment(page.Id, "<p>Other top</p>");

        var replies = Results((await Client.GetAsync($"/api/v2/footer-comments/{top.Id}/children?body-format=storage")).Expect(200));
        var only = Assert.Single(replies);
        Assert.Equal(first.Id.ToString(), Str(only, "id"));
        Assert.Equal(top.Id.ToString(), Str(only, "parentCommentId"));
        Assert.Equal("<p>First</p>", Str(only?["body"]?["storage"], "value"));
        Assert.Equal(nested.Id.ToString(), Str(Assert.Single(Results((await Client.GetAsync($"/api/v2/footer-comments/{first.Id}/children")).Expect(200))), "id"));
        Assert.Empty(Results((await Client.GetAsync($"/api/v2/footer-comments/{nested.Id}/children")).Expect(200)));
        (await Client.GetAsync("/api/v2/footer-comments/99999999/children")).Expect(404);
    }
}

public sealed class DataCenterCommentReadTests : CommentReadTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;
}

public sealed class DataCenterContextCommentReadTests : CommentReadTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;

    protected override string ContextPath => "/confluence";
}
