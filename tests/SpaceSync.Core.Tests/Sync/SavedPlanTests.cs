using System.Collections;
using System.Reflection;
using System.Text.Json;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>The saved-plan file: a faithful round trip of every action member, and a shape a person can read.</summary>
public sealed class SavedPlanTests
{
    private static readonly DateTimeOffset Made = new(2026, 11, 26, 5, 0, 0, TimeSpan.Zero);
    private static readonly string ScopePath = Path.Combine(Path.GetTempPath(), "plans", "spacesync.yaml");

    private static ResolvedSpace Space() => new()
    {
        Key = "ENG",
        CloudKey = "ENG2",
        Direction = SyncDirection.Both,
        Conflicts = ConflictPolicy.Manual,
        MaxDeletePercent = 10,
        Content = new ResolvedContent(true, true, false, false),
        ExcludeTitles = new[] { "Archive*" },
    };

    /// <summary>An update, and a create with every optional member set (parent, restrictions, labels, a file).</summary>
    internal static SavedPlan Sample()
    {
        var update = new SyncAction
        {
            Id = 1, Kind = SyncActionKind.Update, Target = SyncSide.Cloud, Source = SyncSide.DataCenter,
            SourceId = "456", SourceVersion = 7, TargetId = "123", TargetVersion = 4, PairKey = "456",
            Title = "Runbooks", WritesBody = true, Changes = PageChanges.Body | PageChanges.Title, Reason = "edited on Data Center",
        };
        var create = new SyncAction
        {
            Id = 2, Kind = SyncActionKind.Create, Target = SyncSide.Cloud, Source = SyncSide.DataCenter, SourceId = "789", SourceVersion = 3,
            Title = "New \"quoted\" page → ünïcode", Parent = ParentRef.Created(1), Changes = PageChanges.Created, DependsOn = new[] { 1 },
            Reason = "new on Data Center",
            Restrictions = new PageRestrictions(new[] { "acc-1" }, new[] { "eng" }, Array.Empty<string>(), new[] { "admins" }),
            LabelsToAdd = new[] { "runbook" }, LabelsToRemove = new[] { "draft" }, LabelsBase = new[] { "draft" },
            LabelsOnDataCenter = new[] { "runbook" }, LabelsOnCloud = new[] { "draft" },
            Attachment = new AttachmentRef
            {
                FileName = "diagram.png", PairKey = "456", SourceAttachmentId = "att9", SourceVersion = 2, Size = 1024, MediaType = "image/png",
                Comment = "v2", TargetAttachmentId = "att8", TargetFileName = "Diagram.png", TargetVersion = 1, AttachmentPairId = 5, Forget = false,
            },
        };
        var pages = new[]
        {
            new PlannedPage { Side = SyncSide.DataCenter, Id = "456", Version = 7, Title = "Runbooks" },
            new PlannedPage { Side = SyncSide.Cloud, Id = "123", Version = 4, Title = "Runbooks" },
        };
        var settings = SavedPlanSettings.Of(Space());
        return new SavedPlan
        {
            CreatedAt = Made,
            ScopePath = ScopePath,
            Spaces = new[]
            {
                new SavedSpacePlan
                {
                    Key = "ENG", CloudKey = "ENG2", Settings = settings, SettingsHash = SavedPlanJson.HashOf(settings), StateHash = "abc",
                    Warnings = new[] { "one warning" },
                    Refusal = new PlanRefusal("DeleteGuard", "too many trashes", true),
                    Items = new[]
                    {
                        new DriftItem
                        {
                            SpaceKey = "ENG", Status = DriftStatus.DataCenterAhead, Title = "Runbooks", DataCenterId = "456", CloudId = "123",
                            DataCenterVersion = 7, CloudVersion = 4, DataCenterChanges = PageChanges.Body, ActionIds = new[] { 1 }, Action = "update Cloud",
                            Warnings = new[] { "a macro is missing on Cloud" },
                        },
                    },
                    Actions = new[]
                    {
                        new SavedAction { Text = SavedPlanText.Describe(update, pages), Pages = pages, Action = update },
                        new SavedAction { Text = SavedPlanText.Describe(create, Array.Empty<PlannedPage>()), Action = create },
                    },
                },
                new SavedSpacePlan { Key = "ENG:blogposts", CloudKey = "ENG2:blogposts", SettingsHash = SavedPlanJson.HashOf(new SavedPlanSettings()) },
            },
        };
    }

    [Fact]
    public void A_plan_read_back_equals_the_plan_written_member_by_member()
    {
        var plan = Sample();
        var file = Path.Combine(Path.GetTempPath(), "spacesync-plan-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            SavedPlanJson.Write(file, plan);
            var back = SavedPlanJson.Read(file);
            Assert.Equal(SavedPlanJson.ContentHashOf(plan), back.ContentHash); // written with the file
            AssertDeepEqual(plan with { ContentHash = back.ContentHash }, back, "plan");
            Assert.Equal(SavedPlanJson.Serialize(plan), SavedPlanJson.Serialize(back));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Every_settable_member_of_an_action_is_written_so_members_added_later_travel_too()
    {
        var json = SavedPlanJson.Serialize(Sample());
        using var document = JsonDocument.Parse(json);
        var create = document.RootElement.GetProperty("spaces")[0].GetProperty("actions")[1].GetProperty("action");
        foreach (var property in typeof(SyncAction).GetProperties().Where(p => p.CanWrite))
        {
            var name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            Assert.True(create.TryGetProperty(name, out _), $"SyncAction.{property.Name} is not in the file");
        }

        // Computed members are left out: they follow from the others.
        Assert.False(create.TryGetProperty("writesSite", out _));
    }

    [Fact]
    public void The_file_reads_as_a_person_expects_camel_case_enum_names_versions_and_a_sentence_per_action()
    {
        var json = SavedPlanJson.Serialize(Sample());
        Assert.Contains("\n  \"formatVersion\": 2,", json.Replace("\r\n", "\n"));
        Assert.Contains($"\"contentHash\": \"{SavedPlanJson.ContentHashOf(Sample())}\"", json);
        Assert.Contains("\"kind\": \"Update\"", json);
        Assert.Contains("\"target\": \"Cloud\"", json);
        Assert.Contains("\"changes\": \"Body, Title\"", json);
        Assert.Contains("\"direction\": \"Both\"", json);
        Assert.Contains("New \\\"quoted\\\" page → ünïcode", json); // readable, not \u-escaped
        Assert.Contains("\"readUsers\": [", json);
        Assert.Contains("\"key\": \"ENG:blogposts\"", json);
        var update = Sample().Spaces[0].Actions[0].Text;
        Assert.StartsWith("#1 update Cloud page 123 from v4 to v5: body, title \"Runbooks\" from Data Center page 456 v7", update);
        Assert.EndsWith("— edited on Data Center", update);
        Assert.StartsWith("#2 create \"New \"quoted\" page → ünïcode\" on Cloud under the page action #1 creates: from Data Center page 789 v3",
            Sample().Spaces[0].Actions[1].Text);
    }

    [Fact]
    public void A_plan_that_is_not_one_is_refused_with_the_file_and_position()
    {
        var e = Assert.Throws<SavedPlanException>(() => SavedPlanJson.Deserialize("{ \"spaces\": [ { \"key\": 5 } ] }", "Plan file 'x.json'"));
        Assert.Equal(SavedPlanException.Unreadable, e.Code);
        Assert.Contains("Plan file 'x.json' is not a saved plan at line 1", e.Message);
        var missing = Assert.Throws<SavedPlanException>(() => SavedPlanJson.Read(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json")));
        Assert.Contains("does not exist", missing.Message);
    }

    [Fact]
    public void A_plan_too_old_for_another_scope_file_or_of_another_format_is_refused_clearly()
    {
        var plan = Sample();
        plan.CheckUsable(ScopePath, Made.AddHours(23)); // usable

        var old = Assert.Throws<SavedPlanException>(() => plan.CheckUsable(ScopePath, Made.AddHours(25)));
        Assert.Equal(SavedPlanException.TooOld, old.Code);
        Assert.Contains("25 hours ago", old.Message);

        var other = Assert.Throws<SavedPlanException>(() => plan.CheckUsable(Path.Combine(Path.GetTempPath(), "other.yaml"), Made));
        Assert.Equal(SavedPlanException.OtherScope, other.Code);
        Assert.Contains(ScopePath, other.Message);

        var format = Assert.Throws<SavedPlanException>(() => (plan with { FormatVersion = 1 }).CheckUsable(ScopePath, Made));
        Assert.Equal(SavedPlanException.Format, format.Code);
    }

    [Fact]
    public void Settings_name_what_differs_and_hash_alike_only_when_equal()
    {
        var before = SavedPlanSettings.Of(Space());
        var same = SavedPlanSettings.Of(Space() with { Owner = "someone-else@acme.com" }); // not a setting that shapes the plan
        Assert.Equal(SavedPlanJson.HashOf(before), SavedPlanJson.HashOf(same));

        var after = SavedPlanSettings.Of(Space() with { Direction = SyncDirection.ToCloud, ExcludeTitles = new[] { "Archive*", "Old*" } });
        Assert.NotEqual(SavedPlanJson.HashOf(before), SavedPlanJson.HashOf(after));
        var differences = before.DifferencesFrom(after);
        Assert.Equal(2, differences.Count);
        Assert.Contains("direction: \"Both\" → \"ToCloud\"", differences);
        Assert.Contains(differences, d => d.StartsWith("excludeTitles:", StringComparison.Ordinal));
    }

    /// <summary>Public readable members equal, lists element by element (records compare lists by reference).</summary>
    private static void AssertDeepEqual(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: {expected ?? "null"} vs {actual ?? "null"}");
            return;
        }

        var type = expected.GetType();
        if (type.IsPrimitive || type.IsEnum || expected is string || expected is DateTimeOffset || expected is decimal)
        {
            Assert.True(expected.Equals(actual), $"{path}: {expected} vs {actual}");
            return;
        }

        if (expected is IEnumerable list)
        {
            var e = list.Cast<object?>().ToList();
            var a = ((IEnumerable)actual).Cast<object?>().ToList();
            Assert.True(e.Count == a.Count, $"{path}: {e.Count} vs {a.Count} elements");
            for (var i = 0; i < e.Count; i++) AssertDeepEqual(e[i], a[i], $"{path}[{i}]");
            return;
        }

        Assert.Equal(type, actual.GetType());
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            AssertDeepEqual(property.GetValue(expected), property.GetValue(actual), path + "." + property.Name);
        }
    }
}
