using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Cloud;

/// <summary>
/// Cloud REST v1 (/wiki/rest/api), the operations v2 lacks: CQL search, labels, attachments, users, restrictions.
/// Content is created through v2, as a Cloud client does.
/// </summary>
public sealed class CloudV1Tests : SiteTest
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.Cloud;

    [Fact]
    public async Task Current_user_is_found_by_account_id_and_has_an_email()
    {
        var me = (await Client.GetAsync("/rest/api/user/current")).Expect(200).Json;
        var accountId = Str(me, "accountId");
        Assert.Equal("admin@example.com", Str(me, "email"));

        var byId = (await Client.GetAsync($"/rest/api/user?accountId={Uri.EscapeDataString(accountId)}")).Expect(200).Json;
        Assert.Equal(Str(me, "displayName"), Str(byId, "displayName"));

        (await Client.GetAsync("/rest/api/user?accountId=no-such-account")).Expect(404);
    }

    [Fact]
    public async Task The_email_api_refuses_an_api_token_caller_with_400_as_for_any_app_atlassian_did_not_approve()
    {
        var accountId = Str((await Client.GetAsync("/rest/api/user/current")).Expect(200).Json, "accountId");

        foreach (var path in new[] { $"/rest/api/user/email?accountId={accountId}", $"/rest/api/user/email/bulk?accountId={accountId}" })
        {
            var refused = (await Client.GetAsync(path)).Expect(400);
            Assert.Contains("only available to apps approved by Atlassian", Str(refused.Json, "message"));
            Assert.Equal(400, Int(refused.Json, "statusCode"));
        }
    }

    [Fact]
    public async Task Seeding_hides_some_cloud_users_emails_which_user_objects_then_carry_as_empty_strings()
    {
        Seeding.Seeder.Seed(Emulator.State, "SEED", pageCount: 2, seed: 1, extraPeople: 6);

        var everyone = Results((await Client.GetAsync("/rest/api/search/user?cql=" + Uri.EscapeDataString("type=user") + "&limit=100")).Expect(200))
            .Select(r => r?["user"]).ToList();
        var blank = everyone.Where(u => Str(u, "email") == "").Select(u => Str(u, "displayName")).Order().ToList();
        Assert.Equal(new[] { "Dana Díaz", "Person 06", "Person 09" }, blank);
        Assert.Equal("alice@example.com", Str(everyone.Single(u => Str(u, "displayName") == "Alice Anders"), "email"));
        var dana = Emulator.State.FindUserByEmail("dana@example.com")!;
        Assert.Equal("", Str((await Client.GetAsync($"/rest/api/user?accountId={dana.AccountId}")).Expect(200).Json, "email"));
    }

    [Fact]
    public async Task Users_are_searched_by_cql_and_read_in_bulk_for_user_mapping()
    {
        var alice = Emulator.State.AddUser("Alice Example", "alice@example.com");
        var bob = Emulator.State.AddUser("Bob Example", "bob@example.com");

        var found = Results((await Client.GetAsync("/rest/api/search/user?cql=" + Uri.EscapeDataString("type = user and user.fullname ~ \"Alice\""))).Expect(200));
        var hit = Assert.Single(found)!;
        Assert.Equal(alice.AccountId, Str(hit["user"], "accountId"));

        var everyone = Results((await Client.GetAsync("/rest/api/search/user?cql=" + Uri.EscapeDataString("type = user") + "&limit=100")).Expect(200));
        Assert.True(everyone.Count >= 3, "admin, Alice and Bob are users");
        AssertNoDuplicates(everyone.Select(u => Str(u?["user"], "accountId")).ToList(), "user search");

        var bulk = Results((await Client.GetAsync($"/rest/api/user/bulk?accountId={Uri.EscapeDataString(alice.AccountId)}&accountId={Uri.EscapeDataString(bob.AccountId)}")).Expect(200));
        Assert.Equal(new[] { "alice@example.com", "bob@example.com" }, bulk.Select(u => Str(u, "email")).Order());
        (await Client.GetAsync("/rest/api/search/user?cql=" + Uri.EscapeDataString("not cql (("))).Expect(400);
    }

    [Fact]
    public async Task The_control_endpoint_adds_a_user_whose_profile_hides_the_email()
    {
        using var control = new HttpClient { BaseAddress = new Uri(Emulator.BaseUrl.GetLeftPart(UriPartial.Authority)) };
        var added = await control.PostAsync("/__emulator/users", new StringContent(
            """{"displayName":"Erin Quiet","email":"erin@example.com","emailHidden":true}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Created, added.StatusCode);
        var accountId = Str(JsonNode.Parse(await added.Content.ReadAsStringAsync()), "accountId");

        Assert.Equal("", Str((await Client.GetAsync($"/rest/api/user?accountId={accountId}")).Expect(200).Json, "email"));
        var bad = await control.PostAsync("/__emulator/users", new StringContent(
            """{"displayName":"Odd","email":"odd@example.com","emailHidden":"yes"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Null(Emulator.State.FindUserByEmail("odd@example.com"));
    }

    [Fact]
    public async Task Hidden_emails_are_blank_in_user_objects_and_only_the_email_api_tells_them_an_approved_app()
    {
        var alice = Emulator.State.AddUser("Alice Example", "alice@example.com");
        var bob = Emulator.State.AddUser("Bob Example", "bob@example.com");
        Emulator.State.HideEmail(bob);
        Emulator.State.EmailApiApproved = true; // the knob: an app Atlassian approved for e-mail access

        var everyone = Results((await Client.GetAsync("/rest/api/search/user?cql=" + Uri.EscapeDataString("type=user") + "&limit=100")).Expect(200));
        Assert.Equal("alice@example.com", Str(everyone.Single(u => Str(u?["user"], "accountId") == alice.AccountId)?["user"], "email"));
        Assert.Equal("", Str(everyone.Single(u => Str(u?["user"], "accountId") == bob.AccountId)?["user"], "email"));
        Assert.Equal("", Str((await Client.GetAsync($"/rest/api/user?accountId={bob.AccountId}")).Expect(200).Json, "email"));

        // Comma-separated (the document's form/explode=false); an unknown account is left out.
        var bulk = (await Client.GetAsync($"/rest/api/user/email/bulk?accountId={alice.AccountId},{bob.AccountId},no-such-account")).Expect(200).Json;
        var records = Assert.IsType<JsonArray>(bulk);
        Assert.Equal(new[] { "alice@example.com", "bob@example.com" }, records.Select(r => Str(r, "email")).Order());
        Assert.Equal("bob@example.com", Str((await Client.GetAsync($"/rest/api/user/email?accountId={bob.AccountId}")).Expect(200).Json, "email"));

        Emulator.State.EmailApiApproved = false;
        (await Client.GetAsync($"/rest/api/user/email/bulk?accountId={bob.AccountId}")).Expect(400);
        (await Client.GetAsync($"/rest/api/user/email?accountId={bob.AccountId}")).Expect(400);
        (await Client.GetAsync("/rest/api/user/email/bulk")).Expect(400);
    }

    [Fact]
    public async Task Cql_lastmodified_reads_minutes_in_the_callers_time_zone()
    {
        var space = await CreateSpace("CQ");
        var id = await CreatePage(space, "Searchable");
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Str((await Client.GetAsync("/rest/api/user/current")).Json, "timeZone"));
        var now = DateTimeOffset.UtcNow;

        string Local(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy/MM/dd HH:mm", CultureInfo.InvariantCulture);

        var since = await Search($"space = CQ and lastmodified >= \"{Local(now.AddMinutes(-2))}\"");
        Assert.Contains(since, r => Str(r?["content"], "id") == id);

        var future = await Search($"space = CQ and lastmodified >= \"{Local(now.AddMinutes(30))}\"");
        Assert.DoesNotContain(future, r => Str(r?["content"], "id") == id);

        // The same instant written in UTC instead of the caller's zone means another instant; only a zone ahead of UTC
        // turns "UTC now + 30 min" into a past time, so this part applies when the admin's zone is ahead right now.
        if (zone.GetUtcOffset(now) >= TimeSpan.FromHours(1))
        {
            var utcText = now.AddMinutes(30).UtcDateTime.ToString("yyyy/MM/dd HH:mm", CultureInfo.InvariantCulture);
            var readAsLocal = await Search($"space = CQ and lastmodified >= \"{utcText}\"");
            Assert.Contains(readAsLocal, r => Str(r?["content"], "id") == id);
        }
    }

    [Fact]
    public async Task Cql_lastmodified_compares_minutes_in_the_callers_zone()
    {
        Assert.Equal("Europe/Berlin", Str((await Client.GetAsync("/rest/api/user/current")).Expect(200).Json, "timeZone"));
        var space = await CreateSpace("LM");
        Emulator.State.Clock = new FixedClock(LastModifiedInstant);
        var id = await CreatePage(space, "Stamped");
        var failures = new List<string>();
        foreach (var (clause, finds) in LastModifiedCases)
        {
            var hits = await Search($"space = LM and type = page and {clause}");
            if (hits.Any(h => Str(h?["content"], "id") == id) != finds)
            {
                failures.Add($"{clause}: expected {(finds ? "a hit" : "no hit")}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task Search_results_and_v2_pages_agree_on_id_title_version_and_time()
    {
        var space = await CreateSpace("AG");
        var id = await CreatePage(space, "Agreed");
        var edited = (await Client.PutJsonAsync($"/api/v2/pages/{id}", new
        {
            id,
            status = "current",
            title = "Agreed, edited",
            body = new { representation = "storage", value = "<p>2</p>" },
            version = new { number = 2 },
        })).Expect(200).Json;

        var hit = Assert.Single(await Search("space = AG and title ~ \"edited\"", expand: "content.version"))?["content"];
        Assert.Equal(id, Str(hit, "id"));
        Assert.Equal("Agreed, edited", Str(hit, "title"));
        Assert.Equal(2, Int(hit?["version"], "number"));
        Assert.Equal(
            DateTimeOffset.Parse(Str(edited["version"], "createdAt"), CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(Str(hit?["version"], "when"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Content_search_pages_by_cursor_links_relative_to_base()
    {
        var space = await CreateSpace("CS");
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(await CreatePage(space, "Hit " + i));
        }

        var seen = new List<string>();
        var url = Client.Url("/rest/api/content/search?cql=" + Uri.EscapeDataString("space = CS and type = page and title ~ \"Hit\"") + "&limit=3");
        for (var round = 0; ; round++)
        {
            Assert.True(round < 10, "search paging does not end");
            var response = (await Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, url))).Expect(200);
            seen.AddRange(Results(response).Select(r => Str(r, "id")));
            var links = response.Json["_links"]!;
            var next = links["next"]?.GetValue<string>();
            if (next is null)
            {
                break;
            }

            Assert.Contains("cursor=", next, StringComparison.Ordinal);
            url = new Uri(Str(links, "base") + next);
        }

        AssertNoDuplicates(seen, "content search");
        Assert.Equal(ids.Order(), seen.Order());
    }

    [Fact]
    public async Task Labels_are_added_read_and_removed()
    {
        var space = await CreateSpace("LA");
        var id = await CreatePage(space, "Labelled");

        var added = (await Client.PostJsonAsync($"/rest/api/content/{id}/label", new[] { new { prefix = "global", name = "one" }, new { prefix = "global", name = "two" } })).Expect(200);
        Assert.Equal(new[] { "one", "two" }, Results(added).Select(l => Str(l, "name")).Order());

        var read = Results((await Client.GetAsync($"/rest/api/content/{id}/label")).Expect(200));
        Assert.Equal(2, read.Count);
        Assert.All(read, l => Str(l, "id"));

        (await Client.DeleteAsync($"/rest/api/content/{id}/label/one")).Expect(204);
        (await Client.DeleteAsync($"/rest/api/content/{id}/label?name=two")).Expect(204);
        Assert.Empty(Results((await Client.GetAsync($"/rest/api/content/{id}/label")).Expect(200)));
        (await Client.GetAsync("/rest/api/content/999999/label")).Expect(404);
    }

    [Fact]
    public async Task Attachments_upload_new_version_list_and_download_the_same_bytes()
    {
        var space = await CreateSpace("AT");
        var id = await CreatePage(space, "With files");
        var first = "first version\n"u8.ToArray();
        var second = new byte[3000];
        new Random(7).NextBytes(second);

        var uploaded = (await Client.SendAsync(Upload($"/rest/api/content/{id}/child/attachment", "report.bin", first, "no-check"))).Expect(200);
        var attachment = Assert.Single(Results(uploaded))!;
        var attachmentId = Str(attachment, "id");
        Assert.Equal("report.bin", Str(attachment, "title"));

        // "nocheck" is accepted as well; a second file with the same name is refused.
        (await Client.SendAsync(Upload($"/rest/api/content/{id}/child/attachment", "report.bin", first, "nocheck"))).Expect(400);

        var updated = (await Client.SendAsync(Upload($"/rest/api/content/{id}/child/attachment/{attachmentId}/data", "report.bin", second, "no-check"))).Expect(200).Json;
        Assert.Equal(attachmentId, Str(updated, "id"));
        Assert.Equal(2, Int(updated["version"], "number"));

        var listed = Results((await Client.GetAsync($"/rest/api/content/{id}/child/attachment?expand=version")).Expect(200));
        var item = Assert.Single(listed)!;
        Assert.Equal(2, Int(item["version"], "number"));
        Assert.Equal(second, await Download(item, id));

        // Earlier versions stay downloadable (a syncer copies attachment history).
        Assert.Contains("version=2", Str(item["_links"], "download"), StringComparison.Ordinal);
        Assert.Equal(first, await Download(item, id, version: 1));

        var v2List = Results((await Client.GetAsync($"/api/v2/pages/{id}/attachments")).Expect(200));
        Assert.Equal(attachmentId, Str(Assert.Single(v2List), "id"));
    }

    [Fact]
    public async Task Attachment_lists_use_their_default_page_sizes_and_page_without_gaps()
    {
        var space = await CreateSpace("AL");
        var id = await CreatePage(space, "Many files");
        var form = new MultipartFormDataContent();
        for (var i = 0; i < 55; i++)
        {
            form.Add(new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes("file " + i)), "file", $"f{i:D2}.txt");
        }

        var upload = new HttpRequestMessage(HttpMethod.Post, Client.Url($"/rest/api/content/{id}/child/attachment")) { Content = form };
        upload.Headers.Add("X-Atlassian-Token", "no-check");
        Assert.Equal(55, Results((await Client.SendAsync(upload)).Expect(200)).Count);

        // v2: default limit 50, cursor paging.
        var first = (await Client.GetAsync($"/api/v2/pages/{id}/attachments")).Expect(200).Json;
        Assert.Equal(50, first["results"]!.AsArray().Count);
        var next = Str(first["_links"], "next");
        var second = (await Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(Client.SiteBase, next)))).Expect(200).Json;
        Assert.Equal(5, second["results"]!.AsArray().Count);
        Assert.Null(second["_links"]?["next"]);
        var v2Ids = first["results"]!.AsArray().Concat(second["results"]!.AsArray()).Select(a => Str(a, "id")).ToList();
        AssertNoDuplicates(v2Ids, "v2 attachments");

        // v1: default limit 25, offset paging relative to _links.base.
        var v1Ids = new List<string>();
        var url = Client.Url($"/rest/api/content/{id}/child/attachment");
        for (var round = 0; ; round++)
        {
            Assert.True(round < 5, "v1 attachment paging does not end");
            var page = (await Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, url))).Expect(200).Json;
            var results = page["results"]!.AsArray();
            Assert.Equal(round < 2 ? 25 : 5, results.Count);
            v1Ids.AddRange(results.Select(a => Str(a, "id")));
            var link = page["_links"]?["next"]?.GetValue<string>();
            if (link is null)
            {
                break;
            }

            url = new Uri(Str(page["_links"], "base") + link);
        }

        AssertNoDuplicates(v1Ids, "v1 attachments");
        Assert.Equal(v2Ids.Order(), v1Ids.Order());
    }

    [Fact]
    public async Task Attachments_above_the_size_limit_are_refused_with_413_naming_the_file_and_nothing_is_stored()
    {
        var space = await CreateSpace("SZ");
        var id = await CreatePage(space, "Sized");
        Emulator.State.MaxAttachmentBytes = 1000;
        var fits = new byte[1000];
        var tooBig = new byte[1001];

        var refused = (await Client.SendAsync(Upload($"/rest/api/content/{id}/child/attachment", "big.bin", tooBig, "no-check"))).Expect(413).Json;
        Assert.Equal(413, Int(refused, "statusCode"));
        Assert.Contains("'big.bin'", Str(refused, "message"), StringComparison.Ordinal);
        Assert.Contains("1001 bytes", Str(refused, "message"), StringComparison.Ordinal);
        Assert.Contains("1000 bytes", Str(refused, "message"), StringComparison.Ordinal);
        Assert.Empty(Results((await Client.GetAsync($"/rest/api/content/{id}/child/attachment")).Expect(200)));

        var created = Assert.Single(Results((await Client.SendAsync(Upload($"/rest/api/content/{id}/child/attachment", "big.bin", fits, "no-check"))).Expect(200)))!;
        var attachmentId = Str(created, "id");

        // A new version above the limit is refused the same way; the attachment stays at version 1.
        (await Client.SendAsync(Upload($"/rest/api/content/{id}/child/attachment/{attachmentId}/data", "big.bin", tooBig, "no-check"))).Expect(413);
        var listed = Assert.Single(Results((await Client.GetAsync($"/api/v2/pages/{id}/attachments")).Expect(200)))!;
        Assert.Equal(1, Int(listed["version"], "number"));
        Assert.Equal(1000, Int(listed, "fileSize"));
    }

    [Fact]
    public async Task Attachment_upload_without_the_xsrf_header_is_refused_with_403()
    {
        var space = await CreateSpace("XS");
        var id = await CreatePage(space, "Guarded");
        var refused = (await Client.SendAsync(Upload($"/rest/api/content/{id}/child/attachment", "a.txt", "x"u8.ToArray(), xsrfToken: null))).Expect(403);
        Assert.Contains("XSRF check failed", refused.Body, StringComparison.Ordinal);
        Assert.Empty(Results((await Client.GetAsync($"/rest/api/content/{id}/child/attachment")).Expect(200)));
    }

    [Fact]
    public async Task Restrictions_read_as_empty_for_an_unrestricted_page()
    {
        var space = await CreateSpace("RS");
        var id = await CreatePage(space, "Open");
        var all = Results((await Client.GetAsync($"/rest/api/content/{id}/restriction")).Expect(200));
        Assert.Equal(new[] { "read", "update" }, all.Select(r => Str(r, "operation")).Order());

        var byOperation = (await Client.GetAsync($"/rest/api/content/{id}/restriction/byOperation")).Expect(200).Json;
        Assert.Equal(0, Int(byOperation["read"]?["restrictions"]?["user"], "size"));
        Assert.Equal(0, Int(byOperation["update"]?["restrictions"]?["group"], "size"));
    }

    [Fact]
    public async Task Restrictions_are_written_read_per_operation_and_cleared()
    {
        var space = await CreateSpace("RW");
        var id = await CreatePage(space, "Secret");
        var accountId = Str((await Client.GetAsync("/rest/api/user/current")).Json, "accountId");
        var userQuery = "?accountId=" + Uri.EscapeDataString(accountId);

        var put = new JsonArray(new JsonObject
        {
            ["operation"] = "update",
            ["restrictions"] = new JsonObject { ["user"] = new JsonArray(new JsonObject { ["type"] = "known", ["accountId"] = accountId }), ["group"] = new JsonArray() },
        });
        var replaced = Results((await Client.PutJsonAsync($"/rest/api/content/{id}/restriction", put)).Expect(200));
        Assert.Equal(1, Int(replaced.Single(r => Str(r, "operation") == "update")?["restrictions"]?["user"], "size"));

        var post = new JsonArray(new JsonObject
        {
            ["operation"] = "read",
            ["restrictions"] = new JsonObject { ["group"] = new JsonArray(new JsonObject { ["type"] = "group", ["name"] = "confluence-users" }) },
        });
        var added = Results((await Client.PostJsonAsync($"/rest/api/content/{id}/restriction", post)).Expect(200));
        Assert.Equal(1, Int(added.Single(r => Str(r, "operation") == "read")?["restrictions"]?["group"], "size"));
        Assert.Equal(1, Int(added.Single(r => Str(r, "operation") == "update")?["restrictions"]?["user"], "size"));

        var read = (await Client.GetAsync($"/rest/api/content/{id}/restriction/byOperation/read")).Expect(200).Json;
        Assert.Equal("confluence-users", Str(read["restrictions"]?["group"]?["results"]?[0], "name"));

        (await Client.GetAsync($"/rest/api/content/{id}/restriction/byOperation/read/user{userQuery}")).Expect(404);
        (await Client.SendAsync(HttpMethod.Put, $"/rest/api/content/{id}/restriction/byOperation/read/user{userQuery}")).Expect(200);
        (await Client.GetAsync($"/rest/api/content/{id}/restriction/byOperation/read/user{userQuery}")).Expect(200);
        (await Client.DeleteAsync($"/rest/api/content/{id}/restriction/byOperation/read/user{userQuery}")).Expect(200);
        (await Client.GetAsync($"/rest/api/content/{id}/restriction/byOperation/read/user{userQuery}")).Expect(404);

        var cleared = Results((await Client.DeleteAsync($"/rest/api/content/{id}/restriction")).Expect(200));
        Assert.All(cleared, r =>
        {
            Assert.Equal(0, Int(r?["restrictions"]?["user"], "size"));
            Assert.Equal(0, Int(r?["restrictions"]?["group"], "size"));
        });
    }

    [Fact]
    public async Task A_read_restriction_that_would_lock_out_the_caller_has_one_consistent_outcome()
    {
        var space = await CreateSpace("LO");
        var id = await CreatePage(space, "Mine");
        var other = Emulator.State.AddUser("Someone Else", "else@example.com");
        var answer = await Client.PutJsonAsync($"/rest/api/content/{id}/restriction", new JsonArray(new JsonObject
        {
            ["operation"] = "read",
            ["restrictions"] = new JsonObject { ["user"] = new JsonArray(new JsonObject { ["type"] = "known", ["accountId"] = other.AccountId }) },
        }));

        // Refused (400, nothing changed) or done (200); never "404" for a change that took effect.
        Assert.True(answer.Status is 200 or 400, $"expected 200 or 400, got {answer.Status}: {answer.Excerpt}");
        var stillVisible = (await Client.GetAsync($"/api/v2/pages/{id}")).Status == 200;
        Assert.Equal(answer.Status == 400, stillVisible);
    }

    [Fact]
    public async Task A_page_is_moved_relative_to_a_target_without_a_new_version()
    {
        var space = await CreateSpace("MO");
        var target = await CreatePage(space, "Target");
        var mover = await CreatePage(space, "Mover");

        var moved = (await Client.SendAsync(HttpMethod.Put, $"/rest/api/content/{mover}/move/append/{target}")).Expect(200).Json;
        Assert.Equal(mover, Str(moved, "pageId"));
        var page = (await Client.GetAsync($"/api/v2/pages/{mover}")).Expect(200).Json;
        Assert.Equal(target, Str(page, "parentId"));
        Assert.Equal(1, Int(page["version"], "number"));

        (await Client.SendAsync(HttpMethod.Put, $"/rest/api/content/{mover}/move/after/{target}")).Expect(200);
        page = (await Client.GetAsync($"/api/v2/pages/{mover}")).Expect(200).Json;
        Assert.Equal(Str(space, "homepageId"), Str(page, "parentId"));

        // A page cannot go below itself.
        var refused = await Client.SendAsync(HttpMethod.Put, $"/rest/api/content/{target}/move/append/{target}");
        Assert.True(refused.Status is 400 or 404, $"moving a page into itself must be refused, got {refused.Status}: {refused.Excerpt}");
    }

    [Fact]
    public async Task An_attachment_is_trashed_then_purged_through_v2()
    {
        var space = await CreateSpace("AD");
        var id = await CreatePage(space, "Files");
        var attachmentId = Str(Results((await Client.SendAsync(Upload($"/rest/api/content/{id}/child/attachment", "gone.txt", "bye"u8.ToArray(), "no-check"))).Expect(200))[0], "id");

        (await Client.DeleteAsync($"/api/v2/attachments/{attachmentId}")).Expect(204);
        Assert.Empty(Results((await Client.GetAsync($"/api/v2/pages/{id}/attachments")).Expect(200)));
        var trashed = Results((await Client.GetAsync($"/api/v2/pages/{id}/attachments?status=trashed")).Expect(200));
        Assert.Equal("trashed", Str(Assert.Single(trashed), "status"));

        (await Client.DeleteAsync($"/api/v2/attachments/{attachmentId}?purge=true")).Expect(204);
        (await Client.GetAsync($"/api/v2/attachments/{attachmentId}")).Expect(404);
        Assert.Empty(Results((await Client.GetAsync($"/api/v2/pages/{id}/attachments?status=trashed")).Expect(200)));
    }

    [Fact]
    public async Task Labels_and_attachments_on_a_page_the_caller_may_view_but_not_edit_are_refused_with_403()
    {
        var space = await CreateSpace("NE");
        var id = await CreatePage(space, "Look, do not touch");
        var other = Emulator.State.AddUser("Only Editor", "only@example.com");
        (await Client.PutJsonAsync($"/rest/api/content/{id}/restriction", new JsonArray(new JsonObject
        {
            ["operation"] = "update",
            ["restrictions"] = new JsonObject { ["user"] = new JsonArray(new JsonObject { ["type"] = "known", ["accountId"] = other.AccountId }) },
        }))).Expect(200);

        (await Client.PostJsonAsync($"/rest/api/content/{id}/label", new[] { new { prefix = "global", name = "nope" } })).Expect(403);
        (await Client.SendAsync(Upload($"/rest/api/content/{id}/child/attachment", "nope.txt", "x"u8.ToArray(), "no-check"))).Expect(403);
        Assert.Empty(Results((await Client.GetAsync($"/rest/api/content/{id}/label")).Expect(200)));
        Assert.Empty(Results((await Client.GetAsync($"/rest/api/content/{id}/child/attachment")).Expect(200)));
    }

    // ---------------------------------------------------------------- helpers

    private async Task<JsonNode> CreateSpace(string key) =>
        (await Client.PostJsonAsync("/api/v2/spaces", new { key, name = "Space " + key })).Expect(201).Json;

    private async Task<string> CreatePage(JsonNode space, string title) =>
        Str((await Client.PostJsonAsync("/api/v2/pages", new
        {
            spaceId = Str(space, "id"),
            status = "current",
            title,
            body = new { representation = "storage", value = "<p>" + title + "</p>" },
        })).Expect(200).Json, "id");

    private async Task<JsonArray> Search(string cql, string? expand = null) =>
        Results((await Client.GetAsync("/rest/api/search?cql=" + Uri.EscapeDataString(cql) + (expand is null ? "" : "&expand=" + expand))).Expect(200));

    private HttpRequestMessage Upload(string path, string fileName, byte[] bytes, string? xsrfToken)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        form.Add(new StringContent("uploaded by a test"), "comment");
        var request = new HttpRequestMessage(HttpMethod.Post, Client.Url(path)) { Content = form };
        if (xsrfToken is not null)
        {
            request.Headers.Add("X-Atlassian-Token", xsrfToken);
        }

        return request;
    }

    /// <summary>
    /// Cloud's way to the bytes: the REST download's 302, then the media host's URL fetched without credentials (the servlet
    /// in `_links.download` refuses API tokens; see Attachments/CloudDownloadTests).
    /// </summary>
    private async Task<byte[]> Download(JsonNode attachment, string pageId, int? version = null)
    {
        var redirect = (await Client.GetAsync($"/rest/api/content/{pageId}/child/attachment/{Str(attachment, "id")}/download" +
                                              (version is int v ? "?version=" + v.ToString(CultureInfo.InvariantCulture) : ""))).Expect(302);
        using var media = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var response = await media.GetAsync(redirect.Headers.Location);
        Assert.Equal(200, (int)response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
