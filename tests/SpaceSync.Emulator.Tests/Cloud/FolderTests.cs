using System.Text.Json.Nodes;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Store;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Cloud;

/// <summary>
/// Cloud folders and whiteboards as parents of pages (docs/confluence-behaviours.md §3): created, read, trashed and walked
/// up through the v2 endpoints the document declares; never served as pages; a page below one names it with its
/// parentType, its ancestors list it with its type, and the page listings treat it as Cloud does. Every answer is validated
/// against cloud-v2.json.
/// </summary>
public sealed class FolderTests : SiteTest
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.Cloud;

    private async Task<(string SpaceId, string HomeId)> SpaceAsync(string key = "FOL")
    {
        var space = (await Client.PostJsonAsync("/api/v2/spaces", new { key, name = "Folders" })).Expect(201).Json;
        return (Str(space, "id"), Str(space, "homepageId"));
    }

    private async Task<JsonNode> CreateAsync(string collection, string spaceId, string title, string? parentId) =>
        (await Client.PostJsonAsync($"/api/v2/{collection}", parentId is null
            ? new { spaceId, title }
            : (object)new { spaceId, title, parentId })).Expect(200).Json;

    private async Task<JsonNode> PageAsync(string spaceId, string title, string parentId) =>
        (await Client.PostJsonAsync("/api/v2/pages", new
        {
            spaceId, status = "current", title, parentId, body = new { representation = "storage", value = "<p>" + title + "</p>" },
        })).Expect(200).Json;

    private static IReadOnlyList<(string Id, string Type)> Ancestors(JsonNode answer) =>
        answer["results"]!.AsArray().Select(a => (Str(a, "id"), Str(a, "type"))).ToList();

    [Fact]
    public async Task A_folder_is_created_and_read_as_a_folder_never_as_a_page_and_its_pages_name_it_as_their_parent()
    {
        var (spaceId, homeId) = await SpaceAsync();
        var folder = await CreateAsync("folders", spaceId, "Team notes", homeId);
        var folderId = Str(folder, "id");
        Assert.Equal("folder", Str(folder, "type"));
        Assert.Equal("current", Str(folder, "status"));
        Assert.Equal(homeId, Str(folder, "parentId"));
        Assert.Equal("page", Str(folder, "parentType"));
        Assert.Equal(1, Int(folder["version"], "number"));

        var read = (await Client.GetAsync($"/api/v2/folders/{folderId}")).Expect(200).Json;
        Assert.Equal("Team notes", Str(read, "title"));
        Str(read["_links"], "webui");
        (await Client.GetAsync($"/api/v2/pages/{folderId}")).Expect(404);      // a folder is no page
        (await Client.GetAsync($"/api/v2/whiteboards/{folderId}")).Expect(404); // nor a whiteboard
        (await Client.GetAsync($"/api/v2/folders/{homeId}")).Expect(404);       // and a page is no folder

        var page = await PageAsync(spaceId, "Filed page", folderId);
        AssertV2Page(page);
        Assert.Equal(folderId, Str(page, "parentId"));
        Assert.Equal("folder", Str(page, "parentType"));
        var single = (await Client.GetAsync($"/api/v2/pages/{Str(page, "id")}")).Expect(200).Json;
        Assert.Equal("folder", Str(single, "parentType"));

        // Listings of pages list the page (with its folder as parent) and never the folder.
        var all = Results((await Client.GetAsync($"/api/v2/spaces/{spaceId}/pages?depth=all&limit=250")).Expect(200));
        Assert.Contains(all, p => Str(p, "id") == Str(page, "id") && Str(p, "parentId") == folderId && Str(p, "parentType") == "folder");
        Assert.DoesNotContain(all, p => Str(p, "id") == folderId);
        Assert.DoesNotContain(Results((await Client.GetAsync($"/api/v2/pages?space-id={spaceId}&limit=250")).Expect(200)), p => Str(p, "id") == folderId);
        // The home page's children are pages: the folder is not one, and the page below it is the folder's, not the home page's.
        Assert.Empty(Results((await Client.GetAsync($"/api/v2/pages/{homeId}/children")).Expect(200)));

        // CQL finds folders by their type, and pages without them.
        var folders = Results((await Client.GetAsync($"/rest/api/content/search?cql={Uri.EscapeDataString("space = FOL and type = folder")}")).Expect(200));
        Assert.Equal(new[] { (folderId, "folder") }, folders.Select(f => (Str(f, "id"), Str(f, "type"))));
        var pages = Results((await Client.GetAsync($"/rest/api/content/search?cql={Uri.EscapeDataString("space = FOL and type = page")}")).Expect(200));
        Assert.DoesNotContain(pages, p => Str(p, "id") == folderId);
    }

    [Fact]
    public async Task Ancestors_name_folders_and_whiteboards_with_their_type_from_the_top_down()
    {
        var (spaceId, homeId) = await SpaceAsync();
        var outer = Str(await CreateAsync("folders", spaceId, "Outer", homeId), "id");
        var inner = Str(await CreateAsync("folders", spaceId, "Inner", outer), "id");
        var page = Str(await PageAsync(spaceId, "Deep page", inner), "id");
        var board = await CreateAsync("whiteboards", spaceId, "Board", page);
        var boardId = Str(board, "id");
        Assert.Equal("whiteboard", Str(board, "type"));
        Assert.Equal("page", Str(board, "parentType"));
        var below = await PageAsync(spaceId, "Below the board", boardId);
        Assert.Equal("whiteboard", Str(below, "parentType"));

        var ofPage = (await Client.GetAsync($"/api/v2/pages/{Str(below, "id")}/ancestors")).Expect(200).Json;
        Assert.Equal(new[] { (homeId, "page"), (outer, "folder"), (inner, "folder"), (page, "page"), (boardId, "whiteboard") }, Ancestors(ofPage));
        // The limit keeps the nearest ones; the rest are the first ancestor's own ancestors.
        var nearest = (await Client.GetAsync($"/api/v2/pages/{Str(below, "id")}/ancestors?limit=2")).Expect(200).Json;
        Assert.Equal(new[] { (page, "page"), (boardId, "whiteboard") }, Ancestors(nearest));

        var ofFolder = (await Client.GetAsync($"/api/v2/folders/{inner}/ancestors")).Expect(200).Json;
        Assert.Equal(new[] { (homeId, "page"), (outer, "folder") }, Ancestors(ofFolder));
        var ofBoard = (await Client.GetAsync($"/api/v2/whiteboards/{boardId}/ancestors")).Expect(200).Json;
        Assert.Equal(new[] { (homeId, "page"), (outer, "folder"), (inner, "folder"), (page, "page") }, Ancestors(ofBoard));
        Assert.Equal("folder", Str((await Client.GetAsync($"/api/v2/folders/{inner}")).Expect(200).Json, "parentType"));
        Assert.Equal("page", Str((await Client.GetAsync($"/api/v2/whiteboards/{boardId}")).Expect(200).Json, "parentType"));
    }

    [Fact]
    public async Task A_folder_at_the_top_level_has_no_parent_and_its_pages_are_not_root_pages()
    {
        var (spaceId, homeId) = await SpaceAsync();
        var folder = await CreateAsync("folders", spaceId, "Top folder", null);
        Assert.Null(folder["parentId"]);
        var page = await PageAsync(spaceId, "In the top folder", Str(folder, "id"));

        var root = Results((await Client.GetAsync($"/api/v2/spaces/{spaceId}/pages?depth=root")).Expect(200));
        Assert.Equal(new[] { homeId }, root.Select(p => Str(p, "id")));
        var ancestors = (await Client.GetAsync($"/api/v2/pages/{Str(page, "id")}/ancestors")).Expect(200).Json;
        Assert.Equal(new[] { (Str(folder, "id"), "folder") }, Ancestors(ancestors));
    }

    [Fact]
    public async Task A_page_moves_into_a_folder_and_out_again_by_its_parentId_with_a_new_version()
    {
        var (spaceId, homeId) = await SpaceAsync();
        var folderId = Str(await CreateAsync("folders", spaceId, "Inbox", homeId), "id");
        var page = await PageAsync(spaceId, "Wanderer", homeId);
        var id = Str(page, "id");

        object Put(int version, string parentId) => new
        {
            id, status = "current", title = "Wanderer", parentId, version = new { number = version },
            body = new { representation = "storage", value = "<p>Wanderer</p>" },
        };
        var moved = (await Client.PutJsonAsync($"/api/v2/pages/{id}", Put(2, folderId))).Expect(200).Json;
        Assert.Equal(folderId, Str(moved, "parentId"));
        Assert.Equal("folder", Str(moved, "parentType"));
        var back = (await Client.PutJsonAsync($"/api/v2/pages/{id}", Put(3, homeId))).Expect(200).Json;
        Assert.Equal(homeId, Str(back, "parentId"));
        Assert.Equal("page", Str(back, "parentType"));
    }

    [Fact]
    public async Task Deleting_a_folder_or_whiteboard_trashes_it_and_its_pages_move_up_to_its_parent()
    {
        var (spaceId, homeId) = await SpaceAsync();
        var folderId = Str(await CreateAsync("folders", spaceId, "Short-lived", homeId), "id");
        var boardId = Str(await CreateAsync("whiteboards", spaceId, "Sketches", folderId), "id");
        var page = Str(await PageAsync(spaceId, "Kept page", boardId), "id");

        (await Client.DeleteAsync($"/api/v2/whiteboards/{boardId}")).Expect(204);
        Assert.Equal("trashed", Str((await Client.GetAsync($"/api/v2/whiteboards/{boardId}")).Expect(200).Json, "status"));
        var up = (await Client.GetAsync($"/api/v2/pages/{page}")).Expect(200).Json;
        Assert.Equal(folderId, Str(up, "parentId"));
        Assert.Equal("folder", Str(up, "parentType"));

        (await Client.DeleteAsync($"/api/v2/folders/{folderId}")).Expect(204);
        var read = (await Client.GetAsync($"/api/v2/folders/{folderId}")).Expect(200).Json;
        Assert.Equal("trashed", Str(read, "status"));
        var top = (await Client.GetAsync($"/api/v2/pages/{page}")).Expect(200).Json;
        Assert.Equal("current", Str(top, "status"));
        Assert.Equal(homeId, Str(top, "parentId"));
        Assert.Equal("page", Str(top, "parentType"));
        Assert.Equal(1, Int(top["version"], "number")); // moving up makes no version

        (await Client.DeleteAsync($"/api/v2/folders/{folderId}")).Expect(404); // already in the trash
        (await Client.DeleteAsync($"/api/v2/folders/{page}")).Expect(404);     // a page is not deleted as a folder
    }

    [Fact]
    public async Task Creating_a_folder_in_a_missing_space_or_below_a_missing_parent_is_refused()
    {
        var (spaceId, _) = await SpaceAsync();
        (await Client.PostJsonAsync("/api/v2/folders", new { spaceId = "999999", title = "Nowhere" })).Expect(404);
        (await Client.PostJsonAsync("/api/v2/folders", new { spaceId, title = "Orphan", parentId = "999999" })).Expect(400);
        (await Client.PostJsonAsync("/api/v2/folders", new { title = "No space" })).Expect(400);
    }

    [Fact]
    public void Seeding_files_pages_into_folders_and_below_a_whiteboard_unless_told_not_to()
    {
        using var withFolders = new EmulatorState(EmulatorFlavor.Cloud, seed: 4);
        var space = Seeder.Seed(withFolders, "SEED", pageCount: 12, seed: 4);
        var containers = withFolders.GetContainers("SEED");
        Assert.Equal(new[] { ("folder", "Shared notes"), ("folder", "Drafts"), ("whiteboard", "Planning board") },
            containers.Select(c => (c.Type, c.Title)));
        var pages = withFolders.GetPages("SEED").Where(p => !p.IsBlogPost).ToList();
        Assert.All(containers, c => Assert.Contains(pages, p => p.ParentId == c.Id));
        Assert.DoesNotContain(pages, p => p.IsContainer);

        using var without = new EmulatorState(EmulatorFlavor.Cloud, seed: 4);
        Seeder.Seed(without, "SEED", pageCount: 12, seed: 4, folders: false);
        Assert.Empty(without.GetContainers());
        // The same pages either way (ids, titles, versions): the containers come last and only re-parent a few pages.
        Assert.Equal(without.GetPages("SEED").Select(p => (p.Id, p.Title, p.Current.Number)), withFolders.GetPages("SEED").Select(p => (p.Id, p.Title, p.Current.Number)));
        Assert.Equal(space.HomepageId, withFolders.FindSpaceByKey("SEED")!.HomepageId);

        using var dc = new EmulatorState(EmulatorFlavor.DataCenter, seed: 4);
        Seeder.Seed(dc, "SEED", pageCount: 12, seed: 4);
        Assert.Empty(dc.GetContainers());
    }

    [Fact]
    public void Data_Center_has_no_folders_or_whiteboards()
    {
        using var dc = new EmulatorState(EmulatorFlavor.DataCenter);
        var space = dc.CreateSpace("FOL", "Folders");
        var refusal = Assert.Throws<StoreException>(() => dc.CreateContainer("folder", space.Id, "Nope", space.HomepageId));
        Assert.Equal(StoreErrorKind.BadRequest, refusal.Kind);
    }
}
