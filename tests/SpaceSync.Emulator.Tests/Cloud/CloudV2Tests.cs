using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Cloud;

/// <summary>Cloud REST v2 (/wiki/api/v2): every answer is checked against cloud-v2.json, plus what that document cannot check.</summary>
public sealed class CloudV2Tests : SiteTest
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.Cloud;

    [Fact]
    public async Task Spaces_create_get_and_list_by_key()
    {
        var created = (await Client.PostJsonAsync("/api/v2/spaces", new { key = "ALPHA", name = "Alpha" })).Expect(201).Json;
        var id = Str(created, "id");
        Assert.Equal("ALPHA", Str(created, "key"));
        Str(created, "homepageId");
        Assert.EndsWith("Z", Str(created, "createdAt"), StringComparison.Ordinal);
        await Client.PostJsonAsync("/api/v2/spaces", new { key = "BETA", name = "Beta" });

        var single = (await Client.GetAsync($"/api/v2/spaces/{id}")).Expect(200).Json;
        Assert.Equal("Alpha", Str(single, "name"));

        var listed = Results((await Client.GetAsync("/api/v2/spaces?keys=ALPHA")).Expect(200));
        Assert.Equal(id, Str(Assert.Single(listed), "id"));
        var both = Results((await Client.GetAsync("/api/v2/spaces?keys=ALPHA,BETA")).Expect(200));
        Assert.Equal(2, both.Count);

        (await Client.GetAsync("/api/v2/spaces/999999")).Expect(404);
    }

    [Fact]
    public async Task Spaces_list_pages_with_cursor_without_duplicates_or_gaps()
    {
        var keys = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var key = "SP" + i;
            keys.Add(key);
            (await Client.PostJsonAsync("/api/v2/spaces", new { key, name = "Space " + i })).Expect(201);
        }

        var seen = await FollowAllPages("/api/v2/spaces?limit=2", expectedPages: 3);
        Assert.Equal(keys.Order(), seen.Select(s => Str(s, "key")).Order());
    }

    [Fact]
    public async Task A_page_is_created_with_200_under_the_home_page_and_read_back_with_its_storage_body()
    {
        var space = await CreateSpace("PG");
        var created = (await CreatePage(space, "First", "<p>Hello</p>")).Json;
        var id = Str(created, "id");
        Assert.Equal(Str(space, "homepageId"), Str(created, "parentId"));
        Assert.Equal("page", Str(created, "parentType"));
        Assert.Equal(Str(space, "id"), Str(created, "spaceId"));
        Assert.Equal(1, Int(created["version"], "number"));

        var withBody = (await Client.GetAsync($"/api/v2/pages/{id}?body-format=storage")).Expect(200).Json;
        AssertCloudParagraph("Hello", Str(withBody["body"]?["storage"], "value"));
        Assert.Equal("storage", Str(withBody["body"]?["storage"], "representation"));

        // Without body-format the body is an empty object (README: Cloud v2 bodies).
        var withoutBody = (await Client.GetAsync($"/api/v2/pages/{id}")).Expect(200).Json;
        Assert.Equal("{}", withoutBody["body"]?.ToJsonString());

        (await Client.GetAsync("/api/v2/pages/999999")).Expect(404);
    }

    [Fact]
    public async Task Creating_a_page_needs_a_space_and_a_title_unique_in_the_space()
    {
        var space = await CreateSpace("UQ");
        (await Client.PostJsonAsync("/api/v2/pages", new { status = "current", title = "No space", body = StorageBody("<p/>") })).Expect(400);
        await CreatePage(space, "Same title", "<p>1</p>");
        var duplicate = (await Client.PostJsonAsync("/api/v2/pages", PageBody(space, "Same title", "<p>2</p>"))).Expect(400);
        Assert.Contains("title", duplicate.Body, StringComparison.OrdinalIgnoreCase);

        // The same title is fine in another space.
        var other = await CreateSpace("UQB");
        await CreatePage(other, "Same title", "<p>3</p>");
    }

    [Fact]
    public async Task Update_needs_the_next_version_number_and_answers_409_with_confluence_wording_when_stale()
    {
        var space = await CreateSpace("UP");
        var id = Str((await CreatePage(space, "Doc", "<p>v1</p>")).Json, "id");

        var v2 = (await UpdatePage(id, "Doc", "<p>v2</p>", 2)).Expect(200).Json;
        Assert.Equal(2, Int(v2["version"], "number"));
        var v3 = (await UpdatePage(id, "Doc renamed", "<p>v3</p>", 3)).Expect(200).Json;
        Assert.Equal(3, Int(v3["version"], "number"));
        Assert.Equal("Doc renamed", Str(v3, "title"));

        var stale = (await UpdatePage(id, "Doc", "<p>stale</p>", 3)).Expect(409).Json;
        var error = Assert.Single(Assert.IsType<JsonArray>(stale["errors"]))!;
        Assert.Equal(409, Int(error, "status"));
        Assert.Equal("CONFLICT", Str(error, "code"));
        Assert.Equal("Version must be incremented when updating a page. Current Version: [3]. Provided version: [3]", Str(error, "title"));

        var current = (await Client.GetAsync($"/api/v2/pages/{id}?body-format=storage")).Expect(200).Json;
        AssertCloudParagraph("v3", Str(current["body"]?["storage"], "value"));
    }

    [Fact]
    public async Task Renaming_onto_an_existing_title_is_refused()
    {
        var space = await CreateSpace("RN");
        await CreatePage(space, "Taken", "<p/>");
        var id = Str((await CreatePage(space, "Free", "<p/>")).Json, "id");
        (await UpdatePage(id, "Taken", "<p/>", 2)).Expect(400);
    }

    [Fact]
    public async Task A_put_with_parentId_moves_the_page_and_ancestors_and_children_follow()
    {
        var space = await CreateSpace("MV");
        var home = Str(space, "homepageId");
        var a = Str((await CreatePage(space, "A", "<p/>")).Json, "id");
        var b = Str((await CreatePage(space, "B", "<p/>")).Json, "id");
        var c = Str((await CreatePage(space, "C", "<p/>", parentId: a)).Json, "id");

        var ancestors = Results((await Client.GetAsync($"/api/v2/pages/{c}/ancestors")).Expect(200));
        Assert.Equal(new[] { home, a }, ancestors.Select(x => Str(x, "id")));

        var moved = (await UpdatePage(c, "C", "<p/>", 2, parentId: b)).Expect(200).Json;
        Assert.Equal(b, Str(moved, "parentId"));

        ancestors = Results((await Client.GetAsync($"/api/v2/pages/{c}/ancestors")).Expect(200));
        Assert.Equal(new[] { home, b }, ancestors.Select(x => Str(x, "id")));
        Assert.Empty(Results((await Client.GetAsync($"/api/v2/pages/{a}/children")).Expect(200)));
        var children = Results((await Client.GetAsync($"/api/v2/pages/{b}/children")).Expect(200));
        Assert.Equal(c, Str(Assert.Single(children), "id"));

        var top = Results((await Client.GetAsync($"/api/v2/pages/{home}/children")).Expect(200)).Select(x => Str(x, "id")).ToList();
        Assert.Equal(new[] { a, b }.Order(), top.Order());
    }

    [Fact]
    public async Task Delete_trashes_put_current_restores_and_purge_removes_for_good()
    {
        var space = await CreateSpace("TR");
        var id = Str((await CreatePage(space, "Bin me", "<p/>")).Json, "id");

        (await Client.DeleteAsync($"/api/v2/pages/{id}")).Expect(204);
        var trashed = (await Client.GetAsync($"/api/v2/pages/{id}?status=trashed")).Expect(200).Json;
        Assert.Equal("trashed", Str(trashed, "status"));
        Assert.DoesNotContain(await ListIds(space), x => x == id);
        var inTrash = Results((await Client.GetAsync($"/api/v2/spaces/{Str(space, "id")}/pages?status=trashed")).Expect(200));
        Assert.Contains(inTrash, p => Str(p, "id") == id);

        var restored = (await Client.PutJsonAsync($"/api/v2/pages/{id}", new
        {
            id,
            status = "current",
            title = "Bin me",
            body = StorageBody("<p/>"),
            version = new { number = Int(trashed["version"], "number") + 1 },
        })).Expect(200).Json;
        Assert.Equal("current", Str(restored, "status"));
        Assert.Contains(await ListIds(space), x => x == id);

        (await Client.DeleteAsync($"/api/v2/pages/{id}")).Expect(204);
        (await Client.DeleteAsync($"/api/v2/pages/{id}?purge=true")).Expect(204);
        (await Client.GetAsync($"/api/v2/pages/{id}?status=trashed")).Expect(404);
        (await Client.GetAsync($"/api/v2/pages/{id}")).Expect(404);
    }

    [Fact]
    public async Task Purging_a_page_that_is_not_in_the_trash_is_refused()
    {
        var space = await CreateSpace("PU");
        var id = Str((await CreatePage(space, "Live", "<p/>")).Json, "id");
        var refused = await Client.DeleteAsync($"/api/v2/pages/{id}?purge=true");
        Assert.True(refused.Status is 400 or 404, $"purge of a current page must be refused, got {refused.Status}: {refused.Excerpt}");
        (await Client.GetAsync($"/api/v2/pages/{id}")).Expect(200);
    }

    [Fact]
    public async Task Versions_list_newest_first_with_increasing_numbers()
    {
        var space = await CreateSpace("VE");
        var id = Str((await CreatePage(space, "Versioned", "<p>1</p>")).Json, "id");
        await UpdatePage(id, "Versioned", "<p>2</p>", 2);
        await UpdatePage(id, "Versioned", "<p>3</p>", 3);

        var versions = Results((await Client.GetAsync($"/api/v2/pages/{id}/versions")).Expect(200));
        Assert.Equal(new[] { 3, 2, 1 }, versions.Select(v => Int(v, "number")));
        var times = versions.Select(v => DateTimeOffset.Parse(Str(v, "createdAt"), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(times.SequenceEqual(times.OrderDescending()), "versions must be newest first by createdAt");

        var first = (await Client.GetAsync($"/api/v2/pages/{id}?version=1&body-format=storage")).Expect(200).Json;
        AssertCloudParagraph("1", Str(first["body"]?["storage"], "value"));
    }

    [Fact]
    public async Task Pages_in_a_space_page_by_cursor_via_link_header_and_links_next_sorted_by_modified_date()
    {
        // Each write gets its own second on a clock the test moves. On the host's clock, writes a few milliseconds apart
        // can share a millisecond, or come out earlier when the clock steps back (NTP on a loaded machine): the updates
        // then tie with or precede the last creation, and the id tiebreak put that page last (a flake seen once).
        var clock = new Faults.ManualClock(DateTimeOffset.UtcNow);
        Emulator.State.Clock = clock;
        var space = await CreateSpace("PGN");
        var ids = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            ids.Add(Str((await CreatePage(space, "Page " + i, $"<p>{i}</p>")).Json, "id"));
        }

        // Touch a few early pages so that modified-date order differs from creation order.
        clock.Advance(TimeSpan.FromSeconds(1));
        (await UpdatePage(ids[0], "Page 0", "<p>0b</p>", 2)).Expect(200);
        clock.Advance(TimeSpan.FromSeconds(1));
        (await UpdatePage(ids[3], "Page 3", "<p>3b</p>", 2)).Expect(200);

        var first = $"/api/v2/spaces/{Str(space, "id")}/pages?body-format=storage&sort=modified-date&limit=5";
        var pages = await FollowAllPages(first, expectedPages: 5);
        var seenIds = pages.Select(p => Str(p, "id")).ToList();
        AssertNoDuplicates(seenIds, "pages of a space");
        Assert.Equal(ids.Append(Str(space, "homepageId")).Order(), seenIds.Order());
        Assert.All(pages, p => Assert.False(string.IsNullOrEmpty(Str(p["body"]?["storage"], "value"))));
        Assert.All(pages, AssertV2Page);

        var modified = pages.Select(p => DateTimeOffset.Parse(Str(p["version"], "createdAt"), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(modified.SequenceEqual(modified.Order()), "sort=modified-date must be ascending by version.createdAt across pages");
        Assert.Equal(ids[3], seenIds[^1]);
        Assert.Equal(ids[0], seenIds[^2]);
        var untouched = ids.Where((_, i) => i is not (0 or 3));
        Assert.Equal(untouched.Prepend(Str(space, "homepageId")).Append(ids[0]).Append(ids[3]), seenIds);
        Assert.Equal(modified.Count, modified.Distinct().Count());
    }

    [Fact]
    public async Task Labels_added_through_v1_are_read_through_v2()
    {
        var space = await CreateSpace("LB");
        var id = Str((await CreatePage(space, "Labelled", "<p/>")).Json, "id");
        (await Client.PostJsonAsync($"/rest/api/content/{id}/label", new[] { new { prefix = "global", name = "alpha" }, new { prefix = "global", name = "beta" } })).Expect(200);

        var labels = Results((await Client.GetAsync($"/api/v2/pages/{id}/labels")).Expect(200));
        Assert.Equal(new[] { "alpha", "beta" }, labels.Select(l => Str(l, "name")).Order());
        Assert.All(labels, l => Str(l, "id"));
    }

    [Fact]
    public async Task Pages_are_listed_across_spaces_by_space_id_and_title()
    {
        var one = await CreateSpace("LS1");
        var two = await CreateSpace("LS2");
        var a = Str((await CreatePage(one, "Alpha", "<p/>")).Json, "id");
        var b = Str((await CreatePage(two, "Alpha", "<p/>")).Json, "id");
        await CreatePage(two, "Beta", "<p/>");

        var byTitle = Results((await Client.GetAsync("/api/v2/pages?title=Alpha&body-format=storage")).Expect(200));
        Assert.Equal(new[] { a, b }.Order(), byTitle.Select(p => Str(p, "id")).Order());
        var inTwo = Results((await Client.GetAsync($"/api/v2/pages?space-id={Str(two, "id")}")).Expect(200));
        Assert.Equal(3, inTwo.Count); // home page, Alpha, Beta
        Assert.All(inTwo, p => Assert.Equal(Str(two, "id"), Str(p, "spaceId")));
    }

    [Fact]
    public async Task Space_operations_are_listed()
    {
        var space = await CreateSpace("OPS");
        var operations = (await Client.GetAsync($"/api/v2/spaces/{Str(space, "id")}/operations")).Expect(200).Json["operations"] as JsonArray;
        Assert.NotNull(operations);
        Assert.Contains(operations, o => Str(o, "operation") == "create" && Str(o, "targetType") == "page");
        (await Client.GetAsync("/api/v2/spaces/999999/operations")).Expect(404);
    }

    [Fact]
    public async Task Page_operations_drop_update_when_an_update_restriction_excludes_the_caller()
    {
        var space = await CreateSpace("POP");
        var id = Str((await CreatePage(space, "Guarded", "<p/>")).Json, "id");
        var open = (await Client.GetAsync($"/api/v2/pages/{id}/operations")).Expect(200).Json["operations"]!.AsArray();
        Assert.Contains(open, o => Str(o, "operation") == "update" && Str(o, "targetType") == "page");

        var other = Emulator.State.AddUser("Other Editor", "other@example.com");
        var restriction = new JsonArray(new JsonObject
        {
            ["operation"] = "update",
            ["restrictions"] = new JsonObject { ["user"] = new JsonArray(new JsonObject { ["type"] = "known", ["accountId"] = other.AccountId }) },
        });
        (await Client.PutJsonAsync($"/rest/api/content/{id}/restriction", restriction)).Expect(200);

        var restricted = (await Client.GetAsync($"/api/v2/pages/{id}/operations")).Expect(200).Json["operations"]!.AsArray();
        Assert.Contains(restricted, o => Str(o, "operation") == "read");
        Assert.DoesNotContain(restricted, o => Str(o, "operation") == "update");
        (await Client.GetAsync("/api/v2/pages/999999/operations")).Expect(404);
    }

    [Fact]
    public async Task Writes_to_a_page_whose_update_restriction_excludes_the_caller_answer_404_as_documented()
    {
        var space = await CreateSpace("WRX");
        var id = Str((await CreatePage(space, "Locked", "<p>v1</p>")).Json, "id");
        var other = Emulator.State.AddUser("Only Editor", "only@example.com");
        (await Client.PutJsonAsync($"/rest/api/content/{id}/restriction", new JsonArray(new JsonObject
        {
            ["operation"] = "update",
            ["restrictions"] = new JsonObject { ["user"] = new JsonArray(new JsonObject { ["type"] = "known", ["accountId"] = other.AccountId }) },
        }))).Expect(200);

        (await UpdatePage(id, "Locked", "<p>v2</p>", 2)).Expect(404);
        (await Client.DeleteAsync($"/api/v2/pages/{id}")).Expect(404);
        var page = (await Client.GetAsync($"/api/v2/pages/{id}?body-format=storage")).Expect(200).Json;
        Assert.Equal(1, Int(page["version"], "number"));
        Assert.Equal("current", Str(page, "status"));
    }

    [Fact]
    public async Task A_read_restriction_hides_the_page_and_its_descendants_from_everyone_it_does_not_name()
    {
        var space = await CreateSpace("RDX");
        var parent = Str((await CreatePage(space, "Hidden parent", "<p/>")).Json, "id");
        var child = Str((await CreatePage(space, "Hidden child", "<p/>", parentId: parent)).Json, "id");
        var reader = Emulator.State.AddUser("Reader", "reader@example.com", apiToken: "reader-token");
        var readerAuth = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("reader@example.com:reader-token")));

        // The reader restricts the page to themself (a user restricting others out, not themself).
        (await SendAs(readerAuth, HttpMethod.Put, $"/rest/api/content/{parent}/restriction", new JsonArray(new JsonObject
        {
            ["operation"] = "read",
            ["restrictions"] = new JsonObject { ["user"] = new JsonArray(new JsonObject { ["type"] = "known", ["accountId"] = reader.AccountId }) },
        }))).Expect(200);

        (await Client.GetAsync($"/api/v2/pages/{parent}")).Expect(404);
        (await Client.GetAsync($"/api/v2/pages/{child}")).Expect(404);
        var visible = await ListIds(space);
        Assert.DoesNotContain(parent, visible);
        Assert.DoesNotContain(child, visible);
        var hits = Results((await Client.GetAsync("/rest/api/content/search?cql=" + Uri.EscapeDataString("space = RDX and title ~ \"Hidden\""))).Expect(200));
        Assert.Empty(hits);

        // The user the restriction names sees both.
        Assert.Equal(child, Str((await SendAs(readerAuth, HttpMethod.Get, $"/api/v2/pages/{child}")).Expect(200).Json, "id"));
    }

    [Fact]
    public async Task Footer_comments_are_created_with_201_listed_updated_with_the_next_version_and_deleted()
    {
        var space = await CreateSpace("FC");
        var pageId = Str((await CreatePage(space, "Discussed", "<p/>")).Json, "id");

        var created = (await Client.PostJsonAsync("/api/v2/footer-comments", new { pageId, body = new { representation = "storage", value = "<p>First!</p>" } })).Expect(201).Json;
        var commentId = Str(created, "id");
        Assert.Equal(pageId, Str(created, "pageId"));
        Assert.Equal(1, Int(created["version"], "number"));
        var reply = (await Client.PostJsonAsync("/api/v2/footer-comments", new { parentCommentId = commentId, body = new { representation = "storage", value = "<p>Reply</p>" } })).Expect(201).Json;
        Assert.Equal(commentId, Str(reply, "parentCommentId"));

        // Top-level comments only in the page's list; the reply hangs below its parent.
        var listed = Results((await Client.GetAsync($"/api/v2/pages/{pageId}/footer-comments?body-format=storage")).Expect(200));
        Assert.Equal(commentId, Str(Assert.Single(listed), "id"));
        Assert.Equal("<p>First!</p>", Str(listed[0]?["body"]?["storage"], "value"));

        var updated = (await Client.PutJsonAsync($"/api/v2/footer-comments/{commentId}", new { version = new { number = 2 }, body = new { representation = "storage", value = "<p>Edited</p>" } })).Expect(200).Json;
        Assert.Equal(2, Int(updated["version"], "number"));
        var stale = (await Client.PutJsonAsync($"/api/v2/footer-comments/{commentId}", new { version = new { number = 2 }, body = new { representation = "storage", value = "<p>Stale</p>" } })).Expect(409).Json;
        Assert.Equal("CONFLICT", Str(stale["errors"]?[0], "code"));
        var read = (await Client.GetAsync($"/api/v2/footer-comments/{commentId}?body-format=storage")).Expect(200).Json;
        Assert.Equal("<p>Edited</p>", Str(read["body"]?["storage"], "value"));

        (await Client.DeleteAsync($"/api/v2/footer-comments/{Str(reply, "id")}")).Expect(204);
        (await Client.GetAsync($"/api/v2/footer-comments/{Str(reply, "id")}")).Expect(404);
        (await Client.PostJsonAsync("/api/v2/footer-comments", new { pageId = "999999", body = new { representation = "storage", value = "<p/>" } })).Expect(404);
    }

    [Fact]
    public async Task Blog_posts_are_created_listed_per_space_updated_trashed_restored_and_purged()
    {
        var space = await CreateSpace("BP");
        var other = await CreateSpace("BPO");
        var created = (await Client.PostJsonAsync("/api/v2/blogposts", new { spaceId = Str(space, "id"), status = "current", title = "News", body = StorageBody("<p>Hello</p>") })).Expect(200).Json;
        var id = Str(created, "id");
        Assert.Equal(Str(space, "id"), Str(created, "spaceId"));
        Assert.Equal(1, Int(created["version"], "number"));
        await Client.PostJsonAsync("/api/v2/blogposts", new { spaceId = Str(other, "id"), status = "current", title = "Elsewhere", body = StorageBody("<p/>") });

        var inSpace = Results((await Client.GetAsync($"/api/v2/spaces/{Str(space, "id")}/blogposts?body-format=storage")).Expect(200));
        Assert.Equal(id, Str(Assert.Single(inSpace), "id"));
        AssertCloudParagraph("Hello", Str(inSpace[0]?["body"]?["storage"], "value"));
        Assert.Equal(2, Results((await Client.GetAsync("/api/v2/blogposts")).Expect(200)).Count);
        Assert.DoesNotContain(id, await ListIds(space));

        var updated = (await Client.PutJsonAsync($"/api/v2/blogposts/{id}", new { id, status = "current", title = "News v2", body = StorageBody("<p>2</p>"), version = new { number = 2 } })).Expect(200).Json;
        Assert.Equal(2, Int(updated["version"], "number"));
        var stale = (await Client.PutJsonAsync($"/api/v2/blogposts/{id}", new { id, status = "current", title = "News", body = StorageBody("<p>x</p>"), version = new { number = 2 } })).Expect(409).Json;
        Assert.Equal("CONFLICT", Str(stale["errors"]?[0], "code"));

        (await Client.DeleteAsync($"/api/v2/blogposts/{id}")).Expect(204);
        Assert.Equal("trashed", Str((await Client.GetAsync($"/api/v2/blogposts/{id}?status=trashed")).Expect(200).Json, "status"));
        (await Client.PutJsonAsync($"/api/v2/blogposts/{id}", new { id, status = "current", title = "News v2", body = StorageBody("<p>2</p>"), version = new { number = 3 } })).Expect(200);
        Assert.Equal("current", Str((await Client.GetAsync($"/api/v2/blogposts/{id}?body-format=storage")).Expect(200).Json, "status"));

        (await Client.DeleteAsync($"/api/v2/blogposts/{id}")).Expect(204);
        (await Client.DeleteAsync($"/api/v2/blogposts/{id}?purge=true")).Expect(204);
        (await Client.GetAsync($"/api/v2/blogposts/{id}")).Expect(404);

        // A page id is not a blog post.
        var pageId = Str((await CreatePage(space, "A page", "<p/>")).Json, "id");
        (await Client.GetAsync($"/api/v2/blogposts/{pageId}")).Expect(404);
    }

    [Fact]
    public async Task A_blog_post_lists_its_labels_and_attachments_like_a_page()
    {
        var space = await CreateSpace("BPL");
        var post = (await Client.PostJsonAsync("/api/v2/blogposts", new { spaceId = Str(space, "id"), status = "current", title = "Labelled", body = StorageBody("<p/>") })).Expect(200).Json;
        var id = Str(post, "id");
        var stored = Emulator.State.FindPage(long.Parse(id))!;
        Emulator.State.AddLabels(stored.Id, new[] { ("global", "news"), ("my", "mine") });
        var blob = Path.GetTempFileName();
        await File.WriteAllTextAsync(blob, "notes");
        Emulator.State.AddAttachment(stored.Id, "notes.txt", "text/plain", blob, null, false);

        var labels = Results((await Client.GetAsync($"/api/v2/blogposts/{id}/labels?prefix=global")).Expect(200));
        Assert.Equal("news", Str(Assert.Single(labels), "name"));
        var attachments = Results((await Client.GetAsync($"/api/v2/blogposts/{id}/attachments")).Expect(200));
        Assert.Equal("notes.txt", Str(Assert.Single(attachments), "title"));

        // A page id is not a blog post, and the other way round.
        var pageId = Str((await CreatePage(space, "A page", "<p/>")).Json, "id");
        (await Client.GetAsync($"/api/v2/blogposts/{pageId}/labels")).Expect(404);
        (await Client.GetAsync($"/api/v2/pages/{id}/attachments")).Expect(404);
    }

    [Fact]
    public async Task An_attachment_is_read_by_id_with_its_version()
    {
        var space = await CreateSpace("ATI");
        var pageId = Str((await CreatePage(space, "Has file", "<p/>")).Json, "id");
        var form = new MultipartFormDataContent { { new ByteArrayContent("hello"u8.ToArray()), "file", "hello.txt" } };
        var upload = new HttpRequestMessage(HttpMethod.Post, Client.Url($"/rest/api/content/{pageId}/child/attachment")) { Content = form };
        upload.Headers.Add("X-Atlassian-Token", "no-check");
        var attachmentId = Str(Results((await Client.SendAsync(upload)).Expect(200))[0], "id");

        var read = (await Client.GetAsync($"/api/v2/attachments/{attachmentId}")).Expect(200).Json;
        Assert.Equal(attachmentId, Str(read, "id"));
        Assert.Equal(pageId, Str(read, "pageId"));
        Assert.Equal(1, Int(read["version"], "number"));
        Assert.Equal(5, Int(read, "fileSize"));
        (await Client.GetAsync("/api/v2/attachments/att999999")).Expect(404);
    }

    [Fact]
    public async Task Seeded_content_validates_with_bodies_labels_versions_and_attachments()
    {
        await using var emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Flavor = EmulatorFlavor.Cloud, SeedSpace = "WIDE", SeedPages = 30, Seed = 5 });
        using var client = new ConformanceClient(EmulatorFlavor.Cloud, emulator.BaseUrl);
        var space = Assert.Single(Results((await client.GetAsync("/api/v2/spaces?keys=WIDE")).Expect(200)))!;
        var pages = Results((await client.GetAsync($"/api/v2/spaces/{Str(space, "id")}/pages?limit=250&body-format=storage")).Expect(200));
        Assert.Equal(31, pages.Count);
        Assert.All(pages, AssertV2Page);
        foreach (var page in pages.Take(12))
        {
            var id = Str(page, "id");
            var single = (await client.GetAsync($"/api/v2/pages/{id}?body-format=atlas_doc_format&include-labels=true&include-versions=true")).Expect(200).Json;
            Assert.Equal(id, Str(single, "id"));
            AssertV2Page(single);
            (await client.GetAsync($"/api/v2/pages/{id}/labels")).Expect(200);
            (await client.GetAsync($"/api/v2/pages/{id}/attachments")).Expect(200);
            (await client.GetAsync($"/api/v2/pages/{id}/versions?body-format=storage")).Expect(200);
            (await client.GetAsync($"/api/v2/pages/{id}/ancestors")).Expect(200);
            (await client.GetAsync($"/api/v2/pages/{id}/children")).Expect(200);
            (await client.GetAsync($"/rest/api/content/{id}/label")).Expect(200);
            (await client.GetAsync($"/rest/api/content/{id}/child/attachment?expand=version,container,space")).Expect(200);
            (await client.GetAsync($"/rest/api/content/{id}/restriction")).Expect(200);
        }

        var search = (await client.GetAsync("/rest/api/search?cql=" + Uri.EscapeDataString("space = WIDE order by lastmodified desc") + "&limit=20&expand=content.version,content.space,content.body.storage,content.ancestors,content.history")).Expect(200).Json;
        Assert.Equal(20, search["results"]!.AsArray().Count);
        (await client.GetAsync("/rest/api/content/search?cql=" + Uri.EscapeDataString("space = WIDE and label = \"howto\"") + "&expand=version,metadata.labels")).Expect(200);
    }

    [Fact]
    public async Task Wrong_credentials_answer_401()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Client.Url("/api/v2/spaces"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin@example.com:wrong-token"u8.ToArray()));
        (await Client.SendAsync(request)).Expect(401);

        var none = new HttpRequestMessage(HttpMethod.Get, Client.Url("/rest/api/user/current"));
        none.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "emulator-pat");
        (await Client.SendAsync(none)).Expect(401);
    }

    // ---------------------------------------------------------------- helpers

    private async Task<JsonNode> CreateSpace(string key) =>
        (await Client.PostJsonAsync("/api/v2/spaces", new { key, name = "Space " + key })).Expect(201).Json;

    private static object StorageBody(string value) => new { representation = "storage", value };

    private static JsonObject PageBody(JsonNode space, string title, string storage, string? parentId = null)
    {
        var body = new JsonObject
        {
            ["spaceId"] = Str(space, "id"),
            ["status"] = "current",
            ["title"] = title,
            ["body"] = new JsonObject { ["representation"] = "storage", ["value"] = storage },
        };
        if (parentId is not null)
        {
            body["parentId"] = parentId;
        }

        return body;
    }

    private async Task<ConformanceResponse> CreatePage(JsonNode space, string title, string storage, string? parentId = null) =>
        (await Client.PostJsonAsync("/api/v2/pages", PageBody(space, title, storage, parentId))).Expect(200);

    private Task<ConformanceResponse> UpdatePage(string id, string title, string storage, int number, string? parentId = null)
    {
        var body = new JsonObject
        {
            ["id"] = id,
            ["status"] = "current",
            ["title"] = title,
            ["body"] = new JsonObject { ["representation"] = "storage", ["value"] = storage },
            ["version"] = new JsonObject { ["number"] = number, ["message"] = "edit " + number },
        };
        if (parentId is not null)
        {
            body["parentId"] = parentId;
        }

        return Client.PutJsonAsync($"/api/v2/pages/{id}", body);
    }

    private async Task<List<string>> ListIds(JsonNode space) =>
        (await FollowAllPages($"/api/v2/spaces/{Str(space, "id")}/pages?limit=250", expectedPages: 1)).Select(p => Str(p, "id")).ToList();

    /// <summary>
    /// Follows cursor paging to the end. The Link header and _links.next must agree, be relative to /wiki, and
    /// stop together on the last page.
    /// </summary>
    private async Task<List<JsonNode>> FollowAllPages(string firstPath, int expectedPages)
    {
        var all = new List<JsonNode>();
        var url = Client.Url(firstPath);
        var requests = 0;
        while (true)
        {
            var response = (await Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, url))).Expect(200);
            requests++;
            Assert.True(requests <= 100, "paging does not end");
            all.AddRange(Results(response).Select(r => r!));

            var next = response.Json["_links"]?["next"]?.GetValue<string>();
            var linkHeader = response.Headers.TryGetValues("Link", out var values) ? string.Join(",", values) : null;
            var headerNext = linkHeader is null ? null : System.Text.RegularExpressions.Regex.Match(linkHeader, "<([^>]+)>;\\s*rel=\"next\"").Groups[1].Value;
            if (next is null)
            {
                Assert.True(string.IsNullOrEmpty(headerNext), $"Link header announces a next page but _links.next is absent: {linkHeader}");
                break;
            }

            Assert.StartsWith("/wiki/", next, StringComparison.Ordinal);
            Assert.Equal(next, headerNext);
            url = new Uri(Client.SiteBase, next);
        }

        Assert.Equal(expectedPages, requests);
        return all;
    }
}
