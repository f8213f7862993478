using System;
using System.Collections.Generic;
using System.Linq;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Sync
{
    /// <summary>Everything the planner needs for one space. No I/O happens past this point.</summary>
    public sealed record SpacePlanRequest
    {
        public string SpaceKey { get; init; } = "";
        public SyncDirection Direction { get; init; } = SyncDirection.Both;
        public ConflictPolicy Conflicts { get; init; } = ConflictPolicy.Manual;
        public int MaxDeletePercent { get; init; } = 10;
        /// <summary>-Force: run even when the delete guard trips.</summary>
        public bool Force { get; init; }
        public SpaceSnapshot DataCenter { get; init; } = null!;
        public SpaceSnapshot Cloud { get; init; } = null!;
        public IReadOnlyList<SyncedPair> Pairs { get; init; } = Array.Empty<SyncedPair>();
        /// <summary>
        /// The space's active pairs when <see cref="Pairs"/> holds only those a change query can touch (issue 14: a quiet run
        /// plans the pages it read, not all of them); null = Pairs is every pair. The delete guard's denominator.
        /// </summary>
        public int? ActivePairCount { get; init; }
        /// <summary>The space's include/exclude settings: pages out of scope are reported as Excluded and never written.</summary>
        public ScopeFilter Filter { get; init; } = ScopeFilter.All;

        // ---- labels
        /// <summary>content.labels: merge labels of pairs whose labels were read (PageSnapshot.Labels) and copy them to new pages.</summary>
        public bool SyncLabels { get; init; }
        // ---- attachments
        /// <summary>Each side's attachments as read for this run; null on either side: attachments are not synced (content.attachments off).</summary>
        public AttachmentListing? DataCenterAttachments { get; init; }
        public AttachmentListing? CloudAttachments { get; init; }
        /// <summary>The attachment pairs as last synced.</summary>
        public IReadOnlyList<SyncedAttachment> AttachmentPairs { get; init; } = Array.Empty<SyncedAttachment>();
        // ---- restrictions
        /// <summary>restrictedPages, the restrictions of pages the snapshots do not list, and (mirror) how principals cross.</summary>
        public RestrictionPolicy Restrictions { get; init; } = RestrictionPolicy.Skip;

        // ---- conflict resolution
        /// <summary>
        /// Per-pair conflict policies (pair key → policy) that beat <see cref="Conflicts"/>: how Resolve-SyncConflict settles
        /// one page with the ordinary planner and executor.
        /// </summary>
        public IReadOnlyDictionary<string, ConflictPolicy>? PairPolicies { get; init; }

        /// <summary>The conflict policy for one pair.</summary>
        public ConflictPolicy ConflictsOf(string pairKey) =>
            PairPolicies != null && PairPolicies.TryGetValue(pairKey, out var policy) ? policy : Conflicts;
    }

    /// <summary>
    /// The pure planner (SPEC §3): two snapshots and the last-synced pairs in, every page's drift and the
    /// ordered actions out. Drift reports, -WhatIf and real runs all come from here, so what is shown is what runs.
    /// </summary>
    public static partial class SyncPlanner
    {
        public static SyncPlan Plan(SpacePlanRequest request)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            if (request.DataCenter?.Side != SyncSide.DataCenter || request.Cloud?.Side != SyncSide.Cloud)
            {
                throw new ArgumentException("The request needs a Data Center snapshot and a Cloud snapshot.", nameof(request));
            }

            return new Planning(request).Run();
        }

        private const PageChanges ContentChanges = PageChanges.Body | PageChanges.Title | PageChanges.Parent;

        /// <summary>The action of a drift item whose page cannot be copied because its title is taken on the other site.</summary>
        public const string TitleCollision = "none: title collision";

        /// <summary>One side of a pair as it stands now, compared with the pair's last-synced state.</summary>
        private sealed partial class SideView
        {
            public SyncSide Side;
            public string Id = "";
            public int Version;
            public string Title = "";
            public string BodyHash = "";
            public DateTimeOffset? Modified;
            public bool InTrash;
            public bool Purged;
            /// <summary>The parent as a pair key, or null (top level or an unpaired parent, see UnpairedParentId).</summary>
            public string? ParentKey;
            public string? UnpairedParentId;
            public PageChanges Changes;

            public bool Gone => InTrash || Purged;

            public PageChanges Content => Changes & ContentChanges;
        }

        private sealed partial class Planning
        {
            private readonly SpacePlanRequest _request;
            private readonly Dictionary<string, SyncedPair> _pairsByDataCenterId;
            private readonly Dictionary<string, SyncedPair> _pairsByCloudId;
            private readonly List<SyncAction> _actions = new List<SyncAction>();
            private readonly List<DriftItem> _items = new List<DriftItem>();
            private readonly Dictionary<(SyncSide, string), int> _createdBy = new Dictionary<(SyncSide, string), int>();
            private readonly Dictionary<int, int> _depthOfAction = new Dictionary<int, int>();
            /// <summary>Pairs this plan brings back on a side where their page is gone: the restore or the create that does it.</summary>
            private readonly Dictionary<(SyncSide, string), int> _bringsBack = new Dictionary<(SyncSide, string), int>();
            private readonly ScopeFilter _filter;
            private readonly Dictionary<(SyncSide, string), ScopeDecision> _scope = new Dictionary<(SyncSide, string), ScopeDecision>();

            public Planning(SpacePlanRequest request)
            {
                _request = request;
                _pairsByDataCenterId = request.Pairs.ToDictionary(p => p.DataCenterId, StringComparer.Ordinal);
                _pairsByCloudId = request.Pairs.ToDictionary(p => p.CloudId, StringComparer.Ordinal);
                _filter = request.Filter ?? ScopeFilter.All;
            }

            public SyncPlan Run()
            {
                var emptyListing = EmptyListingGuard();
                if (emptyListing != null)
                {
                    return new SyncPlan { SpaceKey = _request.SpaceKey, Refusal = emptyListing };
                }

                // New pages first, so that moves of paired pages under them can depend on their creation.
                PlanUnpaired(_request.DataCenter, _request.Cloud);
                PlanUnpaired(_request.Cloud, _request.DataCenter);
                foreach (var pair in _request.Pairs)
                {
                    PlanPair(pair);
                }

                if (_request.SyncLabels) PlanLabels();
                PlanRestrictionWrites();
                PlaceBelowSurvivingParents();
                NoteMovesOutOfFolders(); // ---- folders
                PlanAttachments();
                var (actions, items) = Ordered();
                return new SyncPlan
                {
                    SpaceKey = _request.SpaceKey,
                    Items = items,
                    Actions = actions,
                    Refusal = DeleteGuard(actions),
                    Warnings = PlanWarnings(),
                    Folders = FolderItems(), // ---- folders
                };
            }

            // ---- guards -------------------------------------------------------------------------------

            private PlanRefusal? EmptyListingGuard()
            {
                if (!_request.Pairs.Any(p => p.Status == PairStatus.Active))
                {
                    return null;
                }

                foreach (var snapshot in new[] { _request.DataCenter, _request.Cloud })
                {
                    if (snapshot.IsComplete && !snapshot.Pages.Values.Any(p => p.Status == PageStatus.Current))
                    {
                        return new PlanRefusal(
                            "EmptyListing",
                            $"The {snapshot.Side.Label()} listing of space {_request.SpaceKey} came back empty although " +
                            $"{_request.Pairs.Count} pages are paired: that looks like a permission or site problem, not like " +
                            "every page being deleted. Nothing was changed.",
                            ForceOverrides: false);
                    }
                }

                return null;
            }

            private PlanRefusal? DeleteGuard(IReadOnlyList<SyncAction> actions)
            {
                var trashes = actions.Count(a => a.Kind == SyncActionKind.Trash);
                var paired = Math.Max(1, _request.ActivePairCount ?? _request.Pairs.Count(p => p.Status == PairStatus.Active));
                var percent = trashes * 100.0 / paired;
                if (trashes == 0 || percent <= _request.MaxDeletePercent || _request.Force)
                {
                    return null;
                }

                return new PlanRefusal(
                    "DeleteGuard",
                    $"The run would trash {trashes} of {paired} paired pages in space {_request.SpaceKey} ({percent:0.#}%), " +
                    $"more than maxDeletePercent ({_request.MaxDeletePercent}%). Nothing was changed. Check the drift, then run " +
                    "again with -Force if the deletions are intended.",
                    ForceOverrides: true);
            }

            // ---- pages on one side only ---------------------------------------------------------------

            private void PlanUnpaired(SpaceSnapshot source, SpaceSnapshot target)
            {
                var sourcePairs = source.Side == SyncSide.DataCenter ? _pairsByDataCenterId : _pairsByCloudId;
                var targetPairs = target.Side == SyncSide.DataCenter ? _pairsByDataCenterId : _pairsByCloudId;
                var unpaired = source.Pages.Values
                    .Where(p => p.Status == PageStatus.Current && !sourcePairs.ContainsKey(p.Id))
                    .OrderBy(p => Depth(source, p.Id))
                    .ThenBy(p => p.Title, StringComparer.Ordinal)
                    .ToList();

                foreach (var page in unpaired)
                {
                    var onlyOn = source.Side == SyncSide.DataCenter ? DriftStatus.OnlyOnDataCenter : DriftStatus.OnlyOnCloud;
                    var scope = ScopeOf(source.Side, page.Id);
                    if (scope.IsOut)
                    {
                        AddItem(DriftStatus.Excluded, page.Title, source.Side, page, null, PageChanges.None, $"none: out of scope ({scope.Reason})");
                        continue;
                    }

                    if (PlanArchivedUnpaired(source, page)) continue;
                    if (PlanUnreadableUnpaired(source, page)) continue;
                    if (PlanRestrictedUnpaired(source, page)) continue;

                    var namesake = NamesakeOn(target, page.Title, targetPairs);
                    if (namesake != null && ScopeOf(target.Side, namesake.Id) is { IsOut: true } namesakeScope)
                    {
                        // Confluence keeps titles unique per space: the create would fail, and pairing would pull that page into the sync.
                        AddItem(DriftStatus.Unpaired, page.Title, source.Side, page, null, PageChanges.Created, TitleCollision,
                            warnings: new[]
                            {
                                $"A page titled \"{namesake.Title}\" exists on {target.Side.Label()} (page {namesake.Id}) outside the sync scope " +
                                $"({namesakeScope.Reason}), so this page cannot be created there; rename one of them.",
                            });
                        continue;
                    }

                    if (namesake != null)
                    {
                        PlanNamesake(source, page, target, namesake, targetPairs.TryGetValue(namesake.Id, out var holder) ? holder : null);
                        continue;
                    }

                    if (!MayWrite(target.Side))
                    {
                        AddItem(onlyOn, page.Title, source.Side, page, null, PageChanges.Created, DirectionText(target.Side));
                        continue;
                    }

                    var parent = ParentOnTarget(source, page.ParentId, target.Side, out var parentProblem, page.Title);
                    if (parent is null)
                    {
                        AddItem(onlyOn, page.Title, source.Side, page, null, PageChanges.Created, "none: " + parentProblem,
                            warnings: new[] { parentProblem! });
                        continue;
                    }

                    if (PlanBelowArchivedParent(source, page, target.Side, parent)) continue;

                    var id = AddAction(new SyncAction
                    {
                        Kind = SyncActionKind.Create,
                        Target = target.Side,
                        Source = source.Side,
                        SourceId = page.Id,
                        SourceVersion = page.Version,
                        Title = page.Title,
                        Parent = parent,
                        WritesBody = true,
                        Changes = PageChanges.Created,
                        DependsOn = parent.CreatedByAction is int parentAction ? new[] { parentAction } : Array.Empty<int>(),
                        Reason = $"new on {source.Side.Label()}",
                    }, Depth(source, page.Id));
                    _createdBy[(source.Side, page.Id)] = id;
                    AddItem(onlyOn, page.Title, source.Side, page, null, PageChanges.Created, "create on " + target.Side.Label(), new[] { id });
                }
            }

            /// <summary>
            /// The current page titled <paramref name="title"/> (without regard to case, as Confluence keeps titles unique
            /// per space) on the target: as listed, or — when the listing is a change query — a paired page it did not list,
            /// which still holds its last-synced title. A title only an unlisted unpaired page holds is met by the create's 400.
            /// </summary>
            private static PageSnapshot? NamesakeOn(SpaceSnapshot target, string title, Dictionary<string, SyncedPair> targetPairs)
            {
                var listed = target.Pages.Values.FirstOrDefault(t =>
                    t.Status == PageStatus.Current && string.Equals(t.Title, title, StringComparison.OrdinalIgnoreCase));
                if (listed != null || target.IsComplete) return listed;
                var unlisted = targetPairs.Values.FirstOrDefault(p => p.Status == PairStatus.Active &&
                    !target.Pages.ContainsKey(p.IdOn(target.Side)) && string.Equals(p.Title, title, StringComparison.OrdinalIgnoreCase));
                return unlisted is null ? null : new PageSnapshot
                {
                    Id = unlisted.IdOn(target.Side),
                    Title = unlisted.Title,
                    Version = unlisted.VersionOn(target.Side),
                    BodyHash = unlisted.BaseHash,
                };
            }

            /// <summary>
            /// An unpaired page whose title already exists in the target space: Confluence would refuse the create (400).
            /// Both unpaired with the same content → pair them; otherwise report with the next step, never rename silently.
            /// </summary>
            private void PlanNamesake(SpaceSnapshot source, PageSnapshot page, SpaceSnapshot target, PageSnapshot namesake, SyncedPair? holder)
            {
                if (holder is null && source.Side == SyncSide.Cloud)
                {
                    return; // the Data Center pass already handled this pair of namesakes
                }

                var dcPage = source.Side == SyncSide.DataCenter ? page : namesake;
                var cloudPage = source.Side == SyncSide.DataCenter ? namesake : page;
                if (holder is null && page.BodyHash == namesake.BodyHash)
                {
                    var id = AddAction(new SyncAction
                    {
                        Kind = SyncActionKind.Adopt,
                        Target = target.Side,
                        Source = source.Side,
                        SourceId = page.Id,
                        SourceVersion = page.Version,
                        TargetId = namesake.Id,
                        TargetVersion = namesake.Version,
                        Title = page.Title,
                        Reason = "same title and content on both sites: paired",
                    }, Depth(source, page.Id));
                    _createdBy[(source.Side, page.Id)] = id;
                    _createdBy[(target.Side, namesake.Id)] = id;
                    AddItem(DriftStatus.InSync, page.Title, dcPage, cloudPage, PageChanges.Created, PageChanges.Created, "pair", new[] { id });
                    return;
                }

                if (holder is null)
                {
                    AddItem(DriftStatus.Unpaired, page.Title, dcPage, cloudPage, PageChanges.Created, PageChanges.Created, TitleCollision, warnings: new[]
                    {
                        $"\"{page.Title}\" exists on both sites (Data Center page {dcPage.Id}, Cloud page {cloudPage.Id}) with different content, " +
                        "and Confluence keeps titles unique in a space, so neither is copied. Make the content equal (the next run pairs them), " +
                        "rename one of them (the next run copies both), or pair them with Start-SpaceBaseline -IdMapPath.",
                    });
                    return;
                }

                // The title is held by a paired page: only this new page is reported (the pair is planned on its own).
                var twin = source.Pages.TryGetValue(holder.IdOn(source.Side), out var t) ? t : null;
                var freed = twin is null ? ""
                    : twin.Status != PageStatus.Current ? $" Its {source.Side.Label()} twin is in the trash: once this run trashes it on {target.Side.Label()}, the next run copies this page."
                    : !string.Equals(twin.Title, namesake.Title, StringComparison.OrdinalIgnoreCase)
                        ? $" Its {source.Side.Label()} twin was renamed to \"{twin.Title}\": once this run carries that rename, the next run copies this page."
                        : "";
                AddItem(DriftStatus.Unpaired, page.Title, source.Side, page, null, PageChanges.Created, TitleCollision, warnings: new[]
                {
                    $"\"{page.Title}\" (new on {source.Side.Label()}, page {page.Id}) cannot be copied: {target.Side.Label()} page {namesake.Id} " +
                    $"\"{namesake.Title}\" holds that title and is paired with another page ({source.Side.Label()} page {holder.IdOn(source.Side)}). Rename one of them." + freed,
                });
            }

            /// <summary>Where a page whose parent on its own site is <paramref name="parentId"/> goes on the target.</summary>
            /// <param name="childTitle">The page going there: when its parent is out of scope it is the scope's top page.</param>
            private ParentRef? ParentOnTarget(SpaceSnapshot source, string? parentId, SyncSide target, out string? problem, string? childTitle = null)
            {
                problem = null;
                if (parentId is null)
                {
                    return ParentRef.TopLevel;
                }

                var pairs = source.Side == SyncSide.DataCenter ? _pairsByDataCenterId : _pairsByCloudId;
                if (pairs.TryGetValue(parentId, out var parentPair))
                {
                    return ParentRef.Existing(parentPair.IdOn(target));
                }

                if (_createdBy.TryGetValue((source.Side, parentId), out var action))
                {
                    var planned = _actions.First(a => a.Id == action);
                    if (planned.Kind == SyncActionKind.Adopt)
                    {
                        // The parent is paired by this plan without a write: it already exists on the target.
                        return ParentRef.Existing(planned.Target == target ? planned.TargetId! : planned.SourceId!);
                    }

                    return ParentRef.Created(action);
                }

                if (UnreadableContainerProblem(source, parentId, target) is string folderProblem) // ---- folders
                {
                    problem = folderProblem;
                    return null;
                }

                if (childTitle != null && ScopeOf(source.Side, parentId).IsOut)
                {
                    return ScopeTopOn(target, childTitle, out problem);
                }

                var title = source.Pages.TryGetValue(parentId, out var parent) ? $"\"{parent.Title}\" ({parentId})" : parentId;
                problem = $"its parent page {title} on {source.Side.Label()} is not paired and is not being created, so the page has nowhere to go on {target.Label()}";
                return null;
            }

            // ---- paired pages -------------------------------------------------------------------------

            private void PlanPair(SyncedPair pair)
            {
                var dcScope = ScopeOf(SyncSide.DataCenter, pair.DataCenterId);
                var cloudScope = ScopeOf(SyncSide.Cloud, pair.CloudId);
                var dc = Observe(pair, _request.DataCenter);
                var cloud = Observe(pair, _request.Cloud);
                if (dcScope.IsOut || cloudScope.IsOut)
                {
                    PlanExcludedPair(pair, dc, dcScope, cloud, cloudScope);
                    return;
                }

                if (PlanArchivedPair(pair, dc, cloud)) return;
                if (PlanUnreadablePair(pair, dc, cloud)) return;

                if (dcScope.Verdict == ScopeVerdict.Unknown || cloudScope.Verdict == ScopeVerdict.Unknown)
                {
                    // Moved below a page this change query did not list and no pair knows: most likely out of scope (pages in
                    // scope get paired), so nothing crosses until a structural listing shows where it is.
                    var undecided = dcScope.Verdict == ScopeVerdict.Unknown ? dcScope : cloudScope;
                    var side = dcScope.Verdict == ScopeVerdict.Unknown ? SyncSide.DataCenter : SyncSide.Cloud;
                    AddItem(DriftStatus.Excluded, pair.Title, pair, dc, cloud, "none: scope not decided yet",
                        warnings: new[] { $"On {side.Label()} {undecided.Reason}: an ancestor is neither paired nor listed by this change query. " +
                                          "Nothing is written for it until a structural listing (Invoke-SpaceSync -Full, or the hourly one) shows whether it is still in scope." });
                    return;
                }

                if (PlanRestrictedPair(pair, dc, cloud)) return;

                if (pair.Status == PairStatus.Trashed)
                {
                    PlanTrashedPair(pair, dc, cloud);
                    return;
                }

                if (dc.Gone && cloud.Gone)
                {
                    var id = AddAction(StateOnly(pair, "trashed on both sites"), 0);
                    AddItem(DriftStatus.InSync, pair.Title, pair, dc, cloud, "none: trashed on both sites", new[] { id });
                    return;
                }

                if (dc.Gone || cloud.Gone)
                {
                    PlanDeletion(pair, dc.Gone ? dc : cloud, dc.Gone ? cloud : dc);
                    return;
                }

                PlanContent(pair, dc, cloud);
            }

            private SideView Observe(SyncedPair pair, SpaceSnapshot snapshot)
            {
                var side = snapshot.Side;
                var view = new SideView { Side = side, Id = pair.IdOn(side) };
                if (!snapshot.Pages.TryGetValue(view.Id, out var page))
                {
                    if (snapshot.IsComplete)
                    {
                        view.Purged = true;
                        view.Changes = pair.Status == PairStatus.Active ? PageChanges.Purged : PageChanges.None;
                        view.Title = pair.Title;
                        return view;
                    }

                    // Not in a change query's answer: unchanged since the last sync.
                    view.Version = pair.VersionOn(side);
                    view.Title = pair.Title;
                    view.BodyHash = pair.BaseHash;
                    view.ParentKey = pair.ParentKey;
                    view.InTrash = pair.Status == PairStatus.Trashed;
                    return view;
                }

                view.Version = page.Version;
                view.Title = page.Title;
                view.BodyHash = page.BodyHash;
                view.Modified = page.Modified;
                view.InTrash = page.Status == PageStatus.Trashed;
                // ---- folders: a page in a Cloud folder that could not be read stays where the pair last saw it
                (view.ParentKey, view.UnpairedParentId) = InUnreadableContainer(snapshot, page) ? (pair.ParentKey, null) : ParentKeyOf(side, page.ParentId);

                if (pair.Status == PairStatus.Active && view.InTrash) view.Changes |= PageChanges.Trashed;
                if (pair.Status == PairStatus.Trashed && !view.InTrash) view.Changes |= PageChanges.Restored;
                // SPEC §3: a change = the version moved past the recorded one *and* the content differs from the base.
                if (page.Version > pair.VersionOn(side) && page.BodyHash != pair.BaseHash) view.Changes |= PageChanges.Body;
                if (!string.Equals(page.Title, pair.Title, StringComparison.Ordinal)) view.Changes |= PageChanges.Title;
                // Moves do not always create a version (page-tree drags), so the parent is compared whatever the version.
                if (view.ParentKey != pair.ParentKey || view.UnpairedParentId != null) view.Changes |= PageChanges.Parent;
                return view;
            }

            private (string? PairKey, string? UnpairedId) ParentKeyOf(SyncSide side, string? parentId)
            {
                if (parentId is null) return (null, null);
                var pairs = side == SyncSide.DataCenter ? _pairsByDataCenterId : _pairsByCloudId;
                if (pairs.TryGetValue(parentId, out var parent)) return (parent.Key, null);
                // An in-scope page below an out-of-scope one is the top of include.subtree: recorded like a top-level page.
                return ScopeOf(side, parentId).IsOut ? (null, null) : (null, parentId);
            }

            /// <summary>
            /// A pair with a page out of scope on either side: nothing is written on either side, whatever changed. When the
            /// pair was in scope as last synced, the page left the scope since: said so, as the admin may expect a delete.
            /// </summary>
            private void PlanExcludedPair(SyncedPair pair, SideView dc, ScopeDecision dcScope, SideView cloud, ScopeDecision cloudScope)
            {
                var reasons = new List<string>();
                if (dcScope.IsOut) reasons.Add($"on {SyncSide.DataCenter.Label()}: {dcScope.Reason}");
                if (cloudScope.IsOut) reasons.Add($"on {SyncSide.Cloud.Label()}: {cloudScope.Reason}");
                var why = string.Join("; ", reasons);
                var warnings = new List<string>();
                if (LastSyncedScope(pair).Verdict != ScopeVerdict.Out)
                {
                    var unchanged = dcScope.IsOut && cloudScope.IsOut ? "either site"
                        : (dcScope.IsOut ? SyncSide.Cloud : SyncSide.DataCenter).Label();
                    warnings.Add($"\"{pair.Title}\" left the sync scope ({why}). Nothing was done on {unchanged}: the page there is neither trashed nor " +
                                 "moved, and changes no longer cross. Move it back into scope to sync it again.");
                }

                var title = dcScope.IsOut ? dc.Title : cloud.Title;
                AddItem(DriftStatus.Excluded, string.IsNullOrEmpty(title) ? pair.Title : title, pair, dc, cloud, $"none: out of scope ({why})", warnings: warnings);
            }

            /// <summary>Trashed or purged on one side (<paramref name="gone"/>); the other side decides what happens.</summary>
            private void PlanDeletion(SyncedPair pair, SideView gone, SideView kept)
            {
                var deleted = gone.Side == SyncSide.DataCenter ? DriftStatus.DeletedOnDataCenter : DriftStatus.DeletedOnCloud;
                if (kept.Content == PageChanges.None)
                {
                    if (!MayWrite(kept.Side))
                    {
                        AddItem(deleted, pair.Title, pair, gone, kept, DirectionText(kept.Side));
                        return;
                    }

                    var trash = AddAction(new SyncAction
                    {
                        Kind = SyncActionKind.Trash,
                        Target = kept.Side,
                        Source = gone.Side,
                        SourceId = gone.Id,
                        TargetId = kept.Id,
                        TargetVersion = kept.Version,
                        PairKey = pair.Key,
                        Title = pair.Title,
                        Changes = gone.Changes,
                        Reason = (gone.Purged ? "deleted for good on " : "trashed on ") + gone.Side.Label(),
                    }, DepthOfPair(pair));
                    AddItem(deleted, pair.Title, pair, gone, kept, "trash on " + kept.Side.Label(), new[] { trash });
                    return;
                }

                // Edit versus trash: the edit wins and the page comes back (SPEC §3).
                BringBack(pair, kept, gone,
                    restoreReason: $"edited on {kept.Side.Label()} while trashed on {gone.Side.Label()}: restored (the edit wins)",
                    updateReason: $"edited on {kept.Side.Label()} while trashed on {gone.Side.Label()}",
                    createReason: $"edited on {kept.Side.Label()} after it was deleted for good on {gone.Side.Label()}: created again (the edit wins)",
                    createChanges: kept.Content);
            }

            /// <summary>
            /// The page is current on <paramref name="source"/>'s side and gone (trashed or purged) on <paramref name="missing"/>'s:
            /// restore it there (and carry what changed), or create it again after a purge — if the direction lets us write there.
            /// </summary>
            private void BringBack(SyncedPair pair, SideView source, SideView missing,
                string restoreReason, string updateReason, string createReason, PageChanges createChanges)
            {
                var ahead = Ahead(source.Side);
                if (!MayWrite(missing.Side))
                {
                    AddItem(ahead, pair.Title, pair, source, missing, DirectionText(missing.Side));
                    return;
                }

                if (missing.Purged)
                {
                    CreateAgain(pair, source, missing, ahead, createChanges, createReason);
                    return;
                }

                var restore = AddAction(new SyncAction
                {
                    Kind = SyncActionKind.Restore,
                    Target = missing.Side,
                    Source = source.Side,
                    SourceId = source.Id,
                    TargetId = missing.Id,
                    TargetVersion = missing.Version,
                    PairKey = pair.Key,
                    Title = missing.Title,
                    Changes = PageChanges.Restored,
                    Reason = restoreReason,
                }, DepthOfPair(pair));
                _bringsBack[(missing.Side, pair.Key)] = restore;
                var update = AddUpdate(pair, target: missing, source: source, source.Content, source.Title, restore, updateReason);
                var text = update is null ? "restore on " + missing.Side.Label() : $"restore and update {missing.Side.Label()}";
                AddItem(ahead, pair.Title, pair, source, missing, text, Ids(restore, update));
            }

            /// <summary>The pair's page was deleted for good on <paramref name="purged"/>'s side: make it again from <paramref name="source"/>.</summary>
            private void CreateAgain(SyncedPair pair, SideView source, SideView purged, DriftStatus status, PageChanges changes, string reason)
            {
                var parent = ParentForPairOn(source, purged.Side, out var problem);
                if (parent is null)
                {
                    AddItem(status, pair.Title, pair, source, purged, "none: " + problem, warnings: new[] { problem! });
                    return;
                }

                var create = AddAction(new SyncAction
                {
                    Kind = SyncActionKind.Create,
                    Target = purged.Side,
                    Source = source.Side,
                    SourceId = source.Id,
                    SourceVersion = source.Version,
                    PairKey = pair.Key,
                    Title = source.Title,
                    Parent = parent,
                    WritesBody = true,
                    Changes = changes,
                    DependsOn = parent.CreatedByAction is int p ? new[] { p } : Array.Empty<int>(),
                    Reason = reason,
                }, DepthOfPair(pair));
                _bringsBack[(purged.Side, pair.Key)] = create;
                AddItem(status, pair.Title, pair, source, purged, "create again on " + purged.Side.Label(), new[] { create });
            }

            private void PlanTrashedPair(SyncedPair pair, SideView dc, SideView cloud)
            {
                var restored = !dc.Gone ? dc : !cloud.Gone ? cloud : null;
                if (restored is null || (!dc.Gone && !cloud.Gone))
                {
                    // Still in both trashes, or restored on both sites by hand.
                    var text = restored is null ? "none: trashed on both sites" : "none: restored on both sites";
                    var ids = restored is null ? Array.Empty<int>() : new[] { AddAction(StateOnly(pair, "restored on both sites"), 0) };
                    AddItem(DriftStatus.InSync, pair.Title, pair, dc, cloud, text, ids);
                    return;
                }

                var other = restored.Side == SyncSide.DataCenter ? cloud : dc;
                BringBack(pair, restored, other,
                    restoreReason: "restored on " + restored.Side.Label(),
                    updateReason: "changed on " + restored.Side.Label() + " after its restore",
                    createReason: $"restored on {restored.Side.Label()}, deleted for good on {other.Side.Label()}: created again",
                    createChanges: PageChanges.Restored);
            }

            /// <summary>Both pages current: carry each changed aspect across; both changed the same aspect differently → conflict.</summary>
            private void PlanContent(SyncedPair pair, SideView dc, SideView cloud)
            {
                if (dc.Content == PageChanges.None && cloud.Content == PageChanges.None)
                {
                    var caughtUp = dc.Version != pair.DataCenterVersion || cloud.Version != pair.CloudVersion;
                    var recorded = caughtUp ? new[] { AddAction(StateOnly(pair, "new versions without content changes"), DepthOfPair(pair)) } : Array.Empty<int>();
                    AddItem(DriftStatus.InSync, pair.Title, pair, dc, cloud, "none", recorded);
                    return;
                }

                var conflicts = PageChanges.None;
                if ((dc.Changes & cloud.Changes & PageChanges.Body) != 0 && dc.BodyHash != cloud.BodyHash) conflicts |= PageChanges.Body;
                if ((dc.Changes & cloud.Changes & PageChanges.Title) != 0 && dc.Title != cloud.Title) conflicts |= PageChanges.Title;
                if ((dc.Changes & cloud.Changes & PageChanges.Parent) != 0 &&
                    (dc.ParentKey != cloud.ParentKey || dc.UnpairedParentId != null || cloud.UnpairedParentId != null))
                {
                    conflicts |= PageChanges.Parent;
                }

                SyncSide? winner = null;
                string resolution = "";
                if (conflicts == PageChanges.Body && _request.ConflictsOf(pair.Key) == ConflictPolicy.Merge)
                {
                    PlanMerge(pair, dc, cloud);
                    return;
                }

                if (conflicts != PageChanges.None)
                {
                    (winner, resolution) = ConflictWinner(pair, dc, cloud);
                    if (winner is null)
                    {
                        AddItem(DriftStatus.Conflict, pair.Title, pair, dc, cloud, "none: conflict (" + resolution + ")",
                            warnings: new[] { $"Changed on both sites since the last sync ({Describe(conflicts)}); {resolution}." });
                        return;
                    }
                }

                // For each aspect, the side whose value wins: the conflict's winner, else the side that changed it.
                SyncSide? SourceOf(PageChanges aspect)
                {
                    if ((conflicts & aspect) != 0) return winner;
                    return ChangedOnlyOn(dc, cloud, aspect);
                }

                var bodySource = SourceOf(PageChanges.Body);
                var titleSource = SourceOf(PageChanges.Title);
                var parentSource = SourceOf(PageChanges.Parent);
                var title = titleSource == SyncSide.Cloud ? cloud.Title : dc.Title;

                var ids = new List<int>();
                var reported = new List<string>();
                foreach (var (target, source) in new[] { (dc, cloud), (cloud, dc) })
                {
                    var carried = PageChanges.None;
                    if (bodySource == source.Side) carried |= PageChanges.Body;
                    if (titleSource == source.Side) carried |= PageChanges.Title;
                    if (parentSource == source.Side) carried |= PageChanges.Parent;
                    if (carried == PageChanges.None)
                    {
                        continue;
                    }

                    if (!MayWrite(target.Side))
                    {
                        reported.Add(DirectionText(target.Side));
                        continue;
                    }

                    var reason = conflicts != PageChanges.None
                        ? $"changed on both sites; {resolution}"
                        : "changed on " + source.Side.Label();
                    var update = AddUpdate(pair, target, source, carried, title, null, reason);
                    if (update is int u) ids.Add(u);
                }

                var status = conflicts != PageChanges.None ? DriftStatus.Conflict
                    : cloud.Content == PageChanges.None ? DriftStatus.DataCenterAhead
                    : dc.Content == PageChanges.None ? DriftStatus.CloudAhead
                    : (cloud.Content & PageChanges.Body) != 0 && (dc.Content & PageChanges.Body) == 0 ? DriftStatus.CloudAhead
                    : DriftStatus.DataCenterAhead;

                if (ids.Count == 0 && reported.Count == 0)
                {
                    // Both sites made the same change: nothing to write, the state catches up.
                    ids.Add(AddAction(StateOnly(pair, "the same change on both sites"), DepthOfPair(pair)));
                    AddItem(DriftStatus.InSync, title, pair, dc, cloud, "none: the same change on both sites", ids);
                    return;
                }

                var text = ids.Count > 0
                    ? "update " + string.Join(" and ", ids.Select(i => _actions.First(a => a.Id == i).Target.Label()))
                    : reported[0];
                AddItem(status, title, pair, dc, cloud, text, ids,
                    warnings: conflicts != PageChanges.None ? new[] { $"Changed on both sites ({Describe(conflicts)}); {resolution}." } : null);
            }

            /// <summary>The side that changed <paramref name="aspect"/> when only one did; null when neither did, or both (alike).</summary>
            private static SyncSide? ChangedOnlyOn(SideView dc, SideView cloud, PageChanges aspect)
            {
                var dcChanged = (dc.Changes & aspect) != 0;
                var cloudChanged = (cloud.Changes & aspect) != 0;
                if (dcChanged && cloudChanged) return null; // same change on both sites: nothing to carry
                return dcChanged ? SyncSide.DataCenter : cloudChanged ? SyncSide.Cloud : (SyncSide?)null;
            }

            private (SyncSide? Winner, string Text) ConflictWinner(SyncedPair pair, SideView dc, SideView cloud)
            {
                switch (_request.ConflictsOf(pair.Key))
                {
                    case ConflictPolicy.PreferCloud:
                        return (SyncSide.Cloud, "prefer-cloud: the Cloud version wins, the Data Center text stays in its page history");
                    case ConflictPolicy.PreferDataCenter:
                        return (SyncSide.DataCenter, "prefer-datacenter: the Data Center version wins, the Cloud text stays in its page history");
                    case ConflictPolicy.Newest:
                        if (dc.Modified is DateTimeOffset d && cloud.Modified is DateTimeOffset c && d != c)
                        {
                            var newer = d > c ? SyncSide.DataCenter : SyncSide.Cloud;
                            return (newer, $"newest: the {newer.Label()} edit is newer and wins, the other text stays in its page history");
                        }

                        return (null, "newest: both edits have the same time, left for Resolve-SyncConflict");
                    case ConflictPolicy.Merge:
                        // Bodies merge block by block (PlanMerge); a title or parent set differently on each site has no merge.
                        return (null, "merge: both sites set the title or the parent differently, left for Resolve-SyncConflict");
                    default:
                        return (null, "manual: left for Resolve-SyncConflict");
                }
            }

            /// <summary>An Update of <paramref name="target"/> carrying <paramref name="carried"/> from <paramref name="source"/>.</summary>
            private int? AddUpdate(SyncedPair pair, SideView target, SideView source, PageChanges carried, string title, int? after, string reason,
                bool mergesBody = false)
            {
                ParentRef? parent = null;
                var dependsOn = new List<int>();
                if (after is int a) dependsOn.Add(a);
                if ((carried & PageChanges.Parent) != 0)
                {
                    parent = ParentForPairOn(source, target.Side, out var problem);
                    if (parent is null)
                    {
                        carried &= ~PageChanges.Parent; // the rest of the change still crosses; the move is reported
                        reason += "; not moved: " + problem;
                    }
                    else if (parent.CreatedByAction is int p)
                    {
                        dependsOn.Add(p);
                    }
                }

                if (carried == PageChanges.None)
                {
                    return null;
                }

                return AddAction(new SyncAction
                {
                    Kind = SyncActionKind.Update,
                    Target = target.Side,
                    Source = source.Side,
                    SourceId = source.Id,
                    SourceVersion = source.Version,
                    TargetId = target.Id,
                    // After a restore the page carries the same version (a restore adds none in Confluence).
                    TargetVersion = target.Version,
                    PairKey = pair.Key,
                    Title = title,
                    WritesBody = (carried & PageChanges.Body) != 0,
                    MergesBody = mergesBody,
                    Parent = parent,
                    Changes = carried,
                    DependsOn = dependsOn,
                    Reason = reason,
                }, DepthOfPair(pair));
            }

            /// <summary>Where <paramref name="view"/>'s current parent is on the other site.</summary>
            private ParentRef? ParentForPairOn(SideView view, SyncSide target, out string? problem)
            {
                problem = null;
                if (view.UnpairedParentId != null)
                {
                    return ParentOnTarget(view.Side == SyncSide.DataCenter ? _request.DataCenter : _request.Cloud, view.UnpairedParentId, target, out problem);
                }

                if (view.ParentKey is null)
                {
                    return ScopeTopOn(target, view.Title, out problem);
                }

                return ParentRef.Existing(_pairsByDataCenterId[view.ParentKey].IdOn(target));
            }

            // ---- parents gone on the target ---------------------------------------------------------------

            /// <summary>
            /// A create or move aimed below a paired page that is gone on the target (deleted for good there, or in its
            /// trash) would fail against the missing parent. When this plan brings that parent back, the write waits for
            /// it; otherwise the page goes below the nearest ancestor pair still on the target (or to the top level),
            /// with a warning. Runs once every page is planned, so that every bring-back is known.
            /// </summary>
            private void PlaceBelowSurvivingParents()
            {
                for (var i = 0; i < _actions.Count; i++)
                {
                    var action = _actions[i];
                    if (action.Parent?.TargetId is not string parentId || !GoneOn(action.Target, parentId) ||
                        !PairsOn(action.Target).TryGetValue(parentId, out var lost))
                    {
                        continue;
                    }

                    var (parent, dependsOn, warning) = SurvivingParent(lost, action.Target);
                    var depends = action.DependsOn.ToList();
                    if (dependsOn is int d && !depends.Contains(d)) depends.Add(d);
                    _actions[i] = action with
                    {
                        Parent = parent,
                        DependsOn = depends,
                        Reason = warning is null ? action.Reason : action.Reason + "; " + warning,
                    };
                    if (warning is null) continue;
                    WarnOnItemOf(action.Id, $"\"{action.Title}\": {warning}.");
                }
            }

            /// <summary>Adds <paramref name="warning"/> to the drift item that holds action <paramref name="actionId"/>.</summary>
            private void WarnOnItemOf(int actionId, string warning)
            {
                var index = _items.FindIndex(item => item.ActionIds.Contains(actionId));
                if (index < 0) return;
                var item = _items[index];
                _items[index] = item with { Warnings = item.Warnings.Concat(new[] { warning }).ToList() };
            }

            /// <summary>Where a page whose parent pair <paramref name="lost"/> is gone on <paramref name="target"/> goes there.</summary>
            private (ParentRef Parent, int? DependsOn, string? Warning) SurvivingParent(SyncedPair lost, SyncSide target)
            {
                var how = Purged(target, lost.IdOn(target)) ? "was deleted for good on " + target.Label() : "is in the " + target.Label() + " trash";
                var pair = lost;
                for (var depth = 0; depth < 1000; depth++)
                {
                    var id = pair.IdOn(target);
                    if (_bringsBack.TryGetValue((target, pair.Key), out var back))
                    {
                        var kind = _actions.First(a => a.Id == back).Kind;
                        var parent = kind == SyncActionKind.Create ? ParentRef.Created(back) : ParentRef.Existing(id);
                        return pair == lost
                            ? (parent, back, null)
                            : (parent, back, $"its parent \"{lost.Title}\" {how}; placed below \"{pair.Title}\", which this run brings back there");
                    }

                    if (pair != lost && !GoneOn(target, id))
                    {
                        return (ParentRef.Existing(id), null, $"its parent \"{lost.Title}\" {how}; placed below \"{pair.Title}\" instead, its nearest ancestor still there");
                    }

                    if (pair.ParentKey is null || !_pairsByDataCenterId.TryGetValue(pair.ParentKey, out var up))
                    {
                        break;
                    }

                    pair = up;
                }

                return (ParentRef.TopLevel, null, $"its parent \"{lost.Title}\" {how} and so are its ancestors; placed at the top level instead");
            }

            private Dictionary<string, SyncedPair> PairsOn(SyncSide side) => side == SyncSide.DataCenter ? _pairsByDataCenterId : _pairsByCloudId;

            private SpaceSnapshot SnapshotOn(SyncSide side) => side == SyncSide.DataCenter ? _request.DataCenter : _request.Cloud;

            /// <summary>The paired page <paramref name="id"/> is not current on <paramref name="side"/> (as listed, or as last synced when the listing is a change query).</summary>
            private bool GoneOn(SyncSide side, string id)
            {
                var snapshot = SnapshotOn(side);
                if (snapshot.Pages.TryGetValue(id, out var page)) return page.Status != PageStatus.Current;
                return snapshot.IsComplete || (PairsOn(side).TryGetValue(id, out var pair) && pair.Status == PairStatus.Trashed);
            }

            private bool Purged(SyncSide side, string id) => SnapshotOn(side).IsComplete && !SnapshotOn(side).Pages.ContainsKey(id);

            // ---- scope filter ---------------------------------------------------------------------------

            private static readonly ScopeDecision InScope = new ScopeDecision(ScopeVerdict.In, null, false);

            /// <summary>
            /// Whether page <paramref name="id"/> on <paramref name="side"/> is in scope, from its path as listed. A page or ancestor
            /// a change query did not list is where the pairs last saw it (unchanged): absence never moves a page out of scope.
            /// A path that cannot be completed (an unpaired ancestor not listed) is Unknown, which plans as in scope: the
            /// unpaired parent already keeps such a page from being written, and the next structural listing decides.
            /// </summary>
            private ScopeDecision ScopeOf(SyncSide side, string id)
            {
                if (_filter.IsEverything) return InScope;
                if (_scope.TryGetValue((side, id), out var known)) return known;

                var path = new List<ScopePathEntry>();
                var complete = true;
                var seen = new HashSet<string>(StringComparer.Ordinal);
                string? cursor = id;
                while (cursor != null)
                {
                    if (!seen.Add(cursor) || !TryNode(side, cursor, out var title, out var parentId, out var labels, out var fromPair))
                    {
                        complete = false;
                        break;
                    }

                    path.Add(new ScopePathEntry(title, labels));
                    if (fromPair && parentId is null && _filter.IncludeSubtree is string include &&
                        include.EndsWith("/" + title.Trim(), StringComparison.OrdinalIgnoreCase))
                    {
                        // An unlisted pair with no parent pair, titled as include.subtree's last page: the scope's top page,
                        // unchanged since the last sync, so still where the path names it (pairs record nothing above it).
                        path.Add(new ScopePathEntry(include.Substring(0, include.Length - title.Trim().Length - 1)));
                    }

                    cursor = parentId;
                }

                path.Reverse();
                var decision = path.Count == 0 ? InScope : _filter.Decide(path, complete);
                _scope[(side, id)] = decision;
                return decision;
            }

            /// <summary>The pair's scope as last synced (titles and parents from the pairs; labels not recorded; above the scope's top page unknown).</summary>
            private ScopeDecision LastSyncedScope(SyncedPair pair)
            {
                var path = new List<ScopePathEntry>();
                var complete = _filter.IncludeSubtree is null;
                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var cursor = pair; cursor != null && seen.Add(cursor.Key);)
                {
                    path.Add(new ScopePathEntry(cursor.Title));
                    cursor = cursor.ParentKey is string key && _pairsByDataCenterId.TryGetValue(key, out var up) ? up : null;
                }

                path.Reverse();
                return _filter.Decide(path, complete);
            }

            private bool TryNode(SyncSide side, string id, out string title, out string? parentId, out IReadOnlyCollection<string>? labels, out bool fromPair)
            {
                fromPair = false;
                if (SnapshotOn(side).Pages.TryGetValue(id, out var page))
                {
                    (title, parentId, labels) = (page.Title, page.ParentId, page.Labels);
                    return true;
                }

                labels = null;
                if (PairsOn(side).TryGetValue(id, out var pair))
                {
                    fromPair = true;
                    title = pair.Title;
                    parentId = pair.ParentKey is string key && _pairsByDataCenterId.TryGetValue(key, out var up) ? up.IdOn(side) : null;
                    return true;
                }

                (title, parentId) = ("", null);
                return false;
            }

            /// <summary>
            /// Where the scope's top page goes on <paramref name="target"/>: the top level, or with include.subtree the page the
            /// path names above it (found there by its path of titles).
            /// </summary>
            private ParentRef? ScopeTopOn(SyncSide target, string topTitle, out string? problem)
            {
                problem = null;
                var include = _filter.IncludeSubtree;
                if (include is null || string.Equals(include, topTitle.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    return ParentRef.TopLevel;
                }

                var suffix = "/" + topTitle.Trim();
                if (!include.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                {
                    problem = $"it is the top of the synced pages but is not the page include.subtree \"{include}\" names";
                    return null;
                }

                var above = include.Substring(0, include.Length - suffix.Length);
                foreach (var page in SnapshotOn(target).Pages.Values.Where(p => p.Status == PageStatus.Current))
                {
                    if (string.Equals(JoinedPath(target, page.Id), above, StringComparison.OrdinalIgnoreCase))
                    {
                        return ParentRef.Existing(page.Id);
                    }
                }

                problem = $"the page \"{above}\" that include.subtree places it under was not found in the {target.Label()} listing";
                return null;
            }

            /// <summary>The page's titles from the top level joined with '/', or null when part of the path is not known.</summary>
            private string? JoinedPath(SyncSide side, string id)
            {
                var titles = new List<string>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                string? cursor = id;
                while (cursor != null)
                {
                    if (!seen.Add(cursor) || !SnapshotOn(side).Pages.TryGetValue(cursor, out var page)) return null;
                    titles.Add(page.Title.Trim());
                    cursor = page.ParentId;
                }

                titles.Reverse();
                return string.Join("/", titles);
            }

            private IReadOnlyList<string> PlanWarnings()
            {
                if (!_filter.FiltersLabels) return Array.Empty<string>();
                var unread = _request.DataCenter.Pages.Values.Concat(_request.Cloud.Pages.Values).Any(p => p.Labels is null && p.Status == PageStatus.Current); // trashed pages' labels are never read
                return unread
                    ? new[]
                    {
                        $"exclude.labels ({string.Join(", ", _filter.ExcludeLabels)}) cannot decide: the listings carry no labels, so pages " +
                        "are treated as in scope whatever their labels.",
                    }
                    : Array.Empty<string>();
            }

            // ---- bookkeeping ----------------------------------------------------------------------------

            private bool MayWrite(SyncSide target) => _request.Direction switch
            {
                SyncDirection.Both => true,
                SyncDirection.ToCloud => target == SyncSide.Cloud,
                SyncDirection.ToDataCenter => target == SyncSide.DataCenter,
                _ => false,
            };

            private string DirectionText(SyncSide target) =>
                _request.Direction == SyncDirection.None
                    ? "none: direction none (drift is only reported)"
                    : $"none: direction {ScopeVocabulary.Direction.Word(_request.Direction)} does not write to {target.Label()}";

            private static DriftStatus Ahead(SyncSide side) => side == SyncSide.DataCenter ? DriftStatus.DataCenterAhead : DriftStatus.CloudAhead;

            private static string Describe(PageChanges changes) =>
                string.Join(", ", new[] { PageChanges.Body, PageChanges.Title, PageChanges.Parent }
                    .Where(c => (changes & c) != 0)
                    .Select(c => c == PageChanges.Body ? "body" : c == PageChanges.Title ? "title" : "parent"));

            private static int[] Ids(int first, int? second) => second is int s ? new[] { first, s } : new[] { first };

            private SyncAction StateOnly(SyncedPair pair, string reason) => new SyncAction
            {
                Kind = SyncActionKind.RecordState,
                Target = SyncSide.DataCenter,
                Source = SyncSide.DataCenter,
                PairKey = pair.Key,
                Title = pair.Title,
                Reason = reason,
            };

            private int AddAction(SyncAction action, int depth)
            {
                var id = _actions.Count + 1;
                _actions.Add(action with { Id = id });
                _depthOfAction[id] = depth;
                return id;
            }

            private void AddItem(DriftStatus status, string title, SyncSide side, PageSnapshot page, PageSnapshot? other,
                PageChanges changes, string action, IReadOnlyList<int>? ids = null, IReadOnlyList<string>? warnings = null)
            {
                var dcPage = side == SyncSide.DataCenter ? page : other;
                var cloudPage = side == SyncSide.Cloud ? page : other;
                AddItem(status, title, dcPage, cloudPage,
                    side == SyncSide.DataCenter ? changes : PageChanges.None,
                    side == SyncSide.Cloud ? changes : PageChanges.None, action, ids, warnings);
            }

            private void AddItem(DriftStatus status, string title, PageSnapshot? dcPage, PageSnapshot? cloudPage,
                PageChanges dcChanges, PageChanges cloudChanges, string action, IReadOnlyList<int>? ids = null, IReadOnlyList<string>? warnings = null)
            {
                _items.Add(new DriftItem
                {
                    SpaceKey = _request.SpaceKey,
                    Status = status,
                    Title = title,
                    DataCenterId = dcPage?.Id,
                    CloudId = cloudPage?.Id,
                    DataCenterVersion = dcPage?.Version,
                    CloudVersion = cloudPage?.Version,
                    DataCenterChanges = dcChanges,
                    CloudChanges = cloudChanges,
                    Action = action,
                    ActionIds = ids ?? Array.Empty<int>(),
                    Warnings = warnings ?? Array.Empty<string>(),
                });
            }

            private void AddItem(DriftStatus status, string title, SyncedPair pair, SideView a, SideView b, string action,
                IReadOnlyList<int>? ids = null, IReadOnlyList<string>? warnings = null)
            {
                var dc = a.Side == SyncSide.DataCenter ? a : b;
                var cloud = a.Side == SyncSide.Cloud ? a : b;
                _items.Add(new DriftItem
                {
                    SpaceKey = _request.SpaceKey,
                    Status = status,
                    Title = title,
                    DataCenterId = pair.DataCenterId,
                    CloudId = pair.CloudId,
                    DataCenterVersion = dc.Purged ? null : dc.Version,
                    CloudVersion = cloud.Purged ? null : cloud.Version,
                    DataCenterChanges = dc.Changes,
                    CloudChanges = cloud.Changes,
                    Action = action,
                    ActionIds = ids ?? Array.Empty<int>(),
                    Warnings = warnings ?? Array.Empty<string>(),
                });
            }

            private int DepthOfPair(SyncedPair pair)
            {
                var depth = 0;
                var key = pair.ParentKey;
                while (key != null && depth < 1000 && _pairsByDataCenterId.TryGetValue(key, out var parent))
                {
                    depth++;
                    key = parent.ParentKey;
                }

                return depth;
            }

            private static int Depth(SpaceSnapshot snapshot, string id)
            {
                var depth = 0;
                var current = snapshot.Pages.TryGetValue(id, out var page) ? page.ParentId : null;
                while (current != null && depth < 1000)
                {
                    depth++;
                    current = snapshot.Pages.TryGetValue(current, out var parent) ? parent.ParentId : null;
                }

                return depth;
            }

            /// <summary>
            /// Execution order: restores (parents first), creates (parents first), updates, trashes (children first),
            /// then pairings and state-only steps. Actions are renumbered in that order.
            /// </summary>
            private (IReadOnlyList<SyncAction>, IReadOnlyList<DriftItem>) Ordered()
            {
                int Rank(SyncActionKind kind) => kind switch
                {
                    SyncActionKind.Restore => 0,
                    SyncActionKind.Restrict => 0, // after a restore of its page (added later), before any content reaches it
                    SyncActionKind.Adopt => 1,
                    SyncActionKind.Create => 2,
                    SyncActionKind.Update => 3,
                    SyncActionKind.Trash => 4,
                    _ => 5,
                };

                var ordered = _actions
                    .OrderBy(a => Rank(a.Kind))
                    .ThenBy(a => a.Kind == SyncActionKind.Trash ? -_depthOfAction[a.Id] : _depthOfAction[a.Id])
                    .ThenBy(a => a.Id)
                    .ToList();
                var renumber = ordered.Select((a, i) => (a.Id, New: i + 1)).ToDictionary(x => x.Id, x => x.New);

                var actions = ordered.Select(a => a with
                {
                    Id = renumber[a.Id],
                    DependsOn = a.DependsOn.Select(d => renumber[d]).ToList(),
                    Parent = a.Parent?.CreatedByAction is int p ? ParentRef.Created(renumber[p]) : a.Parent,
                }).ToList();
                var items = _items.Select(i => i with { ActionIds = i.ActionIds.Select(id => renumber[id]).ToList() }).ToList();
                return (actions, items);
            }
        }
    }
}
