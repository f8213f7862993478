using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// The human message inside a Confluence error body. Cloud v2 sends
    /// {"errors":[{"status","code","title","detail"}]}; Data Center and Cloud v1 send
    /// {"statusCode","data":{..."errors":[...]},"message","reason"}; Cloud's gateway sends {"code","message"}.
    /// </summary>
    internal static class ErrorEnvelope
    {
        private const int MaxPlainText = 300;

        public static string? Parse(string? body, string? mediaType)
        {
            if (string.IsNullOrWhiteSpace(body))
            {
                return null;
            }

            var text = body!.Trim();
            if (text.StartsWith("{", System.StringComparison.Ordinal))
            {
                try
                {
                    using var document = JsonDocument.Parse(text);
                    return FromJson(document.RootElement);
                }
                catch (JsonException)
                {
                    return null;
                }
            }

            // Plain text is shown (shortened); HTML error pages from proxies are not: their status says enough.
            if (mediaType != null && mediaType.StartsWith("text/plain", System.StringComparison.OrdinalIgnoreCase))
            {
                return text.Length <= MaxPlainText ? text : text.Substring(0, MaxPlainText) + "…";
            }

            return null;
        }

        private static string? FromJson(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                var parts = new List<string>();
                foreach (var error in errors.EnumerateArray())
                {
                    var title = String(error, "title") ?? String(error, "message");
                    var detail = String(error, "detail");
                    var part = title != null && detail != null ? title + ": " + detail : title ?? detail;
                    if (part != null)
                    {
                        parts.Add(part);
                    }
                }

                if (parts.Count > 0)
                {
                    return string.Join("; ", parts);
                }
            }

            var message = String(root, "message");
            if (message != null)
            {
                return message;
            }

            // Data Center validation failures may leave "message" empty and explain in data.errors.
            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object &&
                data.TryGetProperty("errors", out var dataErrors) && dataErrors.ValueKind == JsonValueKind.Array)
            {
                var builder = new StringBuilder();
                foreach (var error in dataErrors.EnumerateArray())
                {
                    var translated = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m)
                        ? (m.ValueKind == JsonValueKind.Object ? String(m, "translation") ?? String(m, "key") : m.ValueKind == JsonValueKind.String ? m.GetString() : null)
                        : null;
                    if (!string.IsNullOrEmpty(translated))
                    {
                        if (builder.Length > 0) builder.Append("; ");
                        builder.Append(translated);
                    }
                }

                if (builder.Length > 0)
                {
                    return builder.ToString();
                }
            }

            return String(root, "reason");
        }

        private static string? String(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) &&
            value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
                ? value.GetString()
                : null;
    }
}
