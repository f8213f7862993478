using Newtonsoft.Json.Linq;
using NJsonSchema.Validation;

namespace SpaceSync.Emulator.Tests.Conformance;

/// <summary>Turns NJsonSchema's error tree into one readable line per leaf (with the offending value).</summary>
public static class SchemaErrors
{
    public static IReadOnlyList<string> Flatten(IEnumerable<ValidationError> errors, string body)
    {
        JToken? root = null;
        try
        {
            root = JToken.Parse(body);
        }
        catch (Newtonsoft.Json.JsonReaderException)
        {
            // Not JSON: the error list itself says so; there is no value to quote.
        }

        var lines = new List<string>();
        Walk(errors, "", root, lines);
        return lines;
    }

    private static void Walk(IEnumerable<ValidationError> errors, string indent, JToken? root, List<string> lines)
    {
        foreach (var error in errors)
        {
            var where = string.IsNullOrEmpty(error.Path) ? "#" : error.Path;
            if (error is ChildSchemaValidationError child)
            {
                // oneOf/anyOf/allOf: say which branch failed and why, one level deeper.
                lines.Add($"{indent}{where}: {error.Kind}{Value(root, error.Path)}");
                if (child.Errors.Count == 1)
                {
                    // An array item or a single subschema: its errors are simply the causes.
                    Walk(child.Errors.Values.Single(), indent + "  ", root, lines);
                    continue;
                }

                var branch = 0;
                foreach (var nested in child.Errors.Values)
                {
                    lines.Add($"{indent}  branch {++branch} of {child.Errors.Count}:");
                    Walk(nested, indent + "    ", root, lines);
                }
            }
            else
            {
                lines.Add($"{indent}{where}: {error.Kind}{Value(root, error.Path)}");
            }
        }
    }

    private static string Value(JToken? root, string? path)
    {
        if (root is null || string.IsNullOrEmpty(path))
        {
            return "";
        }

        var selector = path.StartsWith("#/", StringComparison.Ordinal) ? path[2..] : path.TrimStart('#');
        JToken? token;
        try
        {
            token = selector.Length == 0 ? root : root.SelectToken(selector);
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return "";
        }

        if (token is null)
        {
            return " (absent)";
        }

        var text = token.ToString(Newtonsoft.Json.Formatting.None);
        return $" (value {(text.Length > 80 ? text[..80] + "..." : text)})";
    }
}
