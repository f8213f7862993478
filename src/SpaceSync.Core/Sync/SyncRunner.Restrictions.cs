using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Content.Translation;
using SpaceSync.Core.Http;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using StatePairStatus = SpaceSync.Core.State.PairStatus;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// Restricted pages in a run. What is read: a structural (or full) listing reads the restrictions of every current
    /// page it lists, ceil(n / 200) requests a side, the same requests that read their labels (PageMetadataBatch). A change-query run reads them only for the pages it is about to judge —
    /// those it listed, their paired twins on the other site, and the ancestors of both (a view restriction is inherited) —
    /// so a run with no changes reads none. Restriction edits make no version: a page restricted since the last structural
    /// listing and not edited since is noticed at the next one, but it is not written before then either, and any page a
    /// change-query run writes has had its own and its ancestors' restrictions read in that run — nothing leaks.
    /// </summary>
    public static partial class SyncRunner
    {
        private sealed partial class SyncRun
        {
            private readonly Dictionary<string, PageRestrictions> _dcUnlisted = new Dictionary<string, PageRestrictions>(StringComparer.Ordinal);
            private readonly Dictionary<string, PageRestrictions> _cloudUnlisted = new Dictionary<string, PageRestrictions>(StringComparer.Ordinal);
            private IUserMap? _restrictionUsers;
            private List<PairRecord>? _changedFilePairs;
            private string? _dcAccount;
            private string? _cloudAccount;
            private UnsettledSearch? _dcUnsettledSearch;
            private UnsettledSearch? _cloudUnsettledSearch;

            /// <summary>
            /// How a change query reads this side's unsettled pages (issue 14): one search a side per 200 pages bringing each
            /// page with its labels and the restrictions of it and its paired ancestors, which the metadata batch then does
            /// not ask again. Null (each read by its GET, as before) where a read must be authoritative: a resolution, a saved
            /// plan, a re-plan after 409s; and on a side without unsettled pages.
            /// </summary>
            private UnsettledSearch? UnsettledSearchOn(SyncSide side)
            {
                if (_resolving != null || _savedPlan != null || _readAgain.Count > 0) return null;
                var kind = RunSupport.KindOf(side);
                var ids = _readMarks.Unsettled.Where(p => p.Side == kind).Select(p => p.PageId).Distinct(StringComparer.Ordinal).ToList();
                if (ids.Count == 0) return null;

                // The ancestors as the pairs record them (a view restriction is inherited); a page found moved has its new
                // ancestors read by the metadata batch.
                var byId = _byDc.Values.ToDictionary(p => p.Id);
                var restrictionsOf = new HashSet<string>(ids, StringComparer.Ordinal);
                foreach (var id in ids)
                {
                    var pair = PairOfPage(side, id);
                    for (var depth = 0; depth < 1000 && pair?.ParentPairId is long up; depth++)
                    {
                        if (!byId.TryGetValue(up, out pair) || !restrictionsOf.Add(side == SyncSide.DataCenter ? pair.DataCenterPageId : pair.CloudPageId))
                            break;
                    }
                }

                return new UnsettledSearch(ReadsLabels ? ids : new List<string>(), restrictionsOf.ToList(), TrustOn(side, byId));
            }

            /// <summary>
            /// Whether a Cloud search hit may stand for its page: v1 ancestors may or may not name folders (not documented), so
            /// only a page whose parent is the page its pair records, with no known folder below that page, where the two
            /// readings agree. Data Center has no folders: its hits are pages as they are.
            /// </summary>
            private Func<SitePage, bool> TrustOn(SyncSide side, IReadOnlyDictionary<long, PairRecord> byId)
            {
                if (side == SyncSide.DataCenter) return _ => true;
                var folders = FolderState.Known(_state, _space.Key);
                var pagesAboveFolders = new HashSet<string?>(folders.Keys.Select(f => FolderTree.PageAbove(f, folders))
                    .Select(above => above.Resolved ? above.PageParentId : "?"), StringComparer.Ordinal);
                return hit =>
                {
                    if (hit.HasNonPageParent || pagesAboveFolders.Contains(hit.ParentId)) return false;
                    var pair = PairOfPage(SyncSide.Cloud, hit.Id);
                    var parentPair = pair?.ParentPairId is long up && byId.TryGetValue(up, out var above) ? above : null;
                    return pair != null && hit.ParentId == parentPair?.CloudPageId;
                };
            }

            /// <summary>The pages of <paramref name="side"/> this run's unsettled search stood for (no body read, the recorded hash taken).</summary>
            private bool TakenFromSearch(SyncSide side, string pageId) =>
                (side == SyncSide.DataCenter ? _dcUnsettledSearch : _cloudUnsettledSearch)?.TakenFromSearch.Contains(pageId) == true;

            /// <summary>
            /// Reads the restrictions the planner needs (see the class summary) onto both snapshots, and the labels with
            /// them: one <see cref="PageMetadataBatch"/> a side, so each batch of pages costs one request for both.
            /// </summary>
            private async Task ReadRestrictionsAsync(CancellationToken ct)
            {
                _dcUnlisted.Clear();
                _cloudUnlisted.Clear();
                _changedFilePairs = null;
                var dcIds = RestrictionIdsOn(SyncSide.DataCenter);
                var cloudIds = RestrictionIdsOn(SyncSide.Cloud);
                var withFiles = FilesFromMetadata; // ---- attachments: read in the same batches
                // Both sides at once, as their pages were read (TurnGate: they overlap only while waiting on the sites).
                var (dcBatch, cloudBatch) = await TurnGate.BothAsync(
                    token => PageMetadataBatch.ReadAsync(_dcSite, _dc, LabelReadOn(_dc), dcIds, _dcUnlisted, _log, token, withFiles,
                        _dcUnsettledSearch?.Read),
                    token => PageMetadataBatch.ReadAsync(_cloudSite, _cloud, LabelReadOn(_cloud), cloudIds, _cloudUnlisted, _log, token, withFiles,
                        _cloudUnsettledSearch?.Read),
                    ct).ConfigureAwait(false);
                var (dc, dcRead, dcFiles) = dcBatch;
                var (cloud, cloudRead, cloudFiles) = cloudBatch;
                _dc = dc;
                _cloud = cloud;
                if (withFiles)
                {
                    _dcFiles = dcFiles;
                    _cloudFiles = cloudFiles;
                }

                var named = dcRead.Values.Concat(cloudRead.Values).Where(r => !r.IsEmpty).ToList();
                if (_space.RestrictedPages != RestrictedPagesMode.Mirror || named.Count == 0) return;
                // Mirror writes name the sync account on the target (both products refuse to shut out the caller).
                _dcAccount ??= (await _dcSite.GetCurrentUserAsync(ct).ConfigureAwait(false)).Id;
                _cloudAccount ??= (await _cloudSite.GetCurrentUserAsync(ct).ConfigureAwait(false)).Id;
                var accounts = new HashSet<string>(new[] { _dcAccount, _cloudAccount }, StringComparer.Ordinal);
                if (_restrictionUsers is null && named.SelectMany(r => r.AllUsers).Any(u => !accounts.Contains(u)))
                {
                    // Built only when a restriction names somebody (listing every user of both sites is not cheap), and
                    // the same map the run's mentions use: one listing per run, one warning about missing e-mails.
                    _restrictionUsers = (await Translator.UsersAsync(ct).ConfigureAwait(false)).Map;
                }
            }

            /// <summary>
            /// For writes that reach a page without a new page version — comments, and files whose page did not change — on
            /// pages whose restrictions this run did not read (a change-query run reads them only for the pages it judges):
            /// the pairs among <paramref name="pairs"/> that restrictedPages: skip keeps untouched, judged on their own
            /// restrictions on either site and the view restrictions of their paired ancestors, read now in CQL batches
            /// (ceil(n / 200) requests a side, none when every page was read). Mirror mode writes no such guard.
            /// </summary>
            internal async Task<ISet<string>> RestrictedAmongUnjudgedAsync(IEnumerable<PairRecord> pairs, CancellationToken ct)
            {
                var restricted = new HashSet<string>(StringComparer.Ordinal);
                if (_space.RestrictedPages != RestrictedPagesMode.Skip) return restricted;
                bool Judged(SideSnapshot side, string id) => side.Snapshot.Pages.TryGetValue(id, out var page) && page.Restrictions != null;
                var unjudged = pairs.Where(p => !Judged(_dc, p.DataCenterPageId) || !Judged(_cloud, p.CloudPageId)).ToList();
                if (unjudged.Count == 0) return restricted;

                var byId = _byPairId;
                List<PairRecord> Lineage(PairRecord pair)
                {
                    var line = new List<PairRecord>();
                    for (var p = pair; p != null && line.Count < 100; p = p.ParentPairId is long up && byId.TryGetValue(up, out var parent) ? parent : null)
                        line.Add(p);
                    return line;
                }

                var lineages = unjudged.ToDictionary(p => p, Lineage);
                var all = lineages.Values.SelectMany(l => l).Distinct().ToList();
                var dcRead = await _dcSite.ReadPageRestrictionsAsync(all.Select(p => p.DataCenterPageId).ToList(), ct).ConfigureAwait(false);
                var cloudRead = await _cloudSite.ReadPageRestrictionsAsync(all.Select(p => p.CloudPageId).ToList(), ct).ConfigureAwait(false);
                foreach (var entry in lineages)
                {
                    var (pair, line) = (entry.Key, entry.Value);
                    var own = new[] { dcRead.TryGetValue(pair.DataCenterPageId, out var d) ? d : null, cloudRead.TryGetValue(pair.CloudPageId, out var c) ? c : null };
                    var above = line.Skip(1).SelectMany(a => new[]
                    {
                        dcRead.TryGetValue(a.DataCenterPageId, out var ad) ? ad : null, cloudRead.TryGetValue(a.CloudPageId, out var ac) ? ac : null,
                    });
                    if (own.Any(r => r != null && !r.IsEmpty) || above.Any(r => r != null && r.RestrictsRead)) restricted.Add(pair.DataCenterPageId);
                }

                if (restricted.Count > 0)
                {
                    _log.Information("{Space}: {Count} page(s) with restrictions (theirs or an ancestor's) keep their comments and files to themselves",
                        _space.Key, restricted.Count);
                }

                return restricted;
            }

            /// <summary>The planner's view of restrictions: the mode, what was read for unlisted pages, and how principals cross.</summary>
            private RestrictionPolicy RestrictionPolicyOfRun() => new RestrictionPolicy
            {
                Mode = _space.RestrictedPages,
                DataCenterUnlisted = _dcUnlisted,
                CloudUnlisted = _cloudUnlisted,
                Users = _restrictionUsers,
                DataCenterAccount = _dcAccount,
                CloudAccount = _cloudAccount,
            };

            /// <summary>The pages of <paramref name="side"/> whose restrictions this run reads.</summary>
            private List<string> RestrictionIdsOn(SyncSide side)
            {
                var snapshot = SnapshotOf(side).Snapshot;
                var current = snapshot.Pages.Values.Where(p => p.Status == PageStatus.Current);
                if (SnapshotOf(side).Mode != ListingMode.Changes) return current.Select(p => p.Id).ToList();

                // A change query also lists our own last writes (met again in its overlap): only pages that moved since the
                // last sync can be written, with the twins of those the other side lists, and the ancestors of all of them.
                var ids = new HashSet<string>(current.Where(p => Moved(side, p)).Select(p => p.Id), StringComparer.Ordinal);
                foreach (var other in SnapshotOf(side.Other()).Snapshot.Pages.Values)
                {
                    // Trashes and restores make no version: a page that changed status is judged by its twin too, so a
                    // trash never crosses to a restricted twin.
                    if (PairOfPage(side.Other(), other.Id) is not { } pair) continue;
                    var statusChanged = (other.Status == PageStatus.Trashed) != (pair.Status == StatePairStatus.TrashedOnBoth);
                    if (statusChanged || (other.Status == PageStatus.Current && Moved(side.Other(), other)))
                        ids.Add(side == SyncSide.DataCenter ? pair.DataCenterPageId : pair.CloudPageId);
                }

                // Files make no page version: the pages (and twins) whose files changed since the last run are judged too.
                foreach (var pair in _changedFilePairs ??= PairsWithChangedFiles()) ids.Add(side == SyncSide.DataCenter ? pair.DataCenterPageId : pair.CloudPageId);

                foreach (var id in ids.ToList()) AddAncestors(side, id, ids);

                return ids.OrderBy(id => id.Length).ThenBy(id => id, StringComparer.Ordinal).ToList();
            }

            /// <summary>A listed page that is new, or whose version or place differs from the one last synced.</summary>
            private bool Moved(SyncSide side, PageSnapshot page)
            {
                if (PairOfPage(side, page.Id) is not { } pair) return true;
                var recorded = side == SyncSide.DataCenter ? pair.DataCenterVersion : pair.CloudVersion;
                var parent = PairById(pair.ParentPairId);
                var recordedParent = parent is null ? null : side == SyncSide.DataCenter ? parent.DataCenterPageId : parent.CloudPageId;
                return page.Version != recorded || page.ParentId != recordedParent;
            }

            /// <summary>
            /// The pairs one of whose pages has a file this run's attachment read lists at another version than last synced
            /// (a change query also lists our own uploads again, met in its overlap: those change nothing).
            /// </summary>
            private List<PairRecord> PairsWithChangedFiles()
            {
                var changed = new List<PairRecord>();
                if (_dcFiles is null || _cloudFiles is null) return changed;
                if (_dcFiles.IsComplete || _cloudFiles.IsComplete) return PairsWithChangedFilesOfSpace();

                // A change query lists the files changed since its mark: only their pages' pairs are candidates, and each
                // listed file is looked up by its id (issue 14: a quiet run reads no attachment pair of the space).
                var candidates = new Dictionary<long, PairRecord>();
                foreach (var page in _dcFiles.Pages) if (PairOfPage(SyncSide.DataCenter, page) is { } pair) candidates[pair.Id] = pair;
                foreach (var page in _cloudFiles.Pages) if (PairOfPage(SyncSide.Cloud, page) is { } pair) candidates[pair.Id] = pair;
                bool Synced(SiteKind side, AttachmentSnapshot file) =>
                    _state.FindAttachmentPair(_space.Key, side, file.Id) is { } a &&
                    (side == SiteKind.DataCenter ? a.DataCenterVersion : a.CloudVersion) == file.Version;
                foreach (var pair in candidates.Values)
                {
                    if (_dcFiles.Of(pair.DataCenterPageId).Any(f => !Synced(SiteKind.DataCenter, f)) ||
                        _cloudFiles.Of(pair.CloudPageId).Any(f => !Synced(SiteKind.Cloud, f)))
                        changed.Add(pair);
                }

                return changed;
            }

            /// <summary><see cref="PairsWithChangedFiles"/> against every attachment pair of the space (a complete file listing).</summary>
            private List<PairRecord> PairsWithChangedFilesOfSpace()
            {
                var changed = new List<PairRecord>();
                var synced = new HashSet<(string, int)>();
                foreach (var a in _state.ListAttachmentPairs(_space.Key))
                {
                    synced.Add((a.DataCenterAttachmentId, a.DataCenterVersion));
                    synced.Add((a.CloudAttachmentId, a.CloudVersion));
                }

                foreach (var pair in _byDc.Values)
                {
                    if (_dcFiles!.Of(pair.DataCenterPageId).Concat(_cloudFiles!.Of(pair.CloudPageId)).Any(f => !synced.Contains((f.Id, f.Version))))
                        changed.Add(pair);
                }

                return changed;
            }

            private void AddAncestors(SyncSide side, string id, HashSet<string> ids)
            {
                var snapshot = SnapshotOf(side).Snapshot;
                var seen = new HashSet<string>(StringComparer.Ordinal) { id };
                var cursor = id;
                for (var depth = 0; depth < 1000; depth++)
                {
                    string? parent;
                    if (snapshot.Pages.TryGetValue(cursor, out var page)) parent = page.ParentId;
                    else if (PairOfPage(side, cursor) is { } pair && PairById(pair.ParentPairId) is { } up)
                        parent = side == SyncSide.DataCenter ? up.DataCenterPageId : up.CloudPageId;
                    else parent = null;
                    if (parent is null || snapshot.Containers.ContainsKey(parent) || !seen.Add(parent)) return; // ---- folders: no page
                    ids.Add(parent);
                    cursor = parent;
                }
            }

            /// <summary>
            /// Each page left alone because of restrictions (or an archive) says why, in the run's log as on Get-SyncDrift, with
            /// its kind for the host. Then the restricted pages this plan did not judge: a change query reads the restrictions
            /// of the pages it judges only (issue 15: 70 restricted after a structural listing, 43 after a change run), so the
            /// others are told to the host from the state as the last runs found them (not to the log file, which has them
            /// already), and every run counts all of them. A writing run keeps what it found for the next ones.
            /// </summary>
            private void WarnOfRestrictedPages(SyncPlan plan)
            {
                var restricted = new List<RestrictedPageRecord>();
                foreach (var item in plan.Items.Where(i => i.Status == DriftStatus.Restricted || i.Status == DriftStatus.Archived))
                {
                    var kind = PageWarning.KindOf(item)!.Value;
                    foreach (var warning in PageWarning.Of(item, kind)) _log.WarnOfPage(warning, "{Space:l}: {Warning:l}", _space.Key, warning.Message);
                    if (kind == PageWarningKind.RestrictedSkipped && (item.DataCenterId ?? item.CloudId) != null)
                        restricted.Add(new RestrictedPageRecord(item.DataCenterId, item.CloudId, item.Title, string.Join(" ", item.Warnings)));
                }

                var complete = _dc.Mode != ListingMode.Changes && _cloud.Mode != ListingMode.Changes;
                // Judged free: planned, not restricted, and its restrictions read on each site it has a page on.
                var freed = complete ? new List<string>() : plan.Items
                    .Where(i => i.Status != DriftStatus.Restricted && (i.DataCenterId ?? i.CloudId) != null &&
                                RestrictionsRead(SyncSide.DataCenter, i.DataCenterId) && RestrictionsRead(SyncSide.Cloud, i.CloudId))
                    .Select(i => new RestrictedPageRecord(i.DataCenterId, i.CloudId, i.Title, "").PageKey).ToList();
                if (!complete)
                {
                    var found = new HashSet<string>(restricted.Select(r => r.PageKey).Concat(freed), StringComparer.Ordinal);
                    foreach (var remembered in _state.ListRestrictedPages(_space.Key).Where(r => !found.Contains(r.PageKey)))
                    {
                        _log.WarnOfRememberedPage(
                            new PageWarning(PageWarningKind.RestrictedSkipped, _space.Key, remembered.DataCenterPageId, remembered.CloudPageId, remembered.Title, remembered.Message),
                            "{Space:l}: {Warning:l}", _space.Key, remembered.Message);
                    }
                }

                if (_runId != null) _state.SaveRestrictedPages(_space.Key, restricted, freed, replaceAll: complete);
            }

            /// <summary>Whether this run read the restrictions of the page (null: no page there, nothing to read).</summary>
            private bool RestrictionsRead(SyncSide side, string? id) =>
                id is null || (SnapshotOf(side).Snapshot.Pages.TryGetValue(id, out var page) && page.Restrictions != null) ||
                (side == SyncSide.DataCenter ? _dcUnlisted : _cloudUnlisted).ContainsKey(id);

            // ---- writing ----------------------------------------------------------------------------------

            /// <summary>Sets the restrictions of a paired page (mirror) before its content is written.</summary>
            private async Task<SyncActionOutcome> RestrictAsync(SyncAction action, CancellationToken ct)
            {
                var progress = ProgressOf(action.PairKey!);
                var target = progress.Side(action.Target);
                await SiteOf(action.Target).SetPageRestrictionsAsync(target.Id, action.Restrictions!, ct).ConfigureAwait(false);
                progress.Add(History("restrict-" + SideWord(action.Target), progress, action, target.Version, action.Reason + " (" + action.Restrictions + ")"));
                return new SyncActionOutcome(action, ActionOutcomeKind.Done, $"restricted \"{action.Title}\" on {action.Target.Label()} ({action.Restrictions})");
            }

            /// <summary>
            /// A create, restricted before its body is there when the plan says so. Neither product takes restrictions in
            /// the create itself (Cloud v1 ContentCreate and v2 POST /pages have no such field; Data Center sets them only
            /// through PUT /content/{id}/restriction), so the page is made with an empty body, restricted, then filled:
            /// the text is never readable by anyone the restrictions leave out. When the restrictions or the body cannot be
            /// set, the new page is trashed and purged again at once (left in the trash, with a warning, where purging is
            /// refused), and the create fails.
            /// </summary>
            private async Task<SitePage> CreateWithRestrictionsAsync(SyncAction action, SiteSpace space, string? parentId, string body, CancellationToken ct)
            {
                var site = SiteOf(action.Target);
                if (action.Restrictions is null) return await site.CreatePageAsync(space, parentId, action.Title, body, ct).ConfigureAwait(false);
                var empty = await site.CreatePageAsync(space, parentId, action.Title, "", ct).ConfigureAwait(false);
                var restricted = false;
                try
                {
                    await site.SetPageRestrictionsAsync(empty.Id, action.Restrictions, ct).ConfigureAwait(false);
                    restricted = true;
                    return await site.UpdatePageAsync(empty.Id, empty.Version.Number, action.Title, body, ct).ConfigureAwait(false);
                }
                catch (SiteException e)
                {
                    // Left behind, the empty page would hold the title and block every later create of this page.
                    var removal = await RemoveEmptyPageAsync(site, empty, action, space, ct).ConfigureAwait(false);
                    var what = restricted ? "its body could not be written after its restrictions were set" : $"its restrictions ({action.Restrictions}) could not be set";
                    throw new SiteException(e.Kind, $"{what}, so {removal}: {e.Message}",
                        e.Method, e.Path, e.StatusCode, e.ServerMessage, e);
                }
            }

            /// <summary>
            /// Trashes and purges the empty page a failed restricted create left; says what became of it. Purging needs space
            /// admin on both products, and a sync account without it is refused (Cloud v2 and Data Center both answer 404, as
            /// for a page that is not there): then the page stays in the trash, with a warning naming it, and nothing fails
            /// because of that — the trash hides it, and a space admin can purge it.
            /// </summary>
            private async Task<string> RemoveEmptyPageAsync(IConfluenceSite site, SitePage empty, SyncAction action, SiteSpace space, CancellationToken ct)
            {
                var where = $"{action.Target.Label()} page {empty.Id} (\"{action.Title}\", space {space.Key})";
                try
                {
                    await site.TrashPageAsync(empty.Id, ct).ConfigureAwait(false);
                }
                catch (SiteException cleanup)
                {
                    _log.WarnOfPage(Leftover(action, empty, $"the empty {where} made for a restricted create could not be removed: {cleanup.Message}"),
                        "{Space:l}: the empty {Page:l} made for a restricted create could not be removed: {Reason:l}", _space.Key, where, cleanup.Message);
                    return $"the empty page made for it ({where}) could not be removed";
                }

                try
                {
                    await site.PurgePageAsync(empty.Id, ct).ConfigureAwait(false);
                    return "the page made for it was removed again";
                }
                catch (SiteException refused) when (refused.Kind != SiteErrorKind.Unauthorized)
                {
                    // A 404 is also what an already purged page answers: only a page still in the trash was refused.
                    SitePage? still;
                    try
                    {
                        still = await site.GetPageAsync(empty.Id, ct).ConfigureAwait(false);
                    }
                    catch (SiteException)
                    {
                        still = empty with { Status = SitePageStatus.Trashed };
                    }

                    if (still is null) return "the page made for it was removed again";
                    _log.WarnOfPage(Leftover(action, empty, $"the empty {where} made for a restricted create was moved to the trash but not purged: {refused.Message}."),
                        "{Space:l}: the empty {Page:l} made for a restricted create was moved to the trash but not purged: {Reason:l}. " +
                        "It stays in the {Target:l} trash (purging needs space admin, which the sync account may not have); " +
                        "a space admin can purge it. This does not fail the run.",
                        _space.Key, where, refused.Message, action.Target.Label());
                    return $"the empty page made for it ({where}) was moved to the trash, where it stays: purging it was refused ({refused.Message})";
                }
            }

            private PageWarning Leftover(SyncAction action, SitePage empty, string message) =>
                PageWarning.Of(action with { TargetId = empty.Id }, _space.Key, PageWarningKind.RestrictedCreateLeftover, message);
        }
    }
}
