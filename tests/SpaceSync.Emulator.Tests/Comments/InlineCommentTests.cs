using System.Text.Json.Nodes;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Store;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Comments;

/// <summary>
/// Inline comments (docs/confluence-behaviours.md section 7), every answer validated against the documents: CQL
/// <c>type = comment</c> returns them with the footer comments, v1/Data Center content says where each sits
/// (<c>extensions.location</c>, <c>extensions.inlineProperties</c>, <c>extensions.resolution</c>), the page body carries
/// the marker, and a page edit that drops the marker leaves the thread unanchored.
/// </summary>
public abstract class InlineCommentTests : SiteTest
{
    protected const string SpaceKey = "INL";
    protected const string Api = "/rest/api";
    private const string Expand = "body.storage,version,container,ancestors,extensions.inlineProperties,extensions.resolution";

    protected Page SeededPage()
    {
        Seeder.Seed(Emulator.State, SpaceKey, pageCount: 4, seed: 5, inlineComments: false);
        return Emulator.State.GetPages(SpaceKey).First(p => !p.IsBlogPost && p.Status == "current" && p.Restrictions.Count == 0 && p.ParentId != null);
    }

    protected async Task<JsonNode> CqlHit(long id, string expand)
    {
        var cql = "type = comment and space = " + SpaceKey;
        var hits = Results((await Client.GetAsync($"{Api}/content/search?cql={Uri.EscapeDataString(cql)}&expand={expand}&limit=50")).Expect(200));
        return hits.Single(h => Str(h, "id") == id.ToString()) ?? throw new Xunit.Sdk.XunitException($"comment {id} not in the search");
    }

    [Fact]
    public async Task Cql_type_comment_returns_inline_comments_with_their_location_marker_and_resolution()
    {
        var page = SeededPage();
        var versions = page.Versions.Count;
        var footer = Emulator.State.AddComment(page.Id, "<p>Footer words</p>");
        var inline = Emulator.State.AddInlineComment(page.Id, "This page describes", "<p>Inline words</p>");
        var reply = Emulator.State.AddComment(page.Id, "<p>Reply in the thread</p>", inline.Id);

        // The marker went into the body of the current version: no new page version.
        Assert.Equal(versions, page.Versions.Count);
        Assert.Contains($"<ac:inline-comment-marker ac:ref=\"{inline.MarkerRef}\">This page describes</ac:inline-comment-marker>", page.Current.Body);

        var footerJson = await CqlHit(footer.Id, Expand);
        Assert.Equal("footer", Str(footerJson["extensions"], "location"));
        Assert.Null(footerJson["extensions"]?["inlineProperties"]);

        var inlineJson = await CqlHit(inline.Id, Expand);
        Assert.Equal("inline", Str(inlineJson["extensions"], "location"));
        Assert.Equal(inline.MarkerRef, Str(inlineJson["extensions"]?["inlineProperties"], "markerRef"));
        Assert.Equal("This page describes", Str(inlineJson["extensions"]?["inlineProperties"], "originalSelection"));
        Assert.Equal("open", Str(inlineJson["extensions"]?["resolution"], "status"));
        Assert.Equal(page.Id.ToString(), Str(inlineJson["container"], "id"));

        var replyJson = await CqlHit(reply.Id, Expand);
        Assert.Equal("inline", Str(replyJson["extensions"], "location"));
        Assert.Equal(inline.Id.ToString(), Str(replyJson["ancestors"]?[0], "id"));

        // Without the expansions the location is still there; the rest is named expandable.
        var plain = await CqlHit(inline.Id, "version");
        Assert.Equal("inline", Str(plain["extensions"], "location"));
        Assert.NotNull(plain["extensions"]?["_expandable"]?["inlineProperties"]);
    }

    [Fact]
    public async Task A_page_edit_that_drops_the_marker_unanchors_the_thread()
    {
        var page = SeededPage();
        var inline = Emulator.State.AddInlineComment(page.Id, "This page describes", "<p>Inline words</p>");
        var withMarker = page.Current.Body;
        var without = withMarker.Replace($"<ac:inline-comment-marker ac:ref=\"{inline.MarkerRef}\">This page describes</ac:inline-comment-marker>",
            "This page describes", StringComparison.Ordinal);
        Assert.NotEqual(withMarker, without);

        await UpdatePageAsync(page, without);
        var lost = Flavor == EmulatorFlavor.Cloud ? "dangling" : "resolved";
        Assert.Equal(lost, Str((await CqlHit(inline.Id, "extensions.resolution"))["extensions"]?["resolution"], "status"));

        // Writing the marker back: Cloud anchors the thread again; Data Center leaves it resolved.
        await UpdatePageAsync(page, withMarker);
        Assert.Equal(Flavor == EmulatorFlavor.Cloud ? "open" : "resolved", Str((await CqlHit(inline.Id, "extensions.resolution"))["extensions"]?["resolution"], "status"));

        // An edit elsewhere that keeps the marker changes nothing.
        var other = Emulator.State.AddInlineComment(page.Id, "This page describes", "<p>Second thread</p>");
        await UpdatePageAsync(page, page.Current.Body + "<p>More text</p>");
        Assert.Equal("open", Str((await CqlHit(other.Id, "extensions.resolution"))["extensions"]?["resolution"], "status"));
    }

    [Fact]
    public void Seeding_adds_inline_comments_unless_turned_off()
    {
        Seeder.Seed(Emulator.State, "ONN", pageCount: 24, seed: 3);
        var pages = Emulator.State.GetPages("ONN").Where(p => !p.IsBlogPost).ToList();
        var threads = pages.SelectMany(p => p.Comments).Where(c => c.IsInline && c.ParentCommentId is null).ToList();
        Assert.NotEmpty(threads);
        Assert.All(threads, t => Assert.Contains($"ac:ref=\"{t.MarkerRef}\"", t.Page.Current.Body, StringComparison.Ordinal));

        Seeder.Seed(Emulator.State, "OFF", pageCount: 24, seed: 3, inlineComments: false);
        var plain = Emulator.State.GetPages("OFF").ToList();
        Assert.DoesNotContain(plain.SelectMany(p => p.Comments), c => c.IsInline);
        Assert.DoesNotContain(plain, p => p.Current.Body.Contains("inline-comment-marker", StringComparison.Ordinal));
        // The rest of the content is the same with or without them.
        Assert.Equal(pages.Where(p => p.ParentId != null).Select(p => p.Title),
            Emulator.State.GetPages("OFF").Where(p => !p.IsBlogPost && p.ParentId != null).Select(p => p.Title));
    }

    private async Task UpdatePageAsync(Page page, string body)
    {
        if (Flavor == EmulatorFlavor.Cloud)
        {
            (await Client.PutJsonAsync($"/api/v2/pages/{page.Id}", new
            {
                id = page.Id.ToString(), status = "current", title = page.Title,
                body = new { representation = "storage", value = body }, version = new { number = page.Current.Number + 1 },
            })).Expect(200);
        }
        else
        {
            (await Client.PutJsonAsync($"{Api}/content/{page.Id}", new
            {
                id = page.Id.ToString(), type = "page", title = page.Title,
                body = new { storage = new { representation = "storage", value = body } }, version = new { number = page.Current.Number + 1 },
            })).Expect(200);
        }
    }
}

public sealed class CloudInlineCommentTests : InlineCommentTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.Cloud;

    private static object Storage(string value) => new { representation = "storage", value };

    [Fact]
    public async Task V2_inline_comments_are_created_on_a_selection_listed_read_replied_resolved_edited_and_deleted()
    {
        var page = SeededPage();
        var versions = page.Versions.Count;
        var footer = Emulator.State.AddComment(page.Id, "<p>Footer words</p>");

        var created = (await Client.PostJsonAsync("/api/v2/inline-comments", new
        {
            pageId = page.Id.ToString(), body = Storage("<p>Why?</p>"),
            inlineCommentProperties = new { textSelection = "This page describes", textSelectionMatchCount = 1, textSelectionMatchIndex = 0 },
        })).Expect(201).Json;
        var id = Str(created, "id");
        var markerRef = Str(created["properties"], "inlineMarkerRef");
        Assert.Equal("This page describes", Str(created["properties"], "inlineOriginalSelection"));
        Assert.Equal("open", Str(created, "resolutionStatus"));
        Assert.Equal(versions, page.Versions.Count);
        Assert.Contains($"ac:ref=\"{markerRef}\"", page.Current.Body, StringComparison.Ordinal);

        // The page lists its root inline comments only; the footer listing knows nothing of them.
        var reply = (await Client.PostJsonAsync("/api/v2/inline-comments", new { parentCommentId = id, body = Storage("<p>Because.</p>") })).Expect(201).Json;
        var roots = Results((await Client.GetAsync($"/api/v2/pages/{page.Id}/inline-comments?body-format=storage")).Expect(200));
        var root = Assert.Single(roots);
        Assert.Equal(id, Str(root, "id"));
        Assert.Equal(markerRef, Str(root?["properties"], "inlineMarkerRef"));
        Assert.Equal("<p>Why?</p>", Str(root?["body"]?["storage"], "value"));
        var footers = Results((await Client.GetAsync($"/api/v2/pages/{page.Id}/footer-comments")).Expect(200)).Select(c => Str(c, "id")).ToList();
        Assert.Equal(page.Comments.Where(c => !c.IsInline && c.ParentCommentId is null).Select(c => c.Id.ToString()).Order(), footers.Order());
        Assert.Contains(footer.Id.ToString(), footers);
        var children = Results((await Client.GetAsync($"/api/v2/inline-comments/{id}/children?body-format=storage")).Expect(200));
        Assert.Equal(Str(reply, "id"), Str(Assert.Single(children), "id"));
        Assert.Equal(id, Str(children[0], "parentCommentId"));

        // Each API knows its own kind only.
        (await Client.GetAsync($"/api/v2/footer-comments/{id}")).Expect(404);
        (await Client.GetAsync($"/api/v2/inline-comments/{footer.Id}")).Expect(404);
        (await Client.PostJsonAsync("/api/v2/footer-comments", new { parentCommentId = id, body = Storage("<p>x</p>") })).Expect(404);

        var resolved = (await Client.PutJsonAsync($"/api/v2/inline-comments/{id}", new { resolved = true })).Expect(200).Json;
        Assert.Equal("resolved", Str(resolved, "resolutionStatus"));
        Str(resolved, "resolutionLastModifierId");
        Assert.Empty(Results((await Client.GetAsync($"/api/v2/pages/{page.Id}/inline-comments?resolution-status=open")).Expect(200)));
        Assert.Single(Results((await Client.GetAsync($"/api/v2/pages/{page.Id}/inline-comments?resolution-status=resolved")).Expect(200)));

        var edited = (await Client.PutJsonAsync($"/api/v2/inline-comments/{id}", new { version = new { number = 2 }, body = Storage("<p>Why, really?</p>") })).Expect(200).Json;
        Assert.Equal(2, Int(edited["version"], "number"));
        Assert.Equal("<p>Why, really?</p>", Str((await Client.GetAsync($"/api/v2/inline-comments/{id}?body-format=storage")).Expect(200).Json["body"]?["storage"], "value"));

        (await Client.DeleteAsync($"/api/v2/inline-comments/{id}")).Expect(204);
        (await Client.GetAsync($"/api/v2/inline-comments/{id}")).Expect(404);
        (await Client.GetAsync($"/api/v2/inline-comments/{Str(reply, "id")}")).Expect(404);
    }

    [Fact]
    public async Task V2_refuses_an_inline_comment_on_text_the_page_does_not_have()
    {
        var page = SeededPage();
        (await Client.PostJsonAsync("/api/v2/inline-comments", new
        {
            pageId = page.Id.ToString(), body = Storage("<p>?</p>"), inlineCommentProperties = new { textSelection = "words nowhere on the page" },
        })).Expect(400);
        (await Client.PostJsonAsync("/api/v2/inline-comments", new { pageId = page.Id.ToString(), body = Storage("<p>?</p>") })).Expect(400);
        Assert.DoesNotContain(page.Comments, c => c.IsInline);
    }

    [Fact]
    public async Task V2_lists_the_inline_comments_of_a_blog_post()
    {
        Seeder.Seed(Emulator.State, SpaceKey, pageCount: 10, seed: 5, inlineComments: false);
        var post = Emulator.State.GetPages(SpaceKey).First(p => p.IsBlogPost);
        var thread = Emulator.State.AddInlineComment(post.Id, "This page describes", "<p>On a post</p>");
        var listed = Results((await Client.GetAsync($"/api/v2/blogposts/{post.Id}/inline-comments")).Expect(200));
        Assert.Equal(thread.Id.ToString(), Str(Assert.Single(listed), "id"));
        Assert.Equal(post.Id.ToString(), Str(listed[0], "blogPostId"));
    }
}

public abstract class DataCenterInlineCommentTests : InlineCommentTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;

    [Fact]
    public async Task Child_comment_lists_both_kinds_unless_a_location_is_asked()
    {
        var page = SeededPage();
        var seeded = page.Comments.ToArray(); // footer comments the seeding made
        var footer = Emulator.State.AddComment(page.Id, "<p>Footer</p>");
        var thread = Emulator.State.AddInlineComment(page.Id, "This page describes", "<p>Inline</p>");
        var reply = Emulator.State.AddComment(page.Id, "<p>Inline reply</p>", thread.Id);
        var resolved = Emulator.State.AddInlineComment(page.Id, "This page describes", "<p>Done</p>");
        Emulator.State.SetInlineResolution(resolved.Id, resolved: true);

        async Task<string[]> Ids(string query) =>
            Results((await Client.GetAsync($"{Api}/content/{page.Id}/child/comment?depth=all&expand=extensions.inlineProperties{query}")).Expect(200))
                .Select(c => Str(c, "id")).Order().ToArray();
        string[] Of(params Comment[] comments) => comments.Select(c => c.Id.ToString()).Order().ToArray();

        Assert.DoesNotContain(seeded, c => c.IsInline);
        Assert.Equal(Of(seeded.Append(footer).Append(thread).Append(reply).Append(resolved).ToArray()), await Ids(""));
        Assert.Equal(Of(seeded.Append(footer).ToArray()), await Ids("&location=footer"));
        Assert.Equal(Of(thread, reply, resolved), await Ids("&location=inline"));
        Assert.Equal(Of(resolved), await Ids("&location=resolved"));
        Assert.Equal(Of(seeded.Append(footer).Append(resolved).ToArray()), await Ids("&location=footer&location=resolved"));
        Assert.Empty(await Ids("&location=margin"));
    }

    [Fact]
    public async Task Creating_an_inline_comment_needs_the_editors_highlight_data()
    {
        var page = SeededPage();
        var versions = page.Versions.Count;
        var refused = (await Client.PostJsonAsync($"{Api}/content", new
        {
            type = "comment", container = new { id = page.Id.ToString(), type = "page" },
            body = new { storage = new { value = "<p>Typo?</p>", representation = "storage" } },
            extensions = new { location = "inline", inlineProperties = new { originalSelection = "This page describes" } },
        })).Expect(400).Json;
        var keys = refused["data"]?["errors"]?.AsArray().Select(e => Str(e?["message"], "key")).ToList();
        Assert.Equal(new[] { "numMatches", "matchIndex", "lastFetchTime", "serializedHighlights" }, keys);
        Assert.DoesNotContain(page.Comments, c => c.IsInline);

        var created = (await Client.PostJsonAsync($"{Api}/content", new
        {
            type = "comment", container = new { id = page.Id.ToString(), type = "page" },
            body = new { storage = new { value = "<p>Typo?</p>", representation = "storage" } },
            extensions = new
            {
                location = "inline",
                inlineProperties = new { originalSelection = "This page describes", numMatches = 1, matchIndex = 0, lastFetchTime = "1767225600000", serializedHighlights = "[[\"This page describes\",\"p\",0]]" },
            },
        })).Expect(200).Json;
        Assert.Equal("inline", Str(created["extensions"], "location"));
        var thread = page.Comments.Single(c => c.IsInline);
        Assert.Equal(thread.Id.ToString(), Str(created, "id"));
        Assert.Equal(versions, page.Versions.Count);
        Assert.Contains($"ac:ref=\"{thread.MarkerRef}\"", page.Current.Body, StringComparison.Ordinal);

        // A reply joins its thread whatever location it names.
        var reply = (await Client.PostJsonAsync($"{Api}/content", new
        {
            type = "comment", container = new { id = page.Id.ToString(), type = "page" }, ancestors = new[] { new { id = thread.Id.ToString() } },
            body = new { storage = new { value = "<p>Fixed.</p>", representation = "storage" } },
        })).Expect(200).Json;
        Assert.Equal("inline", Str(reply["extensions"], "location"));
        Assert.Equal("inline", Str((await Client.GetAsync($"{Api}/content/{Str(reply, "id")}")).Expect(200).Json["extensions"], "location"));
    }
}

public sealed class DataCenterRootInlineCommentTests : DataCenterInlineCommentTests
{
}

public sealed class DataCenterContextInlineCommentTests : DataCenterInlineCommentTests
{
    protected override string ContextPath => "/confluence";
}
