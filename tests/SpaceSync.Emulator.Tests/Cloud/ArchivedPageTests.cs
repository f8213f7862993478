using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SpaceSync.Emulator.Store;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Cloud;

/// <summary>
/// Cloud's page archive (docs/confluence-behaviours.md §6): an archived page keeps its id and versions, answers with
/// status "archived", is listed by the v2 page listings by default (current and archived) but not as a child or by
/// CQL, and refuses every write with 400 until it is restored from the archive. Every answer is validated against
/// the v2 and v1 documents.
/// </summary>
public sealed class ArchivedPageTests : SiteTest
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.Cloud;

    private (Space Space, Page Parent, Page Page) Seed()
    {
        var state = Emulator.State;
        var space = state.CreateSpace("ARC", "Archive");
        var parent = state.CreatePage(space.Id, "Parent", "<p>parent</p>", null);
        var page = state.CreatePage(space.Id, "Old plans", "<p>old</p>", parent.Id);
        return (space, parent, page);
    }

    private HttpClient Control() => new() { BaseAddress = new Uri(Emulator.BaseUrl.GetLeftPart(UriPartial.Authority)) };

    [Fact]
    public async Task An_archived_page_answers_with_status_archived_and_is_listed_by_default_but_not_as_a_child()
    {
        var (space, parent, page) = Seed();
        using var control = Control();
        var answer = await control.PostAsync($"/__emulator/pages/{page.Id}/archive", null);
        answer.EnsureSuccessStatusCode();
        Assert.Equal("archived", (await answer.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());

        var single = (await Client.GetAsync($"/api/v2/pages/{page.Id}?body-format=storage")).Expect(200).Json;
        AssertV2Page(single);
        Assert.Equal("archived", Str(single, "status"));
        Assert.Equal(1, Int(single["version"], "number")); // archiving makes no version

        // The documented default of both listings is current and archived; status=current alone leaves it out.
        var listed = (await Client.GetAsync($"/api/v2/spaces/{space.Id}/pages?limit=250")).Expect(200).Json["results"]!.AsArray();
        Assert.Contains(listed, p => Str(p, "id") == page.Id.ToString() && Str(p, "status") == "archived");
        var onlyCurrent = (await Client.GetAsync($"/api/v2/spaces/{space.Id}/pages?status=current&limit=250")).Expect(200).Json["results"]!.AsArray();
        Assert.DoesNotContain(onlyCurrent, p => Str(p, "id") == page.Id.ToString());
        var onlyArchived = (await Client.GetAsync($"/api/v2/pages?space-id={space.Id}&status=archived")).Expect(200).Json["results"]!.AsArray();
        Assert.Equal(new[] { page.Id.ToString() }, onlyArchived.Select(p => Str(p, "id")));

        // Out of the page tree.
        var children = (await Client.GetAsync($"/api/v2/pages/{parent.Id}/children")).Expect(200).Json["results"]!.AsArray();
        Assert.Empty(children);
    }

    [Fact]
    public async Task Cql_leaves_archived_pages_out_unless_cqlcontext_asks_for_them()
    {
        var (_, _, page) = Seed();
        Emulator.State.ArchivePage(page.Id);
        var cql = Uri.EscapeDataString("space = ARC and type = page");

        var plain = (await Client.GetAsync($"/rest/api/content/search?cql={cql}")).Expect(200).Json["results"]!.AsArray();
        Assert.DoesNotContain(plain, r => Str(r, "id") == page.Id.ToString());
        Assert.Equal(2, plain.Count); // the home page and the parent

        var context = Uri.EscapeDataString("{\"contentStatuses\":[\"current\",\"archived\"]}");
        var asked = (await Client.GetAsync($"/rest/api/content/search?cql={cql}&cqlcontext={context}")).Expect(200).Json["results"]!.AsArray();
        var hit = Assert.Single(asked, r => Str(r, "id") == page.Id.ToString());
        Assert.Equal("archived", Str(hit, "status"));
    }

    [Fact]
    public async Task Every_write_to_an_archived_page_is_refused_with_400_in_the_v2_error_shape()
    {
        var (space, parent, page) = Seed();
        Emulator.State.ArchivePage(page.Id);

        var put = (await Client.PutJsonAsync($"/api/v2/pages/{page.Id}", new
        {
            id = page.Id.ToString(), status = "current", title = "Old plans", spaceId = space.Id.ToString(),
            body = new { representation = "storage", value = "<p>new</p>" }, version = new { number = 2 },
        })).Expect(400).Json;
        var error = put["errors"]![0]!;
        Assert.Equal(400, Int(error, "status"));
        Assert.Contains("archived", Str(error, "title"), StringComparison.Ordinal);

        var delete = (await Client.DeleteAsync($"/api/v2/pages/{page.Id}")).Expect(400).Json;
        Assert.Contains("archived", Str(delete["errors"]![0], "title"), StringComparison.Ordinal);

        // The v1 writes a sync makes (labels, attachments, restrictions, move) are refused alike.
        (await Client.PostJsonAsync($"/rest/api/content/{page.Id}/label", new[] { new { prefix = "global", name = "x" } })).Expect(400);
        (await Client.SendAsync(HttpMethod.Put, $"/rest/api/content/{page.Id}/move/append/{parent.Id}")).Expect(400);

        var stored = Emulator.State.FindPage(page.Id)!;
        Assert.Equal("archived", stored.Status);
        Assert.Single(stored.Versions);
        Assert.Empty(stored.Labels);
    }

    [Fact]
    public async Task An_unarchived_page_is_current_again_and_takes_writes()
    {
        var (space, parent, page) = Seed();
        using var control = Control();
        (await control.PostAsync($"/__emulator/pages/{page.Id}/archive", null)).EnsureSuccessStatusCode();
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await control.PostAsync($"/__emulator/pages/{page.Id}/archive", null)).StatusCode);
        (await control.PostAsync($"/__emulator/pages/{page.Id}/unarchive", null)).EnsureSuccessStatusCode();

        var single = (await Client.GetAsync($"/api/v2/pages/{page.Id}")).Expect(200).Json;
        Assert.Equal("current", Str(single, "status"));
        Assert.Equal(parent.Id.ToString(), Str(single, "parentId"));
        (await Client.PutJsonAsync($"/api/v2/pages/{page.Id}", new
        {
            id = page.Id.ToString(), status = "current", title = "Old plans", spaceId = space.Id.ToString(),
            body = new { representation = "storage", value = "<p>new</p>" }, version = new { number = 2 },
        })).Expect(200);
    }

    [Fact]
    public void Data_Center_has_no_archived_page_status_to_set()
    {
        using var dc = new EmulatorState(EmulatorFlavor.DataCenter);
        var space = dc.CreateSpace("ARC", "Archive");
        var page = dc.CreatePage(space.Id, "Page", "<p>x</p>", null);
        var refusal = Assert.Throws<StoreException>(() => dc.ArchivePage(page.Id));
        Assert.Equal(StoreErrorKind.BadRequest, refusal.Kind);
    }
}
