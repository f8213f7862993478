using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator;

/// <summary>Small request/response helpers shared by every endpoint group.</summary>
internal static class Http
{
    // Confluence does not escape '<' in storage bodies; the relaxed encoder keeps bodies readable.
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public static IResult Json(JsonNode node, int status = 200) =>
        Results.Text(node.ToJsonString(JsonOptions), "application/json;charset=UTF-8", Encoding.UTF8, status);

    public static User Caller(this HttpContext context) =>
        context.Items[typeof(User)] as User ?? throw new InvalidOperationException("No authenticated user on this request.");

    /// <summary>"http://127.0.0.1:PORT" + path base (DC context path).</summary>
    public static string Origin(this HttpContext context) =>
        context.Request.Scheme + "://" + context.Request.Host.Value;

    public static string? Query(this HttpContext context, string name)
    {
        var values = context.Request.Query[name];
        return values.Count == 0 ? null : values[^1];
    }

    /// <summary>A multi-valued parameter: repeated and/or comma separated.</summary>
    public static List<string> QueryList(this HttpContext context, string name) =>
        context.Request.Query[name].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    public static bool QueryBool(this HttpContext context, string name) =>
        string.Equals(context.Query(name), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses an integer query parameter; null when absent, BadRequest when malformed or out of range.</summary>
    public static int? QueryInt(this HttpContext context, string name, int min, int max)
    {
        var raw = context.Query(name);
        if (raw is null) return null;
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            throw new StoreException(StoreErrorKind.BadRequest, $"Query parameter '{name}' must be an integer, not '{raw}'.");
        if (n < min || n > max)
            throw new StoreException(StoreErrorKind.BadRequest, $"Query parameter '{name}' must be between {min} and {max}.");
        return n;
    }

    public static long ParseId(string raw, string what = "id")
    {
        if (raw.StartsWith("att", StringComparison.Ordinal)) raw = raw[3..];
        if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            throw new StoreException(StoreErrorKind.BadRequest, $"'{raw}' is not a valid {what}.");
        return id;
    }

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Cloud timestamps: UTC with milliseconds and Z.</summary>
    public static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Data Center timestamps: server-local with its offset (+02:00), as Confluence DC prints them.</summary>
    public static string Local(DateTimeOffset t, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    /// <summary>Reads a JSON object body; BadRequest when it is missing or not an object.</summary>
    public static async Task<JsonObject> ReadObjectAsync(this HttpContext context)
    {
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new StoreException(StoreErrorKind.BadRequest, "The request body is not valid JSON: " + e.Message);
        }
        return node as JsonObject ?? throw new StoreException(StoreErrorKind.BadRequest, "The request body must be a JSON object.");
    }

    public static async Task<JsonNode?> ReadNodeAsync(this HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new StoreException(StoreErrorKind.BadRequest, "The request body is not valid JSON: " + e.Message);
        }
    }

    public static string? Str(this JsonNode? node, string name)
    {
        if (node is not JsonObject o || !o.TryGetPropertyValue(name, out var v) || v is null) return null;
        return v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => v.ToJsonString(),
            _ => throw new StoreException(StoreErrorKind.BadRequest, $"Field '{name}' must be a string."),
        };
    }

    public static int? Int(this JsonNode? node, string name)
    {
        if (node is not JsonObject o || !o.TryGetPropertyValue(name, out var v) || v is null) return null;
        if (v.GetValueKind() == JsonValueKind.Number && v.AsValue().TryGetValue<int>(out var n)) return n;
        if (v.GetValueKind() == JsonValueKind.String && int.TryParse(v.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out n)) return n;
        throw new StoreException(StoreErrorKind.BadRequest, $"Field '{name}' must be an integer.");
    }

    public static bool? Bool(this JsonNode? node, string name)
    {
        if (node is not JsonObject o || !o.TryGetPropertyValue(name, out var v) || v is null) return null;
        return v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new StoreException(StoreErrorKind.BadRequest, $"Field '{name}' must be a boolean."),
        };
    }

    /// <summary>Opaque cursor carrying an offset (base64url), as opaque as Confluence's to a client.</summary>
    public static string EncodeCursor(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static int DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor)) return 0;
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 += new string('=', (4 - b64.Length % 4) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            if (text.StartsWith("offset:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
                return offset;
        }
        catch (FormatException)
        {
        }
        throw new StoreException(StoreErrorKind.BadRequest, $"Invalid cursor '{cursor}'.");
    }

    /// <summary>The request's own path and query with some parameters replaced (for next links).</summary>
    public static string SelfWith(this HttpContext context, string pathPrefix, IDictionary<string, string?> replace)
    {
        var pairs = new List<string>();
        foreach (var (key, values) in context.Request.Query)
        {
            if (replace.ContainsKey(key)) continue;
            foreach (var v in values) pairs.Add(Uri.EscapeDataString(key) + "=" + Uri.EscapeDataString(v ?? ""));
        }
        foreach (var (key, value) in replace)
            if (value is not null) pairs.Add(Uri.EscapeDataString(key) + "=" + Uri.EscapeDataString(value));
        return pathPrefix + context.Request.Path.Value + (pairs.Count > 0 ? "?" + string.Join("&", pairs) : "");
    }
}
