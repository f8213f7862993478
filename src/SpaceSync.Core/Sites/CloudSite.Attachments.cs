using System;
using System.IO;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    // Attachments: listed and deleted through v2, uploaded through v1 (v2 has no upload), downloaded through v1's REST
    // download and the one redirect it answers (the servlet refuses API tokens on Cloud).
    public sealed partial class CloudSite
    {
        /// <summary>v2's largest attachment page.</summary>
        private const int AttachmentPageSize = 250;

        public SiteAttachmentReader ListAttachments(string pageId)
        {
            RestAttachments.RequireId(pageId, nameof(pageId));
            return new SiteAttachmentReader(
                ListV2("/" + Collection + "/" + Uri.EscapeDataString(pageId) + "/attachments?limit=" + AttachmentPageSize),
                item => FromV2Attachment(item, pageId));
        }

        public async Task<SiteAttachment?> FindAttachmentAsync(string pageId, string fileName, CancellationToken cancellationToken)
        {
            RestAttachments.RequireId(pageId, nameof(pageId));
            if (string.IsNullOrEmpty(fileName)) throw new ArgumentException("A file name is required.", nameof(fileName));
            var reader = new SiteAttachmentReader(
                ListV2("/" + Collection + "/" + Uri.EscapeDataString(pageId) + "/attachments?filename=" + Uri.EscapeDataString(fileName)),
                item => FromV2Attachment(item, pageId));
            return await RestAttachments.FindByNameAsync(reader, fileName, cancellationToken).ConfigureAwait(false);
        }

        public Task<AttachmentDownload> DownloadAttachmentAsync(SiteAttachment attachment, int? version, Stream destination, CancellationToken cancellationToken) =>
            RestAttachments.DownloadThroughRedirectAsync(_rest, attachment, version, destination, cancellationToken);

        public async Task<SiteAttachment> UploadAttachmentAsync(string pageId, string fileName, string? mediaType, Stream content, string? comment,
            CancellationToken cancellationToken)
        {
            RestAttachments.RequireId(pageId, nameof(pageId));
            return await RestAttachments.UploadNewAsync(_rest, V1("/content/" + Uri.EscapeDataString(pageId) + "/child/attachment"),
                pageId, fileName, mediaType, content, comment, cancellationToken).ConfigureAwait(false);
        }

        public async Task<SiteAttachment> UploadAttachmentVersionAsync(string pageId, string attachmentId, string fileName, string? mediaType,
            Stream content, string? comment, CancellationToken cancellationToken)
        {
            RestAttachments.RequireId(pageId, nameof(pageId));
            RestAttachments.RequireId(attachmentId, nameof(attachmentId));
            return await RestAttachments.UploadVersionAsync(_rest,
                V1("/content/" + Uri.EscapeDataString(pageId) + "/child/attachment/" + Uri.EscapeDataString(attachmentId) + "/data"),
                pageId, fileName, mediaType, content, comment, cancellationToken).ConfigureAwait(false);
        }

        public async Task DeleteAttachmentAsync(string pageId, string attachmentId, CancellationToken cancellationToken)
        {
            RestAttachments.RequireId(attachmentId, nameof(attachmentId));
            // v2 trashes it (204); purge=true would delete it for good, which the product's own delete does not.
            using var _ = await _rest.SendJsonAsync(HttpMethod.Delete, V2("/attachments/" + Uri.EscapeDataString(attachmentId)), null, cancellationToken)
                .ConfigureAwait(false);
        }

        public SiteAttachmentReader ListSpaceAttachments(SiteSpace space, DateTimeOffset? changedSince) =>
            new SiteAttachmentReader(_rest.List(V1(RestAttachments.SpaceSearch(space, changedSince)), PagingStyle.BaseRelative), RestAttachments.FromSearch);

        /// <summary>A v2 attachment: AttachmentBulk / AttachmentSingle.</summary>
        internal static SiteAttachment FromV2Attachment(JsonElement item, string pageId)
        {
            var version = JsonRead.Object(item, "version");
            var comment = JsonRead.String(item, "comment");
            return new SiteAttachment
            {
                Id = JsonRead.String(item, "id") ?? "",
                PageId = JsonRead.String(item, "pageId") ?? pageId,
                FileName = JsonRead.String(item, "title") ?? "",
                MediaType = JsonRead.String(item, "mediaType") ?? "application/octet-stream",
                Size = RestAttachments.Long(item, "fileSize"),
                Version = version is null ? 0 : (int)RestAttachments.Long(version.Value, "number"),
                Comment = string.IsNullOrEmpty(comment) ? null : comment,
                DownloadLink = JsonRead.String(item, "downloadLink"),
                Modified = version is null ? null : RestAttachments.Time(JsonRead.String(version.Value, "createdAt")),
            };
        }
    }
}
