using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SpaceSync.Emulator.Faults;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Faults;

/// <summary>
/// The two knobs for races a sync engine must survive: <c>hold</c> (the work is done, the answer waits — a client
/// that dies meanwhile leaves the effect behind) and concurrent edits (another user's version lands between a
/// client's read and its write). Both are driven through the control endpoint, as the Pester scenarios drive them.
/// </summary>
public sealed class HoldAndConcurrentEditTests
{
    [Fact]
    public async Task A_held_create_is_in_the_store_although_the_client_gave_up_waiting()
    {
        await using var emulator = await StartAsync(EmulatorFlavor.Cloud);
        using var control = Control(emulator);
        using var client = new ConformanceClient(EmulatorFlavor.Cloud, emulator.BaseUrl, recordExercised: false);
        var space = emulator.State.FindSpaceByKey("ENG")!;
        var before = emulator.State.GetPages("ENG").Count;

        (await control.PutAsJsonAsync("/__emulator/faults", new { hold = new { method = "post", pathPrefix = "/wiki/api/v2/pages", ms = 60_000 } })).EnsureSuccessStatusCode();
        var request = new HttpRequestMessage(HttpMethod.Post, client.Url("/api/v2/pages"))
        {
            Content = JsonContent.Create(new { spaceId = space.Id.ToString(), status = "current", title = "Held create", body = new { representation = "storage", value = "<p>x</p>" } }),
        };
        request.Headers.Authorization = client.DefaultAuthorization;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => http.SendAsync(request));

        Assert.Single(emulator.State.GetPages("ENG"), p => p.Title == "Held create");
        Assert.Equal(before + 1, emulator.State.GetPages("ENG").Count);
        var stats = await control.GetFromJsonAsync<JsonObject>("/__emulator/stats");
        Assert.Equal(1, stats!["held"]!.GetValue<long>());
        Assert.Equal(1, stats["byRoute"]!["POST /wiki/api/v2/pages"]!.GetValue<long>());

        // Off again: the next create answers at once, and reads were never held.
        (await control.PutAsJsonAsync("/__emulator/faults", new { })).EnsureSuccessStatusCode();
        var watch = Stopwatch.StartNew();
        (await client.PostJsonAsync("/api/v2/pages", new { spaceId = space.Id.ToString(), status = "current", title = "Prompt", body = new { representation = "storage", value = "<p>y</p>" } })).Expect(200);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the create took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_held_answer_arrives_whole_after_the_hold_and_only_for_matching_requests()
    {
        await using var emulator = await StartAsync(EmulatorFlavor.DataCenter, "/confluence");
        using var control = Control(emulator);
        using var client = new ConformanceClient(EmulatorFlavor.DataCenter, emulator.BaseUrl, recordExercised: false);
        (await control.PutAsJsonAsync("/__emulator/faults", new { hold = new { method = "GET", pathPrefix = "/confluence/rest/api/space", ms = 400 } })).EnsureSuccessStatusCode();

        var watch = Stopwatch.StartNew();
        var held = (await client.GetAsync("/rest/api/space/ENG")).Expect(200).Json;
        // A lower bound only, with timer slack: the emulator's 400 ms delay may end a tick before this stopwatch's 400
        // (one run measured 399 ms). An answer that was not held at all comes back in a few milliseconds.
        Assert.True(watch.ElapsedMilliseconds >= 380, $"answered after {watch.ElapsedMilliseconds} ms");
        Assert.Equal("ENG", held["key"]!.GetValue<string>());

        // Another path is not held: the emulator's own count says so (a stopwatch would flake on a loaded machine).
        (await client.GetAsync("/rest/api/content?spaceKey=ENG&limit=1")).Expect(200);
        var stats = await control.GetFromJsonAsync<JsonObject>("/__emulator/stats");
        Assert.Equal(1, stats!["held"]!.GetValue<long>());

        var settings = await control.GetFromJsonAsync<JsonObject>("/__emulator/faults");
        Assert.Equal(400, settings!["hold"]!["ms"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_silent_hold_accepts_and_never_answers_nor_does_the_work()
    {
        await using var emulator = await StartAsync(EmulatorFlavor.Cloud);
        using var control = Control(emulator);
        using var client = new ConformanceClient(EmulatorFlavor.Cloud, emulator.BaseUrl, recordExercised: false);
        var space = emulator.State.FindSpaceByKey("ENG")!;
        var before = emulator.State.GetPages("ENG").Count;
        (await control.PutAsJsonAsync("/__emulator/faults", new { hold = new { method = "*", pathPrefix = "/wiki/", mode = "silent" } })).EnsureSuccessStatusCode();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
        {
            var request = new HttpRequestMessage(method, client.Url("/api/v2/pages"));
            if (method == HttpMethod.Post)
                request.Content = JsonContent.Create(new { spaceId = space.Id.ToString(), status = "current", title = "Never made", body = new { representation = "storage", value = "<p>x</p>" } });
            request.Headers.Authorization = client.DefaultAuthorization;
            // Not even the headers come: the client's own timeout is all that ends it.
            await Assert.ThrowsAnyAsync<TaskCanceledException>(() => http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead));
        }

        Assert.Equal(before, emulator.State.GetPages("ENG").Count);
        var stats = await control.GetFromJsonAsync<JsonObject>("/__emulator/stats");
        Assert.Equal(2, stats!["held"]!.GetValue<long>());
        var settings = await control.GetFromJsonAsync<JsonObject>("/__emulator/faults");
        Assert.Equal("silent", settings!["hold"]!["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_stallBody_hold_sends_the_headers_and_part_of_the_body_then_nothing()
    {
        await using var emulator = await StartAsync(EmulatorFlavor.DataCenter, "/confluence");
        using var control = Control(emulator);
        using var client = new ConformanceClient(EmulatorFlavor.DataCenter, emulator.BaseUrl, recordExercised: false);
        (await control.PutAsJsonAsync("/__emulator/faults", new { hold = new { method = "GET", pathPrefix = "/confluence/rest/api/space", mode = "stallBody" } })).EnsureSuccessStatusCode();

        var request = new HttpRequestMessage(HttpMethod.Get, client.Url("/rest/api/space/ENG"));
        request.Headers.Authorization = client.DefaultAuthorization;
        using var http = new HttpClient();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var announced = response.Content.Headers.ContentLength!.Value;
        var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[announced];
        var read = 0;
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            while (true)
            {
                var n = await body.ReadAsync(buffer.AsMemory(read), patience.Token);
                if (n == 0) break;
                read += n;
            }
        });
        Assert.InRange(read, 1, announced - 1);
    }

    [Theory]
    [InlineData("{\"hold\":{\"method\":\"\",\"pathPrefix\":\"/wiki\",\"ms\":10}}")]
    [InlineData("{\"hold\":{\"method\":\"POST\",\"pathPrefix\":\"wiki\",\"ms\":10}}")]
    [InlineData("{\"hold\":{\"method\":\"POST\",\"pathPrefix\":\"/wiki\",\"ms\":0}}")]
    [InlineData("{\"hold\":{\"method\":\"POST\",\"pathPrefix\":\"/wiki\",\"mode\":\"forever\"}}")]
    public async Task A_hold_without_method_absolute_path_or_duration_is_refused(string json)
    {
        await using var emulator = await StartAsync(EmulatorFlavor.Cloud);
        using var control = Control(emulator);
        var answer = await control.PutAsync("/__emulator/faults", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("hold needs", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(emulator.Faults.Settings.Hold);
    }

    [Fact]
    public async Task Cloud_a_concurrent_edit_lands_before_the_next_put_which_then_meets_409()
    {
        await using var emulator = await StartAsync(EmulatorFlavor.Cloud);
        using var control = Control(emulator);
        using var client = new ConformanceClient(EmulatorFlavor.Cloud, emulator.BaseUrl, recordExercised: false);
        var page = emulator.State.GetPages("ENG").First(p => p.ParentId != null && !p.IsBlogPost);
        var read = (await client.GetAsync($"/api/v2/pages/{page.Id}?body-format=storage")).Expect(200).Json;
        var version = read["version"]!["number"]!.GetValue<int>();
        var statsBefore = emulator.State.Stats.Total;

        var armed = await control.PostAsJsonAsync("/__emulator/concurrent-edits", new { pageId = page.Id.ToString(), body = "<p>Bob got there first.</p>", user = "bob@example.com" });
        Assert.Equal(HttpStatusCode.Created, armed.StatusCode);
        Assert.Equal(statsBefore, emulator.State.Stats.Total);   // control calls are not counted
        Assert.Equal(version, emulator.State.FindPage(page.Id)!.Current.Number);   // armed, not applied yet

        // A read does not trigger it; the write does, and meets the other user's version.
        (await client.GetAsync($"/api/v2/pages/{page.Id}")).Expect(200);
        var put = new { id = page.Id.ToString(), status = "current", title = read["title"]!.GetValue<string>(), body = new { representation = "storage", value = "<p>Mine.</p>" }, version = new { number = version + 1 } };
        (await client.PutJsonAsync($"/api/v2/pages/{page.Id}", put)).Expect(409);

        var now = emulator.State.FindPage(page.Id)!;
        Assert.Equal(version + 1, now.Current.Number);
        // made in Cloud's editor: stored in its form, like any Cloud write
        Assert.Matches("^<p local-id=\"[0-9a-f]{12}\">Bob got there first.</p>$", now.Current.Body);
        Assert.Equal("bob@example.com", now.Current.Author.Email);
        var versions = (await client.GetAsync($"/api/v2/pages/{page.Id}/versions")).Expect(200).Json["results"]!.AsArray();
        Assert.Contains(versions, v => v!["message"]?.GetValue<string>() == "Edited by Bob Brandt while a sync ran");

        var report = await control.GetFromJsonAsync<JsonObject>("/__emulator/concurrent-edits");
        Assert.Empty(report!["pending"]!.AsArray());
        var applied = Assert.Single(report["applied"]!.AsArray())!;
        Assert.Equal(version + 1, applied["version"]!.GetValue<int>());

        // Used up: a write planned against the new version goes through.
        (await client.PutJsonAsync($"/api/v2/pages/{page.Id}", put with { version = new { number = version + 2 } })).Expect(200);
        Assert.Matches("^<p local-id=\"[0-9a-f]{12}\">Mine.</p>$", emulator.State.FindPage(page.Id)!.Current.Body);
    }

    [Fact]
    public async Task Data_center_a_concurrent_edit_with_a_new_title_lands_before_the_next_put_which_then_meets_409()
    {
        await using var emulator = await StartAsync(EmulatorFlavor.DataCenter, "/confluence");
        using var control = Control(emulator);
        using var client = new ConformanceClient(EmulatorFlavor.DataCenter, emulator.BaseUrl, recordExercised: false);
        var page = emulator.State.GetPages("ENG").First(p => p.ParentId != null && !p.IsBlogPost);
        var version = page.Current.Number;

        (await control.PostAsJsonAsync("/__emulator/concurrent-edits", new { pageId = page.Id, title = "Renamed by Chen", body = "<p>Chen's text.</p>", user = "chen@example.com" })).EnsureSuccessStatusCode();
        var put = new { id = page.Id.ToString(), type = "page", title = page.Title, space = new { key = "ENG" }, body = new { storage = new { value = "<p>Mine.</p>", representation = "storage" } }, version = new { number = version + 1 } };
        (await client.PutJsonAsync($"/rest/api/content/{page.Id}", put)).Expect(409);

        var now = emulator.State.FindPage(page.Id)!;
        Assert.Equal(version + 1, now.Current.Number);
        Assert.Equal("Renamed by Chen", now.Current.Title);
        Assert.Equal("<p>Chen's text.</p>", now.Current.Body);
        // The version before the concurrent edit is still in the history.
        var old = (await client.GetAsync($"/rest/api/content/{page.Id}?status=historical&version={version}&expand=body.storage")).Expect(200).Json;
        Assert.Equal(page.Versions.First(v => v.Number == version).Body, old["body"]!["storage"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_concurrent_edit_for_a_missing_page_or_an_unknown_user_is_refused_and_clear_disarms()
    {
        await using var emulator = await StartAsync(EmulatorFlavor.Cloud);
        using var control = Control(emulator);
        var page = emulator.State.GetPages("ENG").First(p => p.ParentId != null && !p.IsBlogPost);

        Assert.Equal(HttpStatusCode.NotFound, (await control.PostAsJsonAsync("/__emulator/concurrent-edits", new { pageId = "999999", body = "<p>x</p>" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await control.PostAsJsonAsync("/__emulator/concurrent-edits", new { pageId = page.Id.ToString(), body = "<p>x</p>", user = "nobody@example.com" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await control.PostAsJsonAsync("/__emulator/concurrent-edits", new { pageId = page.Id.ToString() })).StatusCode);

        (await control.PostAsJsonAsync("/__emulator/concurrent-edits", new { pageId = page.Id.ToString(), body = "<p>x</p>" })).EnsureSuccessStatusCode();
        Assert.Single(emulator.ConcurrentEdits.Pending);
        Assert.Equal(HttpStatusCode.NoContent, (await control.DeleteAsync("/__emulator/concurrent-edits")).StatusCode);
        Assert.Empty(emulator.ConcurrentEdits.Pending);
    }

    private static Task<RunningEmulator> StartAsync(EmulatorFlavor flavor, string contextPath = "") =>
        EmulatorHost.StartAsync(new EmulatorOptions { Flavor = flavor, ContextPath = contextPath, SeedSpace = "ENG", SeedPages = 5, Seed = 3 });

    /// <summary>A client for the control endpoint at the emulator's origin (no auth).</summary>
    private static HttpClient Control(RunningEmulator emulator) =>
        new() { BaseAddress = new Uri(emulator.BaseUrl.GetLeftPart(UriPartial.Authority)) };
}
