using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.RestV1;

/// <summary>
/// Multipart attachment uploads as both products take them: field `file` (one or more), optional
/// `comment` and `minorEdit`, and the XSRF header `X-Atlassian-Token: no-check` (or nocheck).
/// File parts are streamed straight to disk, never buffered whole in memory.
/// </summary>
internal static class AttachmentUpload
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    private sealed record Part(string FileName, string MediaType, string BlobPath);

    public static async Task<IResult> CreateAsync(HttpContext ctx, EmulatorState state, Site site, long pageId)
    {
        if (XsrfRefusal(ctx) is { } refusal) return refusal;
        lock (state.Gate)
        {
            var page = state.RequirePage(pageId);
            EmulatorState.EnsureNotArchived(page);
            if (page.Status != "current") throw new StoreException(StoreErrorKind.NotFound, $"No current page with id {pageId}.");
        }
        var (files, comments, minorEdit) = await ReadAsync(ctx, state);
        var allowDuplicated = !site.IsCloud && ctx.QueryBool("allowDuplicated");
        var created = new List<Attachment>();
        try
        {
            for (var i = 0; i < files.Count; i++)
            {
                var file = files[i];
                var comment = i < comments.Count ? comments[i] : comments.Count == 1 ? comments[0] : null;
                Attachment? existing;
                lock (state.Gate)
                    existing = state.RequirePage(pageId).Attachments.FirstOrDefault(a => a.Status == "current" && string.Equals(a.FileName, Path.GetFileName(file.FileName), StringComparison.OrdinalIgnoreCase));
                created.Add(existing is not null && allowDuplicated
                    ? state.AddAttachmentVersion(pageId, existing.Id, file.MediaType, file.BlobPath, comment, minorEdit, ctx.Caller())
                    : state.AddAttachment(pageId, file.FileName, file.MediaType, file.BlobPath, comment, minorEdit, ctx.Caller()));
            }
        }
        catch
        {
            foreach (var file in files.Skip(created.Count)) TryDelete(file.BlobPath);
            throw;
        }
        lock (state.Gate)
        {
            var json = new LegacyJson(ctx, site, state);
            var expand = new HashSet<string> { "version", "container" };
            var results = new JsonArray();
            foreach (var a in created) results.Add(json.Attachment(a, expand));
            return Http.Json(json.Array(results, 0, results.Count, null));
        }
    }

    public static async Task<IResult> NewVersionAsync(HttpContext ctx, EmulatorState state, Site site, long pageId, long attachmentId)
    {
        if (XsrfRefusal(ctx) is { } refusal) return refusal;
        lock (state.Gate)
        {
            var a = state.FindAttachment(attachmentId);
            if (a is null || a.Page.Id != pageId) throw new StoreException(StoreErrorKind.NotFound, $"No attachment {attachmentId} on content {pageId}.");
        }
        var (files, comments, minorEdit) = await ReadAsync(ctx, state);
        if (files.Count != 1)
        {
            foreach (var f in files) TryDelete(f.BlobPath);
            throw new StoreException(StoreErrorKind.BadRequest, "Exactly one 'file' part is required to update attachment data.");
        }
        Attachment attachment;
        try
        {
            attachment = state.AddAttachmentVersion(pageId, attachmentId, files[0].MediaType, files[0].BlobPath, comments.FirstOrDefault(), minorEdit, ctx.Caller());
        }
        catch
        {
            TryDelete(files[0].BlobPath);
            throw;
        }
        lock (state.Gate)
            return Http.Json(new LegacyJson(ctx, site, state).Let(j => j.Top(j.Attachment(attachment, new HashSet<string> { "version", "container" }))));
    }

    /// <summary>Confluence's XSRF guard for multipart posts; the body is plain text, as the products send it.</summary>
    private static IResult? XsrfRefusal(HttpContext ctx)
    {
        var token = ctx.Request.Headers["X-Atlassian-Token"].ToString();
        return token is "no-check" or "nocheck"
            ? null
            : Results.Text("XSRF check failed", "text/plain", Encoding.UTF8, StatusCodes.Status403Forbidden);
    }

    private static async Task<(List<Part> Files, List<string> Comments, bool MinorEdit)> ReadAsync(HttpContext ctx, EmulatorState state)
    {
        if (!MediaTypeHeaderValue.TryParse(ctx.Request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw new StoreException(StoreErrorKind.BadRequest, "Attachments must be uploaded as multipart/form-data.");
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
            throw new StoreException(StoreErrorKind.BadRequest, "The multipart Content-Type lacks a boundary.");

        var files = new List<Part>();
        var comments = new List<string>();
        var minorEdit = false;
        (string Name, long Size)? tooLarge = null;
        var reader = new MultipartReader(boundary, ctx.Request.Body);
        try
        {
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(ctx.RequestAborted)) is not null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (disposition.IsFileDisposition() && name == "file")
                {
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
                    var blob = state.NewBlobPath();
                    long written;
                    await using (var target = File.Create(blob))
                        written = await CopyWithinLimitAsync(section.Body, target, state.MaxAttachmentBytes, ctx.RequestAborted);
                    if (written < 0)
                    {
                        TryDelete(blob);
                        tooLarge ??= (fileName, -written);
                        continue;
                    }
                    files.Add(new Part(fileName, MediaTypeOf(section.ContentType, fileName), blob));
                }
                else if (name is "comment" or "minorEdit")
                {
                    using var text = new StreamReader(section.Body, Encoding.UTF8);
                    var value = await text.ReadToEndAsync(ctx.RequestAborted);
                    if (name == "comment") comments.Add(value);
                    else minorEdit = string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase);
                }
            }
        }
        catch (IOException e)
        {
            foreach (var f in files) TryDelete(f.BlobPath);
            throw new StoreException(StoreErrorKind.BadRequest, "The multipart body could not be read: " + e.Message);
        }
        if (tooLarge is { } refused)
        {
            foreach (var f in files) TryDelete(f.BlobPath);
            throw new StoreException(StoreErrorKind.TooLarge,
                $"The attachment '{refused.Name}' is too large: {refused.Size} bytes exceeds the maximum attachment size of {state.MaxAttachmentBytes} bytes.");
        }
        if (files.Count == 0)
            throw new StoreException(StoreErrorKind.BadRequest, "No 'file' part in the multipart body.");
        return (files, comments, minorEdit);
    }

    /// <summary>
    /// Copies a file part; above <paramref name="limit"/> (0 = none) it stops keeping the bytes but still reads the part
    /// to its end (a client that is still sending then gets the 413 instead of a reset connection) and returns minus
    /// the part's full size.
    /// </summary>
    private static async Task<long> CopyWithinLimitAsync(Stream source, Stream target, long limit, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (limit > 0 && total > limit) continue;
            await target.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        return limit > 0 && total > limit ? -total : total;
    }

    private static string MediaTypeOf(string? partType, string fileName)
    {
        if (!string.IsNullOrEmpty(partType) && !partType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
            return partType.Split(';')[0].Trim();
        return ContentTypes.TryGetContentType(fileName, out var guessed) ? guessed : "application/octet-stream";
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
