using SpaceSync.Core.Sites;
using SpaceSync.Emulator;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>
/// The site clients and Cloud's folders (docs/confluence-behaviours.md §3), over real HTTP against a seeded Cloud space
/// (its seeding files a few pages into folders and below a whiteboard): pages come with their parent's type, the folders
/// they name are read one GET each, a move out of a folder names it, and Data Center is never asked.
/// </summary>
public sealed class FolderSiteTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<List<SitePage>> ListAsync(EmulatedSite site)
    {
        var pages = new List<SitePage>();
        var reader = site.Client.ListPages(site.Space, withBodies: false, includeTrashed: false);
        while (await reader.MoveNextAsync(None)) pages.Add(reader.Current);
        return pages;
    }

    [Fact]
    public async Task Cloud_pages_name_their_folder_or_whiteboard_with_its_type_and_each_reads_with_its_own_parent()
    {
        await using var site = await EmulatedSite.StartAsync(EmulatorFlavor.Cloud, pageCount: 12);
        var containers = site.State.GetContainers(EmulatedSite.SpaceKey).ToDictionary(c => c.Title);
        var pages = await ListAsync(site);

        Assert.DoesNotContain(pages, p => containers.Values.Any(c => c.Id.ToString() == p.Id)); // listings hold pages only
        var filed = pages.Where(p => p.HasNonPageParent).ToList();
        Assert.Equal(3, filed.Count);
        Assert.Equal(new[] { "folder", "folder", "whiteboard" }, filed.Select(p => p.ParentType).OrderBy(t => t));
        Assert.All(pages.Where(p => !p.HasNonPageParent && p.ParentId != null), p => Assert.Equal("page", p.ParentType));
        Assert.Null(pages.Single(p => p.Id == site.Space.HomepageId).ParentType);

        var drafts = await site.Client.GetContainerAsync("folder", containers["Drafts"].Id.ToString(), None);
        Assert.NotNull(drafts);
        Assert.Equal(("folder", "Drafts", containers["Shared notes"].Id.ToString(), "folder", SitePageStatus.Current),
            (drafts!.Type, drafts.Title, drafts.ParentId, drafts.ParentType, drafts.Status));
        Assert.Equal(1, drafts.Version);
        var shared = await site.Client.GetContainerAsync("folder", containers["Shared notes"].Id.ToString(), None);
        Assert.Equal((site.Space.HomepageId, "page"), (shared!.ParentId, shared.ParentType));
        var board = await site.Client.GetContainerAsync("whiteboard", containers["Planning board"].Id.ToString(), None);
        Assert.Equal("whiteboard", board!.Type);

        // Another type's id, or a page's, is no folder: null (404), as for a missing page.
        Assert.Null(await site.Client.GetContainerAsync("whiteboard", containers["Drafts"].Id.ToString(), None));
        Assert.Null(await site.Client.GetContainerAsync("folder", site.Space.HomepageId!, None));
        var before = site.Client.Counters.RequestsSent;
        await Assert.ThrowsAsync<ArgumentException>(() => site.Client.GetContainerAsync("space", "1", None));
        Assert.Equal(before, site.Client.Counters.RequestsSent);
    }

    [Fact]
    public async Task A_cloud_move_out_of_a_folder_names_the_folder_it_left_and_an_ordinary_move_names_none()
    {
        await using var site = await EmulatedSite.StartAsync(EmulatorFlavor.Cloud, pageCount: 12);
        var folder = site.State.GetContainers(EmulatedSite.SpaceKey).Single(c => c.Title == "Drafts");
        var pages = await ListAsync(site);
        var filed = pages.Single(p => p.ParentId == folder.Id.ToString());

        var moved = await site.Client.MovePageAsync(filed.Id, filed.Version.Number, site.Space.HomepageId!, None);
        Assert.Equal((site.Space.HomepageId, "page"), (moved.ParentId, moved.ParentType));
        Assert.Equal(new SiteParent(folder.Id.ToString(), "folder"), moved.LeftContainer);

        var again = await site.Client.MovePageAsync(filed.Id, moved.Version.Number, pages.First(p => p.Id != filed.Id && p.ParentId == site.Space.HomepageId).Id, None);
        Assert.Null(again.LeftContainer);
    }

    [Fact]
    public async Task Data_center_is_never_asked_for_a_folder()
    {
        await using var site = await EmulatedSite.StartAsync(EmulatorFlavor.DataCenter, pageCount: 6);
        var before = site.Client.Counters.RequestsSent;
        Assert.Null(await site.Client.GetContainerAsync("folder", "123", None));
        Assert.Equal(before, site.Client.Counters.RequestsSent);
        Assert.All(await ListAsync(site), p => Assert.False(p.HasNonPageParent));
    }
}
