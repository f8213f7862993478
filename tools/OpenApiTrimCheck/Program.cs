// Checks that a trimmed OpenAPI document validates response bodies exactly like its original.
//
// Usage: dotnet run --project tools/OpenApiTrimCheck -- <originals folder> <trimmed folder>
//
// For every operation and every response status that has an application/json schema in the ORIGINAL,
// it builds sample bodies (a depth-bounded instance built from the schema, that instance with each
// property in turn given a wrong type or null, and a few degenerate bodies), validates each against the
// original's schema and the trimmed document's schema, and compares the flattened error lists.
// Run it against a -NoPatch trim: every difference is then a trim bug. Against the patched trim,
// the differences it lists must be exactly the patched schemas.
// (NJsonSchema's ToSampleJson is not used: these documents have recursive schemas that exhaust memory.)

using System.Text;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using NSwag;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: OpenApiTrimCheck <originals folder> <trimmed folder>");
    return 2;
}

var pairs = new (string Original, string Trimmed)[]
{
    ("cloud-v2.openapi.json", "cloud-v2.json"),
    ("cloud-v1.openapi.json", "cloud-v1.json"),
    ("datacenter-10.0.3.openapi.json", "datacenter.json"),
};

var totalDifferences = 0;
foreach (var (originalName, trimmedName) in pairs)
{
    var original = await OpenApiDocument.FromJsonAsync(await File.ReadAllTextAsync(Path.Combine(args[0], originalName)));
    var trimmed = await OpenApiDocument.FromJsonAsync(await File.ReadAllTextAsync(Path.Combine(args[1], trimmedName)));

    int responses = 0, bodies = 0, differences = 0, bodiesWithErrors = 0;
    foreach (var (path, item) in original.Paths)
    {
        foreach (var (method, operation) in item)
        {
            foreach (var (status, response) in operation.ActualResponses)
            {
                if (!response.ActualResponse.Content.TryGetValue("application/json", out var media) || media.Schema is null)
                {
                    continue;
                }

                responses++;
                var trimmedSchema = FindSchema(trimmed, path, method, status);
                if (trimmedSchema is null)
                {
                    Console.WriteLine($"{trimmedName}: {method.ToUpperInvariant()} {path} {status}: schema missing in trimmed document");
                    differences++;
                    continue;
                }

                foreach (var body in SampleBodies.For(media.Schema.ActualSchema))
                {
                    bodies++;
                    var expected = Flatten(media.Schema.Validate(body));
                    var actual = Flatten(trimmedSchema.Validate(body));
                    if (expected.Count > 0)
                    {
                        bodiesWithErrors++;
                    }

                    if (!expected.SequenceEqual(actual))
                    {
                        differences++;
                        if (differences <= 20)
                        {
                            Console.WriteLine($"{trimmedName}: {method.ToUpperInvariant()} {path} {status}: body {Shorten(body)}");
                            Console.WriteLine($"    original: {string.Join("; ", expected)}");
                            Console.WriteLine($"    trimmed:  {string.Join("; ", actual)}");
                        }
                    }
                }
            }
        }
    }

    Console.WriteLine($"{trimmedName}: {responses} JSON responses, {bodies} sample bodies ({bodiesWithErrors} with errors), {differences} differences");
    totalDifferences += differences;
}

return totalDifferences == 0 ? 0 : 1;

static JsonSchema? FindSchema(OpenApiDocument document, string path, string method, string status)
{
    if (!document.Paths.TryGetValue(path, out var item) || !item.TryGetValue(method, out var operation) ||
        !operation.ActualResponses.TryGetValue(status, out var response) ||
        !response.ActualResponse.Content.TryGetValue("application/json", out var media))
    {
        return null;
    }

    return media.Schema;
}

static List<string> Flatten(ICollection<ValidationError> errors)
{
    var lines = new List<string>();
    void Walk(IEnumerable<ValidationError> level, string indent)
    {
        foreach (var error in level)
        {
            lines.Add($"{indent}{error.Kind} at {error.Path ?? "#"}");
            if (error is ChildSchemaValidationError child)
            {
                foreach (var nested in child.Errors.Values)
                {
                    Walk(nested, indent + "  ");
                }
            }
        }
    }

    Walk(errors, "");
    lines.Sort(StringComparer.Ordinal);
    return lines;
}

static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "...";

internal static class SampleBodies
{
    private const int MaxDepth = 4;

    public static IEnumerable<string> For(JsonSchema schema)
    {
        var instance = Build(schema, 0);
        yield return instance.ToString(Newtonsoft.Json.Formatting.None);
        yield return "{}";
        yield return "[]";
        yield return "\"text\"";
        yield return "null";

        // Each property in turn gets a value of the wrong type (and null), at the top and one level down.
        if (instance is JObject top)
        {
            foreach (var property in top.Properties().ToList())
            {
                var copy = (JObject)top.DeepClone();
                copy[property.Name] = WrongTypeFor(property.Value);
                yield return copy.ToString(Newtonsoft.Json.Formatting.None);
                copy[property.Name] = JValue.CreateNull();
                yield return copy.ToString(Newtonsoft.Json.Formatting.None);

                if (property.Value is JObject inner)
                {
                    foreach (var innerProperty in inner.Properties().ToList())
                    {
                        var deeper = (JObject)top.DeepClone();
                        deeper[property.Name]![innerProperty.Name] = WrongTypeFor(innerProperty.Value);
                        yield return deeper.ToString(Newtonsoft.Json.Formatting.None);
                    }
                }
            }
        }
        else if (instance is JArray { Count: > 0 } array && array[0] is JObject element)
        {
            foreach (var property in element.Properties().ToList())
            {
                var copy = (JArray)array.DeepClone();
                copy[0][property.Name] = WrongTypeFor(property.Value);
                yield return copy.ToString(Newtonsoft.Json.Formatting.None);
            }
        }
    }

    private static JToken WrongTypeFor(JToken value) =>
        value.Type == JTokenType.String ? new JValue(12345) : new JValue("wrong-type");

    private static JToken Build(JsonSchema schema, int depth)
    {
        schema = schema.ActualSchema;
        if (schema.Enumeration.Count > 0)
        {
            return schema.Enumeration.First() is { } first ? JToken.FromObject(first) : JValue.CreateNull();
        }

        var composite = schema.AllOf.Concat(schema.OneOf).Concat(schema.AnyOf).FirstOrDefault();
        if (schema.Properties.Count == 0 && composite is not null && schema.AllOf.Count <= 1)
        {
            return Build(composite, depth);
        }

        var type = schema.Type;
        if (type.HasFlag(JsonObjectType.Array) || schema.Item is not null)
        {
            var array = new JArray();
            if (schema.Item is not null && depth < MaxDepth)
            {
                array.Add(Build(schema.Item, depth + 1));
            }

            return array;
        }

        if (type.HasFlag(JsonObjectType.Object) || schema.ActualProperties.Count > 0 || schema.AllOf.Count > 1)
        {
            var result = new JObject();
            if (depth >= MaxDepth)
            {
                return result;
            }

            foreach (var (name, property) in schema.ActualProperties)
            {
                result[name] = Build(property, depth + 1);
            }

            foreach (var part in schema.AllOf)
            {
                if (Build(part, depth) is JObject partial)
                {
                    result.Merge(partial);
                }
            }

            return result;
        }

        if (type.HasFlag(JsonObjectType.Integer))
        {
            return new JValue(7);
        }

        if (type.HasFlag(JsonObjectType.Number))
        {
            return new JValue(7.5);
        }

        if (type.HasFlag(JsonObjectType.Boolean))
        {
            return new JValue(true);
        }

        if (type.HasFlag(JsonObjectType.String))
        {
            return new JValue(schema.Format == "date-time" ? "2025-01-02T03:04:05.000Z" : "text");
        }

        return new JValue("untyped");
    }
}
