using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Store;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Attachments;

/// <summary>
/// The space-wide attachment reads a sync makes (CQL <c>type = attachment</c>), on every site variant, each answer
/// validated against the documents: every current attachment of the space in one listing with its page (container),
/// version and size; a <c>lastmodified</c> window that holds only recent uploads; trashed attachments left out.
/// </summary>
public abstract class AttachmentSearchTests : SiteTest
{
    private const string SpaceKey = "ATT";
    private const string Api = "/rest/api";

    private List<Page> Seed()
    {
        Seeder.Seed(Emulator.State, SpaceKey, pageCount: 6, seed: 3);
        Seeder.Seed(Emulator.State, "OTHER", pageCount: 3, seed: 5);
        return Emulator.State.GetPages(SpaceKey).Where(p => !p.IsBlogPost && p.Status == "current").OrderBy(p => p.Id).ToList();
    }

    private async Task<JsonNode> UploadAsync(long pageId, string fileName, int length)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(new byte[length]);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        var request = new HttpRequestMessage(HttpMethod.Post, Client.Url($"{Api}/content/{pageId}/child/attachment")) { Content = form };
        request.Headers.Add("X-Atlassian-Token", "no-check");
        return Results((await Client.SendAsync(request)).Expect(200))[0]!;
    }

    private static string Cql(string cql) =>
        $"{Api}/content/search?cql={Uri.EscapeDataString(cql)}&expand=version,container&limit=200";

    [Fact]
    public async Task Type_attachment_in_a_space_lists_every_current_attachment_with_its_page_version_and_size()
    {
        var pages = Seed();
        var existing = Emulator.State.GetPages(SpaceKey).SelectMany(p => p.Attachments).Where(a => a.Status == "current").Select(a => a.ContentId).ToList();
        var a = await UploadAsync(pages[0].Id, "a.bin", 10);
        var b = await UploadAsync(pages[1].Id, "b.bin", 20);
        var gone = await UploadAsync(pages[1].Id, "gone.bin", 5);
        Emulator.State.TrashAttachment(long.Parse(Str(gone, "id")[3..]));
        var other = Emulator.State.GetPages("OTHER").First(p => p.Status == "current");
        await UploadAsync(other.Id, "elsewhere.bin", 7);

        var results = Results((await Client.GetAsync(Cql($"type = attachment and space = \"{SpaceKey}\""))).Expect(200));

        var ids = results.Select(r => Str(r, "id")).ToList();
        Assert.Equal(existing.Append(Str(a, "id")).Append(Str(b, "id")).Order(), ids.Order());
        var onB = results.Single(r => Str(r, "id") == Str(b, "id"));
        Assert.Equal("attachment", Str(onB, "type"));
        Assert.Equal("b.bin", Str(onB, "title"));
        Assert.Equal(pages[1].Id.ToString(), Str(onB?["container"], "id"));
        Assert.Equal(1, Int(onB?["version"], "number"));
        Assert.Equal(20, onB?["extensions"]?["fileSize"]?.GetValue<long>());
    }

    [Fact]
    public async Task A_lastmodified_window_holds_only_the_attachments_changed_in_it_and_pages_stay_out()
    {
        // Past every seeded attachment's time: the old upload ten days ahead, the fresh one twenty.
        var pages = Seed();
        var day = new DateTimeOffset(DateTimeOffset.UtcNow.Date, TimeSpan.Zero);
        Emulator.State.Clock = new FixedClock(day.AddDays(10));
        await UploadAsync(pages[2].Id, "old.bin", 4);
        Emulator.State.Clock = new FixedClock(day.AddDays(20));
        var fresh = await UploadAsync(pages[3].Id, "fresh.bin", 3);

        // A date literal five days before: the caller's zone (at most 14 hours off) cannot move it past either upload.
        var results = Results((await Client.GetAsync(Cql($"type = attachment and space = \"{SpaceKey}\" and lastmodified >= \"{day.AddDays(15):yyyy/MM/dd}\""))).Expect(200));

        Assert.Equal(new[] { Str(fresh, "id") }, results.Select(r => Str(r, "id")).ToArray());
        Assert.Equal(pages[3].Id.ToString(), Str(results[0]?["container"], "id"));
    }
}

public sealed class CloudAttachmentSearchTests : AttachmentSearchTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.Cloud;
}

public sealed class DataCenterAttachmentSearchTests : AttachmentSearchTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;
}

public sealed class DataCenterContextAttachmentSearchTests : AttachmentSearchTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;
    protected override string ContextPath => "/confluence";
}
