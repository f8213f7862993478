using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Http;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using StatePairStatus = SpaceSync.Core.State.PairStatus;

namespace SpaceSync.Core.Sync
{
    /// <summary>What Start-SpaceBaseline did (or, with -WhatIf, would do).</summary>
    public sealed record BaselineResult
    {
        public string SpaceKey { get; init; } = "";
        public BaselinePlan Plan { get; init; } = new BaselinePlan();
        public bool WhatIf { get; init; }
        public long? RunId { get; init; }
        public int PairsRecorded { get; init; }
        /// <summary>Of the pairs, those the id map paired (the rest paired by path).</summary>
        public int PairedByIdMap { get; init; }
        public int Unpaired { get; init; }
        /// <summary>Differing pairs the authority's content was written over.</summary>
        public int Updated { get; init; }
        /// <summary>Differing pairs recorded as open conflicts (no authority, or the write failed).</summary>
        public int Conflicts { get; init; }
        public IReadOnlyList<string> Errors { get; init; } = Array.Empty<string>();
        /// <summary>HTTP requests both sites sent during the baseline.</summary>
        public long Requests { get; init; }
        /// <summary>How long the baseline waited because a site throttled it, per site.</summary>
        public RateLimitWaits RateLimitWait { get; init; } = RateLimitWaits.None;
        public TimeSpan Duration { get; init; }
    }

    /// <summary>Start-SpaceBaseline: pairs a space's pages by path and records the pairs as the first synced state.</summary>
    public static partial class BaselineRunner
    {
        /// <summary>
        /// Pairs a baseline reads the bodies of, hashes and writes (one state transaction) at a time. Their bodies are what it
        /// holds, two batches at once while the next is read: at the benchmark's real sizes 500 pairs held 130 MB (live
        /// heap), and the client's peak resident set at 3,000 pages was 257 MB in batches of 100, 220 MB in batches of 50.
        /// A batch is one Data Center body search (its cap: 50 with a body) and one Cloud read by id; a commit is one fsync;
        /// a crash loses at most one batch's work.
        /// </summary>
        public const int PairsPerTransaction = 50;

        public static Task<BaselineResult> RunAsync(IConfluenceSite dataCenter, IConfluenceSite cloud, StateStore state,
            ResolvedSpace space, SyncSide? authority, bool force, bool whatIf, EngineLog log, CancellationToken cancellationToken) =>
            RunAsync(dataCenter, cloud, state, space, authority, idMap: null, force, whatIf, log, PairsPerTransaction, cancellationToken);

        /// <param name="idMap">CCMA's page id map (-IdMapPath): pages it names pair by it, the others by path; null = all by path.</param>
        /// <param name="progress">Told where the baseline is (sites listed, pairs hashed of all, pages written), for a host's progress display.</param>
        public static Task<BaselineResult> RunAsync(IConfluenceSite dataCenter, IConfluenceSite cloud, StateStore state,
            ResolvedSpace space, SyncSide? authority, IdMap? idMap, bool force, bool whatIf, EngineLog log, CancellationToken cancellationToken,
            TranslationSettings? translation = null, IProgress<RunProgress>? progress = null) =>
            RunAsync(dataCenter, cloud, state, space, authority, idMap, force, whatIf, log, PairsPerTransaction, cancellationToken, translation, progress);

        /// <param name="pairsPerTransaction">Small in tests, so that a small space spans several batches.</param>
        internal static async Task<BaselineResult> RunAsync(IConfluenceSite dataCenter, IConfluenceSite cloud, StateStore state,
            ResolvedSpace space, SyncSide? authority, IdMap? idMap, bool force, bool whatIf, EngineLog log, int pairsPerTransaction,
            CancellationToken cancellationToken, TranslationSettings? translation = null, IProgress<RunProgress>? progress = null)
        {
            if (pairsPerTransaction < 1) throw new ArgumentOutOfRangeException(nameof(pairsPerTransaction));
            if (dataCenter is null) throw new ArgumentNullException(nameof(dataCenter));
            if (cloud is null) throw new ArgumentNullException(nameof(cloud));
            if (state is null) throw new ArgumentNullException(nameof(state));
            if (space is null) throw new ArgumentNullException(nameof(space));
            log ??= EngineLog.None;
            var started = DateTimeOffset.UtcNow;
            // This run's requests and waits, apart from other runs on the same site clients (-ThrottleLimit).
            var counters = RunCounters.Begin(space.Key);

            // A baseline is finished once the space row has its BaselineAt, set after the last pair; pairs of a baseline
            // that stopped part-way are no baseline, and are replaced without -Force.
            var known = state.GetSpace(space.Key);
            var existing = state.ListPairs(space.Key);
            var finished = known?.BaselineAt != null;
            if (finished && existing.Count > 0 && !force && !whatIf)
            {
                throw new SyncRunException(SyncRunException.BaselineExists,
                    $"Space '{space.Key}' already has a baseline ({existing.Count} pairs); use -Force to replace it.");
            }

            void Report(string phase, int done, int? total, string? current = null) => // ---- progress
                progress?.Report(new RunProgress { Activity = RunActivity.Baseline, SpaceKey = space.Key, Phase = phase, Done = done, Total = total, Current = current });

            Report("Listing both sites", 0, 2);
            var (dcSpace, cloudSpace) = await RunSupport.FindSpacesAsync(dataCenter, cloud, space, cancellationToken).ConfigureAwait(false);
            // Listed without bodies (titles, parents, versions: what pairing reads), both sites at once; the pairs' bodies are
            // read after pairing, a batch at a time, and stored as they are hashed (DigestInBatchesAsync).
            var (dc, cl) = await TurnGate.BothAsync(
                token => ListedAsync(dataCenter, dcSpace, SyncSide.DataCenter, space, log, token),
                token => ListedAsync(cloud, cloudSpace, SyncSide.Cloud, space, log, token), cancellationToken).ConfigureAwait(false);
            var request = new BaselineRequest
            {
                SpaceKey = space.Key,
                DataCenter = dc.Snapshot,
                Cloud = cl.Snapshot,
                Authority = authority,
                IdMap = idMap,
                Filter = ScopeFilter.For(space),
            };
            // Pairing goes by ids, titles and parents only, so the pairs are known before any body is read; the hashes of the
            // paired pages (the plan's Equal) come with the batches, and the plan takes them after (BaselinePlanner.WithHashes).
            var pairing = BaselinePlanner.Plan(request);
            Report("Listing both sites", 2, 2, $"{dc.Snapshot.Pages.Count} page(s) on Data Center, {cl.Snapshot.Pages.Count} on Cloud");
            var translator = TranslatorFor(pairing, dataCenter, cloud, state, space, translation, log);
            var unpaired = pairing.Items.Count(i => i.Status == DriftStatus.Unpaired);
            var byIdMap = pairing.Pairs.Count(p => p.IdMapEntry != null);
            if (idMap != null)
            {
                log.Information("{Space}: {ByMap} of {Pairs} pairs by the id map {Map}, the others by path; {Unpaired} pages unpaired",
                    space.Key, byIdMap, pairing.Pairs.Count, idMap.Source, unpaired);
            }

            async Task<BaselinePlan> PlanAsync(Action<DigestedBatch>? store)
            {
                // Counted a batch at a time, as each batch's pairs are hashed (and stored).
                const string hashing = "Reading and hashing the pairs' bodies";
                var hashed = 0;
                Report(hashing, 0, pairing.Pairs.Count);
                void Counted(DigestedBatch batch)
                {
                    store?.Invoke(batch);
                    hashed += batch.Pairs.Count;
                    Report(hashing, hashed, pairing.Pairs.Count, batch.Pairs.Count > 0 ? batch.Pairs[batch.Pairs.Count - 1].DataCenter.Title : null);
                }

                var (dcHashed, cloudHashed) = await DigestInBatchesAsync(pairing, authority, dc, cl, dataCenter, cloud, translator, pairsPerTransaction,
                    Counted, log, cancellationToken).ConfigureAwait(false);
                var withHashes = BaselinePlanner.WithHashes(request, pairing, dcHashed, cloudHashed);
                return await BaselineRestrictions.HoldBackAsync(dataCenter, cloud, space, withHashes, dc.Snapshot, cl.Snapshot, log, cancellationToken)
                    .ConfigureAwait(false);
            }

            if (whatIf)
            {
                var plan = await PlanAsync(store: null).ConfigureAwait(false);
                return new BaselineResult
                {
                    SpaceKey = space.Key, Plan = plan, WhatIf = true, Unpaired = unpaired, PairedByIdMap = byIdMap,
                    Requests = counters.RequestsOf(dataCenter, cloud), Duration = DateTimeOffset.UtcNow - started,
                    RateLimitWait = RateLimitWaits.Of(counters, dataCenter, cloud),
                };
            }

            using var held = RunLock.Take(state, space.Key, space.LockLease, log, cancellationToken);
            // From here every request of the run (the plan's reads included) stops when the lock is lost.
            cancellationToken = held.Token;
            RunRecord? run = null;
            var outcome = RunOutcome.Failed;
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var errors = new List<string>();
            int updated = 0, conflicts = 0;
            var spaceStarted = false;
            try
            {
                run = state.StartRun(space.Key, RunKind.Baseline);
                if (known != null || existing.Count > 0)
                {
                    if (finished)
                        log.Information("Replacing the baseline of {Space} ({Pairs} pairs), as -Force asks", space.Key, existing.Count);
                    else
                        log.Warning("Replacing the unfinished baseline of {Space} ({Pairs} pairs recorded before it stopped)", space.Key, existing.Count);
                    state.RemoveSpace(space.Key); // pairs, intents and conflicts go with it; runs and history stay
                }

                // The pairs need the space row; it gets its BaselineAt only once every pair is in.
                state.SaveSpace(new SpaceRecord(space.Key, cloudSpace.Key));
                spaceStarted = true;
                state.SaveCloudFolders(space.Key, FolderState.RecordsOf(cl.Snapshot), replaceAll: true); // ---- folders

                // A batch's pairs and bases go in as the batch is hashed, one transaction a batch (each commit waits for the disk),
                // and its bodies go with them: the state, not memory, holds the space's bases.
                var saved = new Dictionary<string, PairRecord>(StringComparer.Ordinal); // by DC page id
                var pairedDc = new HashSet<string>(pairing.Pairs.Select(p => p.DataCenter.Id), StringComparer.Ordinal);
                void Store(DigestedBatch batch)
                {
                    var writes = batch.Pairs.Select(pair => new PairWrite
                    {
                        Pair = new PairRecord
                        {
                            SpaceKey = space.Key,
                            DataCenterPageId = pair.DataCenter.Id,
                            CloudPageId = pair.Cloud.Id,
                            DataCenterVersion = pair.DataCenter.Version,
                            CloudVersion = pair.Cloud.Version,
                            Title = pair.DataCenter.Title,
                            BaseBody = batch.Bases[pair.DataCenter.Id],
                            BaseHash = pair.DataCenter.BodyHash,
                            Status = StatePairStatus.Active,
                        },
                        // Parents come before children in the plan, so a paired parent is stored by now or earlier in this batch.
                        ParentDataCenterPageId = pair.DataCenter.ParentId is { } parentId && pairedDc.Contains(parentId) ? parentId : null,
                        // Without an authority nothing will write over the difference: the conflict goes in with its pair.
                        Conflict = !pair.Equal && authority is null ? BaselineConflict(pair, authority) : null,
                    }).ToList();
                    // The base is in the state now: kept here it would hold the whole space's bases as text to the end.
                    foreach (var record in state.SavePairs(writes))
                        saved[record.DataCenterPageId] = record with { BaseBody = null };
                    conflicts += writes.Count(w => w.Conflict != null);
                    ObserveStored(saved.Values);
                }

                var plan = await PlanAsync(Store).ConfigureAwait(false);
                var wrote = new HashSet<string>(StringComparer.Ordinal);
                var written = 0;
                foreach (var action in plan.Actions)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Report(WritingPhase(authority), written++, plan.Actions.Count, action.Title);
                    var pair = saved[action.PairKey!];
                    var source = action.Source == SyncSide.DataCenter ? dc : cl;
                    var target = action.Target == SyncSide.DataCenter ? dataCenter : cloud;
                    var body = source.BodyOf(action.SourceId!);
                    string translated;
                    try
                    {
                        translated = await CrossAsync(translator, action, body, space.Key, log, cancellationToken).ConfigureAwait(false);
                    }
                    catch (UnreadableBodyException e)
                    {
                        // Nothing written: the pair stays recorded with its difference as an open conflict, like a refused write.
                        log.Warning("{Message:l}", e.Message);
                        errors.Add(e.Message);
                        continue;
                    }

                    var dcDialect = action.Target == SyncSide.DataCenter ? translated : body;
                    // The target's inline comments keep their anchors (markers are no content: the base is the same either way).
                    if ((action.Target == SyncSide.DataCenter ? dc : cl).TryGetBody(action.TargetId!, out var current))
                        translated = KeepAnchors(action, translated, current, space.Key, log);
                    var (baseHash, baseBody) = await SnapshotReader.DigestAsync(dcDialect, SyncSide.DataCenter, pair.DataCenterPageId, translator,
                        withBase: true, log, cancellationToken).ConfigureAwait(false);
                    try
                    {
                        var page = await target.UpdatePageAsync(action.TargetId!, action.TargetVersion!.Value, action.Title, translated, cancellationToken)
                            .ConfigureAwait(false);
                        var toDc = action.Target == SyncSide.DataCenter;
                        saved[action.PairKey!] = state.RecordPageOutcome(new PageOutcome
                        {
                            Pair = pair with
                            {
                                DataCenterVersion = toDc ? page.Version.Number : pair.DataCenterVersion,
                                CloudVersion = toDc ? pair.CloudVersion : page.Version.Number,
                                Title = action.Title,
                                BaseBody = baseBody,
                                BaseHash = baseHash,
                            },
                            History = new[]
                            {
                                new HistoryEntry
                                {
                                    RunId = run.Id, SpaceKey = space.Key, DataCenterPageId = pair.DataCenterPageId, CloudPageId = pair.CloudPageId,
                                    Title = action.Title, Action = "baseline-update-" + (toDc ? "datacenter" : "cloud"),
                                    DataCenterVersionBefore = pair.DataCenterVersion, CloudVersionBefore = pair.CloudVersion,
                                    DataCenterVersionAfter = toDc ? page.Version.Number : pair.DataCenterVersion,
                                    CloudVersionAfter = toDc ? pair.CloudVersion : page.Version.Number,
                                    Message = action.Reason,
                                },
                            },
                        })! with { BaseBody = null };
                        wrote.Add(action.PairKey!);
                        updated++;
                    }
                    catch (SiteException e)
                    {
                        // The pair stays recorded; its difference is left as an open conflict for the admin.
                        var message = e.Kind == SiteErrorKind.Conflict
                            ? $"\"{action.Title}\" changed on {action.Target.Label()} during the baseline; not overwritten"
                            : $"\"{action.Title}\": updating {action.Target.Label()} failed: {e.Message}";
                        log.Warning("{Message}", message);
                        errors.Add(message);
                    }
                }

                if (plan.Actions.Count > 0) Report(WritingPhase(authority), plan.Actions.Count, plan.Actions.Count);
                // With an authority, a difference whose write failed stays as an open conflict.
                foreach (var pair in plan.Pairs.Where(p => !p.Equal && authority != null && !wrote.Contains(p.DataCenter.Id)))
                {
                    state.RecordConflict(BaselineConflict(pair, authority) with { PairId = saved[pair.DataCenter.Id].Id });
                    conflicts++;
                }

                ObserveStored(saved.Values);
                BaselineLabels.Record(state, space, plan, authority, saved);
                if (space.Content?.Attachments == true)
                    counts["attachments"] = await BaselineAttachments.PairAsync(dataCenter, cloud, dcSpace, cloudSpace, state, space.Key, saved.Values, log,
                        cancellationToken).ConfigureAwait(false);
                foreach (var aspect in ContentAspects.All.Where(a => a.IsEnabled(space))) // ---- content aspects
                    counts[aspect.Name] = await aspect.BaselineAsync(new AspectBaseline { DataCenter = dataCenter, Cloud = cloud, DataCenterSpace = dcSpace,
                        CloudSpace = cloudSpace, State = state, Space = space, Pairs = saved.Values, Translator = translator, Log = log }, cancellationToken).ConfigureAwait(false);

                // Only now is the baseline whole: a sync refuses a space without it, a new baseline replaces it freely.
                state.SaveSpace((state.GetSpace(space.Key) ?? new SpaceRecord(space.Key, cloudSpace.Key)) with { BaselineAt = DateTimeOffset.UtcNow });

                counts["pairs"] = saved.Count;
                counts["unpaired"] = unpaired;
                counts["updated"] = updated;
                counts["conflicts"] = conflicts;
                counts["errors"] = errors.Count;
                outcome = RunOutcome.Succeeded;
                return new BaselineResult
                {
                    SpaceKey = space.Key, Plan = plan, RunId = run.Id, PairsRecorded = saved.Count, PairedByIdMap = byIdMap, Unpaired = unpaired,
                    Updated = updated, Conflicts = conflicts, Errors = errors,
                    Requests = counters.RequestsOf(dataCenter, cloud), Duration = DateTimeOffset.UtcNow - started,
                    RateLimitWait = RateLimitWaits.Of(counters, dataCenter, cloud),
                };
            }
            catch (Exception e) when (held.IsLoss(e))
            {
                throw held.LostError(e);
            }
            catch (OperationCanceledException)
            {
                outcome = RunOutcome.Cancelled;
                throw;
            }
            finally
            {
                if (outcome != RunOutcome.Succeeded && spaceStarted)
                    ForgetUnfinished(state, space.Key, log);
                if (run != null)
                {
                    try
                    {
                        state.FinishRun(run.Id, outcome, counts, (int)(counters.RequestsOf(dataCenter, cloud)));
                    }
                    catch (StateStoreException e) when (e.Kind == StateErrorKind.LockLost && outcome != RunOutcome.Succeeded)
                    {
                        // Already failing (the loss itself, most likely): its own row is closed; the first error is the one to tell.
                        log.Warning("{Space}: {Message}", space.Key, e.Message);
                    }
                    catch (StateStoreException e) when (e.Kind == StateErrorKind.LockLost)
                    {
                        throw held.LostError(e);
                    }
                }
            }
        }

        private static string WritingPhase(SyncSide? authority) => $"Writing {authority?.Label()} content over differing pages";

        /// <summary>A side listed without bodies, with its labels when the space reads them (they also let exclude.labels decide).</summary>
        private static async Task<SideSnapshot> ListedAsync(IConfluenceSite site, SiteSpace siteSpace, SyncSide side, ResolvedSpace space, EngineLog log,
            CancellationToken cancellationToken)
        {
            var listed = await SnapshotReader.ReadListingAsync(site, siteSpace, side, log, cancellationToken).ConfigureAwait(false);
            return await BaselineLabels.ReadAsync(site, listed, space, log, cancellationToken).ConfigureAwait(false);
        }

        private static ConflictRecord BaselineConflict(BaselinePair pair, SyncSide? authority) => new ConflictRecord
        {
            DataCenterVersion = pair.DataCenter.Version,
            CloudVersion = pair.Cloud.Version,
            BaseDataCenterVersion = pair.DataCenter.Version,
            BaseCloudVersion = pair.Cloud.Version,
            Reason = $"\"{pair.Path}\" differs between the sites at the baseline" + (authority is null ? " (no -Authority given)" : "") +
                     UnreadableText(pair.DataCenter, SyncSide.DataCenter) + UnreadableText(pair.Cloud, SyncSide.Cloud),
        };

        private static string UnreadableText(PageSnapshot page, SyncSide side) =>
            page.Unreadable is null ? "" : $"; the {side.Label()} page {page.Id} has a body that is not storage format ({page.Unreadable}) and is never copied";

        // A baseline that stopped part-way leaves no space row, so a sync refuses the space instead of taking the pages
        // the baseline did not reach for new ones. Should even this fail, the row stays without BaselineAt: unfinished.
        private static void ForgetUnfinished(StateStore state, string spaceKey, EngineLog log)
        {
            try
            {
                state.RemoveSpace(spaceKey);
            }
            catch (StateStoreException e)
            {
                log.Warning("The unfinished baseline of {Space} could not be removed ({Error}); the next Start-SpaceBaseline replaces it", spaceKey, e.Message);
            }
        }
    }
}
