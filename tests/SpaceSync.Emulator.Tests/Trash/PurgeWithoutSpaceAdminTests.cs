using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SpaceSync.Emulator.Store;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Trash;

/// <summary>
/// Purging from the trash needs space admin on both products (docs/confluence-behaviours.md §8). With the sync account
/// not space admin (<see cref="EmulatorOptions.SpaceAdmin"/> false, or PUT /__emulator/space-admin) the purge is
/// refused as each document says — Cloud v2 declares no 403 for DELETE /pages/{id}, and Data Center's 404 reads "or if
/// the calling user does not have permission to trash or purge the content" — and the page stays in the trash.
/// Trashing still works: it needs only the delete permission.
/// </summary>
public abstract class PurgeWithoutSpaceAdminTests : SiteTest
{
    private string PagePath(long id) => Flavor == EmulatorFlavor.Cloud ? $"/api/v2/pages/{id}" : $"/rest/api/content/{id}";

    private string PurgeQuery => Flavor == EmulatorFlavor.Cloud ? "?purge=true" : "?status=trashed";

    private Page Trashed()
    {
        var state = Emulator.State;
        var space = state.CreateSpace("PRG", "Purge");
        var page = state.CreatePage(space.Id, "Doomed", "<p>x</p>", null);
        state.TrashPage(page.Id);
        return page;
    }

    [Fact]
    public async Task A_sync_account_that_is_not_space_admin_cannot_purge_and_the_page_stays_in_the_trash()
    {
        var page = Trashed();
        using var control = new HttpClient { BaseAddress = new Uri(Emulator.BaseUrl.GetLeftPart(UriPartial.Authority)) };
        var set = await control.PutAsJsonAsync("/__emulator/space-admin", new { spaceAdmin = false });
        set.EnsureSuccessStatusCode();
        Assert.False((await set.Content.ReadFromJsonAsync<JsonObject>())!["spaceAdmin"]!.GetValue<bool>());

        var refused = (await Client.DeleteAsync(PagePath(page.Id) + PurgeQuery)).Expect(404).Json;
        var message = Flavor == EmulatorFlavor.Cloud ? Str(refused["errors"]![0], "title") : Str(refused, "message");
        Assert.Contains("administer space PRG", message, StringComparison.Ordinal);
        Assert.Equal("trashed", Emulator.State.FindPage(page.Id)!.Status);

        // Space admin again: the same request purges.
        (await control.PutAsJsonAsync("/__emulator/space-admin", new { spaceAdmin = true })).EnsureSuccessStatusCode();
        (await Client.DeleteAsync(PagePath(page.Id) + PurgeQuery)).Expect(204);
        Assert.Null(Emulator.State.FindPage(page.Id));
    }

    [Fact]
    public async Task Without_space_admin_trashing_still_works()
    {
        var state = Emulator.State;
        state.SetSpaceAdmin(false);
        var space = state.CreateSpace("PRG", "Purge");
        var page = state.CreatePage(space.Id, "Trash me", "<p>x</p>", null);
        (await Client.DeleteAsync(PagePath(page.Id))).Expect(Flavor == EmulatorFlavor.Cloud ? 204 : 200);
        Assert.Equal("trashed", state.FindPage(page.Id)!.Status);
    }

    [Fact]
    public void The_option_and_its_flag_take_space_admin_away()
    {
        Assert.True(new EmulatorOptions().SpaceAdmin);
        Assert.False(EmulatorOptions.Parse(new[] { "--flavor", "cloud", "--not-space-admin" }).SpaceAdmin);
    }
}

public sealed class CloudPurgeWithoutSpaceAdminTests : PurgeWithoutSpaceAdminTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.Cloud;
}

public sealed class DataCenterPurgeWithoutSpaceAdminTests : PurgeWithoutSpaceAdminTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;
}

public sealed class DataCenterContextPurgeWithoutSpaceAdminTests : PurgeWithoutSpaceAdminTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;

    protected override string ContextPath => "/confluence";
}
