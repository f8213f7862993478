using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.DataCenter;

/// <summary>Data Center at the root of its host (http://127.0.0.1:PORT/rest/api/...).</summary>
public sealed class DataCenterAtRootTests : DataCenterTests
{
    protected override string ContextPath => "";
}

/// <summary>Data Center below a servlet context (http://127.0.0.1:PORT/confluence/rest/api/...), as it is often deployed.</summary>
public sealed class DataCenterUnderContextTests : DataCenterTests
{
    protected override string ContextPath => "/confluence";

    [Fact]
    public async Task Nothing_is_served_outside_the_context_path()
    {
        var outside = new Uri(Client.SiteBase, "/rest/api/space");
        var response = await Client.RawAsync(new HttpRequestMessage(HttpMethod.Get, outside));
        Assert.Equal(404, response.Status);
    }
}

/// <summary>
/// Confluence Data Center 10.0.3 (/rest/api): every answer is checked against datacenter.json, plus what that document
/// cannot check (it has no `required` and no `type: object`, so shapes beyond property types are asserted here).
/// Runs once at the root and once below a context path: every link must carry the context.
/// </summary>
public abstract class DataCenterTests : SiteTest
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;

    [Fact]
    public async Task Spaces_create_get_and_list_with_integer_space_ids_and_links_under_the_context()
    {
        var created = (await Client.PostJsonAsync("/rest/api/space", new { key = "DS", name = "Data space", description = new { plain = new { value = "About", representation = "plain" } } })).Expect(200).Json;
        Assert.Equal(JsonValueKind.Number, created["id"]!.GetValueKind());
        Assert.Equal("DS", Str(created, "key"));
        Assert.Equal("About", Str(created["description"]?["plain"], "value"));
        Str(created["homepage"], "id");

        var single = (await Client.GetAsync("/rest/api/space/DS")).Expect(200).Json;
        Assert.Equal(created["id"]!.GetValue<long>(), single["id"]!.GetValue<long>());
        Assert.Equal(Client.SiteBase.AbsoluteUri.TrimEnd('/') + "/rest/api/space/DS", Str(single["_links"], "self"));

        for (var i = 0; i < 4; i++)
        {
            (await Client.PostJsonAsync("/rest/api/space", new { key = "DS" + i, name = "More " + i })).Expect(200);
        }

        var keys = (await FollowOffsetPages("/rest/api/space?limit=2", expectedPages: 3)).Select(s => Str(s, "key")).ToList();
        AssertNoDuplicates(keys, "spaces");
        Assert.Equal(new[] { "DS", "DS0", "DS1", "DS2", "DS3" }, keys.Order(StringComparer.Ordinal));

        (await Client.GetAsync("/rest/api/space/NOPE")).Expect(404);
    }

    [Fact]
    public async Task A_page_is_created_under_an_ancestor_and_read_with_storage_body_version_and_ancestors()
    {
        var home = await CreateSpace("CR");
        var parent = await CreatePage("CR", "Parent", "<p>p</p>", home);
        var createdJson = (await CreatePageResponse("CR", "Child", "<p>Hello &amp; welcome</p>", parent)).Json;
        var id = Str(createdJson, "id");

        var page = (await Client.GetAsync($"/rest/api/content/{id}?expand=body.storage,version,ancestors,space,history")).Expect(200).Json;
        Assert.Equal("page", Str(page, "type"));
        Assert.Equal("current", Str(page, "status"));
        Assert.Equal("<p>Hello &amp; welcome</p>", Str(page["body"]?["storage"], "value"));
        Assert.Equal(1, Int(page["version"], "number"));
        Assert.Equal("CR", Str(page["space"], "key"));
        Assert.Equal(new[] { home, parent }, page["ancestors"]!.AsArray().Select(a => Str(a, "id")));

        // Data Center prints the server's offset, not Z.
        Assert.Matches(new Regex(@"[+-]\d\d:\d\d$"), Str(page["version"], "when"));
        Str(page["version"]?["by"], "userKey");
        Assert.Equal(Client.SiteBase.AbsoluteUri.TrimEnd('/') + "/rest/api/content/" + id, Str(page["_links"], "self"));

        (await Client.GetAsync("/rest/api/content/999999")).Expect(404);
    }

    [Fact]
    public async Task Single_content_carries_base_and_context_links()
    {
        var home = await CreateSpace("LK");
        var id = await CreatePage("LK", "Linked", "<p/>", home);
        foreach (var json in new[]
        {
            (await Client.GetAsync($"/rest/api/content/{id}")).Expect(200).Json,
            (await Client.PutJsonAsync($"/rest/api/content/{id}", new { id, type = "page", title = "Linked", body = new { storage = new { value = "<p/>", representation = "storage" } }, version = new { number = 2 } })).Expect(200).Json,
        })
        {
            Assert.Equal(Client.SiteBase.AbsoluteUri.TrimEnd('/'), Str(json["_links"], "base"));
            Assert.Equal(Client.SiteBase.AbsolutePath.TrimEnd('/'), Str(json["_links"], "context"));
        }
    }

    [Fact]
    public async Task Titles_are_unique_per_space_and_a_duplicate_answers_400()
    {
        await CreateSpace("TU");
        await CreateSpace("TV");
        await CreatePage("TU", "Only once", "<p/>");
        var duplicate = (await Client.PostJsonAsync("/rest/api/content", PageBody("TU", "Only once", "<p/>"))).Expect(400).Json;
        Assert.Equal(400, Int(duplicate, "statusCode"));
        Assert.Contains("title", Str(duplicate, "message"), StringComparison.OrdinalIgnoreCase);
        await CreatePage("TV", "Only once", "<p/>");
    }

    [Fact]
    public async Task Update_needs_the_next_version_and_a_stale_one_answers_409_in_the_error_envelope()
    {
        await CreateSpace("UP");
        var id = await CreatePage("UP", "Doc", "<p>1</p>");
        var updated = (await Update(id, "Doc", "<p>2</p>", 2)).Expect(200).Json;
        Assert.Equal(2, Int(updated["version"], "number"));
        Assert.Equal("<p>2</p>", Str(updated["body"]?["storage"], "value"));

        var stale = (await Update(id, "Doc", "<p>x</p>", 2)).Expect(409).Json;
        Assert.Equal(409, Int(stale, "statusCode"));
        Assert.Equal("Version must be incremented on update. Current version is: 2", Str(stale, "message"));
        Assert.False(stale["data"]?["successful"]?.GetValue<bool>());

        var history = (await Client.GetAsync($"/rest/api/content/{id}/history")).Expect(200).Json;
        Assert.Equal(2, Int(history["lastUpdated"], "number"));
        Assert.Equal(1, Int(history["previousVersion"], "number"));

        var old = (await Client.GetAsync($"/rest/api/content/{id}?version=1&expand=body.storage,version")).Expect(200).Json;
        Assert.Equal("historical", Str(old, "status"));
        Assert.Equal("<p>1</p>", Str(old["body"]?["storage"], "value"));
    }

    [Fact]
    public async Task A_put_with_new_ancestors_moves_the_page_and_children_follow()
    {
        var home = await CreateSpace("MV");
        var a = await CreatePage("MV", "A", "<p/>", home);
        var b = await CreatePage("MV", "B", "<p/>", home);
        var c = await CreatePage("MV", "C", "<p/>", a);

        var moved = (await Update(c, "C", "<p/>", 2, ancestor: b)).Expect(200).Json;
        Assert.Equal(new[] { home, b }, moved["ancestors"]!.AsArray().Select(x => Str(x, "id")));
        Assert.Empty(Results((await Client.GetAsync($"/rest/api/content/{a}/child/page")).Expect(200)));
        Assert.Equal(c, Str(Assert.Single(Results((await Client.GetAsync($"/rest/api/content/{b}/child/page")).Expect(200))), "id"));
        var top = Results((await Client.GetAsync($"/rest/api/content/{home}/child/page?expand=version")).Expect(200));
        Assert.Equal(new[] { a, b }.Order(), top.Select(x => Str(x, "id")).Order());
    }

    [Fact]
    public async Task Delete_trashes_with_200_put_current_restores_and_a_second_delete_purges()
    {
        await CreateSpace("TR");
        var id = await CreatePage("TR", "Bin me", "<p/>");

        (await Client.DeleteAsync($"/rest/api/content/{id}")).Expect(200);
        (await Client.GetAsync($"/rest/api/content/{id}")).Expect(404);
        var trashed = (await Client.GetAsync($"/rest/api/content/{id}?status=trashed&expand=version")).Expect(200).Json;
        Assert.Equal("trashed", Str(trashed, "status"));
        Assert.DoesNotContain(await ListIds("TR"), x => x == id);

        var restored = (await Client.PutJsonAsync($"/rest/api/content/{id}", new
        {
            id,
            type = "page",
            title = "Bin me",
            status = "current",
            version = new { number = Int(trashed["version"], "number") + 1 },
        })).Expect(200).Json;
        Assert.Equal("current", Str(restored, "status"));
        Assert.Contains(await ListIds("TR"), x => x == id);

        (await Client.DeleteAsync($"/rest/api/content/{id}")).Expect(200);
        (await Client.DeleteAsync($"/rest/api/content/{id}?status=trashed")).Expect(204);
        (await Client.GetAsync($"/rest/api/content/{id}?status=trashed")).Expect(404);
    }

    [Fact]
    public async Task Content_of_a_space_pages_by_offset_following_links_next_relative_to_base()
    {
        await using var seeded = await StartSeeded("SEED", 37);
        var client = seeded.Client;
        var all = new List<JsonNode>();
        var url = client.Url("/rest/api/content?spaceKey=SEED&type=page&expand=body.storage,version,ancestors&start=0&limit=10");
        var pages = 0;
        while (true)
        {
            var response = (await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, url))).Expect(200);
            pages++;
            Assert.True(pages < 20, "paging does not end");
            var json = response.Json;
            var results = Results(response);
            Assert.Equal((pages - 1) * 10, Int(json, "start"));
            Assert.Equal(results.Count, Int(json, "size"));
            all.AddRange(results.Select(r => r!));
            var next = json["_links"]?["next"]?.GetValue<string>();
            if (next is null)
            {
                break;
            }

            Assert.StartsWith("/rest/api/content?", next, StringComparison.Ordinal);
            url = new Uri(Str(json["_links"], "base") + next);
        }

        Assert.Equal(4, pages);
        var ids = all.Select(p => Str(p, "id")).ToList();
        AssertNoDuplicates(ids, "content of a space");
        Assert.Equal(38, ids.Count); // 37 seeded pages and the home page
        Assert.All(all, p => AssertDcContent(p, versionExpanded: true));
        Assert.All(all, p => Assert.NotNull(p["body"]?["storage"]?["value"]));

        // Every page's ancestors are pages of the same space, listed root first.
        var known = ids.ToHashSet();
        Assert.All(all, p => Assert.All(p["ancestors"]!.AsArray(), a => Assert.Contains(Str(a, "id"), known)));
    }

    [Fact]
    public async Task Content_scan_pages_by_cursor_without_duplicates_or_gaps()
    {
        await using var seeded = await StartSeeded("SCAN", 25);
        var client = seeded.Client;
        var ids = new List<string>();
        var url = client.Url("/rest/api/content/scan?spaceKey=SCAN&type=page&limit=7&expand=version");
        for (var round = 0; ; round++)
        {
            Assert.True(round < 10, "scan paging does not end");
            var response = (await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, url))).Expect(200);
            var json = response.Json;
            ids.AddRange(Results(response).Select(r => Str(r, "id")));
            var next = json["_links"]?["next"]?.GetValue<string>();
            if (next is null)
            {
                Assert.Null(json["nextCursor"]);
                break;
            }

            Str(json, "nextCursor");
            url = new Uri(Str(json["_links"], "base") + next);
        }

        AssertNoDuplicates(ids, "content scan");
        Assert.Equal(26, ids.Count);
    }

    [Fact]
    public async Task Seeded_content_validates_with_every_expansion_a_syncer_asks_for()
    {
        await using var seeded = await StartSeeded("WIDE", 30);
        var client = seeded.Client;
        const string expand = "body.storage,version,ancestors,space,history,history.lastUpdated,history.previousVersion,container,metadata.labels,children.page,children.attachment,restrictions.read.restrictions.user,restrictions.update.restrictions.group";
        var list = Results((await client.GetAsync($"/rest/api/content?spaceKey=WIDE&type=page&limit=200&expand={expand}")).Expect(200));
        Assert.Equal(31, list.Count);
        Assert.All(list, p => AssertDcContent(p, versionExpanded: true));
        foreach (var page in list.Take(12))
        {
            var id = Str(page, "id");
            var single = (await client.GetAsync($"/rest/api/content/{id}?expand={expand}")).Expect(200).Json;
            Assert.Equal(id, Str(single, "id"));
            AssertDcContent(single, versionExpanded: true);
            Assert.All(single["ancestors"]!.AsArray(), a => AssertDcContent(a, versionExpanded: false));
            Assert.All(single["children"]?["page"]?["results"]?.AsArray() ?? new JsonArray(), c => AssertDcContent(c, versionExpanded: false));
            (await client.GetAsync($"/rest/api/content/{id}/history")).Expect(200);
            (await client.GetAsync($"/rest/api/content/{id}/label")).Expect(200);
            (await client.GetAsync($"/rest/api/content/{id}/child/attachment?expand=version,container")).Expect(200);
            (await client.GetAsync($"/rest/api/content/{id}/restriction/byOperation")).Expect(200);
        }

        var space = (await client.GetAsync("/rest/api/space/WIDE?expand=description,homepage,history")).Expect(200).Json;
        Assert.Equal("WIDE", Str(space, "key"));
        var search = (await client.GetAsync("/rest/api/search?cql=" + Uri.EscapeDataString("space = WIDE order by lastmodified desc") + "&limit=20&expand=content.version,content.space")).Expect(200).Json;
        Assert.Equal(20, search["results"]!.AsArray().Count);
    }

    [Fact]
    public async Task Cql_search_finds_recent_changes_in_the_callers_zone_and_caps_limit_with_bodies()
    {
        await CreateSpace("CQ");
        var id = await CreatePage("CQ", "Fresh", "<p/>");
        var me = (await Client.GetAsync("/rest/api/user/current")).Expect(200).Json;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Str(me, "timeZone"));
        string Local(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy/MM/dd HH:mm", CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow;

        var recent = (await Client.GetAsync("/rest/api/content/search?cql=" + Uri.EscapeDataString($"space = CQ and lastmodified >= \"{Local(now.AddMinutes(-2))}\"") + "&limit=100&expand=body.storage")).Expect(200).Json;
        Assert.Contains(recent["results"]!.AsArray(), r => Str(r, "id") == id);
        Assert.Equal(50, Int(recent, "limit"));

        // The other caps: 200 with expansions other than a body, 1000 with none (reference README).
        var expanded = (await Client.GetAsync("/rest/api/content/search?cql=" + Uri.EscapeDataString("space = CQ") + "&limit=5000&expand=version")).Expect(200).Json;
        Assert.Equal(200, Int(expanded, "limit"));
        var bare = (await Client.GetAsync("/rest/api/content/search?cql=" + Uri.EscapeDataString("space = CQ") + "&limit=5000")).Expect(200).Json;
        Assert.Equal(1000, Int(bare, "limit"));

        var none = (await Client.GetAsync("/rest/api/search?cql=" + Uri.EscapeDataString($"space = CQ and lastmodified >= \"{Local(now.AddMinutes(30))}\""))).Expect(200).Json;
        Assert.Empty(none["results"]!.AsArray());

        var wrapped = (await Client.GetAsync("/rest/api/search?cql=" + Uri.EscapeDataString("space = CQ and type = page and title = \"Fresh\""))).Expect(200).Json;
        Assert.Equal(id, Str(Assert.Single(wrapped["results"]!.AsArray())?["content"], "id"));

        (await Client.GetAsync("/rest/api/content/search?cql=" + Uri.EscapeDataString("this is not cql ((("))).Expect(400);
    }

    [Fact]
    public async Task Cql_lastmodified_compares_minutes_in_the_callers_zone()
    {
        Assert.Equal("Europe/Berlin", Str((await Client.GetAsync("/rest/api/user/current")).Expect(200).Json, "timeZone"));
        await CreateSpace("LM");
        Emulator.State.Clock = new FixedClock(LastModifiedInstant);
        var id = await CreatePage("LM", "Stamped", "<p/>");
        var failures = new List<string>();
        foreach (var (clause, finds) in LastModifiedCases)
        {
            var hits = Results((await Client.GetAsync("/rest/api/content/search?cql=" + Uri.EscapeDataString($"space = LM and type = page and {clause}"))).Expect(200));
            if (hits.Any(h => Str(h, "id") == id) != finds)
            {
                failures.Add($"{clause}: expected {(finds ? "a hit" : "no hit")}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task Labels_are_added_read_and_removed()
    {
        await CreateSpace("LB");
        var id = await CreatePage("LB", "Labelled", "<p/>");
        var added = (await Client.PostJsonAsync($"/rest/api/content/{id}/label", new[] { new { prefix = "global", name = "red" }, new { prefix = "global", name = "green" } })).Expect(200);
        Assert.Equal(new[] { "green", "red" }, Results(added).Select(l => Str(l, "name")).Order());
        (await Client.DeleteAsync($"/rest/api/content/{id}/label/red")).Expect(204);
        (await Client.DeleteAsync($"/rest/api/content/{id}/label?name=green")).Expect(204);
        Assert.Empty(Results((await Client.GetAsync($"/rest/api/content/{id}/label")).Expect(200)));

        var viaExpand = (await Client.GetAsync($"/rest/api/content/{id}?expand=metadata.labels")).Expect(200).Json;
        Assert.Equal(0, Int(viaExpand["metadata"]?["labels"], "size"));
    }

    [Fact]
    public async Task Attachments_above_the_size_limit_are_refused_with_413_and_nothing_is_stored()
    {
        await CreateSpace("SZ");
        var id = await CreatePage("SZ", "Sized", "<p/>");
        Emulator.State.MaxAttachmentBytes = 2048;

        var refused = (await Client.SendAsync(Upload($"/rest/api/content/{id}/child/attachment", "huge.iso", new byte[4096], "nocheck"))).Expect(413).Json;
        Assert.Equal(413, Int(refused, "statusCode"));
        Assert.Contains("'huge.iso'", Str(refused, "message"), StringComparison.Ordinal);
        Assert.Empty(Results((await Client.GetAsync($"/rest/api/content/{id}/child/attachment")).Expect(200)));

        Emulator.State.MaxAttachmentBytes = 0; // no limit
        Assert.Single(Results((await Client.SendAsync(Upload($"/rest/api/content/{id}/child/attachment", "huge.iso", new byte[4096], "nocheck"))).Expect(200)));
    }

    [Fact]
    public async Task Attachments_upload_with_nocheck_new_version_list_and_download_the_same_bytes()
    {
        await CreateSpace("AT");
        var id = await CreatePage("AT", "Files", "<p/>");
        var one = "one"u8.ToArray();
        var two = new byte[5000];
        new Random(3).NextBytes(two);

        var refused = (await Client.SendAsync(Upload($"/rest/api/content/{id}/child/attachment", "data.bin", one, null))).Expect(403);
        Assert.Contains("XSRF check failed", refused.Body, StringComparison.Ordinal);

        var created = Assert.Single(Results((await Client.SendAsync(Upload($"/rest/api/content/{id}/child/attachment", "data.bin", one, "nocheck"))).Expect(200)))!;
        var attachmentId = Str(created, "id");
        Assert.StartsWith("att", attachmentId, StringComparison.Ordinal);

        var updated = (await Client.SendAsync(Upload($"/rest/api/content/{id}/child/attachment/{attachmentId}/data", "data.bin", two, "nocheck"))).Expect(200).Json;
        Assert.Equal(2, Int(updated["version"], "number"));

        var listed = Assert.Single(Results((await Client.GetAsync($"/rest/api/content/{id}/child/attachment?expand=version")).Expect(200)))!;
        Assert.Equal(2, Int(listed["version"], "number"));
        var link = Str(listed["_links"], "download");
        var download = await Client.RawAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(Client.SiteBase.AbsoluteUri.TrimEnd('/') + link)));
        Assert.Equal(200, download.Status);
        Assert.Equal(two, download.Bytes);
    }

    [Fact]
    public async Task An_attachment_is_deleted_from_its_page()
    {
        await CreateSpace("AX");
        var id = await CreatePage("AX", "Files", "<p/>");
        var attachmentId = Str(Results((await Client.SendAsync(Upload($"/rest/api/content/{id}/child/attachment", "old.txt", "x"u8.ToArray(), "nocheck"))).Expect(200))[0], "id");
        (await Client.DeleteAsync($"/rest/api/content/{id}/child/attachment/{attachmentId}")).Expect(204);
        Assert.Empty(Results((await Client.GetAsync($"/rest/api/content/{id}/child/attachment")).Expect(200)));
        (await Client.DeleteAsync($"/rest/api/content/{id}/child/attachment/{attachmentId}")).Expect(404);
    }

    [Fact]
    public async Task Restrictions_are_replaced_and_read_back_by_operation()
    {
        await CreateSpace("RX");
        var id = await CreatePage("RX", "Private", "<p/>");
        var me = (await Client.GetAsync("/rest/api/user/current")).Expect(200).Json;
        var body = new JsonArray(new JsonObject
        {
            ["operation"] = "read",
            ["restrictions"] = new JsonObject
            {
                ["user"] = new JsonArray(new JsonObject { ["type"] = "known", ["userKey"] = Str(me, "userKey") }),
                ["group"] = new JsonArray(new JsonObject { ["type"] = "group", ["name"] = "confluence-administrators" }),
            },
        });
        (await Client.PutJsonAsync($"/rest/api/content/{id}/restriction", body)).Expect(200);

        var byOperation = (await Client.GetAsync($"/rest/api/content/{id}/restriction/byOperation")).Expect(200).Json;
        Assert.Equal(Str(me, "userKey"), Str(byOperation["read"]?["restrictions"]?["user"]?["results"]?[0], "userKey"));
        Assert.Equal(1, Int(byOperation["read"]?["restrictions"]?["group"], "size"));
        Assert.Equal(0, Int(byOperation["update"]?["restrictions"]?["user"], "size"));

        (await Client.PutJsonAsync($"/rest/api/content/{id}/restriction", new JsonArray())).Expect(200);
        byOperation = (await Client.GetAsync($"/rest/api/content/{id}/restriction/byOperation")).Expect(200).Json;
        Assert.Equal(0, Int(byOperation["read"]?["restrictions"]?["user"], "size"));
    }

    [Fact]
    public async Task An_update_restriction_that_excludes_the_caller_refuses_the_update_with_403()
    {
        var id = await RestrictUpdatesToSomeoneElse("UR");
        var refused = (await Update(id, "Locked", "<p>v2</p>", 2)).Expect(403).Json;
        Assert.Equal(403, Int(refused, "statusCode"));
        var page = (await Client.GetAsync($"/rest/api/content/{id}?expand=version")).Expect(200).Json;
        Assert.Equal(1, Int(page["version"], "number"));
    }

    [Fact]
    public async Task An_update_restriction_that_excludes_the_caller_refuses_trashing_with_404_as_documented()
    {
        var id = await RestrictUpdatesToSomeoneElse("UD");
        (await Client.DeleteAsync($"/rest/api/content/{id}")).Expect(404);
        (await Client.GetAsync($"/rest/api/content/{id}")).Expect(200);
    }

    [Fact]
    public async Task A_read_restriction_hides_the_page_and_its_descendants_from_everyone_it_does_not_name()
    {
        var home = await CreateSpace("RD");
        var parent = await CreatePage("RD", "Hidden parent", "<p/>", home);
        var child = await CreatePage("RD", "Hidden child", "<p/>", parent);
        var reader = Emulator.State.AddUser("Reader", "reader@example.com", username: "reader", personalAccessToken: "reader-pat");
        var readerAuth = new AuthenticationHeaderValue("Bearer", "reader-pat");

        // The reader restricts the page to themself (a user restricting others out, not themself).
        (await SendAs(readerAuth, HttpMethod.Put, $"/rest/api/content/{parent}/restriction", new JsonArray(new JsonObject
        {
            ["operation"] = "read",
            ["restrictions"] = new JsonObject { ["user"] = new JsonArray(new JsonObject { ["type"] = "known", ["userKey"] = reader.UserKey }) },
        }))).Expect(200);

        (await Client.GetAsync($"/rest/api/content/{parent}")).Expect(404);
        (await Client.GetAsync($"/rest/api/content/{child}")).Expect(404);
        var visible = await ListIds("RD");
        Assert.DoesNotContain(parent, visible);
        Assert.DoesNotContain(child, visible);
        Assert.Empty(Results((await Client.GetAsync($"/rest/api/content/{home}/child/page")).Expect(200)));
        Assert.Empty(Results((await Client.GetAsync("/rest/api/content/search?cql=" + Uri.EscapeDataString("space = RD and title ~ \"Hidden\""))).Expect(200)));

        var seen = (await SendAs(readerAuth, HttpMethod.Get, $"/rest/api/content/{child}?expand=ancestors")).Expect(200).Json;
        Assert.Equal(new[] { home, parent }, seen["ancestors"]!.AsArray().Select(a => Str(a, "id")));
    }

    [Fact]
    public async Task Comments_are_content_created_under_a_page_listed_updated_and_deleted_for_good()
    {
        await CreateSpace("CM");
        var pageId = await CreatePage("CM", "Discussed", "<p/>");
        var comment = (await Client.PostJsonAsync("/rest/api/content", new JsonObject
        {
            ["type"] = "comment",
            ["container"] = new JsonObject { ["id"] = pageId, ["type"] = "page" },
            ["body"] = new JsonObject { ["storage"] = new JsonObject { ["value"] = "<p>First!</p>", ["representation"] = "storage" } },
        })).Expect(200).Json;
        var commentId = Str(comment, "id");
        Assert.Equal("comment", Str(comment, "type"));
        Assert.Equal(pageId, Str(comment["container"], "id"));

        var reply = (await Client.PostJsonAsync("/rest/api/content", new JsonObject
        {
            ["type"] = "comment",
            ["container"] = new JsonObject { ["id"] = pageId, ["type"] = "page" },
            ["ancestors"] = new JsonArray(new JsonObject { ["id"] = commentId }),
            ["body"] = new JsonObject { ["storage"] = new JsonObject { ["value"] = "<p>Reply</p>", ["representation"] = "storage" } },
        })).Expect(200).Json;

        Assert.Equal(commentId, Str(Assert.Single(Results((await Client.GetAsync($"/rest/api/content/{pageId}/child/comment")).Expect(200))), "id"));
        var all = Results((await Client.GetAsync($"/rest/api/content/{pageId}/child/comment?depth=all&expand=body.storage,version")).Expect(200));
        Assert.Equal(new[] { commentId, Str(reply, "id") }.Order(), all.Select(c => Str(c, "id")).Order());
        Assert.All(all, c => AssertDcContent(c, versionExpanded: true));

        var updated = (await Client.PutJsonAsync($"/rest/api/content/{commentId}", new JsonObject
        {
            ["type"] = "comment",
            ["version"] = new JsonObject { ["number"] = 2 },
            ["body"] = new JsonObject { ["storage"] = new JsonObject { ["value"] = "<p>Edited</p>", ["representation"] = "storage" } },
        })).Expect(200).Json;
        Assert.Equal(2, Int(updated["version"], "number"));
        Assert.Equal("<p>Edited</p>", Str((await Client.GetAsync($"/rest/api/content/{commentId}?expand=body.storage")).Expect(200).Json["body"]?["storage"], "value"));

        (await Client.DeleteAsync($"/rest/api/content/{Str(reply, "id")}")).Expect(204);
        (await Client.GetAsync($"/rest/api/content/{Str(reply, "id")}")).Expect(404);
    }

    [Fact]
    public async Task Labels_on_a_page_the_caller_may_view_but_not_edit_are_refused_as_documented()
    {
        var id = await RestrictUpdatesToSomeoneElse("LN");
        // The document declares 200/404 for POST label: the refusal is a 404.
        (await Client.PostJsonAsync($"/rest/api/content/{id}/label", new[] { new { prefix = "global", name = "nope" } })).Expect(404);
        Assert.Empty(Results((await Client.GetAsync($"/rest/api/content/{id}/label")).Expect(200)));
        (await Client.SendAsync(Upload($"/rest/api/content/{id}/child/attachment", "nope.txt", "x"u8.ToArray(), "nocheck"))).Expect(403);
    }

    [Fact]
    public async Task Blog_posts_are_content_of_type_blogpost_listed_by_posting_day()
    {
        // A fixed clock at midday: the posting day is the same in every zone, and the test does not depend on the hour it runs.
        Emulator.State.Clock = new FixedClock(new DateTimeOffset(2025, 3, 10, 12, 0, 0, TimeSpan.Zero));
        await CreateSpace("BL");
        var post = (await Client.PostJsonAsync("/rest/api/content", new JsonObject
        {
            ["type"] = "blogpost",
            ["title"] = "Release notes",
            ["space"] = new JsonObject { ["key"] = "BL" },
            ["body"] = new JsonObject { ["storage"] = new JsonObject { ["value"] = "<p>New</p>", ["representation"] = "storage" } },
        })).Expect(200).Json;
        var id = Str(post, "id");
        Assert.Equal("blogpost", Str(post, "type"));
        await CreatePage("BL", "Release notes", "<p>a page may share a blog post's title</p>");

        var posts = Results((await Client.GetAsync("/rest/api/content?spaceKey=BL&type=blogpost&postingDay=2025-03-10&expand=version,body.storage")).Expect(200));
        var listed = Assert.Single(posts)!;
        Assert.Equal(id, Str(listed, "id"));
        AssertDcContent(listed, versionExpanded: true);
        Assert.Empty(Results((await Client.GetAsync("/rest/api/content?spaceKey=BL&type=blogpost&postingDay=2001-01-01")).Expect(200)));
        Assert.DoesNotContain(id, await ListIds("BL"));

        var updated = (await Client.PutJsonAsync($"/rest/api/content/{id}", new JsonObject
        {
            ["id"] = id,
            ["type"] = "blogpost",
            ["title"] = "Release notes",
            ["body"] = new JsonObject { ["storage"] = new JsonObject { ["value"] = "<p>Newer</p>", ["representation"] = "storage" } },
            ["version"] = new JsonObject { ["number"] = 2 },
        })).Expect(200).Json;
        Assert.Equal(2, Int(updated["version"], "number"));
        var found = Results((await Client.GetAsync("/rest/api/content/search?cql=" + Uri.EscapeDataString("space = BL and type = blogpost"))).Expect(200));
        Assert.Equal(id, Str(Assert.Single(found), "id"));
        (await Client.DeleteAsync($"/rest/api/content/{id}")).Expect(200);
    }

    [Fact]
    public async Task The_user_list_pages_by_offset_without_duplicates()
    {
        for (var i = 0; i < 4; i++)
        {
            Emulator.State.AddUser("Person " + i, $"person{i}@example.com", username: "person" + i);
        }

        var users = await FollowOffsetPages("/rest/api/user/list?limit=2", expectedPages: 3);
        var names = users.Select(u => Str(u, "username")).ToList();
        AssertNoDuplicates(names, "user list");
        Assert.Equal(5, names.Count); // admin and four people
        Assert.All(users, u => Str(u, "userKey"));
    }

    [Fact]
    public async Task Two_directory_users_may_share_an_email_and_both_are_listed_and_found_by_key()
    {
        var first = Emulator.State.AddUser("Pat Ops", "ops@example.com", username: "pat");
        var second = Emulator.State.AddUser("Ops Service", "OPS@example.com", username: "ops-service", sharedEmail: true);

        var users = await FollowOffsetPages("/rest/api/user/list?limit=2&expand=details.personal", expectedPages: 2);
        Assert.Equal(2, users.Count(u => string.Equals(Str(u?["details"]?["personal"], "email"), "ops@example.com", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal("ops-service", Str((await Client.GetAsync($"/rest/api/user?key={second.UserKey}")).Expect(200).Json, "username"));
        Assert.Equal(first.UserKey, Str((await Client.GetAsync("/rest/api/user?username=pat")).Expect(200).Json, "userKey"));
        (await Client.GetAsync("/rest/api/user?key=no-such-key")).Expect(404);
    }

    [Fact]
    public async Task Descendants_are_listed_breadth_first_with_offset_paging()
    {
        var home = await CreateSpace("DE");
        var a = await CreatePage("DE", "A", "<p/>", home);
        var b = await CreatePage("DE", "B", "<p/>", home);
        var a1 = await CreatePage("DE", "A1", "<p/>", a);
        var a11 = await CreatePage("DE", "A11", "<p/>", a1);
        var b1 = await CreatePage("DE", "B1", "<p/>", b);

        var all = (await FollowOffsetPages($"/rest/api/content/{home}/descendant/page?limit=2&expand=version", expectedPages: 3)).Select(p => Str(p, "id")).ToList();
        Assert.Equal(new[] { a, b, a1, b1, a11 }, all);
        Assert.Equal(new[] { a11 }, Results((await Client.GetAsync($"/rest/api/content/{a1}/descendant/page")).Expect(200)).Select(p => Str(p, "id")));
        (await Client.GetAsync("/rest/api/content/999999/descendant/page")).Expect(404);
    }

    [Fact]
    public async Task A_blog_posts_posting_day_is_its_date_in_the_server_time_zone()
    {
        // 23:30 UTC is already the next day in the server's zone (Europe/Berlin, +01:00 in March).
        Emulator.State.Clock = new FixedClock(new DateTimeOffset(2025, 3, 10, 23, 30, 0, TimeSpan.Zero));
        await CreateSpace("PD");
        var id = Str((await Client.PostJsonAsync("/rest/api/content", new JsonObject
        {
            ["type"] = "blogpost",
            ["title"] = "Late post",
            ["space"] = new JsonObject { ["key"] = "PD" },
            ["body"] = new JsonObject { ["storage"] = new JsonObject { ["value"] = "<p/>", ["representation"] = "storage" } },
        })).Expect(200).Json, "id");

        var created = Str((await Client.GetAsync($"/rest/api/content/{id}?expand=history")).Expect(200).Json["history"], "createdDate");
        Assert.StartsWith("2025-03-11T00:30:00", created, StringComparison.Ordinal);
        Assert.Equal(id, Str(Assert.Single(Results((await Client.GetAsync("/rest/api/content?spaceKey=PD&type=blogpost&postingDay=2025-03-11")).Expect(200))), "id"));
        Assert.Empty(Results((await Client.GetAsync("/rest/api/content?spaceKey=PD&type=blogpost&postingDay=2025-03-10")).Expect(200)));
    }

    [Fact]
    public async Task A_user_carries_an_email_only_under_expand_details_personal_and_only_for_an_administrator()
    {
        var alice = Emulator.State.AddUser("Alice Example", "alice@example.com", username: "alice", personalAccessToken: "alice-pat");
        var aliceAuth = new AuthenticationHeaderValue("Bearer", "alice-pat"); // a user who is no Confluence administrator

        // Without the expand nobody sees an address, not even the administrator.
        var plain = Results((await Client.GetAsync("/rest/api/user/list?limit=100")).Expect(200));
        Assert.All(plain, u => { Assert.Null(u?["email"]); Assert.Null(u?["details"]); });
        Assert.Null((await Client.GetAsync($"/rest/api/user?key={alice.UserKey}")).Expect(200).Json["details"]);
        Assert.Null((await Client.GetAsync("/rest/api/user/current")).Expect(200).Json["email"]);

        // The administrator, with the expand: every address, under details.personal only.
        var expanded = Results((await Client.GetAsync("/rest/api/user/list?limit=100&expand=details.personal")).Expect(200));
        Assert.Equal(new[] { "admin@example.com", "alice@example.com" }, expanded.Select(u => Str(u?["details"]?["personal"], "email")).Order());
        Assert.All(expanded, u => Assert.Null(u?["email"]));
        Assert.Equal("alice@example.com", Str((await Client.GetAsync($"/rest/api/user?key={alice.UserKey}&expand=details.personal")).Expect(200).Json["details"]?["personal"], "email"));
        Assert.Equal("alice@example.com", Str((await Client.GetAsync("/rest/api/user?username=alice&expand=details.personal")).Expect(200).Json["details"]?["personal"], "email"));

        // A caller who is no administrator, with the expand: the personal details, without anyone else's address.
        var asAlice = Results((await SendAs(aliceAuth, HttpMethod.Get, "/rest/api/user/list?limit=100&expand=details.personal")).Expect(200));
        Assert.Null(asAlice.Single(u => Str(u, "username") == "admin")?["details"]?["personal"]?["email"]);
        Assert.NotNull(asAlice.Single(u => Str(u, "username") == "admin")?["details"]?["personal"]);
        Assert.Equal("alice@example.com", Str(asAlice.Single(u => Str(u, "username") == "alice")?["details"]?["personal"], "email"));
        var adminKey = Emulator.State.Admin.UserKey;
        Assert.Null((await SendAs(aliceAuth, HttpMethod.Get, $"/rest/api/user?key={adminKey}&expand=details.personal")).Expect(200).Json["details"]?["personal"]?["email"]);

        // Made an administrator, Alice sees them all; so does an administrator added through the control endpoint.
        Emulator.State.AddUserToGroup(alice, Store.EmulatorState.AdministratorsGroup);
        Assert.Equal("admin@example.com", Str((await SendAs(aliceAuth, HttpMethod.Get, $"/rest/api/user?key={adminKey}&expand=details.personal")).Expect(200).Json["details"]?["personal"], "email"));
        using var control = new HttpClient { BaseAddress = new Uri(Emulator.BaseUrl.GetLeftPart(UriPartial.Authority)) };
        (await control.PostAsync("/__emulator/users", new StringContent(
            """{"displayName":"Ada Admin","email":"ada@example.com","username":"ada","personalAccessToken":"ada-pat","administrator":true}""",
            System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        Assert.Equal("alice@example.com", Str((await SendAs(new AuthenticationHeaderValue("Bearer", "ada-pat"), HttpMethod.Get,
            $"/rest/api/user?key={alice.UserKey}&expand=details.personal")).Expect(200).Json["details"]?["personal"], "email"));
    }

    [Fact]
    public async Task Users_are_found_by_key_and_username()
    {
        var me = (await Client.GetAsync("/rest/api/user/current")).Expect(200).Json;
        var key = Str(me, "userKey");
        var username = Str(me, "username");
        Assert.Equal(username, Str((await Client.GetAsync($"/rest/api/user?key={Uri.EscapeDataString(key)}")).Expect(200).Json, "username"));
        Assert.Equal(key, Str((await Client.GetAsync($"/rest/api/user?username={Uri.EscapeDataString(username)}")).Expect(200).Json, "userKey"));
        (await Client.GetAsync("/rest/api/user?key=nobody")).Expect(404);
    }

    [Fact]
    public async Task Space_permissions_of_a_user_and_page_restrictions_are_read()
    {
        var home = await CreateSpace("PM");
        var me = (await Client.GetAsync("/rest/api/user/current")).Expect(200).Json;
        var permissions = (await Client.GetAsync($"/rest/api/space/PM/permissions/user/{Uri.EscapeDataString(Str(me, "userKey"))}")).Expect(200).Json.AsArray();
        Assert.Contains(permissions, p => Str(p?["operation"], "operationKey") == "administer" && Str(p?["operation"], "targetType") == "space");

        var restrictions = (await Client.GetAsync($"/rest/api/content/{home}/restriction/byOperation")).Expect(200).Json;
        Assert.Equal("read", Str(restrictions["read"], "operation"));
        Assert.Equal(0, Int(restrictions["read"]?["restrictions"]?["user"], "size"));
    }

    [Fact]
    public async Task Wrong_credentials_answer_401()
    {
        var bearer = new HttpRequestMessage(HttpMethod.Get, Client.Url("/rest/api/space"));
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-pat");
        (await Client.SendAsync(bearer)).Expect(401);

        var basic = new HttpRequestMessage(HttpMethod.Get, Client.Url("/rest/api/content/search?cql=type%3Dpage"));
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin:wrong"u8.ToArray()));
        (await Client.SendAsync(basic)).Expect(401);

        var good = new HttpRequestMessage(HttpMethod.Get, Client.Url("/rest/api/space"));
        good.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin:admin"u8.ToArray()));
        (await Client.SendAsync(good)).Expect(200);
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Creates a space; returns its home page id.</summary>
    private async Task<string> CreateSpace(string key) =>
        Str((await Client.PostJsonAsync("/rest/api/space", new { key, name = "Space " + key })).Expect(200).Json["homepage"], "id");

    private static JsonObject PageBody(string spaceKey, string title, string storage, string? ancestor = null)
    {
        var body = new JsonObject
        {
            ["type"] = "page",
            ["title"] = title,
            ["space"] = new JsonObject { ["key"] = spaceKey },
            ["body"] = new JsonObject { ["storage"] = new JsonObject { ["value"] = storage, ["representation"] = "storage" } },
        };
        if (ancestor is not null)
        {
            body["ancestors"] = new JsonArray(new JsonObject { ["id"] = ancestor });
        }

        return body;
    }

    private async Task<ConformanceResponse> CreatePageResponse(string spaceKey, string title, string storage, string? ancestor = null) =>
        (await Client.PostJsonAsync("/rest/api/content", PageBody(spaceKey, title, storage, ancestor))).Expect(200);

    private async Task<string> CreatePage(string spaceKey, string title, string storage, string? ancestor = null) =>
        Str((await CreatePageResponse(spaceKey, title, storage, ancestor)).Json, "id");

    private Task<ConformanceResponse> Update(string id, string title, string storage, int number, string? ancestor = null)
    {
        var body = new JsonObject
        {
            ["id"] = id,
            ["type"] = "page",
            ["title"] = title,
            ["body"] = new JsonObject { ["storage"] = new JsonObject { ["value"] = storage, ["representation"] = "storage" } },
            ["version"] = new JsonObject { ["number"] = number },
        };
        if (ancestor is not null)
        {
            body["ancestors"] = new JsonArray(new JsonObject { ["id"] = ancestor });
        }

        return Client.PutJsonAsync($"/rest/api/content/{id}", body);
    }

    /// <summary>A page in a new space whose update restriction names another user only; returns its id.</summary>
    private async Task<string> RestrictUpdatesToSomeoneElse(string spaceKey)
    {
        await CreateSpace(spaceKey);
        var id = await CreatePage(spaceKey, "Locked", "<p>v1</p>");
        var other = Emulator.State.AddUser("Only Editor", spaceKey.ToLowerInvariant() + "@example.com");
        (await Client.PutJsonAsync($"/rest/api/content/{id}/restriction", new JsonArray(new JsonObject
        {
            ["operation"] = "update",
            ["restrictions"] = new JsonObject { ["user"] = new JsonArray(new JsonObject { ["type"] = "known", ["userKey"] = other.UserKey }) },
        }))).Expect(200);
        return id;
    }

    private async Task<List<string>> ListIds(string spaceKey) =>
        Results((await Client.GetAsync($"/rest/api/content?spaceKey={spaceKey}&type=page&limit=200")).Expect(200)).Select(p => Str(p, "id")).ToList();

    private HttpRequestMessage Upload(string path, string fileName, byte[] bytes, string? xsrfToken)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        var request = new HttpRequestMessage(HttpMethod.Post, Client.Url(path)) { Content = form };
        if (xsrfToken is not null)
        {
            request.Headers.Add("X-Atlassian-Token", xsrfToken);
        }

        return request;
    }

    /// <summary>Follows offset paging (`_links.next`, relative to `_links.base`) to the end.</summary>
    private async Task<List<JsonNode>> FollowOffsetPages(string firstPath, int expectedPages)
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
            var links = response.Json["_links"];
            var next = links?["next"]?.GetValue<string>();
            if (next is null)
            {
                break;
            }

            url = new Uri(Str(links, "base") + next);
        }

        Assert.Equal(expectedPages, requests);
        return all;
    }

    /// <summary>A second emulator of the same variant with a seeded space (realistic tree, several authors, labels).</summary>
    private async Task<SeededSite> StartSeeded(string key, int pages)
    {
        var emulator = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            Flavor = EmulatorFlavor.DataCenter,
            ContextPath = ContextPath,
            SeedSpace = key,
            SeedPages = pages,
            Seed = 11,
        });
        return new SeededSite(emulator, new ConformanceClient(EmulatorFlavor.DataCenter, emulator.BaseUrl));
    }

    private sealed record SeededSite(RunningEmulator Emulator, ConformanceClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Emulator.DisposeAsync();
        }
    }
}
