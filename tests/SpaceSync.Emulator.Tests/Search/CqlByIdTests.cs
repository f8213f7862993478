using System.Text.Json.Nodes;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Search;

/// <summary>
/// A CQL query confined to ids (<c>id in (...)</c>, <c>id = x</c>, ORs of them, ANDed with anything) is answered by
/// looking those ids up rather than testing the whole index. It must answer exactly what testing every piece of content
/// answers: each query is asked as written and again ORed with a clause that matches nothing, which the emulator cannot
/// confine to ids, so it takes the whole-index path. Pages, files and comments; a trashed page, a trashed file's page,
/// an unknown id.
/// </summary>
public abstract class CqlByIdTests : SiteTest
{
    private const string Key = "CQLID";

    private async Task<List<string>> IdsAsync(string cql)
    {
        var path = "/rest/api/content/search?cql=" + Uri.EscapeDataString(cql) + "&limit=100";
        return Results((await Client.GetAsync(path)).Expect(200)).Select(r => Str(r, "id")).ToList();
    }

    [Fact]
    public async Task A_query_confined_to_ids_answers_what_testing_every_piece_of_content_answers()
    {
        Seeder.Seed(Emulator.State, Key, 40, seed: 3);
        var state = Emulator.State;
        var pages = state.GetPages(Key).Where(p => !p.IsBlogPost).OrderBy(p => p.Id).ToList();
        var withFile = pages.First(p => p.Attachments.Count > 0);
        var withComment = pages.First(p => p.Comments.Count > 0 && p.Id != withFile.Id);
        var trashed = pages.Last(p => p.ParentId != null && !pages.Any(c => c.ParentId == p.Id));
        state.TrashPage(trashed.Id);
        var file = withFile.Attachments[0].Id;
        var comment = withComment.Comments[0].Id;
        var some = string.Join(", ", pages.Take(6).Select(p => p.Id));
        var queries = new[]
        {
            $"id in ({some}, {file}, {comment}, {trashed.Id}, 987654321)",
            $"id in ({some}, {file}, {comment}) and type = page",
            $"id in ({some}, {file}, {comment}) and type in (attachment, comment) order by id desc",
            $"id = {file} or id in ({withComment.Id}, {comment})",
            $"content = {withFile.Id} and space = {Key}",
            $"id in ({some}) and not id = {pages[0].Id} order by title",
            $"(id in ({some}) or id = {file}) and (id in ({pages[1].Id}, {file}) or id = {pages[2].Id})",
        };

        foreach (var cql in queries)
        {
            var confined = await IdsAsync(cql);
            var filter = cql.Split(" order by ")[0];
            var order = cql.Contains(" order by ") ? " order by " + cql.Split(" order by ")[1] : "";
            var scanned = await IdsAsync($"({filter}) or title = \"no page is called this\"{order}");
            Assert.True(scanned.SequenceEqual(confined), $"{cql}: confined [{string.Join(",", confined)}], scanned [{string.Join(",", scanned)}]");
        }
        // Not vacuous: the first query finds the pages, the file and the comment, and not the trashed page.
        var first = await IdsAsync(queries[0]);
        Assert.Contains("att" + file, first); // files answer with the "att" prefix, as on the products
        Assert.Contains(comment.ToString(), first);
        Assert.DoesNotContain(trashed.Id.ToString(), first);
        Assert.Equal(8, first.Count);
    }
}

public sealed class CloudCqlByIdTests : CqlByIdTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.Cloud;
}

public sealed class DataCenterCqlByIdTests : CqlByIdTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;
}
