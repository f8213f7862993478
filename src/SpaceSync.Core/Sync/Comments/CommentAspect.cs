using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Content.Translation;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using StatePairStatus = SpaceSync.Core.State.PairStatus;

namespace SpaceSync.Core.Sync.Comments
{
    /// <summary>Keys the comment aspect adds to a sync run's counts.</summary>
    internal static class CommentCounts
    {
        public const string Created = "CommentsCreated";
        public const string Updated = "CommentsUpdated";
        public const string Deleted = "CommentsDeleted";
        public const string Conflicts = "CommentConflicts";
        public const string Failed = "CommentsFailed";
        public const string Adopted = "CommentsAdopted";
        public const string Paired = "CommentsPaired";
        /// <summary>Inline comments (with their replies) the listings held on the pages synced: left where they are.</summary>
        public const string Inline = "InlineComments";

        public static readonly string[] All = { Created, Updated, Deleted, Conflicts, Failed, Adopted, Paired, Inline };
    }

    /// <summary>
    /// Footer comments (content.comments) as a content aspect: planned per page pair by <see cref="CommentPlanner"/>, written
    /// here, kept in the state's comment pairs and intents (State/StateStore.Comments.cs). Inline comments are read with
    /// them (CQL cannot tell the two apart) and left alone (<see cref="CommentKinds"/>).
    /// </summary>
    internal sealed class CommentAspect : IContentAspect
    {
        public string Name => "comments";

        public bool IsEnabled(ResolvedSpace space) => space.Content?.Comments == true;

        /// <summary>
        /// Syncs the footer comments of the space's active page pairs. Reads: after a change query of the pages, a change
        /// query of the comments on each side (CQL type = comment, lastmodified since the pages' marks less the overlap): one
        /// request each when little changed. After a structural or full listing (or when a comment create was left
        /// unconfirmed), every comment of the space: ceil(comments / 50) requests a side. Deletions are only seen by the latter.
        /// Pages the run's page plan reports Excluded, Restricted or Archived keep their comments to themselves.
        /// </summary>
        public async Task<AspectDrift> SyncAsync(AspectRun run, CancellationToken ct)
        {
            var drift = new AspectDrift(Name);
            foreach (var key in CommentCounts.All)
                run.Counts[key] = 0;

            var intents = run.State.ListCommentIntents(run.Space.Key);
            var full = intents.Count > 0 || run.DataCenterChangesSince is null || run.CloudChangesSince is null;
            var dcListed = await run.DataCenter.ListSpaceCommentsAsync(run.DataCenterSpace.Key,
                full ? null : run.DataCenterChangesSince - run.DataCenter.SearchLag, ct).ConfigureAwait(false);
            var cloudListed = await run.Cloud.ListSpaceCommentsAsync(run.CloudSpace.Key,
                full ? null : run.CloudChangesSince - run.Cloud.SearchLag, ct).ConfigureAwait(false);
            // Only footer comments go further: an inline comment (or a reply in its thread) is never planned, paired or copied.
            var (dcComments, dcInline) = CommentKinds.Split(dcListed);
            var (cloudComments, cloudInline) = CommentKinds.Split(cloudListed);
            var work = new CommentWork(run, drift, dcComments, cloudComments);
            if (!run.PlanOnly)
                foreach (var intent in intents) work.Recover(intent);
            var leftOut = new HashSet<string>(
                run.Plan.Items.Where(i => i.DataCenterId != null && (i.Status == DriftStatus.Excluded || i.Status == DriftStatus.Restricted || i.Status == DriftStatus.Archived)).Select(i => i.DataCenterId!),
                StringComparer.Ordinal);
            await work.RunAsync(full, leftOut, ct).ConfigureAwait(false);
            ReportInline(run, dcInline, cloudInline, leftOut, full);
            return drift;
        }

        public Task<int> BaselineAsync(AspectBaseline baseline, CancellationToken ct) => CommentBaseline.PairAsync(baseline, ct);

        /// <summary>
        /// Inline comments stay on their own site (see <see cref="CommentKinds"/>): counted for the run's result and said once
        /// in the log — those on the pages this run syncs, every one after a complete listing, the new and edited ones after
        /// a change query.
        /// </summary>
        private static void ReportInline(AspectRun run, IReadOnlyList<SiteComment> dcInline, IReadOnlyList<SiteComment> cloudInline,
            ISet<string> leftOut, bool full)
        {
            var active = run.State.ListPairs(run.Space.Key).Where(p => p.Status == StatePairStatus.Active && !leftOut.Contains(p.DataCenterPageId)).ToList();
            var dcPages = new HashSet<string>(active.Select(p => p.DataCenterPageId), StringComparer.Ordinal);
            var cloudPages = new HashSet<string>(active.Select(p => p.CloudPageId), StringComparer.Ordinal);
            var dc = dcInline.Count(c => dcPages.Contains(c.PageId));
            var cloud = cloudInline.Count(c => cloudPages.Contains(c.PageId));
            run.Counts[CommentCounts.Inline] = dc + cloud;
            if (dc + cloud == 0) return;
            run.Log.Information("{Space:l}: {DataCenter} inline comment(s) on Data Center and {Cloud} on Cloud {Which:l}stay where they are: " +
                                "inline comments are anchored to each site's own text and do not cross; only footer comments do",
                run.Space.Key, dc, cloud, full ? "" : "(new or edited since the last run) ");
        }

        /// <summary>One run's comment step: the listings, the pairs as this step leaves them, and the writes.</summary>
        private sealed class CommentWork
        {
            private readonly AspectRun _run;
            private readonly AspectDrift _drift;
            private readonly Dictionary<(SyncSide, string), SiteComment> _listed = new Dictionary<(SyncSide, string), SiteComment>();
            private readonly IReadOnlyList<SiteComment> _dcComments;
            private readonly IReadOnlyList<SiteComment> _cloudComments;
            // Comment pairs by (side, comment id), kept current as this step writes.
            private readonly Dictionary<(SyncSide, string), CommentPairRecord> _pairs = new Dictionary<(SyncSide, string), CommentPairRecord>();
            private readonly Dictionary<(SyncSide, string), string?> _mentions = new Dictionary<(SyncSide, string), string?>();

            public CommentWork(AspectRun run, AspectDrift drift, IReadOnlyList<SiteComment> dc, IReadOnlyList<SiteComment> cloud)
            {
                _run = run;
                _drift = drift;
                _dcComments = dc;
                _cloudComments = cloud;
                foreach (var c in dc) _listed[(SyncSide.DataCenter, c.Id)] = c;
                foreach (var c in cloud) _listed[(SyncSide.Cloud, c.Id)] = c;
                foreach (var pair in run.State.ListCommentPairs(run.Space.Key)) Remember(pair);
            }

            private string SpaceKey => _run.Space.Key;

            private void Remember(CommentPairRecord pair)
            {
                _pairs[(SyncSide.DataCenter, pair.DataCenterCommentId)] = pair;
                _pairs[(SyncSide.Cloud, pair.CloudCommentId)] = pair;
            }

            private void Forget(CommentPairRecord pair)
            {
                _pairs.Remove((SyncSide.DataCenter, pair.DataCenterCommentId));
                _pairs.Remove((SyncSide.Cloud, pair.CloudCommentId));
            }

            /// <summary>
            /// A create whose answer an earlier run lost: its copy, if it was made, is the unpaired comment on the target
            /// page with the same words. Found, it is paired; not found, the intent goes and the comment is planned again.
            /// </summary>
            public void Recover(CommentIntent intent)
            {
                var source = intent.SourceSide == SiteKind.DataCenter ? SyncSide.DataCenter : SyncSide.Cloud;
                var target = source.Other();
                _listed.TryGetValue((source, intent.SourceCommentId), out var original);
                var copy = (target == SyncSide.DataCenter ? _dcComments : _cloudComments)
                    .FirstOrDefault(c => c.PageId == intent.TargetPageId && !_pairs.ContainsKey((target, c.Id)) && c.Body != null &&
                                         CommentAttribution.ContentHashOf(c.Body) == intent.BodyHash);
                if (copy is null || original is null)
                {
                    _run.State.RemoveCommentIntent(intent.Id);
                    return;
                }

                var pair = _run.State.SaveCommentPair(new CommentPairRecord
                {
                    SpaceKey = SpaceKey,
                    PairId = intent.PairId,
                    DataCenterCommentId = source == SyncSide.DataCenter ? original.Id : copy.Id,
                    CloudCommentId = source == SyncSide.Cloud ? original.Id : copy.Id,
                    OriginSide = RunSupport.KindOf(source),
                    DataCenterVersion = (source == SyncSide.DataCenter ? original : copy).Version,
                    CloudVersion = (source == SyncSide.Cloud ? original : copy).Version,
                    BaseHash = CommentAttribution.ContentHashOf(original.Body ?? ""),
                }, intent.Id);
                Remember(pair);
                _run.Counts[CommentCounts.Adopted]++;
                _run.Log.Information("Comment {Comment} had been copied to {Target} as comment {Copy} by an interrupted run: paired",
                    original.Id, target.Label(), copy.Id);
            }

            public async Task RunAsync(bool complete, ISet<string> leftOut, CancellationToken ct)
            {
                var pagePairs = _run.State.ListPairs(SpaceKey)
                    .Where(p => p.Status == StatePairStatus.Active && !leftOut.Contains(p.DataCenterPageId)).ToList();
                var byDcPage = _dcComments.ToLookup(c => c.PageId, StringComparer.Ordinal);
                var byCloudPage = _cloudComments.ToLookup(c => c.PageId, StringComparer.Ordinal);
                // Pages this run did not judge may have been restricted since: checked before any comment reaches them.
                var withComments = pagePairs.Where(p => byDcPage[p.DataCenterPageId].Any() || byCloudPage[p.CloudPageId].Any()).ToList();
                var restricted = await _run.RestrictedAmongUnjudged(withComments, ct).ConfigureAwait(false);
                pagePairs.RemoveAll(p => restricted.Contains(p.DataCenterPageId));
                var pairsByPage = _pairs.Values.Distinct().ToLookup(p => p.PairId);
                foreach (var page in pagePairs)
                {
                    var dc = byDcPage[page.DataCenterPageId].ToList();
                    var cloud = byCloudPage[page.CloudPageId].ToList();
                    var known = pairsByPage[page.Id].ToList();
                    if (dc.Count == 0 && cloud.Count == 0 && (!complete || known.Count == 0)) continue;
                    var input = new CommentPageInput
                    {
                        PagePairId = page.Id,
                        DataCenterPageId = page.DataCenterPageId,
                        CloudPageId = page.CloudPageId,
                        DataCenter = await SnapshotsAsync(SyncSide.DataCenter, dc, ct).ConfigureAwait(false),
                        Cloud = await SnapshotsAsync(SyncSide.Cloud, cloud, ct).ConfigureAwait(false),
                        Pairs = known.Select(Synced).ToList(),
                        Complete = complete,
                    };
                    var plan = CommentPlanner.Plan(input, _run.Space.Direction);
                    var reported = plan.Actions.Where(a => a.Kind != CommentActionKind.Forget && a.Kind != CommentActionKind.Record && a.Kind != CommentActionKind.Pair).ToList();
                    var pageDrift = reported.Count > 0 || plan.Drift.Count > 0 ? _drift.Of(page) : null;
                    foreach (var drift in plan.Drift)
                    {
                        if (drift.IsConflict) _run.Counts[CommentCounts.Conflicts]++;
                        pageDrift!.Conflict |= drift.IsConflict;
                        if (drift.DataCenterCommentId != null && (drift.IsConflict || drift.CloudCommentId is null)) pageDrift.DataCenter |= PageChanges.Comments;
                        if (drift.CloudCommentId != null && (drift.IsConflict || drift.DataCenterCommentId is null)) pageDrift.Cloud |= PageChanges.Comments;
                        pageDrift.Warnings.Add("comments: " + drift.Message);
                        WarnOfComments(page, drift.Message, "Comments of \"{Title}\": {Message}", page.Title, drift.Message);
                    }

                    foreach (var action in reported)
                    {
                        if (action.Source == SyncSide.DataCenter) pageDrift!.DataCenter |= PageChanges.Comments;
                        else pageDrift!.Cloud |= PageChanges.Comments;
                        pageDrift.Done.Add(action.ToString());
                    }

                    if (_run.PlanOnly) continue;
                    foreach (var action in plan.Actions)
                    {
                        ct.ThrowIfCancellationRequested();
                        await ExecuteAsync(page, action, ct).ConfigureAwait(false);
                    }
                }
            }

            /// <summary>
            /// The listed comments for planning. A paired comment whose version moved gets the hash of its words in the
            /// origin's dialect (a copy's words translated back, attribution stripped), so a save that changed nothing is
            /// not taken for an edit. Costs a translation, no request.
            /// </summary>
            private async Task<List<CommentSnapshot>> SnapshotsAsync(SyncSide side, List<SiteComment> comments, CancellationToken ct)
            {
                var snapshots = new List<CommentSnapshot>(comments.Count);
                foreach (var c in comments)
                {
                    string? hash = null;
                    if (c.Body != null && _pairs.TryGetValue((side, c.Id), out var pair) &&
                        c.Version > (side == SyncSide.DataCenter ? pair.DataCenterVersion : pair.CloudVersion))
                    {
                        var isOrigin = pair.OriginSide == RunSupport.KindOf(side);
                        hash = isOrigin
                            ? CommentAttribution.ContentHashOf(c.Body)
                            : CommentAttribution.ContentHashOf((await _run.Translator.TranslateAsync(CommentAttribution.Strip(c.Body), side, ct).ConfigureAwait(false)).Body);
                    }

                    string? match = null;
                    if (c.Body != null && !_pairs.ContainsKey((side, c.Id)))
                    {
                        // Unpaired: its words in the Data Center dialect, to recognise a twin on the other site.
                        match = await CommentAttribution.MatchHashAsync(c.Body, side, _run.Translator, ct).ConfigureAwait(false);
                    }

                    snapshots.Add(new CommentSnapshot { Id = c.Id, ParentId = c.ParentCommentId, Version = c.Version, ContentHash = hash, MatchHash = match });
                }

                return snapshots;
            }

            private static SyncedComment Synced(CommentPairRecord p) => new SyncedComment
            {
                Id = p.Id,
                DataCenterId = p.DataCenterCommentId,
                CloudId = p.CloudCommentId,
                Origin = p.OriginSide == SiteKind.DataCenter ? SyncSide.DataCenter : SyncSide.Cloud,
                DataCenterVersion = p.DataCenterVersion,
                CloudVersion = p.CloudVersion,
                BaseHash = p.BaseHash,
            };

            private IConfluenceSite Site(SyncSide side) => side == SyncSide.DataCenter ? _run.DataCenter : _run.Cloud;

            private async Task ExecuteAsync(PairRecord page, CommentAction action, CancellationToken ct)
            {
                try
                {
                    switch (action.Kind)
                    {
                        case CommentActionKind.Create:
                            await CreateAsync(page, action, ct).ConfigureAwait(false);
                            break;
                        case CommentActionKind.Update:
                            await UpdateAsync(page, action, ct).ConfigureAwait(false);
                            break;
                        case CommentActionKind.Delete:
                            if (!await GoneAsync(action.Source, action.Pair!.IdOn(action.Source), page, ct).ConfigureAwait(false)) break;
                            await Site(action.Target).DeleteCommentAsync(action.TargetCommentId!, ct).ConfigureAwait(false);
                            ForgetPair(action.Pair!);
                            _run.Counts[CommentCounts.Deleted]++;
                            _run.Log.Debug("Comments of \"{Title}\": {Action}", page.Title, action.ToString());
                            break;
                        case CommentActionKind.Pair:
                            PairTwins(page, action);
                            break;
                        case CommentActionKind.Record:
                            var record = _pairs[(SyncSide.DataCenter, action.Pair!.DataCenterId)];
                            Remember(_run.State.SaveCommentPair(record with
                            {
                                DataCenterVersion = action.DataCenterVersion ?? record.DataCenterVersion,
                                CloudVersion = action.CloudVersion ?? record.CloudVersion,
                            }));
                            break;
                        default:
                            if (!await GoneAsync(SyncSide.DataCenter, action.Pair!.DataCenterId, page, ct).ConfigureAwait(false) ||
                                !await GoneAsync(SyncSide.Cloud, action.Pair.CloudId, page, ct).ConfigureAwait(false)) break;
                            ForgetPair(action.Pair);
                            break;
                    }
                }
                catch (SiteException e) when (e.Kind == SiteErrorKind.Conflict)
                {
                    // Edited by somebody between the read and the write: judged again when next read.
                    WarnOfComments(page, $"{action} not done: the comment changed on {action.Target.Label()} meanwhile; the next run judges it again",
                        "Comments of \"{Title}\": {Action} not done: the comment changed on {Target} meanwhile; the next run judges it again",
                        page.Title, action.ToString(), action.Target.Label());
                }
                catch (SiteException e) when (e.Kind != SiteErrorKind.Unauthorized)
                {
                    if (e.Kind == SiteErrorKind.BadRequest && await ArchivedAsync(action.Target, page, ct).ConfigureAwait(false))
                    {
                        // A change query does not list archived pages: the refusal is how this run learns of it. Not a failure.
                        WarnOfComments(page, $"{action} not done: the page is archived on {action.Target.Label()}, which takes no comments",
                            "Comments of \"{Title}\": {Action} not done: the page is archived on {Target}, which takes no comments; " +
                            "the comment crosses at the first complete listing after the page is restored from the archive",
                            page.Title, action.ToString(), action.Target.Label());
                        return;
                    }

                    _run.Fail(CommentCounts.Failed, $"Comments of \"{page.Title}\": {action} failed: {e.Message}");
                }
            }

            /// <summary>Whether the page of a refused comment write is archived on that side (one GET, made only after a 400).</summary>
            private async Task<bool> ArchivedAsync(SyncSide side, PairRecord page, CancellationToken ct)
            {
                try
                {
                    var id = side == SyncSide.DataCenter ? page.DataCenterPageId : page.CloudPageId;
                    return (await Site(side).GetPageAsync(id, ct).ConfigureAwait(false))?.Status == SitePageStatus.Archived;
                }
                catch (SiteException)
                {
                    return false;
                }
            }

            /// <summary>
            /// Whether a comment the space listing lacked is really gone: the listing is a search, and a search index can
            /// lag a comment just written. One direct read per planned deletion, so an unindexed copy never deletes its original.
            /// </summary>
            private async Task<bool> GoneAsync(SyncSide side, string commentId, PairRecord page, CancellationToken ct)
            {
                if (await Site(side).GetCommentAsync(commentId, ct).ConfigureAwait(false) is null) return true;
                _run.Log.Information("Comments of \"{Title}\": comment {Id} on {Side} was missing from the search but is there (index lag): not deleted",
                    page.Title, commentId, side.Label());
                return false;
            }

            private void ForgetPair(SyncedComment synced)
            {
                _run.State.RemoveCommentPair(synced.Id);
                if (_pairs.TryGetValue((SyncSide.DataCenter, synced.DataCenterId), out var record)) Forget(record);
            }

            /// <summary>Records two comments that already say the same thing as a pair, the Data Center one as the original.</summary>
            private void PairTwins(PairRecord page, CommentAction action)
            {
                var dc = _listed[(SyncSide.DataCenter, action.SourceCommentId!)];
                var cloud = _listed[(SyncSide.Cloud, action.TwinCommentId!)];
                Remember(_run.State.SaveCommentPair(new CommentPairRecord
                {
                    SpaceKey = SpaceKey,
                    PairId = page.Id,
                    DataCenterCommentId = dc.Id,
                    CloudCommentId = cloud.Id,
                    OriginSide = SiteKind.DataCenter,
                    DataCenterVersion = Math.Max(1, dc.Version),
                    CloudVersion = Math.Max(1, cloud.Version),
                    BaseHash = CommentAttribution.ContentHashOf(dc.Body ?? ""),
                }));
                _run.Counts[CommentCounts.Paired]++;
                _run.Log.Debug("Comments of \"{Title}\": {Action}", page.Title, action.ToString());
            }

            /// <summary>A warning about a page's comments: the log's text as before, the host told its kind and page.</summary>
            private void WarnOfComments(PairRecord page, string message, string template, params object?[] values) =>
                _run.Log.WarnOfPage(new PageWarning(PageWarningKind.CommentNotSynced, _run.Space.Key, page.DataCenterPageId, page.CloudPageId, page.Title, message),
                    template, values);

            private async Task CreateAsync(PairRecord page, CommentAction action, CancellationToken ct)
            {
                var source = _listed[(action.Source, action.SourceCommentId!)];
                string? targetParent = null;
                if (action.SourceParentId != null)
                {
                    if (!_pairs.TryGetValue((action.Source, action.SourceParentId), out var parentPair))
                    {
                        WarnOfComments(page, $"{action} waits: the comment it answers was not copied",
                            "Comments of \"{Title}\": {Action} waits: the comment it answers was not copied", page.Title, action.ToString());
                        return;
                    }

                    targetParent = RunSupport.KindOf(action.Target) == SiteKind.DataCenter ? parentPair.DataCenterCommentId : parentPair.CloudCommentId;
                }

                var translated = await _run.Translator.TranslateAsync(source.Body ?? "", action.Source, ct).ConfigureAwait(false);
                var body = CommentAttribution.Prepend(await AttributionAsync(source, action.Source, ct).ConfigureAwait(false), translated.Body);
                var intent = _run.State.RecordCommentIntent(new CommentIntent
                {
                    SpaceKey = SpaceKey,
                    PairId = page.Id,
                    SourceSide = RunSupport.KindOf(action.Source),
                    SourceCommentId = source.Id,
                    TargetPageId = action.TargetPageId,
                    BodyHash = CommentAttribution.ContentHashOf(body),
                });
                SiteComment created;
                try
                {
                    created = await Site(action.Target).CreateCommentAsync(action.TargetPageId, targetParent, body, ct).ConfigureAwait(false);
                }
                catch (SiteException e) when (e.Kind == SiteErrorKind.OutcomeUnknown)
                {
                    _run.Fail(CommentCounts.Failed, $"Comments of \"{page.Title}\": {action}: the answer was lost; the next run pairs the copy if it was made");
                    return;
                }

                var pair = _run.State.SaveCommentPair(new CommentPairRecord
                {
                    SpaceKey = SpaceKey,
                    PairId = page.Id,
                    DataCenterCommentId = action.Source == SyncSide.DataCenter ? source.Id : created.Id,
                    CloudCommentId = action.Source == SyncSide.Cloud ? source.Id : created.Id,
                    OriginSide = RunSupport.KindOf(action.Source),
                    DataCenterVersion = Math.Max(1, action.Source == SyncSide.DataCenter ? source.Version : created.Version),
                    CloudVersion = Math.Max(1, action.Source == SyncSide.Cloud ? source.Version : created.Version),
                    BaseHash = CommentAttribution.ContentHashOf(source.Body ?? ""),
                }, intent.Id);
                Remember(pair);
                _run.Counts[CommentCounts.Created]++;
                _run.Log.Debug("Comments of \"{Title}\": {Action} as comment {Id}", page.Title, action.ToString(), created.Id);
            }

            private async Task UpdateAsync(PairRecord page, CommentAction action, CancellationToken ct)
            {
                var source = _listed[(action.Source, action.SourceCommentId!)];
                var synced = action.Pair!;
                var fromOrigin = synced.Origin == action.Source;
                // The copy's attribution stays on the copy: an edit of the copy reaches the original without it.
                var words = fromOrigin ? source.Body ?? "" : CommentAttribution.Strip(source.Body ?? "");
                var translated = await _run.Translator.TranslateAsync(words, action.Source, ct).ConfigureAwait(false);
                string body;
                if (fromOrigin)
                {
                    // The original's author and date, as its copy first said.
                    body = CommentAttribution.Prepend(await AttributionAsync(source, action.Source, ct).ConfigureAwait(false), translated.Body);
                }
                else
                {
                    body = translated.Body;
                }

                var updated = await Site(action.Target).UpdateCommentAsync(action.TargetCommentId!, action.TargetVersion, body, ct)
                    .ConfigureAwait(false);
                var record = _pairs[(SyncSide.DataCenter, synced.DataCenterId)];
                var saved = _run.State.SaveCommentPair(record with
                {
                    DataCenterVersion = action.Source == SyncSide.DataCenter ? source.Version : Math.Max(updated.Version, action.TargetVersion + 1),
                    CloudVersion = action.Source == SyncSide.Cloud ? source.Version : Math.Max(updated.Version, action.TargetVersion + 1),
                    BaseHash = CommentAttribution.ContentHashOf(fromOrigin ? words : body),
                });
                Remember(saved);
                _run.Counts[CommentCounts.Updated]++;
                _run.Log.Debug("Comments of \"{Title}\": {Action}", page.Title, action.ToString());
            }

            /// <summary>
            /// "Jane Doe wrote on ... (Data Center):" in the target's dialect: a mention when the translator knows the
            /// author's account on the target, the name in bold otherwise.
            /// </summary>
            private async Task<string> AttributionAsync(SiteComment original, SyncSide writtenOn, CancellationToken ct)
            {
                string? mention = null;
                if (!string.IsNullOrEmpty(original.AuthorId))
                {
                    var key = (writtenOn, original.AuthorId!);
                    if (!_mentions.TryGetValue(key, out mention))
                    {
                        var probe = await _run.Translator.TranslateAsync("<p>" + CommentAttribution.MentionOf(original.AuthorId!, writtenOn) + "</p>", writtenOn, ct)
                            .ConfigureAwait(false);
                        mention = probe.Warnings.Any(w => w.Code == TranslationWarningCodes.UserNotMapped) ? null : CommentAttribution.FirstMention(probe.Body);
                        _mentions[key] = mention;
                    }
                }

                var written = original.Created != DateTimeOffset.MinValue ? original.Created : original.Modified;
                return CommentAttribution.Paragraph(mention, original.AuthorName ?? original.AuthorId, written, writtenOn);
            }
        }
    }
}
