using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace SpaceSync.Emulator.Media;

/// <summary>
/// The short-lived read tokens Cloud's REST download puts in its redirect (`token=` on the media host's URL). Shaped like
/// the real ones, a JWT signed HS256 whose claims grant read access to one file (`access: {"urn:filestore:file:ID":
/// ["read"]}`) between `nbf` and `exp`; the emulator adds which attachment and version the file is. The key is made per
/// emulator instance, so a token from another run (or an edited one) never verifies.
/// </summary>
internal sealed class MediaTokens
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public MediaTokens(TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(lifetime), "A media token lifetime must be positive.");
        Lifetime = lifetime;
    }

    public TimeSpan Lifetime { get; }

    /// <summary>The `client=` of the media URLs (the issuer claim).</summary>
    public string ClientId { get; } = Guid.NewGuid().ToString();

    public string Issue(string fileId, long attachmentId, int version, DateTimeOffset now)
    {
        var payload = new JsonObject
        {
            ["iss"] = ClientId,
            ["access"] = new JsonObject { [Urn(fileId)] = new JsonArray("read") },
            ["att"] = attachmentId,
            ["ver"] = version,
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + Lifetime).ToUnixTimeSeconds(),
        };
        var unsigned = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray()) + "." + Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        return unsigned + "." + Base64Url(Sign(unsigned));
    }

    /// <summary>The attachment and version a token grants for <paramref name="fileId"/>, or why it does not.</summary>
    public (long AttachmentId, int Version, string? Refusal) Verify(string? token, string fileId, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(token)) return (0, 0, "This URL needs its token= parameter (the media host takes no other credentials).");
        var parts = token.Split('.');
        if (parts.Length != 3 || !TryBase64Url(parts[2], out var signature) ||
            !CryptographicOperations.FixedTimeEquals(signature, Sign(parts[0] + "." + parts[1])) || !TryBase64Url(parts[1], out var body))
        {
            return (0, 0, "The token is not one this media host issued.");
        }

        JsonNode? claims;
        try
        {
            claims = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return (0, 0, "The token is not one this media host issued.");
        }

        if (claims?["access"]?[Urn(fileId)] is null) return (0, 0, $"The token does not grant access to file {fileId}.");
        var seconds = now.ToUnixTimeSeconds();
        if (seconds < claims["nbf"]!.GetValue<long>()) return (0, 0, "The token is not valid yet.");
        if (seconds >= claims["exp"]!.GetValue<long>()) return (0, 0, "The token has expired: ask the REST download for a new link.");
        return (claims["att"]!.GetValue<long>(), claims["ver"]!.GetValue<int>(), null);
    }

    private static string Urn(string fileId) => "urn:filestore:file:" + fileId;

    private byte[] Sign(string text)
    {
        using var hmac = new HMACSHA256(_key);
        return hmac.ComputeHash(Encoding.ASCII.GetBytes(text));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryBase64Url(string text, out byte[] bytes)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - padded.Length % 4) % 4);
        try
        {
            bytes = Convert.FromBase64String(padded);
            return true;
        }
        catch (FormatException)
        {
            bytes = Array.Empty<byte>();
            return false;
        }
    }
}
