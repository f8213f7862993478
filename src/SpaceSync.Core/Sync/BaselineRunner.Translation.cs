using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Content;
using SpaceSync.Core.Http;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    public static partial class BaselineRunner
    {
        /// <summary>
        /// The run's translator with links mapped through the pairs this baseline is about to record: pages are paired first
        /// (pairing reads no body), and each pair's Cloud body is compared in the Data Center dialect after (see
        /// <see cref="SnapshotReader.CanonicalHashAsync"/>): CCMA leaves Cloud bodies with account ids and Cloud page ids, which
        /// are the same content as Data Center's user keys and page ids.
        /// </summary>
        private static RunTranslation TranslatorFor(BaselinePlan pairing, IConfluenceSite dataCenter, IConfluenceSite cloud, StateStore state,
            ResolvedSpace space, TranslationSettings? settings, EngineLog log)
        {
            var byDc = new Dictionary<string, PairRecord>(StringComparer.Ordinal);
            var byCloud = new Dictionary<string, PairRecord>(StringComparer.Ordinal);
            foreach (var pair in pairing.Pairs)
            {
                var record = new PairRecord { SpaceKey = space.Key, DataCenterPageId = pair.DataCenter.Id, CloudPageId = pair.Cloud.Id };
                byDc[record.DataCenterPageId] = record;
                byCloud[record.CloudPageId] = record;
            }

            return RunTranslation.For(dataCenter, cloud, state, space, settings, log, byDc, byCloud);
        }

        /// <summary>A batch of pairs with their pages hashed, and each pair's base body (the Data Center body normalised) by Data Center id.</summary>
        private sealed record DigestedBatch(IReadOnlyList<BaselinePair> Pairs, IReadOnlyDictionary<string, string> Bases);

        /// <summary>
        /// Reads the bodies of the paired pages a batch of pairs at a time (both sites at once), hashes each body once in the
        /// one dialect and takes the Data Center base from the same parse (<see cref="SnapshotReader.DigestAsync"/>), hands the
        /// batch to <paramref name="store"/> (null with -WhatIf) and lets its bodies go: at most a batch of bodies is held, not
        /// a space's. A differing pair's two bodies are kept (deflated, in the side snapshots) when an authority will write one
        /// over the other (the write needs the source, and the target's inline comment anchors). Unpaired and trashed pages
        /// are not read: nothing is compared with them or written from them. Returns the paired pages as hashed, by id.
        /// </summary>
        private static async Task<(Dictionary<string, PageSnapshot> DataCenter, Dictionary<string, PageSnapshot> Cloud)> DigestInBatchesAsync(
            BaselinePlan pairing, SyncSide? authority, SideSnapshot dcSide, SideSnapshot cloudSide, IConfluenceSite dataCenter, IConfluenceSite cloud,
            RunTranslation translator, int batchSize, Action<DigestedBatch>? store, EngineLog log, CancellationToken cancellationToken)
        {
            var dcHashed = new Dictionary<string, PageSnapshot>(StringComparer.Ordinal);
            var cloudHashed = new Dictionary<string, PageSnapshot>(StringComparer.Ordinal);
            var pairs = pairing.Pairs;
            for (var first = 0; first < pairs.Count; first += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = new List<BaselinePair>(Math.Min(batchSize, pairs.Count - first));
                for (var i = first; i < pairs.Count && i < first + batchSize; i++) batch.Add(pairs[i]);
                var (dcRead, cloudRead) = await TurnGate.BothAsync(
                    token => SnapshotReader.ReadBodiesAsync(dataCenter, SyncSide.DataCenter,
                        batch.ToDictionary(p => p.DataCenter.Id, p => p.DataCenter.Version, StringComparer.Ordinal), token),
                    token => SnapshotReader.ReadBodiesAsync(cloud, SyncSide.Cloud,
                        batch.ToDictionary(p => p.Cloud.Id, p => p.Cloud.Version, StringComparer.Ordinal), token),
                    cancellationToken).ConfigureAwait(false);

                var digested = new List<BaselinePair>(batch.Count);
                var bases = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var pair in batch)
                {
                    var dcBody = dcRead[pair.DataCenter.Id].Body!;
                    var cloudBody = cloudRead[pair.Cloud.Id].Body!;
                    var (dcHash, dcBase) = await SnapshotReader.DigestAsync(dcBody, SyncSide.DataCenter, pair.DataCenter.Id, translator, withBase: true, log,
                        cancellationToken).ConfigureAwait(false);
                    var (cloudHash, _) = await SnapshotReader.DigestAsync(cloudBody, SyncSide.Cloud, pair.Cloud.Id, translator, withBase: false, log,
                        cancellationToken).ConfigureAwait(false);
                    var hashed = pair with
                    {
                        DataCenter = AsRead(pair.DataCenter, dcRead[pair.DataCenter.Id], dcHash, dcBody),
                        Cloud = AsRead(pair.Cloud, cloudRead[pair.Cloud.Id], cloudHash, cloudBody),
                    };
                    if (!hashed.Equal && authority != null)
                    {
                        dcSide.KeepBody(pair.DataCenter.Id, dcBody);
                        cloudSide.KeepBody(pair.Cloud.Id, cloudBody);
                    }

                    dcHashed[pair.DataCenter.Id] = hashed.DataCenter;
                    cloudHashed[pair.Cloud.Id] = hashed.Cloud;
                    bases[pair.DataCenter.Id] = dcBase!;
                    digested.Add(hashed);
                }

                ObserveHeld(dcRead.Count + cloudRead.Count + bases.Count + dcSide.Bodies.Count + cloudSide.Bodies.Count);
                store?.Invoke(new DigestedBatch(digested, bases));
            }

            return (dcHashed, cloudHashed);
        }

        /// <summary>
        /// A listed page with its hash. Its version is the lower of the listing's and the body's: a page edited between the two
        /// reads is recorded at the version listed with the newer body as its base, so the next sync reads it again (and finds
        /// its title and parent as they are then) instead of taking the listed title and parent for those of the newer version.
        /// </summary>
        private static PageSnapshot AsRead(PageSnapshot listed, SitePage read, string hash, string body)
        {
            var page = SnapshotReader.Hashed(listed, hash, body);
            return read.Version.Number < page.Version ? page with { Version = read.Version.Number } : page;
        }

        /// <summary>The side's pages in their listing order, the paired ones as hashed (the others keep the empty hash they were listed with).</summary>
        private static IEnumerable<PageSnapshot> WithHashed(SpaceSnapshot snapshot, IReadOnlyDictionary<string, PageSnapshot> hashed) =>
            snapshot.Pages.Values.Select(page => hashed.TryGetValue(page.Id, out var done) ? done : page);

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
