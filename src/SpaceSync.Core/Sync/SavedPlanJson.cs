using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using SpaceSync.Core.Files;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// The saved-plan file: one indented JSON document, camelCase names, enums by name. Records are serialized member by
    /// member (no hand-kept field list), so a member added to <see cref="SyncAction"/> travels through the file as well.
    /// </summary>
    public static class SavedPlanJson
    {
        /// <summary>The options the file is written and read with.</summary>
        public static JsonSerializerOptions Options { get; } = CreateOptions();

        private static JsonSerializerOptions CreateOptions()
        {
            var options = new JsonSerializerOptions
            {
                WriteIndented = true,
                PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
                // Computed members (WritesSite, IsTopLevel) follow from the others: writing them would only invite edits that do nothing.
                IgnoreReadOnlyProperties = true,
                // Titles and reasons stay readable: quotes, arrows and accents are written as they are, not \u-escaped.
                Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                // Reading: a field the plan does not have is an error with its place, not silently dropped.
                UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            };
            // Enums by name only: a number would be taken as is, even one that names no value.
            options.Converters.Add(new JsonStringEnumConverter(null, allowIntegerValues: false));
            options.Converters.Add(new PageRestrictionsConverter());
            return options;
        }

        /// <summary>A plan file larger than this is refused unread (a plan takes about 2 KB per action).</summary>
        public const long MaxFileBytes = 64L * 1024 * 1024;

        /// <summary>The file's text: the plan with its <see cref="SavedPlan.ContentHash"/> filled in.</summary>
        public static string Serialize(SavedPlan plan)
        {
            if (plan is null) throw new ArgumentNullException(nameof(plan));
            return JsonSerializer.Serialize(plan with { ContentHash = ContentHashOf(plan) }, Options);
        }

        /// <summary>The hash of everything the file holds but the hash itself.</summary>
        public static string ContentHashOf(SavedPlan plan) => HashOf((plan ?? throw new ArgumentNullException(nameof(plan))) with { ContentHash = "" });

        public static SavedPlan Deserialize(string json, string source = "the plan") =>
            Deserialize(new UTF8Encoding(false).GetBytes(json ?? throw new ArgumentNullException(nameof(json))), source);

        /// <summary>
        /// Reads a plan file's bytes, refusing (with the place) anything SpaceSync would not have written: not UTF-8 JSON, a
        /// field missing, unknown, written twice or of the wrong type, a null where a value belongs, an unknown name, spaces or
        /// actions twice, ids that are not ids; then anything edited since it was written (<see cref="SavedPlanException.Edited"/>).
        /// </summary>
        public static SavedPlan Deserialize(byte[] bytes, string source)
        {
            if (bytes is null) throw new ArgumentNullException(nameof(bytes));
            var json = new ReadOnlyMemory<byte>(bytes);
            if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) json = json.Slice(3); // a BOM an editor added
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(json);
            }
            catch (JsonException e)
            {
                throw Unreadable(source, e);
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Null) throw new SavedPlanException(SavedPlanException.Unreadable, $"{source} is empty (JSON null), not a saved plan.");
                // Another format is named as such, before its fields are judged by this one's.
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("formatVersion", out var format) &&
                    format.ValueKind == JsonValueKind.Number && format.TryGetInt32(out var version) && version != SavedPlan.CurrentFormat)
                {
                    throw new SavedPlanException(SavedPlanException.Format,
                        $"{source} has format version {version}; this SpaceSync reads version {SavedPlan.CurrentFormat}. Make a new plan with Get-SyncDrift -PlanPath.");
                }

                SavedPlan? plan;
                try
                {
                    plan = JsonSerializer.Deserialize<SavedPlan>(json.Span, Options);
                }
                catch (JsonException e)
                {
                    throw Unreadable(source, e);
                }
                catch (Exception e) when (e is InvalidOperationException || e is NotSupportedException || e is ArgumentException)
                {
                    // A converter's refusal that is not a JsonException (a value its type cannot hold).
                    throw new SavedPlanException(SavedPlanException.Unreadable, $"{source} is not a saved plan: {e.Message}", e);
                }

                if (plan is null) throw new SavedPlanException(SavedPlanException.Unreadable, $"{source} is empty (JSON null), not a saved plan.");
                var bad = SavedPlanCheck.FirstBadValue(plan, "$");
                if (bad is null)
                {
                    using var written = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(plan, Options));
                    bad = SavedPlanCheck.FirstStructuralDifference(root, written.RootElement, "$") ?? SavedPlanCheck.FirstInconsistency(plan);
                }

                if (bad is (string path, string problem))
                {
                    // A missing member has no place of its own: the object that lacks it has.
                    var place = SavedPlanCheck.Locate(json.Span, path);
                    for (var parent = path; place is null && parent.LastIndexOfAny(new[] { '.', '[' }) > 0;)
                    {
                        parent = parent.Substring(0, parent.LastIndexOfAny(new[] { '.', '[' }));
                        place = SavedPlanCheck.Locate(json.Span, parent);
                    }

                    var at = place is (long line, long position) ? $" at line {line}, position {position}" : "";
                    throw new SavedPlanException(SavedPlanException.Unreadable, $"{source} is not a saved plan{at}: {path} {problem}.");
                }

                CheckHashes(plan, source);
                return plan;
            }
        }

        /// <summary>Every space's settings against their hash, then the whole file against its own: an edited plan is refused.</summary>
        private static void CheckHashes(SavedPlan plan, string source)
        {
            foreach (var space in plan.Spaces)
            {
                var hash = HashOf(space.Settings);
                if (!string.Equals(hash, space.SettingsHash, StringComparison.Ordinal))
                {
                    throw new SavedPlanException(SavedPlanException.Edited,
                        $"{source}: the settings of space '{space.Key}' do not match their settingsHash ({Cut(space.SettingsHash)} in the file; the settings " +
                        $"as written hash to {hash}): they were edited after Get-SyncDrift wrote the plan. A plan applies only under the " +
                        "settings it was made with; it is refused. Change the scope file if the settings must change, then make a new plan.");
                }
            }

            var content = ContentHashOf(plan);
            if (!string.Equals(content, plan.ContentHash, StringComparison.Ordinal))
            {
                throw new SavedPlanException(SavedPlanException.Edited,
                    $"{source}: the plan does not match its contentHash ({Cut(plan.ContentHash)} in the file; its content hashes to {content}): it was " +
                    "edited after Get-SyncDrift wrote it. A plan is applied exactly as it was made and reviewed; it is refused. Make a new plan " +
                    "with Get-SyncDrift -PlanPath.");
            }
        }

        private static string Cut(string text) => text.Length == 0 ? "empty" : text.Length <= 40 ? text : text.Substring(0, 40) + "…";

        private static SavedPlanException Unreadable(string source, JsonException e)
        {
            var where = e.LineNumber is long line ? $" at line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}" : "";
            // The serializer's message repeats the place in its own words ("Path: … | LineNumber: …"): say it once.
            var message = e.Message;
            var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
            if (cut < 0) cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
            if (cut > 0) message = message.Substring(0, cut);
            var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" ({e.Path})";
            return new SavedPlanException(SavedPlanException.Unreadable, $"{source} is not a saved plan{where}{path}: {message}", e);
        }

        /// <summary>Writes the plan whole (see <see cref="AtomicFile"/>): a reader never sees half a plan.</summary>
        public static void Write(string path, SavedPlan plan)
        {
            var bytes = new UTF8Encoding(false).GetBytes(Serialize(plan));
            AtomicFile.Write(path, stream => stream.Write(bytes, 0, bytes.Length));
        }

        public static SavedPlan Read(string path)
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                throw new SavedPlanException(SavedPlanException.Unreadable, $"Plan file '{path}' does not exist; write one with Get-SyncDrift -PlanPath.");
            }

            if (file.Length > MaxFileBytes)
            {
                throw new SavedPlanException(SavedPlanException.Unreadable,
                    $"Plan file '{path}' is {file.Length / (1024 * 1024)} MB; a saved plan is at most {MaxFileBytes / (1024 * 1024)} MB " +
                    "(about 2 KB per action). It was not read.");
            }

            return Deserialize(File.ReadAllBytes(path), $"Plan file '{path}'");
        }

        /// <summary>A value as the file writes it (settings differences name values this way).</summary>
        public static string ValueText(object? value) => JsonSerializer.Serialize(value, Options).Replace(Environment.NewLine, " ").Replace("\n", " ");

        /// <summary>A short, stable SHA-256 (hex) of the value as the file writes it, without indentation (line ends differ by platform).</summary>
        public static string HashOf(object? value) => Hash(JsonSerializer.Serialize(value, HashOptions));

        private static readonly JsonSerializerOptions HashOptions = new JsonSerializerOptions(Options) { WriteIndented = false };

        internal static string Hash(string text)
        {
            using var sha = SHA256.Create();
            var bytes = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
            return string.Concat(bytes.Take(16).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        }

        /// <summary>PageRestrictions has no setters (its constructor normalises): read and write its four lists by hand.</summary>
        private sealed class PageRestrictionsConverter : JsonConverter<PageRestrictions>
        {
            public override PageRestrictions Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("Restrictions must be an object.");
                var lists = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    if (reader.TokenType != JsonTokenType.PropertyName) throw new JsonException("Expected a property name in restrictions.");
                    var name = reader.GetString()!;
                    if (!Names.Contains(name, StringComparer.Ordinal)) throw new JsonException($"'{name}' is not a field of restrictions ({string.Join(", ", Names)}).");
                    if (lists.ContainsKey(name)) throw new JsonException($"'{name}' is written twice in restrictions.");
                    reader.Read();
                    var list = JsonSerializer.Deserialize<List<string>>(ref reader, options) ?? throw new JsonException($"Restrictions' '{name}' is null.");
                    if (list.Any(v => v is null)) throw new JsonException($"Restrictions' '{name}' holds a null.");
                    lists[name] = list;
                }

                List<string> Of(string name) => lists.TryGetValue(name, out var list) ? list : new List<string>();
                return new PageRestrictions(Of("readUsers"), Of("readGroups"), Of("updateUsers"), Of("updateGroups"));
            }

            private static readonly string[] Names = { "readUsers", "readGroups", "updateUsers", "updateGroups" };

            public override void Write(Utf8JsonWriter writer, PageRestrictions value, JsonSerializerOptions options)
            {
                writer.WriteStartObject();
                WriteList(writer, "readUsers", value.ReadUsers);
                WriteList(writer, "readGroups", value.ReadGroups);
                WriteList(writer, "updateUsers", value.UpdateUsers);
                WriteList(writer, "updateGroups", value.UpdateGroups);
                writer.WriteEndObject();
            }

            private static void WriteList(Utf8JsonWriter writer, string name, IEnumerable<string> values)
            {
                writer.WriteStartArray(name);
                foreach (var value in values) writer.WriteStringValue(value);
                writer.WriteEndArray();
            }
        }
    }
}
