using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SpaceSync.Emulator.Cloud;
using SpaceSync.Emulator.Tests.Conformance;
using Xunit;

namespace SpaceSync.Emulator.Tests.Cloud;

/// <summary>
/// Cloud converts a storage body to its editor's format on every page and blog-post write, so what is read back is not
/// what was written; and it refuses, with 400 "Content body cannot be converted to new editor format", a body its editor
/// cannot hold (docs/confluence-behaviours.md, section 2). Every answer is validated against cloud-v2.json.
/// </summary>
public sealed class CloudBodyConversionTests : SiteTest
{
    protected override EmulatorFlavor Flavor => EmulatorFlavor.Cloud;

    private const string Hex12 = "[0-9a-f]{12}";
    private const string Uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private const string Written =
        "<h2>Plan</h2><p>First<br></br>line</p><p></p>" +
        "<table><tbody><tr><th><p>Key</p></th></tr><tr><td><p>k1</p></td></tr></tbody></table>" +
        "<ac:structured-macro ac:name=\"info\"><ac:rich-text-body><p>Note &amp; more&nbsp;text</p></ac:rich-text-body></ac:structured-macro>" +
        "<ac:structured-macro ac:name=\"code\"><ac:plain-text-body><![CDATA[a < b && <p></p>]]></ac:plain-text-body></ac:structured-macro>" +
        "<ul><li>One</li></ul>" +
        "<ac:task-list><ac:task><ac:task-status>incomplete</ac:task-status><ac:task-body>Ship it</ac:task-body></ac:task></ac:task-list>" +
        "<p><ac:image ac:width='300' ac:height=\"150\"><ri:attachment ri:filename=\"a.png\"/></ac:image></p>";

    [Fact]
    public async Task A_page_write_stores_the_body_converted_to_the_editor_format_and_answers_with_it()
    {
        var space = await CreateSpace("RW");
        var created = (await Client.PostJsonAsync("/api/v2/pages", PageBody(space, "Converted", Written))).Expect(200).Json;
        AssertV2Page(created);
        var stored = StoredBody(created);
        var read = (await Client.GetAsync($"/api/v2/pages/{Str(created, "id")}?body-format=storage")).Expect(200).Json;
        Assert.Equal(stored, StoredBody(read)); // the write's answer carries the body as stored

        Assert.NotEqual(Written, stored);
        Assert.Matches($"^<h2 local-id=\"{Hex12}\">Plan</h2>", stored);
        Assert.Matches($"<p local-id=\"{Hex12}\">First<br />line</p><p local-id=\"{Hex12}\" />", stored);
        Assert.Matches($"<table data-table-width=\"760\" data-layout=\"default\" ac:local-id=\"{Hex12}\"><tbody>", stored);
        Assert.Matches($"<ac:structured-macro ac:name=\"info\" ac:schema-version=\"1\" ac:local-id=\"{Hex12}\" ac:macro-id=\"{Uuid}\">", stored);
        // A list item's text goes into a paragraph of its own; a cell's paragraph is not wrapped again.
        Assert.Matches($"<ul local-id=\"{Hex12}\"><li local-id=\"{Hex12}\"><p local-id=\"{Hex12}\">One</p></li></ul>", stored);
        Assert.Matches($"<td><p local-id=\"{Hex12}\">k1</p></td>", stored);
        Assert.Matches($"<ac:task><ac:task-id>1</ac:task-id><ac:task-uuid>{Uuid}</ac:task-uuid><ac:task-status>incomplete</ac:task-status>", stored);
        Assert.Contains("<ac:image ac:height=\"150\" ac:width=\"300\"><ri:attachment ri:filename=\"a.png\" /></ac:image>", stored, StringComparison.Ordinal);
        // Text, entities and CDATA are content: kept exactly.
        Assert.Contains("Note &amp; more&nbsp;text", stored, StringComparison.Ordinal);
        Assert.Contains("<![CDATA[a < b && <p></p>]]>", stored, StringComparison.Ordinal);
        Assert.Equal(Regex.Matches(stored, "local-id=\"").Count, Regex.Matches(stored, "local-id=\"" + Hex12).Count);

        // Deterministic: the same body is stored the same way on another page.
        var twin = (await Client.PostJsonAsync("/api/v2/pages", PageBody(space, "Twin", Written))).Expect(200).Json;
        Assert.Equal(stored, StoredBody(twin));

        // A converted body is Cloud's own form: writing it back changes nothing, ids included.
        var again = (await UpdatePage(Str(created, "id"), "Converted", stored, 2)).Expect(200).Json;
        Assert.Equal(stored, StoredBody(again));
        Assert.Equal(2, Int(again["version"], "number"));
    }

    [Fact]
    public async Task An_update_keeps_the_local_ids_the_body_carries_and_gives_new_blocks_their_own()
    {
        var space = await CreateSpace("RU");
        var created = (await Client.PostJsonAsync("/api/v2/pages", PageBody(space, "Edited", "<p>One</p>"))).Expect(200).Json;
        var first = StoredBody(created);
        var edited = (await UpdatePage(Str(created, "id"), "Edited", first + "<p>Two</p>", 2)).Expect(200).Json;
        var second = StoredBody(edited);
        Assert.StartsWith(first, second, StringComparison.Ordinal);
        Assert.Matches($"<p local-id=\"{Hex12}\">Two</p>$", second);
    }

    [Fact]
    public async Task Blog_post_writes_are_converted_like_page_writes()
    {
        var space = await CreateSpace("RB");
        var created = (await Client.PostJsonAsync("/api/v2/blogposts",
            new { spaceId = Str(space, "id"), status = "current", title = "News", body = StorageBody("<p>Hello</p><table><tbody><tr><td><p /></td></tr></tbody></table>") })).Expect(200).Json;
        Assert.Matches($"^<p local-id=\"{Hex12}\">Hello</p><table data-table-width=\"760\" data-layout=\"default\" ac:local-id=\"{Hex12}\">", StoredBody(created));
        var id = Str(created, "id");
        var updated = (await Client.PutJsonAsync($"/api/v2/blogposts/{id}",
            new { id, status = "current", title = "News", body = StorageBody("<h1>Hi</h1>"), version = new { number = 2 } })).Expect(200).Json;
        Assert.Matches($"^<h1 local-id=\"{Hex12}\">Hi</h1>$", StoredBody(updated));
        var read = (await Client.GetAsync($"/api/v2/blogposts/{id}?body-format=storage")).Expect(200).Json;
        Assert.Equal(StoredBody(updated), StoredBody(read));
    }

    [Fact]
    public async Task A_body_the_editor_cannot_hold_is_refused_with_400_in_v2_shape_and_nothing_is_stored()
    {
        const string nested = "<p>Outer</p><table><tbody><tr><td><table><tbody><tr><td><p>inner</p></td></tr></tbody></table></td></tr></tbody></table>";
        var space = await CreateSpace("RF");

        var refused = (await Client.PostJsonAsync("/api/v2/pages", PageBody(space, "Nested", nested))).Expect(400).Json;
        AssertRefusal(refused);
        Assert.Empty(Results((await Client.GetAsync($"/api/v2/spaces/{Str(space, "id")}/pages?title=Nested")).Expect(200)));

        var page = (await Client.PostJsonAsync("/api/v2/pages", PageBody(space, "Flat", "<p>Flat</p>"))).Expect(200).Json;
        AssertRefusal((await UpdatePage(Str(page, "id"), "Flat", nested, 2)).Expect(400).Json);
        var unchanged = (await Client.GetAsync($"/api/v2/pages/{Str(page, "id")}?body-format=storage")).Expect(200).Json;
        Assert.Equal(1, Int(unchanged["version"], "number"));
        AssertCloudParagraph("Flat", StoredBody(unchanged));

        AssertRefusal((await Client.PostJsonAsync("/api/v2/blogposts",
            new { spaceId = Str(space, "id"), status = "current", title = "Nested post", body = StorageBody(nested) })).Expect(400).Json);

        // What is refused is configurable: macros by name, elements, nesting; none at all.
        Emulator.State.RefusedConstructs = new[] { "macro:section", "ac:layout ac:macro" };
        (await Client.PostJsonAsync("/api/v2/pages", PageBody(space, "Nested now fine", nested))).Expect(200);
        AssertRefusal((await Client.PostJsonAsync("/api/v2/pages", PageBody(space, "Section",
            "<ac:structured-macro ac:name=\"section\"><ac:rich-text-body><p>x</p></ac:rich-text-body></ac:structured-macro>"))).Expect(400).Json);
        AssertRefusal((await Client.PostJsonAsync("/api/v2/pages", PageBody(space, "Old macro",
            "<ac:layout><ac:layout-section ac:type=\"single\"><ac:layout-cell><ac:macro ac:name=\"toc\" /></ac:layout-cell></ac:layout-section></ac:layout>"))).Expect(400).Json);
        (await Client.PostJsonAsync("/api/v2/pages", PageBody(space, "Old macro alone", "<p><ac:macro ac:name=\"toc\" /></p>"))).Expect(200);
        Emulator.State.RefusedConstructs = Array.Empty<string>();
        (await Client.PostJsonAsync("/api/v2/pages", PageBody(space, "Section now fine",
            "<ac:structured-macro ac:name=\"section\"><ac:rich-text-body><p>x</p></ac:rich-text-body></ac:structured-macro>"))).Expect(200);
        Assert.Throws<ArgumentException>(() => Emulator.State.RefusedConstructs = new[] { "<table>" });
    }

    [Fact]
    public async Task The_conversion_can_be_switched_off_for_a_test_about_something_else()
    {
        Emulator.State.RewritesBodies = false;
        var space = await CreateSpace("RO");
        var created = (await Client.PostJsonAsync("/api/v2/pages", PageBody(space, "As written", Written))).Expect(200).Json;
        Assert.Equal(Written, StoredBody(created));
        // Refusals are a separate knob: still on.
        (await Client.PostJsonAsync("/api/v2/pages", PageBody(space, "Nested",
            "<table><tbody><tr><td><table><tbody><tr><td><p>x</p></td></tr></tbody></table></td></tr></tbody></table>"))).Expect(400);
    }

    [Fact]
    public void The_command_line_sets_both_knobs()
    {
        var defaults = EmulatorOptions.Parse(new[] { "--flavor", "cloud" });
        Assert.True(defaults.CloudBodyRewrite);
        Assert.Equal(new[] { "table table" }, defaults.CloudRefusedConstructs);

        var set = EmulatorOptions.Parse(new[] { "--flavor", "cloud", "--body-rewrite", "off", "--refuse-constructs", "table table; macro:section" });
        Assert.False(set.CloudBodyRewrite);
        Assert.Equal(new[] { "table table", "macro:section" }, set.CloudRefusedConstructs);
        Assert.Empty(EmulatorOptions.Parse(new[] { "--flavor", "cloud", "--refuse-constructs", "none" }).CloudRefusedConstructs);
        Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--flavor", "cloud", "--body-rewrite", "maybe" }));
        Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--flavor", "cloud", "--refuse-constructs", "<table>" }));
    }

    private static void AssertRefusal(JsonNode refused)
    {
        var error = Assert.Single(Assert.IsType<JsonArray>(refused["errors"]))!;
        Assert.Equal(400, Int(error, "status"));
        Assert.Equal("INVALID_REQUEST_PARAMETER", Str(error, "code"));
        Assert.Equal(CloudEditorConversion.RefusalMessage, Str(error, "title"));
        Assert.Equal("Content body cannot be converted to new editor format", Str(error, "title"));
    }

    private static string StoredBody(JsonNode page) => Str(page["body"]?["storage"], "value");

    private async Task<JsonNode> CreateSpace(string key) =>
        (await Client.PostJsonAsync("/api/v2/spaces", new { key, name = "Space " + key })).Expect(201).Json;

    private static object StorageBody(string value) => new { representation = "storage", value };

    private static JsonObject PageBody(JsonNode space, string title, string storage) => new()
    {
        ["spaceId"] = Str(space, "id"),
        ["status"] = "current",
        ["title"] = title,
        ["body"] = new JsonObject { ["representation"] = "storage", ["value"] = storage },
    };

    private Task<ConformanceResponse> UpdatePage(string id, string title, string storage, int number) =>
        Client.PutJsonAsync($"/api/v2/pages/{id}", new JsonObject
        {
            ["id"] = id,
            ["status"] = "current",
            ["title"] = title,
            ["body"] = new JsonObject { ["representation"] = "storage", ["value"] = storage },
            ["version"] = new JsonObject { ["number"] = number },
        });
}
