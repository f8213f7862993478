using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SpaceSync.Emulator.Store;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Bodies;

/// <summary>
/// Both products refuse, through REST, a page body that is not storage format: 400 "Error parsing xhtml: ..." with where,
/// and nothing stored (docs/confluence-behaviours.md, "Bodies that are not storage format"). A body already held — an old
/// page, an import — is planted with PUT /__emulator/pages/{id}/body and read back as it is. Answers are validated against
/// the products' OpenAPI documents by the conformance client.
/// </summary>
public abstract class StorageCheckTests : SiteTest
{
    protected const string Doctype = "<!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><p>&x;</p>";
    protected const string Unclosed = "<p>Unclosed <b>bold</p>";
    // HTML's names, XML's five, a CDATA section holding text that is no reference: all storage format.
    protected const string Good = "<p>a&nbsp;b &amp; c &eacute;</p><ac:structured-macro ac:name=\"code\"><ac:plain-text-body><![CDATA[x &nope; <y>]]></ac:plain-text-body></ac:structured-macro>";

    public static TheoryData<string, string> Refused() => new()
    {
        { Doctype, "DTD" },
        { Unclosed, "[1," },
        { "<p>&bogus;</p>", "bogus" },
        { "<p>\u0001</p>", "[1," },
    };

    protected abstract Task<ConformanceResponse> CreateAsync(string title, string storage);

    protected abstract Task<ConformanceResponse> UpdateAsync(string id, string title, string storage, int number);

    protected abstract string ErrorText(JsonNode refusal);

    protected abstract string StoredBody(JsonNode page);

    protected abstract Task<JsonNode> ReadAsync(string id);

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_body_that_is_not_storage_format_is_refused_on_create_and_update_and_nothing_is_stored(string body, string said)
    {
        var refused = (await CreateAsync("Refused", body)).Expect(400).Json;
        Assert.StartsWith(StorageXhtml.ErrorPrefix + ":", ErrorText(refused));
        Assert.Contains(said, ErrorText(refused));
        Assert.DoesNotContain(Emulator.State.GetPages("SC"), p => p.Title == "Refused");

        var id = Str((await CreateAsync("Kept", Good)).Expect(200).Json, "id");
        var update = (await UpdateAsync(id, "Kept", body, 2)).Expect(400).Json;
        Assert.StartsWith(StorageXhtml.ErrorPrefix + ":", ErrorText(update));
        var page = Emulator.State.FindPage(long.Parse(id))!;
        Assert.Equal(1, page.Current.Number);
    }

    [Fact]
    public async Task A_body_planted_through_the_control_endpoint_is_stored_as_given_and_read_back()
    {
        var id = Str((await CreateAsync("Old page", Good)).Expect(200).Json, "id");
        using var control = new HttpClient { BaseAddress = new Uri(Emulator.BaseUrl.GetLeftPart(UriPartial.Authority)) };
        var planted = await control.PutAsJsonAsync($"/__emulator/pages/{id}/body", new { body = Doctype });
        Assert.Equal(HttpStatusCode.OK, planted.StatusCode);
        var answer = (await planted.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(id, answer["pageId"]!.GetValue<string>());
        Assert.Equal(2, answer["version"]!.GetValue<int>());
        Assert.Equal(Doctype, StoredBody(await ReadAsync(id)));

        Assert.Equal(HttpStatusCode.NotFound, (await control.PutAsJsonAsync("/__emulator/pages/999999/body", new { body = "<p/>" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await control.PutAsJsonAsync($"/__emulator/pages/{id}/body", new { text = "<p/>" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await control.PutAsJsonAsync("/__emulator/pages/abc/body", new { body = "<p/>" })).StatusCode);
    }
}

public sealed class DataCenterStorageCheckTests : StorageCheckTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.DataCenter;

    private async Task<string> SpaceAsync()
    {
        if (Emulator.State.FindSpaceByKey("SC") is { } space) return space.Key;
        (await Client.PostJsonAsync("/rest/api/space", new { key = "SC", name = "Storage check" })).Expect(200);
        return "SC";
    }

    protected override async Task<ConformanceResponse> CreateAsync(string title, string storage) =>
        await Client.PostJsonAsync("/rest/api/content", new JsonObject
        {
            ["type"] = "page",
            ["title"] = title,
            ["space"] = new JsonObject { ["key"] = await SpaceAsync() },
            ["body"] = new JsonObject { ["storage"] = new JsonObject { ["value"] = storage, ["representation"] = "storage" } },
        });

    protected override Task<ConformanceResponse> UpdateAsync(string id, string title, string storage, int number) =>
        Client.PutJsonAsync($"/rest/api/content/{id}", new JsonObject
        {
            ["id"] = id,
            ["type"] = "page",
            ["title"] = title,
            ["body"] = new JsonObject { ["storage"] = new JsonObject { ["value"] = storage, ["representation"] = "storage" } },
            ["version"] = new JsonObject { ["number"] = number },
        });

    protected override string ErrorText(JsonNode refusal)
    {
        Assert.Equal(400, Int(refusal, "statusCode"));
        return Str(refusal, "message");
    }

    protected override string StoredBody(JsonNode page) => Str(page["body"]!["storage"], "value");

    protected override async Task<JsonNode> ReadAsync(string id) =>
        (await Client.GetAsync($"/rest/api/content/{id}?expand=body.storage")).Expect(200).Json;
}

public sealed class CloudStorageCheckTests : StorageCheckTests
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.Cloud;

    private async Task<string> SpaceIdAsync()
    {
        if (Emulator.State.FindSpaceByKey("SC") is { } space) return space.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Str((await Client.PostJsonAsync("/api/v2/spaces", new { key = "SC", name = "Storage check" })).Expect(201).Json, "id");
    }

    protected override async Task<ConformanceResponse> CreateAsync(string title, string storage) =>
        await Client.PostJsonAsync("/api/v2/pages", new JsonObject
        {
            ["spaceId"] = await SpaceIdAsync(),
            ["status"] = "current",
            ["title"] = title,
            ["body"] = new JsonObject { ["representation"] = "storage", ["value"] = storage },
        });

    protected override Task<ConformanceResponse> UpdateAsync(string id, string title, string storage, int number) =>
        Client.PutJsonAsync($"/api/v2/pages/{id}", new JsonObject
        {
            ["id"] = id,
            ["status"] = "current",
            ["title"] = title,
            ["body"] = new JsonObject { ["representation"] = "storage", ["value"] = storage },
            ["version"] = new JsonObject { ["number"] = number },
        });

    protected override string ErrorText(JsonNode refusal)
    {
        var error = Assert.Single(Assert.IsType<JsonArray>(refusal["errors"]))!;
        Assert.Equal(400, Int(error, "status"));
        return Str(error, "title");
    }

    protected override string StoredBody(JsonNode page) => Str(page["body"]!["storage"], "value");

    protected override async Task<JsonNode> ReadAsync(string id) =>
        (await Client.GetAsync($"/api/v2/pages/{id}?body-format=storage")).Expect(200).Json;
}
