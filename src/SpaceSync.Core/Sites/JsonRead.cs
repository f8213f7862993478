using System.Globalization;
using System.Text.Json;

namespace SpaceSync.Core.Sites
{
    /// <summary>Tolerant field reads: Confluence omits fields freely and types ids differently per product.</summary>
    internal static class JsonRead
    {
        public static string? String(JsonElement element, string name)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
            {
                return null;
            }

            return value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                // Data Center's space id is an integer; Cloud ids are strings. SpaceSync keeps ids as strings.
                JsonValueKind.Number => value.TryGetInt64(out var number) ? number.ToString(CultureInfo.InvariantCulture) : value.GetRawText(),
                _ => null,
            };
        }

        public static JsonElement? Object(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
                ? value
                : (JsonElement?)null;

        public static JsonElement? Array(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Array ? element
            : element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
                ? value
                : (JsonElement?)null;
    }
}
