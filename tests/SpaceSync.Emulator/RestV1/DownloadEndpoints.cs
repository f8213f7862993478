using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.RestV1;

/// <summary>The servlet both products serve attachment bytes from: /download/attachments/{pageId}/{fileName}[?version=N].</summary>
internal static class DownloadEndpoints
{
    public static void Map(WebApplication app, string prefix)
    {
        app.MapGet(prefix + "/attachments/{pageId}/{fileName}", (HttpContext ctx, EmulatorState state, string pageId, string fileName) =>
        {
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
}
