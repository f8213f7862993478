using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync
{
    /// <summary>What one copied attachment became on the target, and the proof that its bytes arrived unchanged.</summary>
    public sealed record AttachmentTransferResult(SiteAttachment Target, long Bytes, string Sha256, bool VerifiedByRedownload)
    {
        /// <summary>
        /// True when the upload's answer was lost (OutcomeUnknown) and the target's attachment was adopted because it
        /// serves exactly the source's bytes (found by file name, SHA-256 compared).
        /// </summary>
        public bool Adopted { get; init; }
    }

    /// <summary>The target holds other bytes than were sent: the copy is there but must not be trusted (or recorded as synced).</summary>
    public sealed class AttachmentIntegrityException : Exception
    {
        public AttachmentIntegrityException(string message, SiteAttachment target) : base(message)
        {
            Target = target;
        }

        /// <summary>The attachment version on the target that failed the check.</summary>
        public SiteAttachment Target { get; }
    }

    /// <summary>
    /// Copies one attachment version from one site to the other through a temporary file: download while hashing,
    /// upload from the file, then check what the target holds. Neither product's API reports a checksum (Cloud v2's
    /// fileId is opaque, Data Center has none), so the check compares the reported size and, unless switched off,
    /// downloads the new version once more and hashes it: that doubles the bytes read from the target, in exchange for
    /// proof that the target serves exactly the source's bytes. Memory stays at one buffer whatever the file size; the
    /// temporary file is deleted in every case (it is opened delete-on-close). An upload whose answer is lost
    /// (OutcomeUnknown) is never sent again: the target attachment of that name is adopted when it serves identical
    /// bytes, otherwise the OutcomeUnknown stands.
    /// </summary>
    public static class AttachmentTransfer
    {
        /// <param name="targetAttachmentId">Null: upload as a new attachment of <paramref name="targetPageId"/>; else: as a new version of that attachment.</param>
        /// <param name="version">The source version to copy; null: <see cref="SiteAttachment.Version"/>.</param>
        /// <param name="verifyByRedownload">True (the default): re-download the target's new version and compare its SHA-256.</param>
        /// <param name="tempFolder">Where the temporary file goes; null: the system's temp folder.</param>
        /// <exception cref="SiteException">From either site (TooLarge for a file above the target's limit; OutcomeUnknown for a lost upload answer that could not be adopted).</exception>
        /// <exception cref="AttachmentIntegrityException">The target reports or serves other bytes than the source's.</exception>
        public static async Task<AttachmentTransferResult> CopyAsync(
            IConfluenceSite source,
            SiteAttachment attachment,
            IConfluenceSite target,
            string targetPageId,
            string? targetAttachmentId,
            CancellationToken cancellationToken,
            int? version = null,
            bool verifyByRedownload = true,
            string? tempFolder = null)
        {
            if (source is null) throw new ArgumentNullException(nameof(source));
            if (attachment is null) throw new ArgumentNullException(nameof(attachment));
            if (target is null) throw new ArgumentNullException(nameof(target));
            if (string.IsNullOrWhiteSpace(targetPageId)) throw new ArgumentException("The target page id is required.", nameof(targetPageId));

            var folder = tempFolder ?? Path.GetTempPath();
            var path = Path.Combine(folder, "spacesync-attachment-" + Guid.NewGuid().ToString("N") + ".tmp");
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
                FileOptions.Asynchronous | FileOptions.DeleteOnClose);

            var downloaded = await source.DownloadAttachmentAsync(attachment, version, file, cancellationToken).ConfigureAwait(false);
            var sourceVersion = version ?? attachment.Version;
            if (version is null && attachment.Size >= 0 && attachment.Size != downloaded.Bytes)
            {
                throw new AttachmentIntegrityException(
                    $"The {source.Kind} site lists '{attachment.FileName}' v{sourceVersion} on page {attachment.PageId} with {attachment.Size} bytes " +
                    $"but served {downloaded.Bytes}; nothing was uploaded.", attachment);
            }

            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            var comment = attachment.Comment;
            SiteAttachment uploaded;
            try
            {
                uploaded = targetAttachmentId is null
                    ? await target.UploadAttachmentAsync(targetPageId, attachment.FileName, attachment.MediaType, file, comment, cancellationToken).ConfigureAwait(false)
                    : await target.UploadAttachmentVersionAsync(targetPageId, targetAttachmentId, attachment.FileName, attachment.MediaType, file, comment, cancellationToken)
                        .ConfigureAwait(false);
            }
            catch (SiteException e) when (e.Kind == SiteErrorKind.OutcomeUnknown)
            {
                // The upload may have landed. Identical bytes under the same name are the copy we meant to make; anything
                // else (nothing there, other bytes) leaves the outcome unknown and the decision to the caller.
                SiteAttachment? adopted;
                try
                {
                    adopted = await FindIdenticalAsync(target, targetPageId, attachment.FileName, downloaded, cancellationToken).ConfigureAwait(false);
                }
                catch (SiteException)
                {
                    // The look failed too: what stands is that the upload's outcome is unknown.
                    adopted = null;
                }

                if (adopted is null)
                {
                    throw;
                }

                return new AttachmentTransferResult(adopted, downloaded.Bytes, downloaded.Sha256, true) { Adopted = true };
            }

            if (uploaded.Size >= 0 && uploaded.Size != downloaded.Bytes)
            {
                throw new AttachmentIntegrityException(
                    $"'{attachment.FileName}' arrived on the {target.Kind} site (page {targetPageId}, {uploaded.Id} v{uploaded.Version}) with " +
                    $"{uploaded.Size} bytes instead of {downloaded.Bytes}.", uploaded);
            }

            if (!verifyByRedownload)
            {
                return new AttachmentTransferResult(uploaded, downloaded.Bytes, downloaded.Sha256, false);
            }

            var check = await target.DownloadAttachmentAsync(uploaded, null, Stream.Null, cancellationToken).ConfigureAwait(false);
            if (check.Bytes != downloaded.Bytes || !string.Equals(check.Sha256, downloaded.Sha256, StringComparison.Ordinal))
            {
                throw new AttachmentIntegrityException(
                    $"'{attachment.FileName}' on the {target.Kind} site (page {targetPageId}, {uploaded.Id} v{uploaded.Version}) serves other bytes " +
                    $"than the {source.Kind} site's v{sourceVersion}: {check.Bytes} bytes, SHA-256 {check.Sha256}, expected {downloaded.Bytes} bytes, " +
                    $"SHA-256 {downloaded.Sha256}.", uploaded);
            }

            return new AttachmentTransferResult(uploaded, downloaded.Bytes, downloaded.Sha256, true);
        }

        private static async Task<SiteAttachment?> FindIdenticalAsync(IConfluenceSite target, string pageId, string fileName,
            AttachmentDownload expected, CancellationToken cancellationToken)
        {
            var found = await target.FindAttachmentAsync(pageId, fileName, cancellationToken).ConfigureAwait(false);
            if (found is null || (found.Size >= 0 && found.Size != expected.Bytes))
            {
                return null;
            }

            var check = await target.DownloadAttachmentAsync(found, null, Stream.Null, cancellationToken).ConfigureAwait(false);
            return check.Bytes == expected.Bytes && string.Equals(check.Sha256, expected.Sha256, StringComparison.Ordinal) ? found : null;
        }
    }
}
