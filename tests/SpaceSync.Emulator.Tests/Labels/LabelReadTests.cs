using System.Text.Json.Nodes;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Store;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Labels;

/// <summary>
/// The label reads a label sync makes, on every site variant, each answer validated against the documents: the many-page
/// read (CQL <c>id in (...)</c> with <c>expand=metadata.labels</c>) and the one-page reads filtered to global labels.
/// </summary>
public abstract class LabelReadTests : SiteTest
{
    private const string SpaceKey = "LBL";

    /// <summary>The classic REST API, site-relative on both products (Cloud: below /wiki).</summary>
    private const string Api = "/rest/api";

    /// <summary>Seeds a space (the seeder labels some pages) and adds a personal and a team label to the first page.</summary>
    private List<Page> Seed()
    {
        Seeder.Seed(Emulator.State, SpaceKey, pageCount: 20, seed: 4);
        var pages = Emulator.State.GetPages(SpaceKey).Where(p => !p.IsBlogPost && p.Status == "current").OrderBy(p => p.Id).ToList();
        Emulator.State.AddLabels(pages[0].Id, new[] { ("my", "mine"), ("team", "ops"), ("global", "shared") });
        return pages;
    }

    private static List<(string Prefix, string Name)> StoreLabels(Page page) =>
        page.Labels.Select(l => (l.Prefix, l.Name)).OrderBy(l => l.Prefix).ThenBy(l => l.Name).ToList();

    private static List<(string Prefix, string Name)> JsonLabels(JsonNode? labels) =>
        (labels?.AsArray() ?? throw new Xunit.Sdk.XunitException("no label array"))
        .Select(l => (Str(l, "prefix"), Str(l, "name"))).OrderBy(l => l.Item1).ThenBy(l => l.Item2).ToList();

    [Fact]
    public async Task Cql_id_in_with_metadata_labels_answers_exactly_the_current_pages_asked_for_with_all_their_labels()
    {
        var pages = Seed();
        Assert.Contains(pages, p => p.Labels.Count > 0 && p != pages[0]);
        var trashed = pages[^1];
        Emulator.State.TrashPage(trashed.Id);
        var asked = pages.Take(5).Append(trashed).Select(p => p.Id.ToString()).Append("99999999").ToList();

        var cql = "id in (" + string.Join(",", asked) + ")";
        var results = Results((await Client.GetAsync($"{Api}/content/search?cql={Uri.EscapeDataString(cql)}&expand=metadata.labels&limit=10")).Expect(200));

        Assert.Equal(pages.Take(5).Select(p => p.Id.ToString()).Order(), results.Select(r => Str(r, "id")).Order());
        foreach (var content in results)
        {
            var page = Emulator.State.FindPage(long.Parse(Str(content, "id")))!;
            var labels = content?["metadata"]?["labels"];
            Assert.Equal(StoreLabels(page), JsonLabels(labels?["results"]));
            Assert.Equal(page.Labels.Count, Int(labels, "size"));
        }
    }

    [Fact]
    public async Task Cql_id_in_pages_by_the_sites_next_link_when_the_limit_is_below_the_ids()
    {
        var pages = Seed();
        var asked = pages.Take(5).Select(p => p.Id.ToString()).ToList();
        var url = $"{Api}/content/search?cql={Uri.EscapeDataString("id in (" + string.Join(",", asked) + ")")}&expand=metadata.labels&limit=2";

        var seen = new List<string>();
        var requests = 0;
        for (string? next = url; next != null; requests++)
        {
            var answer = (await Client.GetAsync(next)).Expect(200).Json;
            seen.AddRange(answer["results"]!.AsArray().Select(r => Str(r, "id")));
            next = answer["_links"]?["next"]?.GetValue<string>() is { } link ? Str(answer["_links"], "base") + link : null;
        }

        Assert.Equal(3, requests);
        Assert.Equal(asked.Order(), seen.Order());
    }

    [Fact]
    public async Task The_one_page_read_filtered_to_global_leaves_personal_and_team_labels_out()
    {
        var page = Seed()[0];
        var expected = page.Labels.Where(l => l.Prefix == "global").Select(l => ("global", l.Name)).OrderBy(l => l.Item2).ToList();
        Assert.Contains(("global", "shared"), expected);

        var v1 = Results((await Client.GetAsync($"{Api}/content/{page.Id}/label?prefix=global&limit=200")).Expect(200));
        Assert.Equal(expected, JsonLabels(v1));

        if (Flavor == EmulatorFlavor.Cloud)
        {
            var v2 = Results((await Client.GetAsync($"/api/v2/pages/{page.Id}/labels?prefix=global&limit=250")).Expect(200));
            Assert.Equal(expected, JsonLabels(v2));
        }
    }

    [Fact]
    public async Task Removing_by_name_query_then_again_answers_404_and_the_page_still_reads()
    {
        var page = Seed()[0];
        (await Client.DeleteAsync($"{Api}/content/{page.Id}/label?name=shared")).Expect(204);
        (await Client.DeleteAsync($"{Api}/content/{page.Id}/label?name=shared")).Expect(404);
        var labels = Results((await Client.GetAsync($"{Api}/content/{page.Id}/label?prefix=global")).Expect(200));
        Assert.DoesNotContain(labels, l => Str(l, "name") == "shared");
    }
}

public sealed class CloudLabelReadTests : LabelReadTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.Cloud;
}

public sealed class DataCenterLabelReadTests : LabelReadTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;
}

public sealed class DataCenterContextLabelReadTests : LabelReadTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;

    protected override string ContextPath => "/confluence";
}
