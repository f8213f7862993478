using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Sync
{
    // Attachments: per page pair, each side's files against the attachment pairs as last synced (SPEC §3 applied to files).
    public static partial class SyncPlanner
    {
        private sealed partial class Planning
        {
            /// <summary>
            /// Plans the files of every pair whose pages are current on both sites, and of every page this plan creates.
            /// Runs once the pages are planned: uploads to a created page depend on its Create. A file is matched by its
            /// attachment ids as last synced; a file never synced is matched with the other page's unsynced file of the same
            /// name (ignoring case, as both products keep names unique so). Nothing is planned when attachments are off.
            /// </summary>
            private void PlanAttachments()
            {
                var dcFiles = _request.DataCenterAttachments;
                var cloudFiles = _request.CloudAttachments;
                if (dcFiles is null || cloudFiles is null) return;

                var synced = (_request.AttachmentPairs ?? Array.Empty<SyncedAttachment>())
                    .GroupBy(a => a.PairKey, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
                foreach (var pair in _request.Pairs.Where(p => p.Status == PairStatus.Active))
                {
                    if (ScopeOf(SyncSide.DataCenter, pair.DataCenterId).Verdict != ScopeVerdict.In ||
                        ScopeOf(SyncSide.Cloud, pair.CloudId).Verdict != ScopeVerdict.In)
                    {
                        continue;
                    }

                    // Left untouched on both sites, files included.
                    if (_restrictedPairs.Contains(pair.Key) || _archivedPairs.Contains(pair.Key)) continue;
                    if (UnreadableOn(SyncSide.DataCenter, pair.DataCenterId) != null || UnreadableOn(SyncSide.Cloud, pair.CloudId) != null) continue;

                    // A page in a trash (or deleted for good) keeps its files there: they cross again with the page.
                    if (Observe(pair, _request.DataCenter).Gone || Observe(pair, _request.Cloud).Gone) continue;
                    new PairFiles(this, pair, synced.TryGetValue(pair.Key, out var list) ? list : new List<SyncedAttachment>()).Plan();
                }

                foreach (var create in _actions.Where(a => a.Kind == SyncActionKind.Create).ToList())
                {
                    PlanFilesOfCreatedPage(create, create.Source == SyncSide.DataCenter ? dcFiles : cloudFiles);
                }
            }

            private AttachmentListing FilesOn(SyncSide side) =>
                side == SyncSide.DataCenter ? _request.DataCenterAttachments! : _request.CloudAttachments!;

            /// <summary>Every listed file of a page this plan creates goes along with it, once the page exists.</summary>
            private void PlanFilesOfCreatedPage(SyncAction create, AttachmentListing files)
            {
                var listed = files.Of(create.SourceId!);
                if (listed.Count == 0) return;
                var ids = listed.Select(file => AddAction(new SyncAction
                {
                    Kind = SyncActionKind.UploadAttachment,
                    Target = create.Target,
                    Source = create.Source,
                    SourceId = create.SourceId,
                    Title = create.Title,
                    Changes = PageChanges.Attachments,
                    DependsOn = new[] { create.Id },
                    Reason = $"on a page new on {create.Source.Label()}",
                    Attachment = Ref(file, create.PairKey),
                }, _depthOfAction[create.Id])).ToList();
                var index = _items.FindIndex(i => i.ActionIds.Contains(create.Id));
                if (index < 0) return;
                var item = _items[index];
                _items[index] = item with
                {
                    ActionIds = item.ActionIds.Concat(ids).ToList(),
                    DataCenterChanges = create.Source == SyncSide.DataCenter ? item.DataCenterChanges | PageChanges.Attachments : item.DataCenterChanges,
                    CloudChanges = create.Source == SyncSide.Cloud ? item.CloudChanges | PageChanges.Attachments : item.CloudChanges,
                    Action = item.Action + $" with {ids.Count} attachment(s)",
                };
            }

            private static AttachmentRef Ref(AttachmentSnapshot file, string? pairKey) => new AttachmentRef
            {
                FileName = file.FileName,
                PairKey = pairKey,
                SourceAttachmentId = file.Id,
                SourceVersion = file.Version,
                Size = file.Size,
                MediaType = file.MediaType,
                Comment = file.Comment,
            };

            /// <summary>The files of one page pair.</summary>
            private sealed class PairFiles
            {
                private readonly Planning _planning;
                private readonly SyncedPair _pair;
                private readonly List<SyncedAttachment> _synced;
                private readonly List<int> _ids = new List<int>();
                private readonly List<string> _warnings = new List<string>();
                private readonly List<string> _reported = new List<string>();
                private readonly HashSet<SyncSide> _writesTo = new HashSet<SyncSide>();
                private readonly Dictionary<SyncSide, PageChanges> _changes = new Dictionary<SyncSide, PageChanges>
                {
                    [SyncSide.DataCenter] = PageChanges.None,
                    [SyncSide.Cloud] = PageChanges.None,
                };

                /// <summary>Deletes planned here, by target side and file name: an upload of the same name waits for them.</summary>
                private readonly Dictionary<(SyncSide, string), int> _deletes = new Dictionary<(SyncSide, string), int>();

                public PairFiles(Planning planning, SyncedPair pair, List<SyncedAttachment> synced)
                {
                    _planning = planning;
                    _pair = pair;
                    _synced = synced;
                }

                private IReadOnlyList<AttachmentSnapshot> Files(SyncSide side) => _planning.FilesOn(side).Of(_pair.IdOn(side));

                private bool Complete(SyncSide side) => _planning.FilesOn(side).IsComplete;

                public void Plan()
                {
                    foreach (var file in _synced) PlanSynced(file);
                    foreach (var side in new[] { SyncSide.DataCenter, SyncSide.Cloud })
                    {
                        var pairedHere = new HashSet<string>(_synced.Select(s => s.IdOn(side)), StringComparer.Ordinal);
                        foreach (var file in Files(side).Where(f => !pairedHere.Contains(f.Id)))
                        {
                            PlanNew(side, file);
                        }
                    }

                    Report();
                }

                /// <summary>A file synced before: what each side did to it since.</summary>
                private void PlanSynced(SyncedAttachment synced)
                {
                    AttachmentSnapshot? Now(SyncSide side) => Files(side).FirstOrDefault(f => f.Id == synced.IdOn(side));
                    var dc = Now(SyncSide.DataCenter);
                    var cloud = Now(SyncSide.Cloud);
                    bool Removed(SyncSide side, AttachmentSnapshot? now) => now is null && Complete(side);
                    bool Changed(SyncSide side, AttachmentSnapshot? now) => now != null && now.Version > synced.VersionOn(side);
                    var dcRemoved = Removed(SyncSide.DataCenter, dc);
                    var cloudRemoved = Removed(SyncSide.Cloud, cloud);

                    if (dcRemoved && cloudRemoved)
                    {
                        Add(new SyncAction
                        {
                            Kind = SyncActionKind.RecordAttachment,
                            Target = SyncSide.DataCenter,
                            Source = SyncSide.DataCenter,
                            Attachment = new AttachmentRef { FileName = synced.FileName, PairKey = _pair.Key, AttachmentPairId = synced.Id, Forget = true },
                            Reason = "removed on both sites",
                        }, null);
                        return;
                    }

                    if (dcRemoved || cloudRemoved)
                    {
                        var gone = dcRemoved ? SyncSide.DataCenter : SyncSide.Cloud;
                        var kept = gone.Other();
                        var keptNow = dcRemoved ? cloud : dc;
                        _changes[gone] |= PageChanges.Attachments;
                        if (!Changed(kept, keptNow))
                        {
                            var delete = Add(new SyncAction
                            {
                                Kind = SyncActionKind.DeleteAttachment,
                                Target = kept,
                                Source = gone,
                                SourceId = _pair.IdOn(gone),
                                TargetId = _pair.IdOn(kept),
                                Attachment = new AttachmentRef
                                {
                                    FileName = keptNow?.FileName ?? synced.FileName,
                                    PairKey = _pair.Key,
                                    SourceAttachmentId = synced.IdOn(gone),
                                    TargetAttachmentId = synced.IdOn(kept),
                                    TargetVersion = keptNow?.Version ?? synced.VersionOn(kept),
                                    AttachmentPairId = synced.Id,
                                },
                                Reason = "removed on " + gone.Label(),
                            }, kept);
                            if (delete is int d) _deletes[(kept, synced.FileName.ToUpperInvariant())] = d;
                            return;
                        }

                        // A new version against a removal: the change wins and the file comes back (as pages do, SPEC §3).
                        _changes[kept] |= PageChanges.Attachments;
                        Add(Upload(kept, keptNow!, null, synced.Id,
                            $"changed on {kept.Label()} while removed on {gone.Label()}: copied back (the change wins)"), gone);
                        return;
                    }

                    var dcChanged = Changed(SyncSide.DataCenter, dc);
                    var cloudChanged = Changed(SyncSide.Cloud, cloud);
                    if (dcChanged) _changes[SyncSide.DataCenter] |= PageChanges.Attachments;
                    if (cloudChanged) _changes[SyncSide.Cloud] |= PageChanges.Attachments;
                    if (dcChanged && cloudChanged && dc!.Size >= 0 && dc.Size == cloud!.Size)
                    {
                        // Most likely one new version copied across whose record was lost (a crash after the upload): the
                        // executor compares the bytes and pairs the two versions, or reports the conflict.
                        Add(new SyncAction
                        {
                            Kind = SyncActionKind.RecordAttachment,
                            Target = SyncSide.Cloud,
                            Source = SyncSide.DataCenter,
                            SourceId = _pair.DataCenterId,
                            TargetId = _pair.CloudId,
                            Attachment = Ref(dc, _pair.Key) with
                            {
                                TargetAttachmentId = cloud.Id,
                                TargetVersion = cloud.Version,
                                TargetFileName = cloud.FileName == dc.FileName ? null : cloud.FileName,
                                AttachmentPairId = synced.Id,
                            },
                            Reason = "new versions of the same size on both sites: paired if the bytes are equal",
                        }, null);
                        return;
                    }

                    if (dcChanged && cloudChanged)
                    {
                        _warnings.Add(
                            $"Attachment '{synced.FileName}' changed on both sites since the last sync (Data Center v{synced.DataCenterVersion} → v{dc!.Version}, " +
                            $"Cloud v{synced.CloudVersion} → v{cloud!.Version}); neither copy is overwritten. Keep the one you want: delete the attachment " +
                            "on the other site, and the next run copies the kept one there.");
                        return;
                    }

                    if (dcChanged || cloudChanged)
                    {
                        var source = dcChanged ? SyncSide.DataCenter : SyncSide.Cloud;
                        var target = source.Other();
                        var targetNow = dcChanged ? cloud : dc;
                        var upload = Upload(source, dcChanged ? dc! : cloud!, synced.IdOn(target), synced.Id, "new version on " + source.Label());
                        Add(upload with { Attachment = upload.Attachment! with { TargetVersion = targetNow?.Version ?? synced.VersionOn(target) } }, target);
                    }
                }

                /// <summary>A file not synced yet on <paramref name="side"/>.</summary>
                private void PlanNew(SyncSide side, AttachmentSnapshot file)
                {
                    var other = side.Other();
                    var pairedThere = new HashSet<string>(_synced.Select(s => s.IdOn(other)), StringComparer.Ordinal);
                    var namesake = Files(other).FirstOrDefault(f => !pairedThere.Contains(f.Id) && SameName(f.FileName, file.FileName));
                    if (namesake != null)
                    {
                        if (side == SyncSide.Cloud) return; // met on the Data Center pass
                        if (file.Size >= 0 && file.Size == namesake.Size)
                        {
                            // Most likely one file copied by hand (or by CCMA): the executor pairs them if their bytes match.
                            Add(new SyncAction
                            {
                                Kind = SyncActionKind.RecordAttachment,
                                Target = SyncSide.Cloud,
                                Source = SyncSide.DataCenter,
                                SourceId = _pair.DataCenterId,
                                TargetId = _pair.CloudId,
                                Attachment = Ref(file, _pair.Key) with
                                {
                                    TargetAttachmentId = namesake.Id,
                                    TargetVersion = namesake.Version,
                                    TargetFileName = namesake.FileName == file.FileName ? null : namesake.FileName,
                                },
                                Reason = "the same file name and size on both sites: paired if the bytes are equal",
                            }, null);
                            return;
                        }

                        _changes[SyncSide.DataCenter] |= PageChanges.Attachments;
                        _changes[SyncSide.Cloud] |= PageChanges.Attachments;
                        _warnings.Add(
                            $"Attachment '{file.FileName}' was added on both sites with different content ({Size(file.Size)} on Data Center, " +
                            $"{Size(namesake.Size)} on Cloud); neither copy is overwritten. Keep the one you want: delete the attachment on the other " +
                            "site, and the next run copies the kept one there.");
                        return;
                    }

                    _changes[side] |= PageChanges.Attachments;
                    var dependsOn = new List<int>();
                    var holder = _synced.FirstOrDefault(s => SameName(s.FileName, file.FileName));
                    if (holder != null)
                    {
                        // The other page's copy of an earlier file of this name: replaced only once this plan deletes it.
                        if (!_deletes.TryGetValue((other, holder.FileName.ToUpperInvariant()), out var delete))
                        {
                            _warnings.Add(
                                $"Attachment '{file.FileName}' ({file.Id}, new on {side.Label()}) cannot be copied: the {other.Label()} page's attachment " +
                                $"{holder.IdOn(other)} holds that name and is synced with another file ({holder.IdOn(side)}). Rename or delete one of them.");
                            return;
                        }

                        dependsOn.Add(delete);
                    }

                    Add(Upload(side, file, null, null, "new on " + side.Label()) with { DependsOn = dependsOn }, other);
                }

                private SyncAction Upload(SyncSide source, AttachmentSnapshot file, string? targetAttachmentId, long? attachmentPairId, string reason)
                {
                    var target = source.Other();
                    return new SyncAction
                    {
                        Kind = SyncActionKind.UploadAttachment,
                        Target = target,
                        Source = source,
                        SourceId = _pair.IdOn(source),
                        TargetId = _pair.IdOn(target),
                        Reason = reason,
                        Attachment = Ref(file, _pair.Key) with { TargetAttachmentId = targetAttachmentId, AttachmentPairId = attachmentPairId },
                    };
                }

                /// <summary>Adds the action when the direction lets it write to <paramref name="writes"/> (null: state only).</summary>
                private int? Add(SyncAction action, SyncSide? writes)
                {
                    if (writes is SyncSide target && !_planning.MayWrite(target))
                    {
                        _reported.Add(_planning.DirectionText(target));
                        return null;
                    }

                    var id = _planning.AddAction(action with
                    {
                        Title = _pair.Title,
                        PairKey = null, // the page pair's own actions decide when its state is written; files are recorded one by one
                        Changes = PageChanges.Attachments,
                    }, _planning.DepthOfPair(_pair));
                    _ids.Add(id);
                    if (writes is SyncSide side) _writesTo.Add(side);
                    return id;
                }

                /// <summary>Folds the files' changes, actions and warnings into the pair's drift item.</summary>
                private void Report()
                {
                    if (_ids.Count == 0 && _warnings.Count == 0 && _reported.Count == 0 &&
                        _changes[SyncSide.DataCenter] == PageChanges.None && _changes[SyncSide.Cloud] == PageChanges.None)
                    {
                        return;
                    }

                    var index = _planning._items.FindIndex(i => i.DataCenterId == _pair.DataCenterId && i.CloudId == _pair.CloudId);
                    if (index < 0) return;
                    var item = _planning._items[index];
                    var wrote = item.ActionIds.Any(id => _planning._actions.First(a => a.Id == id).WritesSite);
                    var text = item.Action;
                    if (_writesTo.Count > 0)
                    {
                        var files = "copy attachments to " + string.Join(" and ", _writesTo.OrderBy(s => s).Select(s => s.Label()));
                        text = wrote ? text + "; " + files : files;
                    }
                    else if (!wrote && _warnings.Count > 0)
                    {
                        text = item.Action == "none" ? "none: attachment conflict (manual)" : item.Action + "; attachment conflict (manual)";
                    }
                    else if (!wrote && _reported.Count > 0 && item.Action == "none")
                    {
                        text = _reported[0];
                    }

                    var status = item.Status;
                    if (status == DriftStatus.InSync && (_writesTo.Count > 0 || _reported.Count > 0))
                    {
                        var dcAhead = _changes[SyncSide.DataCenter] != PageChanges.None;
                        status = dcAhead ? DriftStatus.DataCenterAhead : DriftStatus.CloudAhead;
                    }

                    _planning._items[index] = item with
                    {
                        Status = status,
                        DataCenterChanges = item.DataCenterChanges | _changes[SyncSide.DataCenter],
                        CloudChanges = item.CloudChanges | _changes[SyncSide.Cloud],
                        ActionIds = item.ActionIds.Concat(_ids).ToList(),
                        Action = text,
                        Warnings = item.Warnings.Concat(_warnings).ToList(),
                    };
                }

                private static bool SameName(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

                private static string Size(long bytes) => bytes < 0 ? "size unknown" : bytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " bytes";
            }
        }
    }
}
