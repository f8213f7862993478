using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Content;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    public static partial class BaselineRunner
    {
        /// <summary>
        /// The plan with each pair's Cloud body compared in the Data Center dialect (see <see cref="SnapshotReader.CanonicalHashAsync"/>):
        /// CCMA leaves Cloud bodies with account ids and Cloud page ids, which are the same content as Data Center's user keys
        /// and page ids. Links map through the pairs this baseline is about to record, so the pages are paired first (pairing
        /// does not look at bodies) and compared after. The pages were read unhashed: this is where each body is hashed, once.
        /// </summary>
        private static async Task<(BaselinePlan Plan, RunTranslation Translator, BodyStore BaseBodies)> InOneDialectAsync(BaselineRequest request, BaselinePlan plan,
            SideSnapshot dcSide, SideSnapshot cloudSide, IConfluenceSite dataCenter, IConfluenceSite cloud, StateStore state, ResolvedSpace space,
            TranslationSettings? settings, EngineLog log, CancellationToken cancellationToken)
        {
            var byDc = new Dictionary<string, PairRecord>(StringComparer.Ordinal);
            var byCloud = new Dictionary<string, PairRecord>(StringComparer.Ordinal);
            foreach (var pair in plan.Pairs)
            {
                var record = new PairRecord { SpaceKey = space.Key, DataCenterPageId = pair.DataCenter.Id, CloudPageId = pair.Cloud.Id };
                byDc[record.DataCenterPageId] = record;
                byCloud[record.CloudPageId] = record;
            }

            var translator = RunTranslation.For(dataCenter, cloud, state, space, settings, log, byDc, byCloud);
            var baseBodies = new BodyStore(compact: true); // a whole space's, until the pairs are written
            var dcHashed = new Dictionary<string, PageSnapshot>(StringComparer.Ordinal);
            var cloudHashed = new Dictionary<string, PageSnapshot>(StringComparer.Ordinal);
            // Pair by pair, both twins together: an equal pair's bodies are never read again (only a difference is written),
            // so they go at once, and what is held shrinks as the bases grow rather than both sides staying to the end.
            foreach (var pair in plan.Pairs)
            {
                var dcPage = await HashAsync(request.DataCenter.Pages[pair.DataCenter.Id], dcSide, translator, baseBodies, log, cancellationToken)
                    .ConfigureAwait(false);
                var cloudPage = await HashAsync(request.Cloud.Pages[pair.Cloud.Id], cloudSide, translator, null, log, cancellationToken)
                    .ConfigureAwait(false);
                dcHashed[dcPage.Id] = dcPage;
                cloudHashed[cloudPage.Id] = cloudPage;
                if (dcPage.BodyHash == cloudPage.BodyHash)
                {
                    dcSide.ForgetBody(dcPage.Id);
                    cloudSide.ForgetBody(cloudPage.Id);
                }
                ObserveHeld(dcSide, cloudSide, baseBodies);
            }

            return (BaselinePlanner.Plan(request with
            {
                DataCenter = request.DataCenter.WithPages(
                    await AllHashedAsync(request.DataCenter, dcSide, dcHashed, log, cancellationToken).ConfigureAwait(false)),
                Cloud = request.Cloud.WithPages(
                    await AllHashedAsync(request.Cloud, cloudSide, cloudHashed, log, cancellationToken).ConfigureAwait(false)),
            }), translator, baseBodies);
        }

        /// <summary>
        /// A page with its hash: a paired page's in the one dialect (<paramref name="translator"/>), an unpaired page's as read
        /// (null: it is compared with nothing; its hash only tells a body that does not parse). <paramref name="baseBodies"/>,
        /// when given, gets the page's base body (<see cref="SnapshotReader.NormalizedOrRaw"/>) from the same parse as its hash.
        /// </summary>
        private static async Task<PageSnapshot> HashAsync(PageSnapshot page, SideSnapshot side, RunTranslation? translator, BodyStore? baseBodies,
            EngineLog log, CancellationToken cancellationToken)
        {
            var body = side.BodyOf(page.Id);
            var (hash, baseBody) = await SnapshotReader.DigestAsync(body, side.Side, page.Id, translator, withBase: baseBodies != null, log,
                cancellationToken).ConfigureAwait(false);
            if (baseBody != null) baseBodies!.Set(page.Id, baseBody);
            return SnapshotReader.Hashed(page, hash, body);
        }

        /// <summary>The side's pages in their listing order, the paired ones as hashed; the unpaired ones hashed now, their bodies let go.</summary>
        private static async Task<List<PageSnapshot>> AllHashedAsync(SpaceSnapshot snapshot, SideSnapshot side, IReadOnlyDictionary<string, PageSnapshot> hashed,
            EngineLog log, CancellationToken cancellationToken)
        {
            var pages = new List<PageSnapshot>(snapshot.Pages.Count);
            foreach (var page in snapshot.Pages.Values)
            {
                if (hashed.TryGetValue(page.Id, out var done))
                {
                    pages.Add(done);
                    continue;
                }

                pages.Add(await HashAsync(page, side, null, null, log, cancellationToken).ConfigureAwait(false));
                side.ForgetBody(page.Id); // nothing is written from an unpaired page at the baseline
            }

            return pages;
        }

        /// <summary>The body to write with the target's inline comment anchors put back (<see cref="InlineMarkers.Keep"/>); anchors lost are logged.</summary>
        private static string KeepAnchors(SyncAction action, string body, string current, EngineLog log)
        {
            var kept = InlineMarkers.Keep(body, current);
            if (kept.Lost.Count > 0)
                log.Warning("\"{Title:l}\" to {Target:l}: {Warning:l}", action.Title, action.Target.Label(),
                    $"{Content.Translation.TranslationWarningCodes.InlineAnchorsLost}: {kept.Lost.Count} inline comment(s) on {action.Target.Label()} " +
                    $"highlighted text that the write changed or removed; {action.Target.Label()} shows them unanchored (resolved or dangling).");
            return kept.Body;
        }

        /// <summary>
        /// The authority's body in the other site's dialect; what the crossing lost is logged (the write still happens). A body
        /// that does not parse is never written: <see cref="UnreadableBodyException"/> (the pair's difference stays a conflict).
        /// </summary>
        private static async Task<string> CrossAsync(RunTranslation translator, SyncAction action, string body, string spaceKey, EngineLog log,
            CancellationToken cancellationToken)
        {
            try
            {
                var translated = await translator.TranslateAsync(body, action.Source, cancellationToken).ConfigureAwait(false);
                foreach (var warning in translated.Warnings)
                {
                    if (warning.Code == Content.Translation.TranslationWarningCodes.LocalIdsDropped)
                        log.Information("\"{Title:l}\" to {Target:l}: {Warning:l}", action.Title, action.Target.Label(), warning.ToString());
                    else
                        log.Warning("\"{Title:l}\" to {Target:l}: {Warning:l}", action.Title, action.Target.Label(), warning.ToString());
                }
                return translated.Body;
            }
            catch (StorageFormatException e)
            {
                throw new UnreadableBodyException(action.Title, action.SourceId, spaceKey, action.Source, action.Target, e);
            }
        }
    }
}
