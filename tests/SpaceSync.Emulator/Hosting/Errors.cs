using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator;

/// <summary>
/// Error bodies in each API's own shape: Cloud v2 `{errors:[{status,code,title,detail}]}`,
/// Cloud v1 and Data Center `{statusCode,data{authorized,valid,errors,successful},message,reason}`.
/// </summary>
internal static class Errors
{
    public static bool IsCloudV2(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/wiki/api/v2", StringComparison.OrdinalIgnoreCase);

    public static JsonObject V2Body(int status, string code, string title) => new()
    {
        ["errors"] = new JsonArray(new JsonObject
        {
            ["status"] = status,
            ["code"] = code,
            ["title"] = title,
            ["detail"] = null,
        }),
    };

    public static JsonObject EnvelopeBody(int status, string message) => new()
    {
        ["statusCode"] = status,
        ["data"] = new JsonObject
        {
            ["authorized"] = status is not (401 or 403),
            ["valid"] = status is not 400,
            ["allowedInReadOnlyMode"] = true,
            ["errors"] = new JsonArray(),
            ["successful"] = false,
        },
        ["message"] = message,
        ["reason"] = ReasonPhrases.GetReasonPhrase(status),
    };

    private static string V2Code(int status) => status switch
    {
        400 => "INVALID_REQUEST_PARAMETER",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        409 => "CONFLICT",
        429 => "TOO_MANY_REQUESTS",
        503 => "SERVICE_UNAVAILABLE",
        _ => "ERROR",
    };

    /// <summary>An error in the shape of the API the request addressed.</summary>
    public static IResult Result(HttpContext context, int status, string message)
    {
        message = WithEcho(context, message);
        return Http.Json(IsCloudV2(context) ? V2Body(status, V2Code(status), message) : EnvelopeBody(status, message), status);
    }

    public static Task WriteAsync(HttpContext context, int status, string title, string message)
    {
        message = WithEcho(context, message);
        var body = IsCloudV2(context) ? V2Body(status, V2Code(status), title + ": " + message) : EnvelopeBody(status, message);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json;charset=UTF-8";
        return context.Response.WriteAsync(body.ToJsonString(Http.JsonOptions), context.RequestAborted);
    }

    /// <summary>
    /// A misbehaving server or proxy (<see cref="EmulatorOptions.EchoAuthorization"/>, off by default: real Confluence never
    /// does this): the message quotes the request's Authorization header as received, credential and all.
    /// </summary>
    private static string WithEcho(HttpContext context, string message)
    {
        if (context.RequestServices?.GetService(typeof(Site)) is not Site { EchoAuthorization: true }) return message;
        var header = context.Request.Headers.Authorization.ToString();
        return message + " [request headers: Authorization: " + (header.Length == 0 ? "(none)" : header) +
               "; User-Agent: " + context.Request.Headers.UserAgent + "]";
    }

    /// <summary>Translates a store refusal; Cloud v2's stale-version 409 uses Confluence's exact wording.</summary>
    public static IResult FromStore(HttpContext context, StoreException e)
    {
        var status = e.Kind switch
        {
            StoreErrorKind.NotFound => 404,
            StoreErrorKind.BadRequest => 400,
            StoreErrorKind.Conflict => 409,
            StoreErrorKind.TooLarge => 413,
            // Where a document declares no 403 the products hide a refusal behind 404 ("missing or no permission").
            _ => context.GetEndpoint()?.Metadata.GetMetadata<Declares403>() is null ? 404 : 403,
        };
        if (e.Kind == StoreErrorKind.Conflict && e.CurrentVersion is int current)
        {
            if (IsCloudV2(context))
                return Http.Json(V2Body(409, "CONFLICT", WithEcho(context,
                    $"Version must be incremented when updating a page. Current Version: [{current}]. Provided version: [{e.ProvidedVersion}]")), 409);
            return Http.Json(EnvelopeBody(409, WithEcho(context, $"Version must be incremented on update. Current version is: {current}")), 409);
        }
        if (IsCloudV2(context) && e.Kind == StoreErrorKind.BadRequest && e.Message.StartsWith("A page with this title already exists", StringComparison.Ordinal))
            return Http.Json(V2Body(400, "INVALID_MESSAGE", WithEcho(context, e.Message)), 400);
        return Result(context, status, e.Message);
    }
}

/// <summary>Endpoint marker: this operation's document declares 403 for "may view but not edit".</summary>
internal sealed class Declares403
{
    public static readonly Declares403 Instance = new();
}
