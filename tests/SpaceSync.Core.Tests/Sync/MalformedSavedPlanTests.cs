using System.Text;
using System.Text.Json.Nodes;
using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>
/// Every plan file SpaceSync did not write exactly as it is: malformed ones get SavedPlanUnreadable with the place, edited
/// ones SavedPlanEdited naming the hash that does not match. Nothing of such a file is applied (it never leaves the reader).
/// </summary>
public sealed class MalformedSavedPlanTests
{
    private const string Source = "Plan file 'eng-plan.json'";

    private static JsonNode Plan() => JsonNode.Parse(SavedPlanJson.Serialize(SavedPlanTests.Sample()))!;

    private static JsonNode Action(JsonNode plan, int index = 0) => plan["spaces"]![0]!["actions"]![index]!["action"]!;

    private static string Text(JsonNode plan) => plan.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

    /// <summary>Each case: a change to a good file, and what the refusal must say (the JSON path or the entity named).</summary>
    public static TheoryData<string, Func<string>, string> Malformed() => new()
    {
        { "a duplicated action", () => { var p = Plan(); var actions = p["spaces"]![0]!["actions"]!.AsArray(); actions.Add(actions[0]!.DeepClone()); return Text(p); },
            "$.spaces[0].actions[2].action.id repeats action #1 of space 'ENG' ($.spaces[0].actions[0])" },
        { "a duplicated space", () => { var p = Plan(); var spaces = p["spaces"]!.AsArray(); spaces.Add(spaces[0]!.DeepClone()); return Text(p); },
            "$.spaces[2].key repeats space 'ENG' of $.spaces[0]" },
        { "a missing action field", () => { var p = Plan(); Action(p).AsObject().Remove("kind"); return Text(p); },
            "$.spaces[0].actions[0].action.kind is missing" },
        { "a missing top-level field", () => { var p = Plan(); p.AsObject().Remove("createdAt"); return Text(p); }, "$.createdAt is missing" },
        { "a missing restrictions list", () => { var p = Plan(); Action(p, 1)["restrictions"]!.AsObject().Remove("readGroups"); return Text(p); },
            "$.spaces[0].actions[1].action.restrictions.readGroups is missing" },
        { "an extra field", () => { var p = Plan(); Action(p)["undo"] = true; return Text(p); }, "($.spaces[0].actions[0].action.undo)" },
        { "an extra restrictions field", () => { var p = Plan(); Action(p, 1)["restrictions"]!["adminUsers"] = new JsonArray(); return Text(p); },
            "'adminUsers' is not a field of restrictions" },
        { "a field written twice", () => SavedPlanJson.Serialize(SavedPlanTests.Sample()).Replace("\"title\": \"Runbooks\",", "\"title\": \"Runbooks\", \"title\": \"Other\","),
            "is written twice in the same object" },
        { "a wrong-typed id", () => { var p = Plan(); Action(p)["id"] = "one"; return Text(p); }, "($.spaces[0].actions[0].action.id)" },
        { "a wrong-typed list", () => { var p = Plan(); p["spaces"] = 5; return Text(p); }, "($.spaces)" },
        { "a wrong-typed flag", () => { var p = Plan(); p["spaces"]![0]!["settings"]!["labels"] = "yes"; return Text(p); }, "($.spaces[0].settings.labels)" },
        { "truncated JSON", () => { var t = SavedPlanJson.Serialize(SavedPlanTests.Sample()); return t.Substring(0, t.Length / 2); }, "at line " },
        { "an empty file", () => "", "at line 1, position 1" },
        { "not an object", () => "[]", "at line 1" },
        { "an unknown action kind", () => { var p = Plan(); Action(p)["kind"] = "Explode"; return Text(p); }, "($.spaces[0].actions[0].action.kind)" },
        { "an action kind as a number", () => { var p = Plan(); Action(p)["kind"] = 2; return Text(p); }, "($.spaces[0].actions[0].action.kind)" },
        { "a target id that is not an id", () => { var p = Plan(); Action(p)["targetId"] = "../123"; return Text(p); },
            "$.spaces[0].actions[0].action.targetId is \"../123\", not a page id" },
        { "a planned page id that is not an id", () => { var p = Plan(); p["spaces"]![0]!["actions"]![0]!["pages"]![0]!["id"] = ""; return Text(p); },
            "$.spaces[0].actions[0].pages[0].id is \"\", not a page id" },
        { "a drift item id that is not an id", () => { var p = Plan(); p["spaces"]![0]!["items"]![0]!["cloudId"] = "-4"; return Text(p); },
            "$.spaces[0].items[0].cloudId is \"-4\", not a page id" },
        { "an action id of 0", () => { var p = Plan(); Action(p)["id"] = 0; return Text(p); }, "$.spaces[0].actions[0].action.id is 0" },
        { "a page version of 0", () => { var p = Plan(); p["spaces"]![0]!["actions"]![0]!["pages"]![1]!["version"] = 0; return Text(p); },
            "$.spaces[0].actions[0].pages[1].version is 0" },
        { "a dependency on no action", () => { var p = Plan(); Action(p, 1)["dependsOn"] = new JsonArray(99); return Text(p); }, "depends on action #99" },
        { "a drift item naming no action", () => { var p = Plan(); p["spaces"]![0]!["items"]![0]!["actionIds"] = new JsonArray(7); return Text(p); },
            "$.spaces[0].items[0].actionIds names action #7" },
        { "a null title", () => { var p = Plan(); Action(p)["title"] = null; return Text(p); }, "$.spaces[0].actions[0].action.title is null" },
        { "a null action list", () => { var p = Plan(); p["spaces"]![0]!["actions"] = null; return Text(p); }, "$.spaces[0].actions is null" },
        { "a null action entry", () => { var p = Plan(); p["spaces"]![0]!["actions"]![1] = null; return Text(p); }, "$.spaces[0].actions[1] is null" },
        { "a null space", () => { var p = Plan(); p["spaces"]![1] = null; return Text(p); }, "$.spaces[1] is null" },
        { "a null refusal code", () => { var p = Plan(); p["spaces"]![0]!["refusal"]!["code"] = null; return Text(p); }, "$.spaces[0].refusal.code is null" },
        { "a null label", () => { var p = Plan(); Action(p, 1)["labelsToAdd"] = new JsonArray("runbook", null); return Text(p); },
            "$.spaces[0].actions[1].action.labelsToAdd[1] is null" },
        { "a null plan", () => "null", "is empty (JSON null)" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_plan_is_unreadable_with_its_place(string what, Func<string> make, string says)
    {
        var e = Assert.Throws<SavedPlanException>(() => SavedPlanJson.Deserialize(make(), Source));
        Assert.True(e.Code == SavedPlanException.Unreadable, $"{what}: {e.Code}: {e.Message}");
        Assert.StartsWith(Source, e.Message);
        Assert.Contains(says, e.Message);
        if (what != "a null plan") Assert.Contains(" at line ", e.Message);
    }

    [Fact]
    public void The_place_is_the_line_and_position_of_the_member_in_the_file()
    {
        var p = Plan();
        var actions = p["spaces"]![0]!["actions"]!.AsArray();
        actions.Add(actions[0]!.DeepClone());
        var text = Text(p);
        var e = Assert.Throws<SavedPlanException>(() => SavedPlanJson.Deserialize(text, Source));
        // The third action's "id": the line that holds it, counted in the file.
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var thirdAction = Enumerable.Range(0, lines.Length).Where(i => lines[i].Contains("\"action\": {")).ElementAt(2);
        var idLine = Enumerable.Range(thirdAction, lines.Length - thirdAction).First(i => lines[i].TrimStart().StartsWith("\"id\":")) + 1;
        Assert.Contains($"at line {idLine}, position {lines[idLine - 1].IndexOf('"') + 1}", e.Message);
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_are_unreadable_with_the_place()
    {
        var bytes = Encoding.UTF8.GetBytes(SavedPlanJson.Serialize(SavedPlanTests.Sample()).Replace("Runbooks", "Run\u00e9ooks"));
        var at = Array.IndexOf(bytes, (byte)0xC3);
        bytes[at] = 0xFF;
        var e = Assert.Throws<SavedPlanException>(() => SavedPlanJson.Deserialize(bytes, Source));
        Assert.Equal(SavedPlanException.Unreadable, e.Code);
        Assert.Contains(" at line ", e.Message);
    }

    [Fact]
    public void A_huge_file_is_refused_unread()
    {
        var file = Path.Combine(Path.GetTempPath(), "spacesync-huge-plan-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            using (var stream = File.Create(file)) stream.SetLength(SavedPlanJson.MaxFileBytes + 1); // sparse: nothing written, nothing read
            var e = Assert.Throws<SavedPlanException>(() => SavedPlanJson.Read(file));
            Assert.Equal(SavedPlanException.Unreadable, e.Code);
            Assert.Contains(file, e.Message);
            Assert.Contains("a saved plan is at most 64 MB", e.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Well-formed files changed after Get-SyncDrift wrote them: what each one would have let through.</summary>
    public static TheoryData<string, Func<string>, string> Edited() => new()
    {
        // Without a check, the settings block would be shown to the reviewer as what the plan runs under.
        { "maxDeletePercent 10 → 100 in the settings", () => { var p = Plan(); p["spaces"]![0]!["settings"]!["maxDeletePercent"] = 100; return Text(p); },
            "the settings of space 'ENG' do not match their settingsHash" },
        { "the settings and their hash both changed", () =>
            {
                var p = Plan();
                var settings = SavedPlanTests.Sample().Spaces[0].Settings with { MaxDeletePercent = 100 };
                p["spaces"]![0]!["settings"]!["maxDeletePercent"] = 100;
                p["spaces"]![0]!["settingsHash"] = SavedPlanJson.HashOf(settings);
                return Text(p);
            }, "the plan does not match its contentHash" },
        // The delete guard's refusal removed: the trashes would run without -Force.
        { "the guard's refusal removed", () => { var p = Plan(); p["spaces"]![0]!["refusal"] = null; return Text(p); }, "the plan does not match its contentHash" },
        { "an action's target changed", () => { var p = Plan(); Action(p)["targetId"] = "124"; return Text(p); }, "the plan does not match its contentHash" },
        { "the date moved", () => { var p = Plan(); p["createdAt"] = DateTimeOffset.UtcNow.ToString("O"); return Text(p); }, "the plan does not match its contentHash" },
        { "an action's sentence changed", () => { var p = Plan(); p["spaces"]![0]!["actions"]![0]!["text"] = "harmless"; return Text(p); }, "the plan does not match its contentHash" },
        { "the hash emptied", () => { var p = Plan(); p["contentHash"] = ""; return Text(p); }, "(empty in the file" },
    };

    [Theory]
    [MemberData(nameof(Edited))]
    public void An_edited_plan_is_refused_naming_the_hash_that_does_not_match(string what, Func<string> make, string says)
    {
        var e = Assert.Throws<SavedPlanException>(() => SavedPlanJson.Deserialize(make(), Source));
        Assert.True(e.Code == SavedPlanException.Edited, $"{what}: {e.Code}: {e.Message}");
        Assert.StartsWith(Source, e.Message);
        Assert.Contains(says, e.Message);
        Assert.Contains("edited after Get-SyncDrift wrote", e.Message);
    }

    [Fact]
    public void A_version_1_plan_which_has_no_content_hash_is_refused_as_another_format()
    {
        var p = Plan();
        p["formatVersion"] = 1;
        p.AsObject().Remove("contentHash");
        var e = Assert.Throws<SavedPlanException>(() => SavedPlanJson.Deserialize(Text(p), Source));
        Assert.Equal(SavedPlanException.Format, e.Code);
        Assert.Contains("format version 1", e.Message);
    }

    [Fact]
    public void A_good_plan_reads_back_whatever_its_indentation_line_ends_and_member_order()
    {
        var p = Plan();
        var compact = p.ToJsonString();
        Assert.Equal(SavedPlanTests.Sample().Spaces.Count, SavedPlanJson.Deserialize(compact, Source).Spaces.Count);
        var windows = SavedPlanJson.Serialize(SavedPlanTests.Sample()).Replace("\r\n", "\n").Replace("\n", "\r\n");
        Assert.Equal(2, SavedPlanJson.Deserialize(windows, Source).Spaces[0].Actions.Count);
        var reordered = new JsonObject();
        foreach (var (name, value) in p.AsObject().Reverse().ToList()) reordered[name] = value?.DeepClone();
        Assert.Equal(2, SavedPlanJson.Deserialize(reordered.ToJsonString(), Source).Spaces[0].Actions.Count);
    }
}
