using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    // Attachments: /rest/api/content/{id}/child/attachment (list, upload, new version, delete) and the download servlet.
    public sealed partial class DataCenterSite
    {
        /// <summary>The largest attachment page Data Center serves.</summary>
        private const int AttachmentPageSize = 200;

        public SiteAttachmentReader ListAttachments(string pageId)
        {
            RestAttachments.RequireId(pageId, nameof(pageId));
            return new SiteAttachmentReader(
                List("/content/" + Uri.EscapeDataString(pageId) + "/child/attachment?expand=version&limit=" + AttachmentPageSize),
                item => RestAttachments.FromV1(item, pageId));
        }

        public async Task<SiteAttachment?> FindAttachmentAsync(string pageId, string fileName, CancellationToken cancellationToken)
        {
            RestAttachments.RequireId(pageId, nameof(pageId));
            if (string.IsNullOrEmpty(fileName)) throw new ArgumentException("A file name is required.", nameof(fileName));
            var reader = new SiteAttachmentReader(
                List("/content/" + Uri.EscapeDataString(pageId) + "/child/attachment?expand=version&filename=" + Uri.EscapeDataString(fileName)),
                item => RestAttachments.FromV1(item, pageId));
            return await RestAttachments.FindByNameAsync(reader, fileName, cancellationToken).ConfigureAwait(false);
        }

        public Task<AttachmentDownload> DownloadAttachmentAsync(SiteAttachment attachment, int? version, Stream destination, CancellationToken cancellationToken) =>
            RestAttachments.DownloadAsync(_rest, attachment, version, destination, cancellationToken);

        public async Task<SiteAttachment> UploadAttachmentAsync(string pageId, string fileName, string? mediaType, Stream content, string? comment,
            CancellationToken cancellationToken)
        {
            RestAttachments.RequireId(pageId, nameof(pageId));
            return await RestAttachments.UploadNewAsync(_rest, Api("/content/" + Uri.EscapeDataString(pageId) + "/child/attachment"),
                pageId, fileName, mediaType, content, comment, cancellationToken).ConfigureAwait(false);
        }

        public async Task<SiteAttachment> UploadAttachmentVersionAsync(string pageId, string attachmentId, string fileName, string? mediaType,
            Stream content, string? comment, CancellationToken cancellationToken)
        {
            RestAttachments.RequireId(pageId, nameof(pageId));
            RestAttachments.RequireId(attachmentId, nameof(attachmentId));
            return await RestAttachments.UploadVersionAsync(_rest,
                Api("/content/" + Uri.EscapeDataString(pageId) + "/child/attachment/" + Uri.EscapeDataString(attachmentId) + "/data"),
                pageId, fileName, mediaType, content, comment, cancellationToken).ConfigureAwait(false);
        }

        public SiteAttachmentReader ListSpaceAttachments(SiteSpace space, DateTimeOffset? changedSince) =>
            new SiteAttachmentReader(List(RestAttachments.SpaceSearch(space, changedSince)), RestAttachments.FromSearch);

        public async Task DeleteAttachmentAsync(string pageId, string attachmentId, CancellationToken cancellationToken)
        {
            RestAttachments.RequireId(pageId, nameof(pageId));
            RestAttachments.RequireId(attachmentId, nameof(attachmentId));
            // 204; the attachment goes to the trash with its versions, as a delete in the product does.
            using var _ = await _rest.SendJsonAsync(HttpMethod.Delete,
                Api("/content/" + Uri.EscapeDataString(pageId) + "/child/attachment/" + Uri.EscapeDataString(attachmentId)), null, cancellationToken)
                .ConfigureAwait(false);
        }
    }
}
