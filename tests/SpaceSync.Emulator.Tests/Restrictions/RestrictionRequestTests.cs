using System.Text.Json.Nodes;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Store;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Restrictions;

/// <summary>
/// The restriction requests a sync makes, on every site variant, each answer validated against the documents: the
/// many-page read (CQL <c>id in (...)</c> expanding the read and update restrictions' users and groups), the one-page
/// read (byOperation with the same expansions) and the write (PUT /content/{id}/restriction; Cloud clears with DELETE).
/// </summary>
public abstract class RestrictionRequestTests : SiteTest
{
    private const string SpaceKey = "RST";
    private const string Api = "/rest/api";
    private const string Expansion =
        "restrictions.read.restrictions.user,restrictions.read.restrictions.group,restrictions.update.restrictions.user,restrictions.update.restrictions.group";

    private List<Page> Seed()
    {
        Seeder.Seed(Emulator.State, SpaceKey, pageCount: 8, seed: 2);
        var pages = Emulator.State.GetPages(SpaceKey).Where(p => !p.IsBlogPost && p.Status == "current").OrderBy(p => p.Id).ToList();
        foreach (var page in pages) Emulator.State.ClearRestrictions(page.Id);
        return pages;
    }

    private string UserId(JsonNode? user) => Str(user, Flavor == EmulatorFlavor.Cloud ? "accountId" : "userKey");

    private string IdOf(User user) => Flavor == EmulatorFlavor.Cloud ? user.AccountId : user.UserKey;

    private static List<string> Names(JsonNode? list, Func<JsonNode?, string> name) =>
        (list?["results"]?.AsArray() ?? throw new Xunit.Sdk.XunitException("no results in " + list?.ToJsonString())).Select(name).Order().ToList();

    [Fact]
    public async Task Cql_id_in_expands_the_read_and_update_users_and_groups_of_every_page_asked_for()
    {
        var pages = Seed();
        var reader = Emulator.State.AddUser("Reader", "reader.rst@example.com");
        Emulator.State.SetRestriction(pages[1].Id, "read", new[] { Emulator.State.Admin, reader }, new[] { "finance" });
        Emulator.State.SetRestriction(pages[2].Id, "update", new[] { reader }, Array.Empty<string>());
        var asked = pages.Take(3).Select(p => p.Id.ToString()).ToList();

        var cql = "id in (" + string.Join(",", asked) + ")";
        var results = (await Client.GetAsync($"{Api}/content/search?cql={Uri.EscapeDataString(cql)}&expand={Uri.EscapeDataString(Expansion)}&limit=3"))
            .Expect(200).Json["results"]!.AsArray();

        Assert.Equal(asked.Order(), results.Select(r => Str(r, "id")).Order());
        var byId = results.ToDictionary(r => Str(r, "id"), r => r!["restrictions"]);
        var open = byId[asked[0]];
        Assert.Empty(Names(open?["read"]?["restrictions"]?["user"], UserId));
        Assert.Empty(Names(open?["update"]?["restrictions"]?["group"], g => Str(g, "name")));
        var secret = byId[asked[1]];
        Assert.Equal(new[] { IdOf(Emulator.State.Admin), IdOf(reader) }.Order(), Names(secret?["read"]?["restrictions"]?["user"], UserId));
        Assert.Equal(new[] { "finance" }, Names(secret?["read"]?["restrictions"]?["group"], g => Str(g, "name")));
        Assert.Equal(2, Int(secret?["read"]?["restrictions"]?["user"], "size"));
        var editOnly = byId[asked[2]];
        Assert.Empty(Names(editOnly?["read"]?["restrictions"]?["user"], UserId));
        Assert.Equal(new[] { IdOf(reader) }, Names(editOnly?["update"]?["restrictions"]?["user"], UserId));
    }

    [Fact]
    public async Task A_put_sets_both_operations_and_the_one_page_read_shows_them()
    {
        var page = Seed()[3];
        var admin = Emulator.State.Admin;
        var key = Flavor == EmulatorFlavor.Cloud ? "accountId" : "userKey";
        JsonObject Operation(string name, bool withGroup) => new()
        {
            ["operation"] = name,
            ["restrictions"] = new JsonObject
            {
                ["user"] = new JsonArray(new JsonObject { ["type"] = "known", [key] = IdOf(admin) }),
                ["group"] = withGroup ? new JsonArray(new JsonObject { ["type"] = "group", ["name"] = "auditors" }) : new JsonArray(),
            },
        };
        (await Client.PutJsonAsync($"{Api}/content/{page.Id}/restriction", new JsonArray(Operation("read", true), Operation("update", false)))).Expect(200);

        var expand = "read.restrictions.user,read.restrictions.group,update.restrictions.user,update.restrictions.group";
        var byOperation = (await Client.GetAsync($"{Api}/content/{page.Id}/restriction/byOperation?expand={Uri.EscapeDataString(expand)}")).Expect(200).Json;
        Assert.Equal(new[] { IdOf(admin) }, Names(byOperation["read"]?["restrictions"]?["user"], UserId));
        Assert.Equal(new[] { "auditors" }, Names(byOperation["read"]?["restrictions"]?["group"], g => Str(g, "name")));
        Assert.Equal(new[] { IdOf(admin) }, Names(byOperation["update"]?["restrictions"]?["user"], UserId));
        Assert.Empty(Names(byOperation["update"]?["restrictions"]?["group"], g => Str(g, "name")));

        if (Flavor == EmulatorFlavor.Cloud)
            (await Client.DeleteAsync($"{Api}/content/{page.Id}/restriction")).Expect(200);
        else
            (await Client.PutJsonAsync($"{Api}/content/{page.Id}/restriction", new JsonArray(
                new JsonObject { ["operation"] = "read", ["restrictions"] = new JsonObject { ["user"] = new JsonArray(), ["group"] = new JsonArray() } },
                new JsonObject { ["operation"] = "update", ["restrictions"] = new JsonObject { ["user"] = new JsonArray(), ["group"] = new JsonArray() } })))
                .Expect(200);
        Assert.Empty(Emulator.State.FindPage(page.Id)!.Restrictions);
    }
}

public sealed class CloudRestrictionRequestTests : RestrictionRequestTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.Cloud;
}

public sealed class DataCenterRestrictionRequestTests : RestrictionRequestTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;
}

public sealed class DataCenterContextRestrictionRequestTests : RestrictionRequestTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;

    protected override string ContextPath => "/confluence";
}
