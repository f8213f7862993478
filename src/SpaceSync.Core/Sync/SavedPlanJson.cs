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
            };
            options.Converters.Add(new JsonStringEnumConverter());
            options.Converters.Add(new PageRestrictionsConverter());
            return options;
        }

        public static string Serialize(SavedPlan plan) => JsonSerializer.Serialize(plan ?? throw new ArgumentNullException(nameof(plan)), Options);

        public static SavedPlan Deserialize(string json, string source = "the plan")
        {
            SavedPlan? plan;
            try
            {
                plan = JsonSerializer.Deserialize<SavedPlan>(json, Options);
            }
            catch (JsonException e)
            {
                var where = e.LineNumber is long line ? $" at line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}" : "";
                throw new SavedPlanException(SavedPlanException.Unreadable, $"{source} is not a saved plan{where}: {e.Message}", e);
            }

            if (plan is null) throw new SavedPlanException(SavedPlanException.Unreadable, $"{source} is empty (JSON null), not a saved plan.");
            return plan;
        }

        /// <summary>Writes the plan whole (see <see cref="AtomicFile"/>): a reader never sees half a plan.</summary>
        public static void Write(string path, SavedPlan plan)
        {
            var bytes = new UTF8Encoding(false).GetBytes(Serialize(plan));
            AtomicFile.Write(path, stream => stream.Write(bytes, 0, bytes.Length));
        }

        public static SavedPlan Read(string path)
        {
            if (!File.Exists(path))
            {
                throw new SavedPlanException(SavedPlanException.Unreadable, $"Plan file '{path}' does not exist; write one with Get-SyncDrift -PlanPath.");
            }

            return Deserialize(File.ReadAllText(path), $"Plan file '{path}'");
        }

        /// <summary>A value as the file writes it (settings differences name values this way).</summary>
        public static string ValueText(object? value) => JsonSerializer.Serialize(value, Options).Replace(Environment.NewLine, " ").Replace("\n", " ");

        /// <summary>A short, stable SHA-256 (hex) of the value as the file writes it.</summary>
        public static string HashOf(object? value) => Hash(JsonSerializer.Serialize(value, Options));

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
                var lists = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    if (reader.TokenType != JsonTokenType.PropertyName) throw new JsonException("Expected a property name in restrictions.");
                    var name = reader.GetString()!;
                    reader.Read();
                    lists[name] = JsonSerializer.Deserialize<List<string>>(ref reader, options) ?? new List<string>();
                }

                List<string> Of(string name) => lists.TryGetValue(name, out var list) ? list : new List<string>();
                return new PageRestrictions(Of("readUsers"), Of("readGroups"), Of("updateUsers"), Of("updateGroups"));
            }

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
