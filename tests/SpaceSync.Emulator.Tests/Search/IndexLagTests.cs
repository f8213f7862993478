using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SpaceSync.Emulator.Store;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Search;

/// <summary>
/// The search index trails writes (docs/confluence-behaviours.md §5): a write reaches CQL search on both products, and
/// Cloud v2 listings sorted by modification date, only <see cref="EmulatorOptions.IndexLag"/> later, and then at the
/// state the content has when it is indexed; a read by id never lags. The last-modified time CQL and the modified-date
/// sort read also moves on changes that make no version (moves, restores, labels, files). Time is moved on the state's
/// clock, never slept. Every answer is validated against the documents.
/// </summary>
public abstract class IndexLagTests : SiteTest
{
    protected static readonly TimeSpan Lag = TimeSpan.FromSeconds(5);
    private const string Key = "LAG";

    protected override TimeSpan IndexLag => Lag;

    protected ManualClock Clock { get; } = new(DateTimeOffset.UtcNow);

    protected Space NewSpace()
    {
        Emulator.State.Clock = Clock;
        return Emulator.State.CreateSpace(Key, "Lagging");
    }

    private string PagePath(long id) => Flavor == EmulatorFlavor.Cloud ? $"/api/v2/pages/{id}?body-format=storage" : $"/rest/api/content/{id}?expand=body.storage,version";

    private static string Search(string cql) =>
        "/rest/api/content/search?cql=" + Uri.EscapeDataString(cql) + "&expand=version,body.storage,metadata.labels&limit=100";

    private async Task<JsonArray> HitsAsync(string cql) => Results((await Client.GetAsync(Search(cql))).Expect(200));

    private async Task<JsonNode?> HitAsync(long id) => (await HitsAsync($"id = {id}")).SingleOrDefault();

    private static IEnumerable<string> LabelsOf(JsonNode? hit) =>
        (hit?["metadata"]?["labels"]?["results"] as JsonArray ?? throw new Xunit.Sdk.XunitException("No labels expansion in the hit."))
        .Select(l => Str(l, "name"));

    protected async Task UploadAsync(long pageId, string fileName)
    {
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(new byte[12]) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } }, "file", fileName);
        var upload = new HttpRequestMessage(HttpMethod.Post, Client.Url($"/rest/api/content/{pageId}/child/attachment")) { Content = form };
        upload.Headers.Add("X-Atlassian-Token", "no-check");
        (await Client.SendAsync(upload)).Expect(200);
    }

    [Fact]
    public async Task A_write_reaches_cql_only_after_the_lag_at_the_state_indexed_then_while_a_read_by_id_never_lags()
    {
        var space = NewSpace();
        var page = Emulator.State.CreatePage(space.Id, "Fresh", "<p>one</p>", space.HomepageId);

        Assert.Null(await HitAsync(page.Id));
        (await Client.GetAsync(PagePath(page.Id))).Expect(200);
        Clock.Advance(Lag - TimeSpan.FromMilliseconds(1));
        Assert.Null(await HitAsync(page.Id));
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var first = await HitAsync(page.Id);
        Assert.Equal(1, Int(first?["version"], "number"));
        Assert.Equal("<p>one</p>", Str(first?["body"]?["storage"], "value"));

        // An edit: the index answers the version it holds until it catches up, a read by id the new one at once.
        Emulator.State.UpdatePage(page.Id, new PageUpdate(2, "Fresh, edited", "<p>two</p>"));
        var stale = await HitAsync(page.Id);
        Assert.Equal((1, "Fresh", "<p>one</p>"), (Int(stale?["version"], "number"), Str(stale, "title"), Str(stale?["body"]?["storage"], "value")));
        Assert.Equal(2, Int((await Client.GetAsync(PagePath(page.Id))).Expect(200).Json["version"], "number"));
        Assert.Empty(await HitsAsync($"space = {Key} and title = \"Fresh, edited\""));
        Clock.Advance(Lag);
        var caughtUp = await HitAsync(page.Id);
        Assert.Equal((2, "Fresh, edited", "<p>two</p>"), (Int(caughtUp?["version"], "number"), Str(caughtUp, "title"), Str(caughtUp?["body"]?["storage"], "value")));

        // Two writes within the lag: the index takes the page as it is when the first one is due, the second one with it.
        Emulator.State.UpdatePage(page.Id, new PageUpdate(3, null, "<p>three</p>"));
        Clock.Advance(TimeSpan.FromSeconds(2));
        Emulator.State.UpdatePage(page.Id, new PageUpdate(4, null, "<p>four</p>"));
        Clock.Advance(Lag - TimeSpan.FromSeconds(2));
        Assert.Equal(4, Int((await HitAsync(page.Id))?["version"], "number"));

        // A trash: still found, as current, until the index catches up; a restore likewise.
        Emulator.State.TrashPage(page.Id);
        Assert.Equal("current", Str(await HitAsync(page.Id), "status"));
        Clock.Advance(Lag);
        Assert.Null(await HitAsync(page.Id));
        Emulator.State.UpdatePage(page.Id, new PageUpdate(5, null, null, Status: "current"));
        Assert.Null(await HitAsync(page.Id));
        Clock.Advance(Lag);
        Assert.Equal(4, Int((await HitAsync(page.Id))?["version"], "number")); // a restore makes no version
    }

    /// <summary>A page in a new space, indexed: the writes that follow queue anew.</summary>
    private async Task<Page> IndexedPageAsync(string title, string body)
    {
        var space = NewSpace();
        var page = Emulator.State.CreatePage(space.Id, title, body, space.HomepageId);
        Clock.Advance(Lag);
        Assert.NotNull(await HitAsync(page.Id));
        return page;
    }

    [Fact]
    public async Task Labels_files_and_comments_reach_cql_only_after_the_lag()
    {
        var page = await IndexedPageAsync("Labelled", "<p>x</p>");

        (await Client.PostJsonAsync($"/rest/api/content/{page.Id}/label", new[] { new { prefix = "global", name = "fresh" } })).Expect(200);
        Assert.Empty(await HitsAsync("label = fresh"));
        Assert.Empty(LabelsOf(await HitAsync(page.Id)));
        await UploadAsync(page.Id, "notes.bin");
        Emulator.State.AddComment(page.Id, "<p>First!</p>");
        Assert.Empty(await HitsAsync($"type = attachment and space = {Key}"));
        Assert.Empty(await HitsAsync($"type = comment and space = {Key}"));

        Clock.Advance(Lag);
        Assert.Equal(page.Id.ToString(), Str(Assert.Single(await HitsAsync("label = fresh")), "id"));
        Assert.Equal(new[] { "fresh" }, LabelsOf(await HitAsync(page.Id)));
        Assert.Equal("notes.bin", Str(Assert.Single(await HitsAsync($"type = attachment and space = {Key}")), "title"));
        Assert.Single(await HitsAsync($"type = comment and space = {Key}"));
    }

    [Fact]
    public async Task Inline_comments_their_replies_and_resolutions_are_queued_like_footer_comments_and_the_marker_moves_no_page()
    {
        var page = await IndexedPageAsync("Highlighted", "<p>Some words to highlight.</p>");
        var lastModified = page.LastModified;
        async Task<List<string>> CommentHitsAsync() =>
            (await HitsAsync($"type = comment and space = {Key}")).Select(h => Str(h, "id")).Order().ToList();

        var thread = Emulator.State.AddInlineComment(page.Id, "words to highlight", "<p>Why?</p>");
        var reply = Emulator.State.AddComment(page.Id, "<p>Because.</p>", thread.Id);
        Assert.Empty(await CommentHitsAsync());
        // The marker makes no version and moves no last-modified time: only the two comments wait in the queue, and the
        // page's entry answers its indexed version with that version's body as stored, the marker in it.
        Assert.Equal(2, Emulator.State.IndexQueueLength);
        Assert.Equal(lastModified, page.LastModified);
        var pageHit = await HitAsync(page.Id);
        Assert.Equal(1, Int(pageHit?["version"], "number"));
        Assert.Contains($"ac:ref=\"{thread.MarkerRef}\"", Str(pageHit?["body"]?["storage"], "value"), StringComparison.Ordinal);

        Clock.Advance(Lag);
        Assert.Equal(new[] { thread.Id.ToString(), reply.Id.ToString() }.Order(), await CommentHitsAsync());

        // A resolution, and a page edit that drops the marker (which unanchors the thread), queue the thread again.
        Emulator.State.SetInlineResolution(thread.Id, resolved: true);
        Assert.Equal(1, Emulator.State.IndexQueueLength);
        Clock.Advance(Lag);
        Assert.Equal(2, (await CommentHitsAsync()).Count);
        Assert.Equal(0, Emulator.State.IndexQueueLength);
        Emulator.State.SetInlineResolution(thread.Id, resolved: false);
        Clock.Advance(Lag);
        Assert.Equal(2, (await CommentHitsAsync()).Count);
        Emulator.State.UpdatePage(page.Id, new PageUpdate(2, null, "<p>Other words.</p>"));
        Assert.Equal(2, Emulator.State.IndexQueueLength); // the page and its thread
        Assert.NotEqual("open", thread.ResolutionStatus);
    }

    public static TheoryData<string> ChangesWithoutAVersion => new() { "label", "file", "move", "restore" };

    [Theory]
    [MemberData(nameof(ChangesWithoutAVersion))]
    public async Task Last_modified_moves_on_a_change_that_makes_no_version_and_cql_orders_by_it(string change)
    {
        var (_, quiet, edited, changedAt) = await ChangedWithoutAVersionAsync(change);

        var newest = await HitsAsync($"space = {Key} and type = page order by lastmodified desc");
        Assert.Equal(quiet.Id.ToString(), Str(newest[0], "id"));
        Assert.Equal(edited.Id.ToString(), Str(newest[1], "id"));
        Assert.Equal(1, Int(newest[0]?["version"], "number"));
        Assert.True(DateTimeOffset.Parse(Str(newest[0]?["version"], "when")) < DateTimeOffset.Parse(Str(newest[1]?["version"], "when")),
            "the page moved to the top keeps its old version time");

        // A lastmodified window from the change's minute holds that page and not the edit made two minutes earlier.
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Emulator.State.Admin.TimeZone);
        var literal = TimeZoneInfo.ConvertTime(changedAt, zone).ToString("yyyy/MM/dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var window = await HitsAsync($"space = {Key} and type = page and lastmodified >= \"{literal}\"");
        Assert.Equal(new[] { quiet.Id.ToString() }, window.Select(h => Str(h, "id")));
    }

    /// <summary>
    /// A page created first ("Quiet") and one created and edited five minutes later ("Edited"); two minutes on, Quiet
    /// changes in a way that makes no version, and the index catches up.
    /// </summary>
    protected async Task<(Space Space, Page Quiet, Page Edited, DateTimeOffset ChangedAt)> ChangedWithoutAVersionAsync(string change)
    {
        var space = NewSpace();
        var parent = Emulator.State.CreatePage(space.Id, "Parent", "<p>p</p>", space.HomepageId);
        var quiet = Emulator.State.CreatePage(space.Id, "Quiet", "<p>q</p>", space.HomepageId);
        Clock.Advance(TimeSpan.FromMinutes(5));
        var edited = Emulator.State.CreatePage(space.Id, "Edited", "<p>e</p>", space.HomepageId);
        Emulator.State.UpdatePage(edited.Id, new PageUpdate(2, null, "<p>e2</p>"));
        if (change == "restore") Emulator.State.TrashPage(quiet.Id);
        Clock.Advance(TimeSpan.FromMinutes(2));
        var changedAt = Clock.GetUtcNow();
        await ChangeAsync(change, quiet, parent);
        Clock.Advance(Lag);
        return (space, quiet, edited, changedAt);
    }

    /// <summary>A change that makes no page version: a label or a file added, a move, a restore from the trash.</summary>
    private async Task ChangeAsync(string change, Page page, Page parent)
    {
        var state = Emulator.State;
        switch (change)
        {
            case "label":
                (await Client.PostJsonAsync($"/rest/api/content/{page.Id}/label", new[] { new { prefix = "global", name = "late" } })).Expect(200);
                break;
            case "file":
                await UploadAsync(page.Id, "late.bin");
                break;
            case "move":
                state.MovePage(page.Id, "append", parent.Id);
                break;
            case "restore":
                state.UpdatePage(page.Id, new PageUpdate(page.Current.Number + 1, null, null, Status: "current"));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }

        Assert.Equal(1, state.FindPage(page.Id)!.Current.Number);
    }

    /// <summary>A clock the test moves.</summary>
    protected sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset now = start;

        public void Advance(TimeSpan by) => now += by;

        public override DateTimeOffset GetUtcNow() => now;
    }
}

public sealed class CloudIndexLagTests : IndexLagTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.Cloud;

    private async Task<JsonArray> ByModifiedDateAsync(Space space) =>
        Results((await Client.GetAsync($"/api/v2/spaces/{space.Id}/pages?sort=-modified-date&body-format=storage&limit=250")).Expect(200));

    [Fact]
    public async Task The_modified_date_listing_shows_a_write_after_the_lag_at_the_state_indexed_while_the_other_listings_do_not_lag()
    {
        var space = NewSpace();
        Clock.Advance(Lag);
        var page = Emulator.State.CreatePage(space.Id, "Fresh", "<p>one</p>", space.HomepageId);

        Assert.DoesNotContain(await ByModifiedDateAsync(space), p => Str(p, "id") == page.Id.ToString());
        var byId = Results((await Client.GetAsync($"/api/v2/spaces/{space.Id}/pages?limit=250")).Expect(200));
        Assert.Contains(byId, p => Str(p, "id") == page.Id.ToString());
        Clock.Advance(Lag);
        var listed = await ByModifiedDateAsync(space);
        AssertV2Page(listed[0]);
        Assert.Equal(page.Id.ToString(), Str(listed[0], "id"));

        Emulator.State.UpdatePage(page.Id, new PageUpdate(2, null, "<p>two</p>"));
        var stale = (await ByModifiedDateAsync(space))[0];
        Assert.Equal((1, "<p>one</p>"), (Int(stale?["version"], "number"), Str(stale?["body"]?["storage"], "value")));
        Assert.Equal(2, Int((await Client.GetAsync($"/api/v2/pages/{page.Id}")).Expect(200).Json["version"], "number"));
        Clock.Advance(Lag);
        Assert.Equal(2, Int((await ByModifiedDateAsync(space))[0]?["version"], "number"));
    }

    [Theory]
    [MemberData(nameof(ChangesWithoutAVersion))]
    public async Task The_modified_date_sort_moves_a_page_changed_without_a_version_above_newer_versions(string change)
    {
        var (space, quiet, edited, _) = await ChangedWithoutAVersionAsync(change);

        var listed = await ByModifiedDateAsync(space);
        Assert.Equal(new[] { quiet.Id.ToString(), edited.Id.ToString() }, listed.Take(2).Select(p => Str(p, "id")));
        Assert.True(DateTimeOffset.Parse(Str(listed[0]?["version"], "createdAt")) < DateTimeOffset.Parse(Str(listed[1]?["version"], "createdAt")));
    }

    [Fact]
    public async Task The_lag_is_five_seconds_by_default_set_by_option_flag_or_control_request_and_zero_indexes_at_once()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), new EmulatorOptions().IndexLag);
        Assert.Equal(TimeSpan.FromSeconds(2.5), EmulatorOptions.Parse(new[] { "--flavor", "cloud", "--index-lag-seconds", "2.5" }).IndexLag);
        Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--flavor", "cloud", "--index-lag-seconds", "-1" }));
        Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--flavor", "cloud", "--index-lag-seconds", "soon" }));

        var space = NewSpace();
        var page = Emulator.State.CreatePage(space.Id, "Queued", "<p>q</p>", space.HomepageId);
        using var control = new HttpClient { BaseAddress = new Uri(Emulator.BaseUrl.GetLeftPart(UriPartial.Authority)) };
        var now = (await control.GetFromJsonAsync<JsonObject>("/__emulator/index-lag"))!;
        Assert.Equal(5.0, now["seconds"]!.GetValue<double>());
        Assert.True(now["queued"]!.GetValue<int>() >= 2); // the space's home page and the page
        Assert.Equal(HttpStatusCode.BadRequest, (await control.PutAsJsonAsync("/__emulator/index-lag", new { seconds = -3 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await control.PutAsync("/__emulator/index-lag", new StringContent("{", System.Text.Encoding.UTF8, "application/json"))).StatusCode);

        var off = await control.PutAsJsonAsync("/__emulator/index-lag", new { seconds = 0 });
        off.EnsureSuccessStatusCode();
        Assert.Equal(0, (await off.Content.ReadFromJsonAsync<JsonObject>())!["queued"]!.GetValue<int>());
        Assert.NotEmpty(Results((await Client.GetAsync($"/rest/api/content/search?cql=id%20%3D%20{page.Id}")).Expect(200)));
        Emulator.State.UpdatePage(page.Id, new PageUpdate(2, null, "<p>at once</p>"));
        Assert.Equal(2, Int(Results((await Client.GetAsync($"/rest/api/content/search?cql=id%20%3D%20{page.Id}&expand=version")).Expect(200))[0]?["version"], "number"));
    }
}

public sealed class DataCenterIndexLagTests : IndexLagTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;
}

public sealed class DataCenterContextIndexLagTests : IndexLagTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;

    protected override string ContextPath => "/confluence";
}
