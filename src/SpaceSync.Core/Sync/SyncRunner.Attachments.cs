using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Http;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    // Attachments in a run: read space-wide with the pages, planned per pair, copied one file at a time through
    // AttachmentTransfer (streamed, SHA-256 checked), each file's pair recorded as soon as it crossed.
    public static partial class SyncRunner
    {
        private sealed partial class SyncRun
        {
            private AttachmentListing? _dcFiles;
            private AttachmentListing? _cloudFiles;

            private bool SyncsAttachments => _space.Content?.Attachments == true;

            /// <summary>
            /// Each side's attachments, read the way its pages were: a complete listing with a structural or full read, only
            /// those changed since the side's mark (minus the overlap) with a change query. One search per side and 200
            /// files; nothing when content.attachments is off.
            /// </summary>
            private async Task ReadAttachmentsAsync(CancellationToken ct)
            {
                // A complete read of both sides takes each page's files from its metadata batch (ReadRestrictionsAsync).
                if (!SyncsAttachments || FilesFromMetadata)
                {
                    _dcFiles = _cloudFiles = null;
                    return;
                }

                // The file search trails uploads as the page search trails edits: it reaches the site's search lag back.
                DateTimeOffset? Since(SideSnapshot side, DateTimeOffset? mark) =>
                    side.Mode == ListingMode.Changes && mark is DateTimeOffset m ? m - SiteOf(side.Side).SearchLag : (DateTimeOffset?)null;
                (_dcFiles, _cloudFiles) = await TurnGate.BothAsync(
                    token => SnapshotReader.ReadAttachmentsAsync(_dcSite, _dc.Space, SyncSide.DataCenter, Since(_dc, _readMarks.DataCenterChangesSince), token),
                    token => SnapshotReader.ReadAttachmentsAsync(_cloudSite, _cloud.Space, SyncSide.Cloud, Since(_cloud, _readMarks.CloudChangesSince), token),
                    ct).ConfigureAwait(false);
                _log.Debug("Read the attachments of {Space}: Data Center {DcCount} ({DcKind}), Cloud {CloudCount} ({CloudKind})", _space.Key,
                    _dcFiles.Count, _dcFiles.IsComplete ? "all" : "changed", _cloudFiles.Count, _cloudFiles.IsComplete ? "all" : "changed");
            }

            /// <summary>
            /// Whether both sides' files come with their labels and restrictions, one CQL batch a side per 200 pages, instead
            /// of a space-wide attachment search: when both sides were read whole (structural or full), whose batches then
            /// cover every current page. A change-query side keeps the search (only files changed since its mark).
            /// </summary>
            private bool FilesFromMetadata => SyncsAttachments && _dc.Mode != ListingMode.Changes && _cloud.Mode != ListingMode.Changes;

            /// <summary>
            /// The plan request with the attachment listings and pairs (unchanged when attachments are off). The planner matches
            /// files within the pairs it plans only: with <paramref name="planned"/> (a change query's few pairs) only theirs are
            /// read from the state, not every file of the space (issue 14).
            /// </summary>
            private SpacePlanRequest WithAttachments(SpacePlanRequest request, IReadOnlyCollection<PairRecord>? planned = null)
            {
                if (_dcFiles is null || _cloudFiles is null) return request;
                var pairKeys = (planned ?? (IEnumerable<PairRecord>)_byDc.Values).ToDictionary(p => p.Id, p => p.DataCenterPageId);
                var rows = planned is null ? _state.ListAttachmentPairs(_space.Key) : planned.SelectMany(p => _state.ListAttachmentPairs(p.Id));
                var synced = rows
                    .Where(a => pairKeys.ContainsKey(a.PairId))
                    .Select(a => new SyncedAttachment
                    {
                        Id = a.Id,
                        PairKey = pairKeys[a.PairId],
                        DataCenterId = a.DataCenterAttachmentId,
                        CloudId = a.CloudAttachmentId,
                        FileName = a.FileName,
                        DataCenterVersion = a.DataCenterVersion,
                        CloudVersion = a.CloudVersion,
                        Size = a.Size,
                    }).ToList();
                return request with { DataCenterAttachments = _dcFiles, CloudAttachments = _cloudFiles, AttachmentPairs = synced };
            }

            private async Task<SyncActionOutcome> AttachmentAsync(SyncAction action, CancellationToken ct)
            {
                var file = action.Attachment ?? throw new InvalidOperationException($"Action #{action.Id} names no attachment.");
                try
                {
                    switch (action.Kind)
                    {
                        case SyncActionKind.UploadAttachment: return await UploadAttachmentAsync(action, file, ct).ConfigureAwait(false);
                        case SyncActionKind.DeleteAttachment: return await DeleteAttachmentAsync(action, file, ct).ConfigureAwait(false);
                        default: return await RecordAttachmentAsync(action, file, ct).ConfigureAwait(false);
                    }
                }
                catch (AttachmentIntegrityException e)
                {
                    return new SyncActionOutcome(action, ActionOutcomeKind.Failed, $"\"{action.Title}\": {e.Message} Not recorded as synced; the next run tries again.");
                }
                catch (SiteException e) when (e.Kind == SiteErrorKind.TooLarge)
                {
                    // The other files and pages go on; this one is retried with every complete listing until the limit allows it.
                    return new SyncActionOutcome(action, ActionOutcomeKind.Failed, $"\"{action.Title}\" on {action.Target.Label()}: {e.Message}");
                }
            }

            private async Task<SyncActionOutcome> UploadAttachmentAsync(SyncAction action, AttachmentRef file, CancellationToken ct)
            {
                var targetPage = action.TargetId ?? action.DependsOn.Select(d => _createdIds.TryGetValue(d, out var id) ? id : null).FirstOrDefault(id => id != null);
                if (targetPage is null)
                {
                    return new SyncActionOutcome(action, ActionOutcomeKind.Skipped, $"'{file.FileName}' not copied: its page was not created on {action.Target.Label()}");
                }

                var source = new SiteAttachment
                {
                    Id = file.SourceAttachmentId!,
                    PageId = action.SourceId!,
                    FileName = file.FileName,
                    MediaType = file.MediaType,
                    Size = file.Size,
                    Version = file.SourceVersion,
                    Comment = file.Comment,
                };
                AttachmentTransferResult copied;
                try
                {
                    copied = await AttachmentTransfer.CopyAsync(SiteOf(action.Source), source, SiteOf(action.Target), targetPage, file.TargetAttachmentId, ct)
                        .ConfigureAwait(false);
                }
                catch (SiteException e) when (e.Kind == SiteErrorKind.BadRequest && file.TargetAttachmentId is null)
                {
                    // The name is taken on the target page (a file this run's listing did not show, e.g. an earlier upload whose
                    // answer was lost): the same bytes are that copy, paired now; other bytes are reported, never overwritten.
                    var existing = await SiteOf(action.Target).FindAttachmentAsync(targetPage, file.FileName, ct).ConfigureAwait(false);
                    if (existing is null) throw;
                    return await PairIfIdenticalAsync(action, file, source, existing, targetPage, ct).ConfigureAwait(false);
                }

                RecordFile(action, file, targetPage, copied.Target, copied.Bytes, copied.Sha256);
                var what = file.TargetAttachmentId is null ? "copied" : $"copied v{file.SourceVersion} of";
                return new SyncActionOutcome(action, ActionOutcomeKind.Done,
                    $"{what} '{file.FileName}' ({Bytes(copied.Bytes)}, SHA-256 checked) to \"{action.Title}\" on {action.Target.Label()}" +
                    (copied.Adopted ? " (the upload's answer was lost; the identical file found there was taken)" : ""));
            }

            private async Task<SyncActionOutcome> DeleteAttachmentAsync(SyncAction action, AttachmentRef file, CancellationToken ct)
            {
                // The search index trails the sites: an attachment missing from it is confirmed gone on its page first.
                var stillThere = await SiteOf(action.Source).FindAttachmentAsync(action.SourceId!, file.FileName, ct).ConfigureAwait(false);
                if (stillThere != null && stillThere.Id == file.SourceAttachmentId)
                {
                    return new SyncActionOutcome(action, ActionOutcomeKind.Skipped,
                        $"'{file.FileName}' of \"{action.Title}\" is still on {action.Source.Label()} (the search had not caught up): not deleted on {action.Target.Label()}");
                }

                var target = await SiteOf(action.Target).FindAttachmentAsync(action.TargetId!, file.FileName, ct).ConfigureAwait(false);
                if (target != null && target.Id == file.TargetAttachmentId && target.Version > (file.TargetVersion ?? target.Version))
                {
                    return new SyncActionOutcome(action, ActionOutcomeKind.Skipped,
                        $"'{file.FileName}' of \"{action.Title}\" got a new version on {action.Target.Label()} (v{target.Version}) since it was planned: " +
                        "not deleted; the next run judges it again");
                }

                if (target != null && target.Id == file.TargetAttachmentId)
                {
                    try
                    {
                        await SiteOf(action.Target).DeleteAttachmentAsync(action.TargetId!, file.TargetAttachmentId!, ct).ConfigureAwait(false);
                    }
                    catch (SiteException e) when (e.Kind == SiteErrorKind.NotFound)
                    {
                        // Deleted meanwhile (or a repeated DELETE whose first answer was lost): what was asked for.
                    }
                }

                if (file.AttachmentPairId is long id) _state.RemoveAttachmentPair(id);
                return new SyncActionOutcome(action, ActionOutcomeKind.Done,
                    $"deleted '{file.FileName}' of \"{action.Title}\" on {action.Target.Label()} ({action.Reason})");
            }

            private async Task<SyncActionOutcome> RecordAttachmentAsync(SyncAction action, AttachmentRef file, CancellationToken ct)
            {
                if (file.Forget)
                {
                    if (file.AttachmentPairId is long id) _state.RemoveAttachmentPair(id);
                    return new SyncActionOutcome(action, ActionOutcomeKind.Done, $"'{file.FileName}' of \"{action.Title}\": {action.Reason}");
                }

                var source = new SiteAttachment
                {
                    Id = file.SourceAttachmentId!,
                    PageId = action.SourceId!,
                    FileName = file.FileName,
                    MediaType = file.MediaType,
                    Size = file.Size,
                    Version = file.SourceVersion,
                };
                var target = new SiteAttachment
                {
                    Id = file.TargetAttachmentId!,
                    PageId = action.TargetId!,
                    FileName = file.TargetFileName ?? file.FileName,
                    Version = file.TargetVersion ?? 1,
                };
                return await PairIfIdenticalAsync(action, file, source, target, action.TargetId!, ct).ConfigureAwait(false);
            }

            /// <summary>Two files of the same name on the pair's pages: paired when their bytes are equal (both read and hashed).</summary>
            private async Task<SyncActionOutcome> PairIfIdenticalAsync(SyncAction action, AttachmentRef file, SiteAttachment source, SiteAttachment target,
                string targetPage, CancellationToken ct)
            {
                var fromSource = await SiteOf(action.Source).DownloadAttachmentAsync(source, null, Stream.Null, ct).ConfigureAwait(false);
                var fromTarget = await SiteOf(action.Target).DownloadAttachmentAsync(target, null, Stream.Null, ct).ConfigureAwait(false);
                if (fromSource.Bytes != fromTarget.Bytes || !string.Equals(fromSource.Sha256, fromTarget.Sha256, StringComparison.Ordinal))
                {
                    return new SyncActionOutcome(action, ActionOutcomeKind.Skipped,
                        $"'{file.FileName}' exists on both sites' \"{action.Title}\" with different content ({Bytes(fromSource.Bytes)} on {action.Source.Label()}, " +
                        $"{Bytes(fromTarget.Bytes)} on {action.Target.Label()}): neither is overwritten. Keep the one you want: delete the attachment on the " +
                        "other site, and the next run copies the kept one there.");
                }

                RecordFile(action, file, targetPage, target, fromSource.Bytes, fromSource.Sha256);
                return new SyncActionOutcome(action, ActionOutcomeKind.Done,
                    $"paired '{file.FileName}' of \"{action.Title}\": the same {Bytes(fromSource.Bytes)} on both sites (SHA-256 compared), nothing copied");
            }

            /// <summary>Records the file's pair at once (one transaction): a run that stops later keeps every file already across.</summary>
            private void RecordFile(SyncAction action, AttachmentRef file, string targetPage, SiteAttachment onTarget, long bytes, string sha256)
            {
                var toDc = action.Target == SyncSide.DataCenter;
                var dcPage = toDc ? targetPage : action.SourceId!;
                var pagePair = PairOfPage(SyncSide.DataCenter, dcPage);
                if (pagePair is null)
                {
                    _log.WarnOfPage(new PageWarning(PageWarningKind.FileNotRecorded, _space.Key, dcPage, toDc ? action.SourceId : targetPage, action.Title,
                            $"'{file.FileName}' crossed to {action.Target.Label()}, but its page {dcPage} is not paired: the file is not recorded"),
                        "'{File}' crossed to {Target}, but its page {Page} is not paired: the file is not recorded", file.FileName, action.Target.Label(), dcPage);
                    return;
                }

                var dcId = toDc ? onTarget.Id : file.SourceAttachmentId!;
                var cloudId = toDc ? file.SourceAttachmentId! : onTarget.Id;
                // A pair row holding either attachment under another id (a page deleted and created again) gives way.
                foreach (var (side, id) in new[] { (SiteKind.DataCenter, dcId), (SiteKind.Cloud, cloudId) })
                {
                    var stale = _state.FindAttachmentPair(_space.Key, side, id);
                    if (stale != null && stale.Id != file.AttachmentPairId) _state.RemoveAttachmentPair(stale.Id);
                }

                _state.SaveAttachmentPair(new AttachmentPairRecord
                {
                    Id = file.AttachmentPairId is long known && _state.GetAttachmentPair(known) != null ? known : 0,
                    SpaceKey = _space.Key,
                    PairId = pagePair.Id,
                    DataCenterAttachmentId = dcId,
                    CloudAttachmentId = cloudId,
                    FileName = file.FileName,
                    DataCenterVersion = toDc ? onTarget.Version : file.SourceVersion,
                    CloudVersion = toDc ? file.SourceVersion : onTarget.Version,
                    Size = bytes,
                    Sha256 = sha256,
                });
            }

            private static string Bytes(long bytes) => bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes";
        }
    }
}
