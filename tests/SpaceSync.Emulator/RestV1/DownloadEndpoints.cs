using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SpaceSync.Emulator.Media;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.RestV1;

/// <summary>
/// Where attachment bytes come from. Data Center: the servlet /download/attachments/{pageId}/{fileName}[?version=N].
/// Cloud: the REST download, which answers 302 to the media host (another origin) with a short-lived token; Cloud's
/// servlet answers API tokens 401 (Atlassian deprecated it for API use, CHANGE-2735) unless
/// <see cref="EmulatorOptions.CloudDownloadServlet"/> brings the old behaviour back.
/// </summary>
internal static class DownloadEndpoints
{
    public static void MapServlet(WebApplication app, string prefix, bool refuseApiTokens)
    {
        app.MapGet(prefix + "/attachments/{pageId}/{fileName}", (HttpContext ctx, EmulatorState state, string pageId, string fileName) =>
        {
            if (refuseApiTokens)
            {
                // What Cloud sends an API-token Basic request here: the servlet wants a browser session or OAuth.
                ctx.Response.Headers.WWWAuthenticate = $"OAuth realm=\"{ctx.Origin()}/wiki\"";
                return Errors.Result(ctx, 401,
                    "Unauthorized: /download/attachments is not served to API tokens; use GET /wiki/rest/api/content/{id}/child/attachment/{attachmentId}/download.");
            }

            var version = ctx.QueryInt("version", 1, int.MaxValue);
            AttachmentVersion? v;
            string name;
            lock (state.Gate)
            {
                var page = state.FindPage(Http.ParseId(pageId, "page id"));
                var attachment = page?.Attachments.OrderBy(a => a.Status == "current" ? 0 : 1).FirstOrDefault(a => string.Equals(a.FileName, fileName, StringComparison.OrdinalIgnoreCase));
                if (attachment is null) return Results.NotFound();
                v = version is int n ? attachment.Versions.FirstOrDefault(x => x.Number == n) : attachment.Current;
                name = attachment.FileName;
            }
            if (v is null) return Results.NotFound();
            return Results.File(v.FilePath, v.MediaType, name, enableRangeProcessing: true);
        });
    }

    /// <summary>
    /// Cloud v1 "Get URI to download attachment": 302 to the media host for the attachment's current version or
    /// `?version=N`; 400 for a version above the latest, 404 for a page or attachment that is missing or hidden from the
    /// caller, or an attachment whose status is not asked for (`status`, default current).
    /// </summary>
    public static void MapCloudRest(WebApplication app, MediaHost media)
    {
        app.MapGet("/wiki/rest/api/content/{id}/child/attachment/{attachmentId}/download", (HttpContext ctx, EmulatorState state, string id, string attachmentId) =>
        {
            var version = ctx.QueryInt("version", 1, int.MaxValue);
            var statuses = ctx.QueryList("status");
            if (statuses.Count == 0) statuses.Add("current");
            string location;
            lock (state.Gate)
            {
                var page = state.RequirePage(Http.ParseId(id, "content id"));
                var wanted = Http.ParseId(attachmentId, "attachment id");
                var attachment = page.Attachments.FirstOrDefault(a => a.Id == wanted && statuses.Contains(a.Status, StringComparer.OrdinalIgnoreCase))
                    ?? throw new StoreException(StoreErrorKind.NotFound, $"No attachment {attachmentId} on content {id}.");
                if (version > attachment.Current.Number)
                    throw new StoreException(StoreErrorKind.BadRequest,
                        $"Version {version} is greater than the latest version of attachment {attachmentId} ({attachment.Current.Number}).");
                var v = version is int n ? attachment.Versions.First(x => x.Number == n) : attachment.Current;
                location = media.Link(attachment, v);
            }
            return Results.Redirect(location, permanent: false);
        });
    }
}
