using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Labels;

/// <summary>
/// The page metadata batch (docs/confluence-behaviours.md B31): one CQL <c>id in (...)</c> search expanding labels and
/// restrictions together, capped as the products cap it, each answer validated against the documents.
/// </summary>
public abstract class MetadataSearchTests : SiteTest
{
    private const string SpaceKey = "MDS";
    private const string Api = "/rest/api";
    private const string Expand = "metadata.labels,restrictions.read.restrictions.user,restrictions.read.restrictions.group," +
                                  "restrictions.update.restrictions.user,restrictions.update.restrictions.group";

    /// <summary>What a search with these expansions answers at most: DC 200 (any expansion but a body), Cloud 250 (B7).</summary>
    protected abstract int Cap { get; }

    [Fact]
    public async Task Labels_and_restrictions_come_in_one_search_capped_as_the_product_caps_it()
    {
        Seeder.Seed(Emulator.State, SpaceKey, pageCount: 260, seed: 5);
        var ids = Emulator.State.GetPages(SpaceKey).Where(p => !p.IsBlogPost && p.Status == "current").Select(p => p.Id.ToString()).ToList();
        Assert.True(ids.Count > Cap);
        var restricted = Emulator.State.GetPages(SpaceKey).First(p => p.Restrictions.Count > 0);

        var cql = "id in (" + string.Join(",", ids) + ")";
        var answer = (await Client.GetAsync($"{Api}/content/search?cql={Uri.EscapeDataString(cql)}&expand={Uri.EscapeDataString(Expand)}&limit=1000")).Expect(200);
        var results = Results(answer);

        Assert.Equal(Cap, Int(answer.Json, "limit"));
        Assert.Equal(Cap, results.Count);
        Assert.NotNull(answer.Json["_links"]?["next"]);
        Assert.All(results, r =>
        {
            Assert.NotNull(r?["metadata"]?["labels"]?["results"]);
            Assert.NotNull(r?["restrictions"]?["read"]?["restrictions"]?["user"]?["results"]);
            Assert.NotNull(r?["restrictions"]?["update"]?["restrictions"]?["group"]?["results"]);
        });
        var one = (await Client.GetAsync($"{Api}/content/search?cql={Uri.EscapeDataString("id = " + restricted.Id)}&expand={Uri.EscapeDataString(Expand)}")).Expect(200);
        var own = Assert.Single(Results(one))?["restrictions"];
        var named = new[] { "read", "update" }.Sum(op => own?[op]?["restrictions"]?["user"]?["results"]?.AsArray().Count + own?[op]?["restrictions"]?["group"]?["results"]?.AsArray().Count);
        Assert.True(named > 0);
    }

    [Fact]
    public async Task A_hit_carries_at_most_25_attachments_with_their_versions_and_a_next_link_to_the_rest()
    {
        Seeder.Seed(Emulator.State, SpaceKey, pageCount: 5, seed: 7);
        var pages = Emulator.State.GetPages(SpaceKey).Where(p => !p.IsBlogPost && p.Status == "current").ToList();
        var crowded = pages[1];
        var few = pages[2];
        for (var i = 0; i < 27; i++)
        {
            var blob = Path.GetTempFileName();
            await File.WriteAllTextAsync(blob, "file " + i);
            Emulator.State.AddAttachment(crowded.Id, $"file-{i:00}.txt", "text/plain", blob, null, false);
        }

        var cql = "id in (" + crowded.Id + "," + few.Id + ")";
        var answer = (await Client.GetAsync($"{Api}/content/search?cql={Uri.EscapeDataString(cql)}&expand=children.attachment.version")).Expect(200);
        var byId = Results(answer).ToDictionary(r => (string)r!["id"]!, r => r?["children"]?["attachment"]);

        var cut = byId[crowded.Id.ToString()]!;
        Assert.Equal(25, Int(cut, "limit"));
        Assert.Equal(25, cut["results"]!.AsArray().Count);
        Assert.Equal($"{Api}/content/{crowded.Id}/child/attachment?limit=25&start=25", (string?)cut["_links"]?["next"]);
        Assert.All(cut["results"]!.AsArray(), a =>
        {
            Assert.Equal("attachment", (string?)a?["type"]);
            Assert.NotNull(a?["version"]?["number"]);
            Assert.NotNull(a?["extensions"]?["fileSize"]);
            Assert.NotNull(a?["extensions"]?["mediaType"]);
            Assert.NotNull(a?["_links"]?["download"]);
        });

        var whole = byId[few.Id.ToString()]!;
        Assert.Equal(few.Attachments.Count(a => a.Status == "current"), whole["results"]!.AsArray().Count);
        Assert.Null(whole["_links"]?["next"]);
    }
}

public sealed class CloudMetadataSearchTests : MetadataSearchTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.Cloud;

    protected override int Cap => 250;

    [Fact]
    public async Task The_v2_page_listing_takes_at_most_250_ids()
    {
        Seeder.Seed(Emulator.State, "IDS", pageCount: 5, seed: 6);
        var real = Emulator.State.GetPages("IDS").Where(p => !p.IsBlogPost).Select(p => p.Id).ToList();
        var ids = real.Concat(Enumerable.Range(1, 250 - real.Count).Select(i => 900000000L + i)).ToList();
        var listed = Results((await Client.GetAsync("/api/v2/pages?id=" + string.Join(",", ids) + "&limit=250")).Expect(200));
        Assert.Equal(real.Count, listed.Count);
        (await Client.GetAsync("/api/v2/pages?id=" + string.Join(",", ids.Append(900000999L)) + "&limit=250")).Expect(400);
    }
}

public sealed class DataCenterMetadataSearchTests : MetadataSearchTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;

    protected override int Cap => 200;
}
