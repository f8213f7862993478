using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text.Json;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// What a saved-plan file must be before anything of it is applied. A file SpaceSync did not write exactly as it is gets
    /// <see cref="SavedPlanException.Unreadable"/> with the place (JSON path, line and position); a well-formed file whose
    /// content no longer matches its hashes gets <see cref="SavedPlanException.Edited"/>. Nothing is read from the sites or
    /// the state before this passes.
    /// </summary>
    internal static class SavedPlanCheck
    {
        /// <summary>
        /// Every member the file holds is read by the applier, or shown to the person who applies it: none is null unless
        /// its type says it may be, no enum holds a value outside its names.
        /// </summary>
        public static (string Path, string Problem)? FirstBadValue(object value, string path)
        {
            foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0 || property.SetMethod is null) continue; // what the file holds: settable members
                var member = path + "." + SavedPlanJson.Options.PropertyNamingPolicy!.ConvertName(property.Name);
                var found = Check(property.GetValue(value), property.PropertyType, MayBeNull(property), member);
                if (found != null) return found;
            }

            return null;
        }

        private static (string, string)? Check(object? value, Type type, bool mayBeNull, string path)
        {
            if (value is null) return mayBeNull ? null : (path, "is null");
            var underlying = Nullable.GetUnderlyingType(type) ?? type;
            if (underlying.IsEnum && !IsDefined(underlying, value))
            {
                return (path, $"is {Convert.ToInt64(value, CultureInfo.InvariantCulture)}, not one of {string.Join(", ", Enum.GetNames(underlying))}");
            }

            if (value is string || underlying.IsPrimitive || underlying.IsEnum || value is DateTimeOffset) return null;
            if (value is IEnumerable list)
            {
                var i = 0;
                foreach (var element in list)
                {
                    // No list the file holds has room for a null element.
                    var found = element is null ? ($"{path}[{i}]", "is null") : Check(element, element.GetType(), false, $"{path}[{i}]");
                    if (found != null) return found;
                    i++;
                }

                return null;
            }

            return type.Namespace?.StartsWith("SpaceSync.", StringComparison.Ordinal) == true ? FirstBadValue(value, path) : null;
        }

        private static bool IsDefined(Type type, object value)
        {
            if (Enum.IsDefined(type, value)) return true;
            if (type.GetCustomAttribute<FlagsAttribute>() is null) return false;
            var all = Enum.GetValues(type).Cast<object>().Aggregate(0L, (sum, v) => sum | Convert.ToInt64(v, CultureInfo.InvariantCulture));
            return (Convert.ToInt64(value, CultureInfo.InvariantCulture) & ~all) == 0;
        }

        /// <summary>Whether the member is declared nullable (<c>string?</c>, <c>int?</c>), from the compiler's nullable metadata.</summary>
        private static bool MayBeNull(PropertyInfo property)
        {
            if (property.PropertyType.IsValueType) return Nullable.GetUnderlyingType(property.PropertyType) != null;
            var flag = NullableFlag(property.CustomAttributes, "System.Runtime.CompilerServices.NullableAttribute")
                       ?? NullableFlag(property.DeclaringType?.CustomAttributes, "System.Runtime.CompilerServices.NullableContextAttribute");
            return flag != 1; // 1: not null; 2: nullable; none: oblivious, so null is allowed
        }

        private static byte? NullableFlag(IEnumerable<CustomAttributeData>? attributes, string name)
        {
            var attribute = attributes?.FirstOrDefault(a => a.AttributeType.FullName == name);
            if (attribute is null || attribute.ConstructorArguments.Count == 0) return null;
            var argument = attribute.ConstructorArguments[0].Value;
            return argument switch
            {
                byte b => b,
                IReadOnlyCollection<CustomAttributeTypedArgument> bytes when bytes.Count > 0 => bytes.First().Value as byte?,
                _ => null,
            };
        }

        /// <summary>
        /// The file's JSON against the same plan written again: a field the writer always writes and the file lacks, a field
        /// written twice, or one it does not know. Paths in the file's own spelling.
        /// </summary>
        public static (string Path, string Problem)? FirstStructuralDifference(JsonElement file, JsonElement written, string path)
        {
            if (file.ValueKind == JsonValueKind.Object && written.ValueKind == JsonValueKind.Object)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in file.EnumerateObject())
                {
                    if (!seen.Add(property.Name)) return ($"{path}.{property.Name}", "is written twice in the same object");
                }

                foreach (var property in written.EnumerateObject())
                {
                    if (!file.TryGetProperty(property.Name, out var value))
                    {
                        return ($"{path}.{property.Name}", "is missing");
                    }

                    var found = FirstStructuralDifference(value, property.Value, $"{path}.{property.Name}");
                    if (found != null) return found;
                }

                var unknown = file.EnumerateObject().FirstOrDefault(p => !written.TryGetProperty(p.Name, out _));
                return unknown.Value.ValueKind == JsonValueKind.Undefined ? null : ($"{path}.{unknown.Name}", "is not a field of a saved plan");
            }

            if (file.ValueKind == JsonValueKind.Array && written.ValueKind == JsonValueKind.Array)
            {
                var fileItems = file.EnumerateArray().ToList();
                var writtenItems = written.EnumerateArray().ToList();
                for (var i = 0; i < Math.Min(fileItems.Count, writtenItems.Count); i++)
                {
                    var found = FirstStructuralDifference(fileItems[i], writtenItems[i], $"{path}[{i}]");
                    if (found != null) return found;
                }

                return fileItems.Count == writtenItems.Count ? null : (path, $"has {fileItems.Count} elements where {writtenItems.Count} were read");
            }

            return null; // values: the deserializer judged them, and the hashes judge what they say
        }

        /// <summary>What no plan SpaceSync makes can hold: spaces or actions twice, page ids that are not ids, references to no action.</summary>
        public static (string Path, string Problem)? FirstInconsistency(SavedPlan plan)
        {
            var spaces = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var s = 0; s < plan.Spaces.Count; s++)
            {
                var space = plan.Spaces[s];
                var at = $"$.spaces[{s}]";
                if (space.Key.Trim().Length == 0) return ($"{at}.key", "is empty");
                if (spaces.TryGetValue(space.Key, out var first))
                {
                    return ($"{at}.key", $"repeats space '{space.Key}' of $.spaces[{first}]: a space has one plan");
                }

                spaces[space.Key] = s;
                var actions = new Dictionary<int, int>();
                for (var a = 0; a < space.Actions.Count; a++)
                {
                    var action = space.Actions[a].Action;
                    var where = $"{at}.actions[{a}]";
                    if (action.Id <= 0) return ($"{where}.action.id", $"is {action.Id}: action ids start at 1");
                    if (actions.TryGetValue(action.Id, out var earlier))
                    {
                        return ($"{where}.action.id", $"repeats action #{action.Id} of space '{space.Key}' ({at}.actions[{earlier}]): each action has its own id");
                    }

                    actions[action.Id] = a;
                    var bad = FirstBadPageId(action, where) ?? FirstBadPage(space.Actions[a].Pages, where);
                    if (bad != null) return bad;
                    foreach (var id in action.DependsOn.Concat(action.Parent?.CreatedByAction is int p ? new[] { p } : Array.Empty<int>()))
                    {
                        if (!actions.ContainsKey(id) || id == action.Id)
                        {
                            return ($"{where}.action", $"(action #{action.Id}) depends on action #{id}, which does not come before it in space '{space.Key}'");
                        }
                    }
                }

                for (var i = 0; i < space.Items.Count; i++)
                {
                    var item = space.Items[i];
                    var missing = item.ActionIds.Where(id => !actions.ContainsKey(id)).Select(id => (int?)id).FirstOrDefault();
                    if (missing != null) return ($"{at}.items[{i}].actionIds", $"names action #{missing}, which space '{space.Key}' does not have");
                    var bad = FirstNotAnId(item.DataCenterId, $"{at}.items[{i}].dataCenterId") ?? FirstNotAnId(item.CloudId, $"{at}.items[{i}].cloudId");
                    if (bad != null) return bad;
                }
            }

            return null;
        }

        private static (string, string)? FirstBadPageId(SyncAction action, string where) =>
            FirstNotAnId(action.SourceId, $"{where}.action.sourceId")
            ?? FirstNotAnId(action.TargetId, $"{where}.action.targetId")
            ?? FirstNotAnId(action.PairKey, $"{where}.action.pairKey")
            ?? FirstNotAnId(action.Parent?.TargetId, $"{where}.action.parent.targetId")
            ?? FirstNotAnId(action.Attachment?.PairKey, $"{where}.action.attachment.pairKey")
            ?? FirstNotAVersion(action.SourceVersion, $"{where}.action.sourceVersion")
            ?? FirstNotAVersion(action.TargetVersion, $"{where}.action.targetVersion");

        private static (string, string)? FirstBadPage(IReadOnlyList<PlannedPage> pages, string where)
        {
            for (var i = 0; i < pages.Count; i++)
            {
                var bad = FirstNotAnId(pages[i].Id, $"{where}.pages[{i}].id") ?? FirstNotAVersion(pages[i].Version, $"{where}.pages[{i}].version");
                if (bad != null) return bad;
            }

            return null;
        }

        /// <summary>Confluence page ids, on both products, are positive integers written as text.</summary>
        private static (string, string)? FirstNotAnId(string? id, string path) =>
            id is null || (id.Length > 0 && id.Length <= 19 && id.All(c => c >= '0' && c <= '9') && id.Any(c => c != '0'))
                ? null
                : (path, $"is \"{Cut(id)}\", not a page id (a page id is a positive number)");

        private static (string, string)? FirstNotAVersion(int? version, string path) =>
            version is null || version >= 1 ? null : (path, $"is {version}, not a page version (versions start at 1)");

        private static string Cut(string text) => text.Length <= 40 ? text : text.Substring(0, 40) + "…";

        /// <summary>Line and position (1-based, bytes) of the member or element at <paramref name="target"/>; null when the file has none.</summary>
        public static (long Line, long Position)? Locate(ReadOnlySpan<byte> json, string target)
        {
            var reader = new Utf8JsonReader(json);
            var frames = new List<(bool Array, int Index, string Path)>();
            var property = "$";
            try
            {
                while (reader.Read())
                {
                    if (reader.TokenType == JsonTokenType.PropertyName)
                    {
                        property = frames[frames.Count - 1].Path + "." + reader.GetString();
                        if (property == target) return Position(json, reader.TokenStartIndex);
                        continue;
                    }

                    if (reader.TokenType == JsonTokenType.EndObject || reader.TokenType == JsonTokenType.EndArray)
                    {
                        frames.RemoveAt(frames.Count - 1);
                        continue;
                    }

                    string path;
                    if (frames.Count == 0)
                    {
                        path = "$";
                    }
                    else if (frames[frames.Count - 1].Array)
                    {
                        var frame = frames[frames.Count - 1];
                        path = $"{frame.Path}[{frame.Index}]";
                        frames[frames.Count - 1] = (true, frame.Index + 1, frame.Path);
                    }
                    else
                    {
                        path = property;
                    }

                    if (path == target) return Position(json, reader.TokenStartIndex);
                    if (reader.TokenType == JsonTokenType.StartObject || reader.TokenType == JsonTokenType.StartArray)
                    {
                        frames.Add((reader.TokenType == JsonTokenType.StartArray, 0, path));
                    }
                }
            }
            catch (JsonException)
            {
                // Only well-formed files get here; a place is a help, not a requirement.
            }

            return null;
        }

        private static (long, long) Position(ReadOnlySpan<byte> json, long offset)
        {
            long line = 1, lineStart = 0;
            for (var i = 0; i < offset; i++)
            {
                if (json[i] == (byte)'\n')
                {
                    line++;
                    lineStart = i + 1;
                }
            }

            return (line, offset - lineStart + 1);
        }
    }
}
