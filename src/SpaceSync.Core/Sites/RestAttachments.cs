using System;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// What both products share for attachments: downloads (Data Center's servlet, Cloud's REST download and its redirect),
    /// the v1 multipart upload and the v1 attachment shape. Bytes are streamed both ways: never more than one buffer of a file in memory.
    /// </summary>
    internal static class RestAttachments
    {
        private const int BufferSize = 81920;

        /// <summary>The download servlet: {site}/download/attachments/{pageId}/{fileName}?version=N (Data Center).</summary>
        public static Uri DownloadUrl(ConfluenceRestClient rest, string pageId, string fileName, int version) =>
            rest.Url("/download/attachments/" + Uri.EscapeDataString(pageId) + "/" + Uri.EscapeDataString(fileName) +
                     "?version=" + version.ToString(CultureInfo.InvariantCulture));

        /// <summary>Cloud's REST download: {site}/rest/api/content/{pageId}/child/attachment/{attachmentId}/download?version=N.</summary>
        public static Uri RestDownloadUrl(ConfluenceRestClient rest, string pageId, string attachmentId, int version) =>
            rest.Url("/rest/api/content/" + Uri.EscapeDataString(pageId) + "/child/attachment/" + Uri.EscapeDataString(attachmentId) +
                     "/download?version=" + version.ToString(CultureInfo.InvariantCulture));

        /// <summary>Data Center: the bytes straight from the servlet.</summary>
        public static async Task<AttachmentDownload> DownloadAsync(ConfluenceRestClient rest, SiteAttachment attachment, int? version,
            Stream destination, CancellationToken cancellationToken)
        {
            var number = CheckDownload(attachment, version, destination, needsId: false);
            using var request = new HttpRequestMessage(HttpMethod.Get, DownloadUrl(rest, attachment.PageId, attachment.FileName, number));
            request.Headers.Accept.ParseAdd("*/*");
            using var response = await rest.SendForStreamAsync(request, cancellationToken).ConfigureAwait(false);
            return await ReadBodyAsync(rest, request, response, attachment, destination, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Cloud: the REST download answers 302 to the media host (another origin) with a short-lived token in the URL. That
        /// one redirect is followed here, by hand: at once (the token is short-lived), without the site's credentials (the
        /// authentication handler sends them to the site's origin only), only to an http(s) URL, and never a second one.
        /// The link is never logged or put in an error: events and messages name paths only, and an error body from the
        /// media host has the query's values blanked. A site that answers the bytes itself (200) is read as such.
        /// Both requests go through the same handlers: counted, retried before their first body byte, under the caller's token.
        /// </summary>
        public static async Task<AttachmentDownload> DownloadThroughRedirectAsync(ConfluenceRestClient rest, SiteAttachment attachment, int? version,
            Stream destination, CancellationToken cancellationToken)
        {
            var number = CheckDownload(attachment, version, destination, needsId: true);
            using var request = new HttpRequestMessage(HttpMethod.Get, RestDownloadUrl(rest, attachment.PageId, attachment.Id, number));
            request.Headers.Accept.ParseAdd("*/*");
            using var answer = await rest.SendForStreamAsync(request, cancellationToken, allowRedirect: true).ConfigureAwait(false);
            if (!IsRedirect(answer))
            {
                return await ReadBodyAsync(rest, request, answer, attachment, destination, cancellationToken).ConfigureAwait(false);
            }

            var target = RedirectTarget(rest, request, answer, attachment);
            answer.Dispose(); // done with the site's answer before the media host's comes in

            using var media = new HttpRequestMessage(HttpMethod.Get, target);
            media.Headers.Accept.ParseAdd("*/*");
            using var response = await rest.SendForStreamAsync(media, cancellationToken, allowRedirect: true).ConfigureAwait(false);
            if (IsRedirect(response))
            {
                throw rest.Unexpected(media, response,
                    $"redirected the download of '{attachment.FileName}' ({attachment.Id} of page {attachment.PageId}) a second time; " +
                    "a download follows exactly one redirect, so it was not followed.");
            }

            return await ReadBodyAsync(rest, media, response, attachment, destination, cancellationToken).ConfigureAwait(false);
        }

        private static int CheckDownload(SiteAttachment attachment, int? version, Stream destination, bool needsId)
        {
            if (attachment is null) throw new ArgumentNullException(nameof(attachment));
            if (destination is null) throw new ArgumentNullException(nameof(destination));
            if (string.IsNullOrEmpty(attachment.PageId) || string.IsNullOrEmpty(attachment.FileName) || (needsId && string.IsNullOrEmpty(attachment.Id)))
                throw new ArgumentException($"The {attachment} lacks its {(needsId ? "id, " : "")}page id or file name.", nameof(attachment));
            var number = version ?? attachment.Version;
            if (number < 1) throw new ArgumentOutOfRangeException(nameof(version), "Attachment versions start at 1.");
            return number;
        }

        private static bool IsRedirect(HttpResponseMessage response) => (int)response.StatusCode >= 300 && (int)response.StatusCode < 400;

        /// <summary>The Location of the site's redirect, absolute; refused (naming its scheme, never the URL) unless http(s).</summary>
        private static Uri RedirectTarget(ConfluenceRestClient rest, HttpRequestMessage request, HttpResponseMessage answer, SiteAttachment attachment)
        {
            var location = answer.Headers.Location;
            if (location is null)
            {
                throw rest.Unexpected(request, answer, $"redirected the download of '{attachment.FileName}' without a Location to download it from.");
            }

            var target = location.IsAbsoluteUri ? location : new Uri(request.RequestUri!, location);
            if (target.Scheme != Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttp)
            {
                throw rest.Unexpected(request, answer,
                    $"redirected the download of '{attachment.FileName}' to a '{target.Scheme}:' URL; only http(s) is followed.");
            }

            return target;
        }

        /// <summary>Streams a 2xx answer's body into <paramref name="destination"/>, hashing it; checks it is no HTML page and is whole.</summary>
        private static async Task<AttachmentDownload> ReadBodyAsync(ConfluenceRestClient rest, HttpRequestMessage request, HttpResponseMessage response,
            SiteAttachment attachment, Stream destination, CancellationToken cancellationToken)
        {
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType != null && mediaType.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) &&
                !(attachment.MediaType ?? "").StartsWith("text/html", StringComparison.OrdinalIgnoreCase))
            {
                // The servlet answers a login or error page as 200 HTML when a session is missing.
                throw rest.Unexpected(request, response, $"sent an HTML page instead of the bytes of '{attachment.FileName}' (a login or error page?).");
            }

            using var sha = SHA256.Create();
            var buffer = new byte[BufferSize];
            long total = 0;
            var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            try
            {
                while (true)
                {
                    int read;
                    using (var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                    {
                        // The site's silence timeout, between bytes: a slow download that keeps moving is never cut.
                        idle.CancelAfter(rest.RequestTimeout);
                        read = await body.ReadAsync(buffer, 0, buffer.Length, idle.Token).ConfigureAwait(false);
                    }

                    if (read == 0)
                    {
                        break;
                    }

                    sha.TransformBlock(buffer, 0, read, null, 0);
                    await destination.WriteAsync(buffer, 0, read, cancellationToken).ConfigureAwait(false);
                    total += read;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException e)
            {
                throw rest.StreamFailure(request, e,
                    $"the download of '{attachment.FileName}' stalled: no byte for {rest.RequestTimeout.TotalSeconds:0.#} s after {total} bytes");
            }
            catch (Exception e) when (e is IOException || e is HttpRequestException)
            {
                // Not repeated from here: the destination already holds part of the file; the caller starts over.
                throw rest.StreamFailure(request, e, $"the download of '{attachment.FileName}' broke off after {total} bytes");
            }
            finally
            {
                body.Dispose();
            }

            sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
            var expected = response.Content.Headers.ContentLength;
            if (expected is long length && length != total)
            {
                throw rest.Unexpected(request, response, $"announced {length} bytes for '{attachment.FileName}' but sent {total}.");
            }

            return new AttachmentDownload(total, Hex(sha.Hash!));
        }

        /// <summary>
        /// POSTs one file as multipart field "file" (v1 upload, both products). The file is streamed from
        /// <paramref name="content"/> (left open); a seekable stream lets a throttled attempt be sent again, a lost answer
        /// is never repeated (OutcomeUnknown). A refusal for size becomes SiteErrorKind.TooLarge naming the file.
        /// </summary>
        public static async Task<JsonDocument> UploadAsync(ConfluenceRestClient rest, Uri url, string fileName, string? mediaType,
            Stream content, string? comment, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(fileName)) throw new ArgumentException("An attachment needs a file name.", nameof(fileName));
            if (content is null) throw new ArgumentNullException(nameof(content));
            if (!content.CanRead) throw new ArgumentException("The attachment content stream is not readable.", nameof(content));
            long? size = content.CanSeek ? content.Length - content.Position : (long?)null;

            using var request = new HttpRequestMessage(HttpMethod.Post, url);
            request.Headers.Add("X-Atlassian-Token", "no-check");
            var form = new MultipartFormDataContent();
            var file = new StreamContent(new LeaveOpenStream(content), BufferSize);
            file.Headers.ContentType = MediaTypeHeaderValue.TryParse(mediaType, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, "file", fileName);
            if (!string.IsNullOrEmpty(comment))
            {
                form.Add(new StringContent(comment!, Encoding.UTF8), "comment");
            }

            // A copy made by the sync, not a person's edit: watchers are not notified of it.
            form.Add(new StringContent("true"), "minorEdit");
            request.Content = form;

            try
            {
                using var response = await rest.SendAsync(request, allowNotFound: false, cancellationToken).ConfigureAwait(false);
                var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                try
                {
                    return await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
                }
                catch (JsonException e)
                {
                    throw rest.Unexpected(request, response, "the upload's JSON answer cannot be read: " + e.Message);
                }
            }
            catch (SiteException e) when (IsSizeRefusal(e))
            {
                var bytes = size is long n ? n.ToString("N0", CultureInfo.InvariantCulture) + " bytes" : "size unknown";
                throw new SiteException(
                    SiteErrorKind.TooLarge,
                    $"Attachment '{fileName}' ({bytes}) was refused by the {rest.Kind} site as larger than its attachment size limit" +
                    (e.ServerMessage != null ? ": " + e.ServerMessage.TrimEnd('.') + "." : ".") +
                    " Nothing was stored. Raise the site's maximum attachment size or leave the file out.",
                    e.Method, e.Path, e.StatusCode, e.ServerMessage, e);
            }
        }

        /// <summary>413, or a 400 whose message names the size limit (Data Center words it so).</summary>
        internal static bool IsSizeRefusal(SiteException e)
        {
            if (e.Kind == SiteErrorKind.TooLarge)
            {
                return true;
            }

            var message = e.ServerMessage ?? "";
            return e.Kind == SiteErrorKind.BadRequest &&
                   (message.IndexOf("too large", StringComparison.OrdinalIgnoreCase) >= 0 ||
                    message.IndexOf("exceeds the maximum", StringComparison.OrdinalIgnoreCase) >= 0 ||
                    message.IndexOf("maximum attachment size", StringComparison.OrdinalIgnoreCase) >= 0);
        }

        /// <summary>A v1 attachment (Cloud v1 and Data Center): Content of type attachment with version, metadata, extensions.</summary>
        public static SiteAttachment FromV1(JsonElement item, string pageId)
        {
            var metadata = JsonRead.Object(item, "metadata");
            var extensions = JsonRead.Object(item, "extensions");
            var version = JsonRead.Object(item, "version");
            var container = JsonRead.Object(item, "container");
            var links = JsonRead.Object(item, "_links");
            var comment = (metadata is null ? null : JsonRead.String(metadata.Value, "comment"))
                          ?? (extensions is null ? null : JsonRead.String(extensions.Value, "comment"));
            return new SiteAttachment
            {
                Id = JsonRead.String(item, "id") ?? "",
                PageId = (container is null ? null : JsonRead.String(container.Value, "id")) ?? pageId,
                FileName = JsonRead.String(item, "title") ?? "",
                MediaType = (metadata is null ? null : JsonRead.String(metadata.Value, "mediaType"))
                            ?? (extensions is null ? null : JsonRead.String(extensions.Value, "mediaType"))
                            ?? "application/octet-stream",
                Size = extensions is null ? -1 : Long(extensions.Value, "fileSize"),
                Version = version is null ? 0 : (int)Long(version.Value, "number"),
                Comment = string.IsNullOrEmpty(comment) ? null : comment,
                DownloadLink = links is null ? null : JsonRead.String(links.Value, "download"),
                Modified = version is null ? null : Time(JsonRead.String(version.Value, "when")),
            };
        }

        /// <summary>An ISO-8601 time with its offset (Data Center sends the server's, Cloud Z); null when absent or unreadable.</summary>
        internal static DateTimeOffset? Time(string? text) =>
            text != null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
                ? when
                : (DateTimeOffset?)null;

        /// <summary>The new attachment in a v1 create answer (a listing of what was uploaded).</summary>
        public static SiteAttachment Created(ConfluenceRestClient rest, JsonDocument document, Uri url, string pageId, string fileName)
        {
            var results = JsonRead.Array(document.RootElement, "results");
            if (results is null || results.Value.GetArrayLength() == 0)
            {
                throw new SiteException(SiteErrorKind.UnexpectedResponse,
                    $"POST {url.AbsolutePath} on the {rest.Kind} site answered without the new attachment '{fileName}'.",
                    "POST", url.AbsolutePath);
            }

            return FromV1(results.Value[0], pageId);
        }

        /// <summary>The attachment with exactly this file name in a listing filtered by name (the sites' filter may be looser).</summary>
        public static async Task<SiteAttachment?> FindByNameAsync(SiteAttachmentReader reader, string fileName, CancellationToken cancellationToken)
        {
            while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                if (string.Equals(reader.Current.FileName, fileName, StringComparison.Ordinal))
                {
                    return reader.Current;
                }
            }

            return null;
        }

        /// <summary>A new attachment: the v1 upload both products share, at <paramref name="url"/> (…/content/{pageId}/child/attachment).</summary>
        public static async Task<SiteAttachment> UploadNewAsync(ConfluenceRestClient rest, Uri url, string pageId, string fileName, string? mediaType,
            Stream content, string? comment, CancellationToken cancellationToken)
        {
            using var document = await UploadAsync(rest, url, fileName, mediaType, content, comment, cancellationToken).ConfigureAwait(false);
            return Created(rest, document, url, pageId, fileName);
        }

        /// <summary>A new version of an attachment, at <paramref name="url"/> (…/child/attachment/{attachmentId}/data).</summary>
        public static async Task<SiteAttachment> UploadVersionAsync(ConfluenceRestClient rest, Uri url, string pageId, string fileName, string? mediaType,
            Stream content, string? comment, CancellationToken cancellationToken)
        {
            using var document = await UploadAsync(rest, url, fileName, mediaType, content, comment, cancellationToken).ConfigureAwait(false);
            return FromV1(document.RootElement, pageId);
        }

        /// <summary>Results a space-wide attachment search asks per request (Data Center caps searches with expansions at 200).</summary>
        public const int SearchLimit = 200;

        /// <summary>The path and query (below /rest/api) of the space-wide attachment search, both products.</summary>
        public static string SpaceSearch(SiteSpace space, DateTimeOffset? changedSince)
        {
            if (space is null) throw new ArgumentNullException(nameof(space));
            if (string.IsNullOrEmpty(space.Key)) throw new ArgumentException("The space has no key.", nameof(space));
            // The whole space oldest first, so that offset paging under concurrent uploads appends rather than skips; changes
            // newest first, so that the reader can stop at the first one older than asked (the literal lets older ones in).
            var cql = "type = attachment and space = " + CqlTime.Quote(space.Key);
            cql += changedSince is DateTimeOffset since
                ? " and lastmodified >= " + CqlTime.Quote(CqlTime.EarliestLiteral(since)) + " order by lastmodified desc"
                : " order by created";
            return "/content/search?cql=" + Uri.EscapeDataString(cql) + "&expand=version,container&limit=" +
                   SearchLimit.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>A hit of the space-wide search: an attachment whose container is its page.</summary>
        public static SiteAttachment FromSearch(JsonElement item) => FromV1(item, "");

        public static void RequireId(string id, string name)
        {
            if (string.IsNullOrWhiteSpace(id)) throw new ArgumentException($"{name} is required.", name);
        }

        internal static long Long(JsonElement element, string name)
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value))
            {
                if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)) return n;
                if (value.ValueKind == JsonValueKind.String &&
                    long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)) return s;
            }

            return -1;
        }

        private static string Hex(byte[] hash)
        {
            var text = new StringBuilder(hash.Length * 2);
            foreach (var b in hash) text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            return text.ToString();
        }

        /// <summary>Hands a caller's stream to StreamContent without letting the request's disposal close it.</summary>
        private sealed class LeaveOpenStream : Stream
        {
            private readonly Stream _inner;

            public LeaveOpenStream(Stream inner) => _inner = inner;

            public override bool CanRead => _inner.CanRead;
            public override bool CanSeek => _inner.CanSeek;
            public override bool CanWrite => false;
            public override long Length => _inner.Length;

            public override long Position
            {
                get => _inner.Position;
                set => _inner.Position = value;
            }

            public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                _inner.ReadAsync(buffer, offset, count, cancellationToken);

            public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);
            public override void Flush() { }
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                // The caller owns the stream.
            }
        }
    }
}
