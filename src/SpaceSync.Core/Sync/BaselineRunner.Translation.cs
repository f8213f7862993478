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

        /// <summary>A batch of pairs as listed, with both pages' bodies as read.</summary>
        private sealed record BatchBodies(IReadOnlyList<BaselinePair> Pairs, IReadOnlyDictionary<string, SitePage> DataCenter,
            IReadOnlyDictionary<string, SitePage> Cloud)
        {
            public int Count => DataCenter.Count + Cloud.Count;
        }

        /// <summary>
        /// Reads the bodies of the paired pages a batch of pairs at a time, hashes each body once in the one dialect and takes
        /// the Data Center base from the same parse (<see cref="SnapshotReader.DigestAsync"/>), hands the batch to
        /// <paramref name="store"/> (null with -WhatIf) and lets its bodies go: at most two batches of bodies are held (the one
        /// hashed and the next, read meanwhile), not a space's. A differing pair's two bodies are kept (deflated, in the side
        /// snapshots) when an authority will write one over the other (the write needs the source, and the target's inline
        /// comment anchors). Unpaired and trashed pages are not read: nothing is compared with them or written from them.
        /// Returns the paired pages as hashed, by id.
        /// </summary>
        private static async Task<(Dictionary<string, PageSnapshot> DataCenter, Dictionary<string, PageSnapshot> Cloud)> DigestInBatchesAsync(
            BaselinePlan pairing, SyncSide? authority, SideSnapshot dcSide, SideSnapshot cloudSide, IConfluenceSite dataCenter, IConfluenceSite cloud,
            RunTranslation translator, int batchSize, Action<DigestedBatch>? store, EngineLog log, CancellationToken cancellationToken)
        {
            var dcHashed = new Dictionary<string, PageSnapshot>(StringComparer.Ordinal);
            var cloudHashed = new Dictionary<string, PageSnapshot>(StringComparer.Ordinal);
            var batches = new List<List<BaselinePair>>();
            for (var first = 0; first < pairing.Pairs.Count; first += batchSize)
            {
                var batch = new List<BaselinePair>(Math.Min(batchSize, pairing.Pairs.Count - first));
                for (var i = first; i < pairing.Pairs.Count && i < first + batchSize; i++) batch.Add(pairing.Pairs[i]);
                batches.Add(batch);
            }

            if (batches.Count == 0) return (dcHashed, cloudHashed);
            var current = await ReadBatchAsync(batches[0], dataCenter, cloud, cancellationToken).ConfigureAwait(false);
            for (var b = 0; b < batches.Count; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                BatchBodies? next = null;
                DigestedBatch digested;
                if (b + 1 < batches.Count)
                {
                    // The next batch is read while this one is hashed and stored: two lanes of one gate, so the reading lane's
                    // requests wait on the sites while this lane parses (the hashing gives the turn up between pairs).
                    var following = batches[b + 1];
                    var hashing = current;
                    (next, digested) = await TurnGate.BothAsync(
                        token => ReadBatchAsync(following, dataCenter, cloud, token),
                        token => DigestBatchAsync(hashing, authority, dcSide, cloudSide, translator, store, log, token),
                        cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    digested = await DigestBatchAsync(current, authority, dcSide, cloudSide, translator, store, log, cancellationToken).ConfigureAwait(false);
                }

                foreach (var pair in digested.Pairs)
                {
                    dcHashed[pair.DataCenter.Id] = pair.DataCenter;
                    cloudHashed[pair.Cloud.Id] = pair.Cloud;
                }

                ObserveHeld(current.Count + digested.Bases.Count + (next?.Count ?? 0) + dcSide.Bodies.Count + cloudSide.Bodies.Count);
                current = next!;
            }

            return (dcHashed, cloudHashed);
        }

        /// <summary>Both pages' bodies of a batch of pairs (both sites at once, or one after the other inside a lane).</summary>
        private static async Task<BatchBodies> ReadBatchAsync(IReadOnlyList<BaselinePair> batch, IConfluenceSite dataCenter, IConfluenceSite cloud,
            CancellationToken cancellationToken)
        {
            var (dcRead, cloudRead) = await TurnGate.BothAsync(
                token => SnapshotReader.ReadBodiesAsync(dataCenter, SyncSide.DataCenter,
                    batch.ToDictionary(p => p.DataCenter.Id, p => p.DataCenter.Version, StringComparer.Ordinal), token),
                token => SnapshotReader.ReadBodiesAsync(cloud, SyncSide.Cloud,
                    batch.ToDictionary(p => p.Cloud.Id, p => p.Cloud.Version, StringComparer.Ordinal), token),
                cancellationToken).ConfigureAwait(false);
            return new BatchBodies(batch, dcRead, cloudRead);
        }

        /// <summary>
        /// A batch hashed (and stored by <paramref name="store"/>, when given); see <see cref="DigestInBatchesAsync"/>. The
        /// pure part of a digest runs on a worker, beside this flow: pair i + 1's bodies are parsed and pair i - 1's crossed
        /// trees written out and hashed while pair i crosses here, since a crossing uses the translator (its user map and page
        /// lookups), which has one caller at a time (Http/TurnGate). So at most three pairs' trees are held, and each result is
        /// the one <see cref="SnapshotReader.DigestAsync"/> gives, recorded in the batch's order.
        /// </summary>
        private static async Task<DigestedBatch> DigestBatchAsync(BatchBodies read, SyncSide? authority, SideSnapshot dcSide, SideSnapshot cloudSide,
            RunTranslation translator, Action<DigestedBatch>? store, EngineLog log, CancellationToken cancellationToken)
        {
            var pairs = read.Pairs;
            var digested = new List<BaselinePair>(pairs.Count);
            var bases = new Dictionary<string, string>(StringComparer.Ordinal);
            var parsing = pairs.Count > 0 ? ParseOnWorker(read, pairs[0]) : null;
            Task<PairDigest>? finishing = null;
            for (var i = 0; i < pairs.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Between two pairs nothing is half done: a lane reading the next batch may take the turn to handle its answer
                // and send its next request while this pair's bodies finish parsing (outside a lane this just waits).
                var thisParse = parsing!;
                var (dcInput, cloudInput) = await TurnGate.WhileWaitingAsync(() => thisParse).ConfigureAwait(false);
                parsing = i + 1 < pairs.Count ? ParseOnWorker(read, pairs[i + 1]) : null;

                var pair = pairs[i];
                var dcDone = dcInput.Parsed is null ? SnapshotReader.RefusedDigest(dcInput, SyncSide.DataCenter, pair.DataCenter.Id, true, log) : default;
                var cloudDone = cloudInput.Parsed is null ? SnapshotReader.RefusedDigest(cloudInput, SyncSide.Cloud, pair.Cloud.Id, false, log) : default;
                var dcTree = dcInput.Parsed is null ? null
                    : await SnapshotReader.CrossForDigestAsync(dcInput, SyncSide.DataCenter, translator, cancellationToken).ConfigureAwait(false);
                var cloudTree = cloudInput.Parsed is null ? null
                    : await SnapshotReader.CrossForDigestAsync(cloudInput, SyncSide.Cloud, translator, cancellationToken).ConfigureAwait(false);

                var previous = finishing;
                finishing = Task.Run(() => new PairDigest(pair,
                    dcTree is null ? dcDone : SnapshotReader.FinishDigest(dcInput, dcTree, withBase: true),
                    cloudTree is null ? cloudDone : SnapshotReader.FinishDigest(cloudInput, cloudTree, withBase: false)));
                if (previous != null) Record(await TurnGate.WhileWaitingAsync(() => previous).ConfigureAwait(false));
            }

            if (finishing != null) Record(await TurnGate.WhileWaitingAsync(() => finishing).ConfigureAwait(false));
            var batch = new DigestedBatch(digested, bases);
            store?.Invoke(batch);
            return batch;

            void Record(PairDigest done)
            {
                var pair = done.Pair;
                var dcPage = read.DataCenter[pair.DataCenter.Id];
                var cloudPage = read.Cloud[pair.Cloud.Id];
                var dcHash = done.DataCenter.Hash;
                var cloudHash = done.Cloud.Hash;
                if (cloudHash == dcHash) cloudHash = dcHash; // an equal pair's two hashes are one string: both are kept to the end
                var hashed = pair with
                {
                    DataCenter = AsRead(pair.DataCenter, dcPage, dcHash, dcPage.Body!),
                    Cloud = AsRead(pair.Cloud, cloudPage, cloudHash, cloudPage.Body!),
                };
                if (!hashed.Equal && authority != null)
                {
                    dcSide.KeepBody(pair.DataCenter.Id, dcPage.Body!);
                    cloudSide.KeepBody(pair.Cloud.Id, cloudPage.Body!);
                }

                bases[pair.DataCenter.Id] = done.DataCenter.Base!;
                digested.Add(hashed);
            }
        }

        /// <summary>A pair's two bodies parsed on a worker (parsing is pure; see <see cref="SnapshotReader.DigestInput"/>).</summary>
        private static Task<(SnapshotReader.DigestInput DataCenter, SnapshotReader.DigestInput Cloud)> ParseOnWorker(BatchBodies read, BaselinePair pair)
        {
            var dcBody = read.DataCenter[pair.DataCenter.Id].Body!;
            var cloudBody = read.Cloud[pair.Cloud.Id].Body!;
            return Task.Run(() => (SnapshotReader.DigestInput.Parse(dcBody), SnapshotReader.DigestInput.Parse(cloudBody)));
        }

        /// <summary>A pair with both bodies' digests (the Data Center one with its base).</summary>
        private sealed record PairDigest(BaselinePair Pair, (string Hash, string? Base) DataCenter, (string Hash, string? Base) Cloud);

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

        /// <summary>The body to write with the target's inline comment anchors put back (<see cref="InlineMarkers.Keep"/>); anchors lost are logged.</summary>
        private static string KeepAnchors(SyncAction action, string body, string current, string spaceKey, EngineLog log)
        {
            var kept = InlineMarkers.Keep(body, current);
            if (kept.Lost.Count > 0)
            {
                var lost = $"{Content.Translation.TranslationWarningCodes.InlineAnchorsLost}: {kept.Lost.Count} inline comment(s) on {action.Target.Label()} " +
                           $"highlighted text that the write changed or removed; {action.Target.Label()} shows them unanchored (resolved or dangling).";
                log.WarnOfPage(PageWarning.Of(action, spaceKey, PageWarningKind.TranslationLoss, lost),
                    "\"{Title:l}\" to {Target:l}: {Warning:l}", action.Title, action.Target.Label(), lost);
            }

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
                        log.WarnOfPage(PageWarning.Of(action, spaceKey, PageWarningKind.TranslationLoss, warning.ToString()),
                            "\"{Title:l}\" to {Target:l}: {Warning:l}", action.Title, action.Target.Label(), warning.ToString());
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
