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
using StatePairStatus = SpaceSync.Core.State.PairStatus;
using SyncPairStatus = SpaceSync.Core.Sync.PairStatus;

namespace SpaceSync.Core.Sync
{
    public sealed record SyncRunOptions
    {
        /// <summary>Run even when the delete guard (maxDeletePercent) trips.</summary>
        public bool Force { get; init; }
        /// <summary>Plan only: nothing is written to either site or to the state.</summary>
        public bool WhatIf { get; init; }
        /// <summary>Told of each action's outcome as it happens (the cmdlet's progress bar and Verbose lines).</summary>
        public IProgress<SyncActionOutcome>? Progress { get; init; }
        /// <summary>Told where the run is (sites read, actions run of all, the current page) for a host's progress display.</summary>
        public IProgress<RunProgress>? RunProgress { get; init; }
        /// <summary>List every page on both sides (the structural listing) instead of asking only what changed.</summary>
        public bool FullListing { get; init; }

        // ---- translation
        /// <summary>
        /// The scope's space keys and users.map: for bodies crossing between dialects, and for the people restrictions name
        /// (restrictedPages: mirror); null = this space's keys, users paired by e-mail only.
        /// </summary>
        public TranslationSettings? Translation { get; init; }
        // ---- comments
        /// <summary>Carries comment bodies between the dialects in place of the run's own translator (tests); null = the run's.</summary>
        public IBodyTranslator? BodyTranslator { get; init; }
        // ---- conflict resolution
        /// <summary>Per-pair conflict policies (pair key → policy) that beat the space's own (see SpacePlanRequest.PairPolicies).</summary>
        public IReadOnlyDictionary<string, ConflictPolicy>? PairPolicies { get; init; }
    }

    public enum ActionOutcomeKind { Done, Skipped, Failed }

    /// <summary>What became of one planned action.</summary>
    public sealed record SyncActionOutcome(SyncAction Action, ActionOutcomeKind Outcome, string Message)
    {
        /// <summary>Creates: the new page's id on the target.</summary>
        public string? CreatedPageId { get; init; }
    }

    /// <summary>One Invoke-SpaceSync run of one space.</summary>
    public sealed record SyncRunResult
    {
        public string SpaceKey { get; init; } = "";
        /// <summary>Null for -WhatIf (no run is recorded).</summary>
        public long? RunId { get; init; }
        public bool WhatIf { get; init; }
        public SyncPlan Plan { get; init; } = new SyncPlan();
        public IReadOnlyList<SyncActionOutcome> Outcomes { get; init; } = Array.Empty<SyncActionOutcome>();
        /// <summary>Done actions per kind ("Create", "Update", ...), plus "Skipped", "Failed", "Conflicts", "AdoptedIntents".</summary>
        public IReadOnlyDictionary<string, int> Counts { get; init; } = new Dictionary<string, int>();
        /// <summary>Pages changed on both sides that the policy left alone (open conflicts).</summary>
        public IReadOnlyList<DriftItem> Conflicts { get; init; } = Array.Empty<DriftItem>();
        public IReadOnlyList<string> Errors { get; init; } = Array.Empty<string>();
        /// <summary>Create intents of an earlier, interrupted run whose page was found on the target and paired.</summary>
        public int AdoptedIntents { get; init; }
        /// <summary>HTTP requests both sites sent during the run.</summary>
        public long Requests { get; init; }
        /// <summary>How long the run waited because a site throttled it (429s, a 503's Retry-After, NearLimit spacing), per site.</summary>
        public RateLimitWaits RateLimitWait { get; init; } = RateLimitWaits.None;
        public TimeSpan Duration { get; init; }
        /// <summary>Set when a guard refused the run: nothing was written.</summary>
        public PlanRefusal? Refusal { get; init; }
        /// <summary>
        /// When pages were edited by somebody else during the run (a write met a 409): the plan made from a second read
        /// of both sites, of which only those pages' actions ran (their outcomes follow the first plan's in <see cref="Outcomes"/>).
        /// </summary>
        public SyncPlan? Replan { get; init; }
        /// <summary>How the sides were read: Changes (only what changed), Structural or Full.</summary>
        public ListingMode Listing { get; init; }
        /// <summary>
        /// Set when the space was not run because another run held its lock and the caller asked to skip such spaces
        /// (workers sharing one state): whose lock it was. Nothing was read or written; no run was recorded.
        /// </summary>
        public SpaceLock? SkippedLockedBy { get; init; }
        /// <summary>
        /// Set when the space was not run because another run synced it, and finished, after this command began (workers
        /// sharing one state on one schedule): that run. Nothing was read or written; no run was recorded.
        /// </summary>
        public RunRecord? SkippedAfterRun { get; init; }

        public int Count(string key) => Counts.TryGetValue(key, out var n) ? n : 0;
    }

    /// <summary>
    /// Invoke-SpaceSync for one space: both sites listed in full → planner → actions executed in plan order → state.
    /// Every write carries the version it was planned against; a 409 means somebody edited the page meanwhile: once the
    /// plan has run, both sites are read again and those pages are planned anew (one such round; a page edited yet again
    /// waits for the next run), so a concurrent edit is judged like any other and never overwritten blindly. Each page's
    /// outcome is one state transaction, so a cancelled or crashed run leaves the state consistent.
    /// </summary>
    public static partial class SyncRunner
    {
        public static async Task<SyncRunResult> RunAsync(IConfluenceSite dataCenter, IConfluenceSite cloud, StateStore state,
            ResolvedSpace space, SyncRunOptions options, EngineLog log, CancellationToken cancellationToken)
        {
            if (dataCenter is null) throw new ArgumentNullException(nameof(dataCenter));
            if (cloud is null) throw new ArgumentNullException(nameof(cloud));
            if (state is null) throw new ArgumentNullException(nameof(state));
            if (space is null) throw new ArgumentNullException(nameof(space));
            options ??= new SyncRunOptions();
            log ??= EngineLog.None;

            if (state.GetSpace(space.Key)?.BaselineAt is null) // no space row, or a baseline that never finished
            {
                throw new SyncRunException(SyncRunException.NoBaseline,
                    $"Space '{space.Key}' has no baseline in '{state.Path}'; run Start-SpaceBaseline first.");
            }

            var run = new SyncRun(dataCenter, cloud, state, space, options, log);
            if (options.WhatIf)
            {
                return await run.PlanOnlyAsync(cancellationToken).ConfigureAwait(false);
            }

            using var held = RunLock.Take(state, space.Key, space.LockLease, log, cancellationToken);
            return await held.GuardAsync(ct => run.ExecuteAsync(held, ct)).ConfigureAwait(false);
        }

        private sealed partial class SyncRun
        {
            private readonly IConfluenceSite _dcSite;
            private readonly IConfluenceSite _cloudSite;
            private readonly StateStore _state;
            private readonly ResolvedSpace _space;
            private readonly SyncRunOptions _options;
            private readonly EngineLog _log;
            private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
            /// <summary>This run's requests and waits, apart from other runs on the same site clients (-ThrottleLimit).</summary>
            private readonly RunCounters _counters;

            private SideSnapshot _dc = null!;
            private SideSnapshot _cloud = null!;
            private ReadMarks _readMarks = new ReadMarks();
            private long? _runId;
            private int _adoptedIntents;
            /// <summary>Creates that found their title taken on the target by a page of the same content, and paired with it.</summary>
            private int _pairedByTitle;
            /// <summary>Both pages of each title collision the executor met: read again by the next run until resolved.</summary>
            private readonly List<UnsettledPage> _collisionPages = new List<UnsettledPage>();
            /// <summary>1 while the plan runs, 2 while the pages edited during it are planned again.</summary>
            private int _round = 1;
            /// <summary>Pairs (by key) whose page was edited by somebody else between the read and the write.</summary>
            private readonly HashSet<string> _metConcurrentEdit = new HashSet<string>(StringComparer.Ordinal);
            private readonly HashSet<(SiteKind Side, string PageId)> _readAgain = new HashSet<(SiteKind Side, string PageId)>();

            // The state's pairs as this run has left them, by Data Center page id and by Cloud page id.
            private readonly Dictionary<string, PairRecord> _byDc = new Dictionary<string, PairRecord>(StringComparer.Ordinal);
            private readonly Dictionary<string, PairRecord> _byCloud = new Dictionary<string, PairRecord>(StringComparer.Ordinal);
            /// <summary>The same pairs by pair id: parents and ancestors are looked up, not searched for (a quiet run of 10k pairs).</summary>
            private readonly Dictionary<long, PairRecord> _byPairId = new Dictionary<long, PairRecord>();
            private readonly Dictionary<int, string> _createdIds = new Dictionary<int, string>();
            private readonly Dictionary<int, ActionOutcomeKind> _done = new Dictionary<int, ActionOutcomeKind>();
            private readonly Dictionary<string, PairProgress> _progress = new Dictionary<string, PairProgress>(StringComparer.Ordinal);
            private readonly List<SyncActionOutcome> _outcomes = new List<SyncActionOutcome>();
            private readonly List<string> _errors = new List<string>();

            public SyncRun(IConfluenceSite dc, IConfluenceSite cloud, StateStore state, ResolvedSpace space, SyncRunOptions options, EngineLog log)
            {
                _dcSite = dc;
                _cloudSite = cloud;
                _state = state;
                _space = space;
                _options = options;
                _log = log;
                // Constructed only inside the runner's async entry points: the scope ends with them.
                _counters = RunCounters.Begin(space.Key);
            }

            private long Requests => _counters.RequestsOf(_dcSite, _cloudSite);

            private RateLimitWaits RateLimitWait => RateLimitWaits.Of(_counters, _dcSite, _cloudSite);

            /// <summary>The run's log says how long the sites held it back, however it ended (nothing when they did not).</summary>
            private void LogRateLimitWait()
            {
                var waits = RateLimitWait;
                if (waits.Total > TimeSpan.Zero)
                {
                    _log.Information("{Space}: waited {Seconds} s for rate limits (Data Center {DataCenterSeconds} s, Cloud {CloudSeconds} s)",
                        _space.Key, Math.Round(waits.Total.TotalSeconds, 1), Math.Round(waits.DataCenter.TotalSeconds, 1), Math.Round(waits.Cloud.TotalSeconds, 1));
                }
            }

            public async Task<SyncRunResult> PlanOnlyAsync(CancellationToken ct)
            {
                try
                {
                    return await PlanOnlyCoreAsync(ct).ConfigureAwait(false);
                }
                finally
                {
                    LogRateLimitWait();
                }
            }

            private async Task<SyncRunResult> PlanOnlyCoreAsync(CancellationToken ct)
            {
                LoadPairs();
                await ReadAsync(ct).ConfigureAwait(false);
                await RecoverIntentsAsync(write: false, ct).ConfigureAwait(false);
                var plan = await PreviewMergesAsync(Plan(), ct).ConfigureAwait(false); // ---- merge
                await RunAspectsAsync(new Dictionary<string, int>(StringComparer.Ordinal), plan, ct, planOnly: true).ConfigureAwait(false); // ---- content aspects
                return Result(plan, new Dictionary<string, int>(StringComparer.Ordinal), ConflictsOf(plan)) with { WhatIf = true };
            }

            public async Task<SyncRunResult> ExecuteAsync(RunLock runLock, CancellationToken ct)
            {
                SyncPlan? replan = null;
                return await RecordedAsync(RunKind.Sync, async run =>
                {
                    LoadPairs();
                    await ReadAsync(ct).ConfigureAwait(false);
                    await RecoverIntentsAsync(write: true, ct).ConfigureAwait(false);
                    var plan = Plan(changedOnly: true);
                    if (plan.Refusal != null)
                    {
                        _log.Warning("Sync of {Space} refused ({Code}): {Message}", _space.Key, plan.Refusal.Code, plan.Refusal.Message);
                        run.Outcome = RunOutcome.Refused;
                        return Result(plan, run.Counts, ConflictsOf(plan));
                    }

                    await ExecuteActionsAsync(plan.Actions, runLock, ct).ConfigureAwait(false);
                    await RelinkCreatedPagesAsync(ct).ConfigureAwait(false);
                    WarnOfTitleCollisions(plan);
                    FailUnreadable(plan);
                    var conflicts = ConflictsOf(plan).ToList();
                    var unsettled = UnsettledOf(plan);
                    var listedInFull = _dc.Mode != ListingMode.Changes && _cloud.Mode != ListingMode.Changes;
                    if (_metConcurrentEdit.Count > 0)
                    {
                        var again = new HashSet<string>(_metConcurrentEdit, StringComparer.Ordinal);
                        replan = await ReplanAsync(runLock, conflicts, ct).ConfigureAwait(false);
                        if (replan != null && replan.Refusal is null)
                        {
                            // Those pages were judged again: the second round says which of them are still open.
                            unsettled.RemoveAll(u => u.PairKey != null && again.Contains(u.PairKey));
                            unsettled.AddRange(UnsettledOf(replan, again));
                        }
                    }

                    conflicts.AddRange(_mergeCollisions.Values); // ---- merge
                    RecordOpenConflicts(conflicts);
                    // Every action was tried: the marks may pass this run's changes, the pages it left being listed.
                    run.Marks = MarksAfter(listedInFull, unsettled);
                    Count(run.Counts);
                    await RunAspectsAsync(run.Counts, plan, ct).ConfigureAwait(false); // ---- content aspects
                    run.Counts["Conflicts"] = conflicts.Count;
                    run.Outcome = run.Counts["Failed"] > 0 ? RunOutcome.Failed : RunOutcome.Succeeded;
                    return Result(WithTranslationWarnings(plan, 1), run.Counts, conflicts) with { Replan = replan is null ? null : WithTranslationWarnings(replan, 2) };
                }).ConfigureAwait(false);
            }

            /// <summary>What a writing run leaves in the state's record of it, however it ends.</summary>
            private sealed class RunLedger
            {
                public RunOutcome Outcome = RunOutcome.Failed;
                /// <summary>The read marks to store; null keeps the last ones (a run that carried only part of the changes).</summary>
                public ChangeMarks? Marks;
                public Dictionary<string, int> Counts { get; } = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            /// <summary>
            /// A writing run of any kind (sync, resolution, saved plan): recorded in the state from its start and finished with its
            /// outcome, counts, requests and marks however it ends; one that stops keeps the history of what it already wrote.
            /// </summary>
            private async Task<SyncRunResult> RecordedAsync(RunKind kind, Func<RunLedger, Task<SyncRunResult>> body)
            {
                var record = new RunLedger();
                _activity = kind == RunKind.Resolve ? RunActivity.Resolution : RunActivity.Sync; // ---- progress
                _runId = _state.StartRun(_space.Key, kind).Id;
                try
                {
                    return await body(record).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    record.Outcome = RunOutcome.Cancelled;
                    KeepHistoryOfUnfinishedPairs();
                    throw;
                }
                catch (Exception e) when (e is SiteException || e is SyncRunException)
                {
                    KeepHistoryOfUnfinishedPairs();
                    throw;
                }
                finally
                {
                    if (record.Outcome != RunOutcome.Succeeded && record.Outcome != RunOutcome.Refused) Count(record.Counts);
                    _state.FinishRun(_runId.Value, record.Outcome, record.Counts, (int)Requests, record.Marks);
                    LogRateLimitWait();
                }
            }

            /// <summary>
            /// Runs <paramref name="actions"/>; each pair's state is written once its last action ran. With
            /// <see cref="ResolvedSpace.MaxConcurrentWrites"/> 1 they run one after the other in plan order; with 2 (the
            /// default) the two sites are worked at once, one lane per target site (see <see cref="WriteLanes"/>).
            /// Outcomes are kept in plan order whatever order they finished in; progress is reported as they finish.
            /// </summary>
            private async Task ExecuteActionsAsync(IReadOnlyList<SyncAction> actions, RunLock runLock, CancellationToken ct)
            {
                var remaining = actions.Where(a => a.PairKey != null && a.Kind != SyncActionKind.Create)
                    .GroupBy(a => a.PairKey!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
                var lanes = new WriteLanes(actions, _space.MaxConcurrentWrites > 1);
                var results = new SyncActionOutcome?[actions.Count];
                var finished = 0;
                ReportProgress("Running actions", 0, actions.Count); // ---- progress
                try
                {
                    // Each lane first reads its site's target bodies in batches: a rate-limited site's read does not hold the other.
                    await lanes.RunAsync(side => ReadTargetBodiesAsync(actions, side, ct), async (index, action) =>
                    {
                        // The heartbeat found the lock lost: not one request more (the fence refuses the state writes anyway).
                        runLock.ThrowIfLost($"before action #{action.Id}" + (_round > 1 ? " of the re-plan" : ""));

                        var result = WithTranslationWarnings(await ExecuteOneAsync(action, ct).ConfigureAwait(false));
                        _done[action.Id] = result.Outcome;
                        results[index] = result;
                        if (result.Outcome != ActionOutcomeKind.Done) _log.Warning("{Action}: {Message}", action.ToString(), result.Message);
                        else _log.Debug("{Action}: {Message}", action.ToString(), result.Message);
                        _options.Progress?.Report(result);
                        ReportProgress("Running actions", Interlocked.Increment(ref finished), actions.Count, action.Title); // ---- progress
                        if (action.PairKey != null && action.Kind != SyncActionKind.Create && --remaining[action.PairKey] == 0)
                        {
                            FinishPair(action.PairKey);
                        }
                    }, ct).ConfigureAwait(false);
                }
                finally
                {
                    // Plan order, also for a run that stopped: reports, counts and tests read them so.
                    foreach (var result in results)
                    {
                        if (result is null) continue;
                        _outcomes.Add(result);
                        if (result.Outcome == ActionOutcomeKind.Failed) _errors.Add(result.Message);
                    }
                }
            }

            /// <summary>
            /// The second and last round: the pages that met a concurrent edit (a 409, or a trash that found the page
            /// edited) are judged again on a fresh read of both sites, and only their actions run. Conflicts the new plan
            /// finds for them are added to <paramref name="conflicts"/>. A page that meets another edit is left for the next run.
            /// </summary>
            private async Task<SyncPlan?> ReplanAsync(RunLock runLock, List<DriftItem> conflicts, CancellationToken ct)
            {
                var again = new HashSet<string>(_metConcurrentEdit, StringComparer.Ordinal);
                _metConcurrentEdit.Clear();
                _round = 2;
                _log.Information("{Count} page(s) of {Space} were edited during the run: reading both sites again to plan them anew",
                    again.Count, _space.Key);
                LoadPairs(); // the first round's pairs as it stored them: the read below needs their versions
                // Read those pages by id: a change query answers from the site's search index, which may not show the
                // concurrent edit yet.
                foreach (var key in again)
                {
                    if (!_byDc.TryGetValue(key, out var pair)) continue;
                    _readAgain.Add((SiteKind.DataCenter, pair.DataCenterPageId));
                    _readAgain.Add((SiteKind.Cloud, pair.CloudPageId));
                }

                await ReadAsync(ct).ConfigureAwait(false);
                var plan = Plan(changedOnly: true);
                if (plan.Refusal != null)
                {
                    _log.Warning("The re-plan of {Space} was refused ({Code}): {Message}; the pages edited during the run wait for the next run",
                        _space.Key, plan.Refusal.Code, plan.Refusal.Message);
                    return plan;
                }

                // Round one's bookkeeping is keyed by its own action ids and its pairs' progress is written: start afresh.
                _done.Clear();
                _createdIds.Clear();
                foreach (var key in again) _progress.Remove(key);
                await ExecuteActionsAsync(plan.Actions.Where(a => a.PairKey != null && again.Contains(a.PairKey)).ToList(), runLock, ct)
                    .ConfigureAwait(false);
                conflicts.AddRange(ConflictsOf(plan).Where(i => i.DataCenterId != null && again.Contains(i.DataCenterId)));
                FailUnreadable(plan, again);
                return plan;
            }

            private void Count(Dictionary<string, int> counts)
            {
                foreach (var kind in Enum.GetValues(typeof(SyncActionKind)).Cast<SyncActionKind>())
                {
                    counts[kind.ToString()] = _outcomes.Count(o => o.Action.Kind == kind && o.Outcome == ActionOutcomeKind.Done);
                }

                counts["Skipped"] = _outcomes.Count(o => o.Outcome == ActionOutcomeKind.Skipped);
                counts["Failed"] = _outcomes.Count(o => o.Outcome == ActionOutcomeKind.Failed) + _unreadablePages;
                counts["Unreadable"] = _unreadablePages;
                counts["AdoptedIntents"] = _adoptedIntents;
                // A create that paired with the page already holding its title made no page.
                counts[nameof(SyncActionKind.Create)] -= _pairedByTitle;
                counts["PairedByTitle"] = _pairedByTitle;
                counts["Merged"] = _mergedPairs; // ---- merge
            }

            /// <summary>
            /// A run that stops mid-way leaves pairs whose actions only partly ran: their pair rows stay as last synced
            /// (the next run plans the rest), but what was written to the sites is kept in the history.
            /// </summary>
            private void KeepHistoryOfUnfinishedPairs()
            {
                foreach (var progress in _progress.Values.Where(p => !p.Finished && p.History.Count > 0))
                {
                    _state.RecordPageOutcome(new PageOutcome { History = progress.History });
                    progress.Finished = true;
                }
            }

            private SyncRunResult Result(SyncPlan plan, Dictionary<string, int> counts, IReadOnlyList<DriftItem> conflicts) => new SyncRunResult
            {
                SpaceKey = _space.Key,
                RunId = _runId,
                Plan = WithAspectDrift(plan), // ---- content aspects
                Outcomes = _outcomes.ToList(),
                Counts = counts,
                Conflicts = conflicts,
                Errors = _errors.ToList(),
                AdoptedIntents = _adoptedIntents,
                Requests = Requests,
                RateLimitWait = RateLimitWait,
                Duration = DateTimeOffset.UtcNow - _started,
                Refusal = plan.Refusal,
                Listing = Listing,
            };

            /// <summary>The widest read of the two sides (one may have fallen back to a full read).</summary>
            private ListingMode Listing =>
                _dc is null || _cloud is null ? ListingMode.Changes
                : _dc.Mode == ListingMode.Full || _cloud.Mode == ListingMode.Full ? ListingMode.Full
                : _dc.Mode == ListingMode.Structural || _cloud.Mode == ListingMode.Structural ? ListingMode.Structural
                : ListingMode.Changes;

            private static IReadOnlyList<DriftItem> ConflictsOf(SyncPlan plan) =>
                plan.Items.Where(i => i.Status == DriftStatus.Conflict && i.ActionIds.Count == 0).ToList();

            // ---- reading ------------------------------------------------------------------------------

            private async Task ReadAsync(CancellationToken ct)
            {
                _readMarks = WithResolvedPages(_state.GetReadMarks(_space.Key)); // ---- conflict resolution
                var mode = ListingPolicy.Choose(_readMarks, _state.ListCreateIntents(_space.Key).Count > 0, _options.FullListing, DateTimeOffset.UtcNow);
                // Between structural listings a run takes the spaces the last lookup found (a space's id never changes): two
                // requests fewer a run. A space deleted or hidden since shows at the next structural listing, which looks both
                // up again, or at once where a listing goes by the space's id (Cloud) and answers 404: then it is asked again.
                var known = mode == ListingMode.Changes ? RunSupport.KnownSpaces(_readMarks, _space) : null;
                _sidesRead = 0;
                ReportProgress(ReadingPhase, 0, 2); // ---- progress
                var (dcSpace, cloudSpace) = known ?? await LookUpSpacesAsync(ct).ConfigureAwait(false);
                try
                {
                    (_dc, _cloud) = await ReadBothSidesAsync(dcSpace, cloudSpace, mode, ct).ConfigureAwait(false);
                }
                catch (SiteException e) when (known != null && e.Kind == SiteErrorKind.NotFound)
                {
                    _log.Debug("A listing of {Space} by the space ids last recorded answered 404 ({Error}); looking the spaces up again", _space.Key, e.Message);
                    (dcSpace, cloudSpace) = await LookUpSpacesAsync(ct).ConfigureAwait(false);
                    (_dc, _cloud) = await ReadBothSidesAsync(dcSpace, cloudSpace, mode, ct).ConfigureAwait(false);
                }
                RecordFolders(); // ---- folders
                // Files first: a change run judges the restrictions of the pages whose files changed as well.
                await ReadAttachmentsAsync(ct).ConfigureAwait(false);
                await ReadRestrictionsAsync(ct).ConfigureAwait(false);
                ReportProgress("Planning", 0, null); // ---- progress
                _log.Debug("Read {Space}: Data Center {DcMode} ({DcPages} pages), Cloud {CloudMode} ({CloudPages} pages)", _space.Key,
                    _dc.Mode, _dc.Snapshot.Pages.Count, _cloud.Mode, _cloud.Snapshot.Pages.Count);
            }

            /// <summary>Each site's space as this run looked it up; null when it took them from the state (recorded with the marks).</summary>
            private (SiteSpace DataCenter, SiteSpace Cloud)? _spacesLookedUp;

            private async Task<(SiteSpace DataCenter, SiteSpace Cloud)> LookUpSpacesAsync(CancellationToken ct)
            {
                var found = await RunSupport.FindSpacesAsync(_dcSite, _cloudSite, _space, ct).ConfigureAwait(false);
                _spacesLookedUp = found;
                return found;
            }

            // Labels come later, with the restrictions, in one metadata batch a side (PageMetadataBatch).
            // Both sides at once: the two reads overlap while they wait on their sites, and take turns on everything else.
            private Task<(SideSnapshot DataCenter, SideSnapshot Cloud)> ReadBothSidesAsync(SiteSpace dcSpace, SiteSpace cloudSpace, ListingMode mode,
                CancellationToken ct) =>
                TurnGate.BothAsync(
                    token => CountedAsync(ReadSideAsync(_dcSite, dcSpace, SyncSide.DataCenter, mode, token), SyncSide.DataCenter),
                    token => CountedAsync(ReadSideAsync(_cloudSite, cloudSpace, SyncSide.Cloud, mode, token), SyncSide.Cloud), ct);

            /// <summary>
            /// The key of the translation's inputs as this run read the sites (<see cref="RunTranslation.InputsKey"/>): the hashes
            /// of the pages it leaves unsettled are recorded under it, and those recorded under it by an earlier run are taken.
            /// </summary>
            private string? _inputsKey;

            private async Task<SideSnapshot> ReadSideAsync(IConfluenceSite site, SiteSpace space, SyncSide side, ListingMode mode, CancellationToken ct)
            {
                var known = new KnownVersions(PairsOn(side), side);
                // Before any hash is computed: the run's own writes change the pair table afterwards.
                _inputsKey ??= Translator.InputsKey(_state.PairGeneration());

                var unsettledSearch = mode == ListingMode.Changes ? UnsettledSearchOn(side) : null; // ---- unsettled pages: one search
                if (side == SyncSide.DataCenter) _dcUnsettledSearch = unsettledSearch;
                else _cloudUnsettledSearch = unsettledSearch;
                if (mode == ListingMode.Changes)
                {
                    var since = side == SyncSide.DataCenter ? _readMarks.DataCenterChangesSince : _readMarks.CloudChangesSince;
                    var changes = await SnapshotReader.ReadChangesAsync(site, space, side, known, RecordedTrashed(side), since!.Value,
                        site.SearchLag, Unsettled(side), _log, ct, Translator,
                        side == SyncSide.Cloud ? FolderState.Known(_state, _space.Key) : null, // ---- folders
                        bodiesInListing: !RecentRunWrote(since.Value - site.SearchLag),
                        touchedWithoutVersion: TouchedWithoutVersion(side, since.Value - site.SearchLag),
                        seenHashes: SeenHashes(side), unsettledSearch: unsettledSearch).ConfigureAwait(false);
                    if (changes != null) return changes;
                    return await SnapshotReader.ReadAsync(site, space, side, _log, ct, Translator).ConfigureAwait(false);
                }

                return mode == ListingMode.Full
                    ? await SnapshotReader.ReadAsync(site, space, side, _log, ct, Translator).ConfigureAwait(false)
                    : await SnapshotReader.ReadStructuralAsync(site, space, side, known,
                        side == SyncSide.DataCenter ? _readMarks.DataCenterChangesSince : _readMarks.CloudChangesSince,
                        site.SearchLag, _log, ct, Translator).ConfigureAwait(false);
            }

            /// <summary>
            /// Each page's version and base hash as its pair recorded them, looked up in the pairs already loaded rather
            /// than copied for every pair of the space (a quiet run looks up a few).
            /// </summary>
            private sealed class KnownVersions : IReadOnlyDictionary<string, KnownVersion>
            {
                private readonly Dictionary<string, PairRecord> _pairs;
                private readonly SyncSide _side;

                public KnownVersions(Dictionary<string, PairRecord> pairs, SyncSide side) => (_pairs, _side) = (pairs, side);

                private KnownVersion Of(PairRecord pair) =>
                    new KnownVersion(_side == SyncSide.DataCenter ? pair.DataCenterVersion : pair.CloudVersion, pair.BaseHash);

                public KnownVersion this[string key] => Of(_pairs[key]);

                public IEnumerable<string> Keys => _pairs.Keys;

                public IEnumerable<KnownVersion> Values => _pairs.Values.Select(Of);

                public int Count => _pairs.Count;

                public bool ContainsKey(string key) => _pairs.ContainsKey(key);

                public bool TryGetValue(string key, out KnownVersion value)
                {
                    var found = _pairs.TryGetValue(key, out var pair);
                    value = found ? Of(pair!) : default;
                    return found;
                }

                public IEnumerator<KeyValuePair<string, KnownVersion>> GetEnumerator() =>
                    _pairs.Select(p => new KeyValuePair<string, KnownVersion>(p.Key, Of(p.Value))).GetEnumerator();

                System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
            }

            /// <summary>
            /// Whether a run of the space that finished inside this run's change-query window (from
            /// <paramref name="windowStart"/>, the mark less the search lag) wrote to a site. Its writes, and the changes it
            /// read, then lie in the window at the versions the pairs recorded: listed without bodies they cost a quarter
            /// (Data Center) or two fifths (Cloud) of the listing pages (issue 14). Not only the last run: a quiet run right
            /// after a writing one reads the same window. A cost choice only, not correctness.
            /// </summary>
            private bool RecentRunWrote(DateTimeOffset windowStart)
            {
                // The window is on the site's clock, run times on this machine's: a minute of slack for the difference.
                var from = windowStart - TimeSpan.FromMinutes(1);
                return _state.ListRuns(_space.Key, newest: 20).Any(r =>
                    r.Id != _runId && r.FinishedAt is { } finished && finished >= from && r.Kind != RunKind.Baseline &&
                    WritingKinds.Any(kind => r.Counts.TryGetValue(kind, out var done) && done > 0));
            }

            /// <summary>Actions that make a page version or move its search sort key (labels, files).</summary>
            private static readonly string[] WritingKinds =
            {
                nameof(SyncActionKind.Create), nameof(SyncActionKind.Update), nameof(SyncActionKind.Trash), nameof(SyncActionKind.Restore),
                nameof(SyncActionKind.Labels), nameof(SyncActionKind.UploadAttachment), nameof(SyncActionKind.DeleteAttachment),
            };

            /// <summary>
            /// Pages the last run saw changed and left alone (a change query from the new mark would miss them), and in a
            /// re-plan the pages that met a concurrent edit: read by id whatever the change query says.
            /// </summary>
            private IEnumerable<string> Unsettled(SyncSide side)
            {
                var kind = RunSupport.KindOf(side);
                return _readMarks.Unsettled.Where(p => p.Side == kind).Select(p => p.PageId)
                    .Concat(_readAgain.Where(p => p.Side == kind).Select(p => p.PageId));
            }

            /// <summary>The hashes the last run recorded for this side's unsettled pages under the inputs this run has.</summary>
            private Dictionary<string, KnownVersion> SeenHashes(SyncSide side)
            {
                var kind = RunSupport.KindOf(side);
                var seen = new Dictionary<string, KnownVersion>(StringComparer.Ordinal);
                foreach (var entry in _readMarks.Seen)
                {
                    if (entry.Key.Side == kind && string.Equals(entry.Value.Inputs, _inputsKey, StringComparison.Ordinal))
                        seen[entry.Key.PageId] = new KnownVersion(entry.Value.Version, entry.Value.Hash);
                }

                return seen;
            }

            /// <summary>
            /// The version and hash of each unsettled page as this run read it with its body (and so hashed it under
            /// <see cref="_inputsKey"/>, or took a hash recorded under it, also through the unsettled search); a page read without
            /// its body otherwise records none.
            /// </summary>
            private Dictionary<UnsettledPage, SeenHash> SeenOf(IEnumerable<UnsettledPage> pages)
            {
                var seen = new Dictionary<UnsettledPage, SeenHash>();
                if (_inputsKey is null) return seen;
                foreach (var page in pages)
                {
                    var side = page.Side == SiteKind.DataCenter ? _dc : _cloud;
                    if (side.Snapshot.Pages.TryGetValue(page.PageId, out var read) && read.BodyHash.Length > 0 &&
                        (side.Bodies.ContainsKey(page.PageId) || TakenFromSearch(side.Side, page.PageId)))
                        seen[page] = new SeenHash(read.Version, read.BodyHash, _inputsKey);
                }

                return seen;
            }

            /// <summary>This side's pages the state has in the trash.</summary>
            private HashSet<string> RecordedTrashed(SyncSide side)
            {
                var trashedHere = side == SyncSide.DataCenter ? StatePairStatus.TrashedOnDataCenter : StatePairStatus.TrashedOnCloud;
                return new HashSet<string>(
                    _byDc.Values.Where(p => p.Status == StatePairStatus.TrashedOnBoth || p.Status == trashedHere)
                        .Select(p => side == SyncSide.DataCenter ? p.DataCenterPageId : p.CloudPageId),
                    StringComparer.Ordinal);
            }

            /// <summary>
            /// The marks a run that tried every action leaves: each side's newest change seen, the time of a structural
            /// listing, and every page of an item this run did not settle (conflicts, one-way drift, writes that failed).
            /// </summary>
            private ChangeMarks MarksAfter(bool listedInFull, IEnumerable<(string? PairKey, UnsettledPage Page)> unsettled)
            {
                var pages = unsettled.Select(u => u.Page).Concat(_collisionPages).Distinct().ToList();
                return new ChangeMarks(
                    Later(_readMarks.DataCenterChangesSince, _dc.HighWaterMark),
                    Later(_readMarks.CloudChangesSince, _cloud.HighWaterMark))
                {
                    StructuralAt = listedInFull ? _started : (DateTimeOffset?)null,
                    Unsettled = pages,
                    Seen = SeenOf(pages),
                    DataCenterSpace = _spacesLookedUp?.DataCenter,
                    CloudSpace = _spacesLookedUp?.Cloud,
                };
            }

            /// <summary>
            /// The pages of the plan's items that this round did not settle: not in sync, and not every action of theirs
            /// done (conflicts and one-way drift have none). Read by <see cref="_done"/>, so call it before another round.
            /// </summary>
            private List<(string? PairKey, UnsettledPage Page)> UnsettledOf(SyncPlan plan, ISet<string>? onlyPairs = null)
            {
                var unsettled = new List<(string?, UnsettledPage)>();
                foreach (var item in plan.Items)
                {
                    if (item.Status == DriftStatus.InSync || item.Status == DriftStatus.Excluded || item.Status == DriftStatus.Restricted) continue;
                    // An archived pair is read again by every run only while edits wait for it (to see it restored).
                    if (item.Status == DriftStatus.Archived && (item.DataCenterId is null || item.CloudId is null ||
                                                                (item.DataCenterChanges | item.CloudChanges) == PageChanges.None)) continue;
                    if (onlyPairs != null && (item.DataCenterId is null || !onlyPairs.Contains(item.DataCenterId))) continue;
                    var settled = item.ActionIds.Count > 0 && item.ActionIds.All(id => _done.TryGetValue(id, out var o) && o == ActionOutcomeKind.Done);
                    if (settled && !HoldsChangesLeftAlone(item.DataCenterId)) continue; // ---- phases: changes left alone stay unsettled
                    if (item.DataCenterId != null) unsettled.Add((item.DataCenterId, new UnsettledPage(SiteKind.DataCenter, item.DataCenterId)));
                    if (item.CloudId != null) unsettled.Add((item.DataCenterId, new UnsettledPage(SiteKind.Cloud, item.CloudId)));
                }

                return unsettled;
            }

            private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
                a is null ? b : b is null ? a : (a.Value > b.Value ? a : b);

            private void LoadPairs()
            {
                // Cleared, not made anew: the run's translator holds the two page maps (SyncRunner.Translation).
                _byDc.Clear();
                _byCloud.Clear();
                _byPairId.Clear();
                foreach (var pair in _state.ListPairsForRun(_space.Key)) Remember(pair);
            }

            private void Remember(PairRecord pair)
            {
                _byDc[pair.DataCenterPageId] = pair;
                _byCloud[pair.CloudPageId] = pair;
                _byPairId[pair.Id] = pair;
            }

            private void Forget(PairRecord pair)
            {
                if (_byDc.TryGetValue(pair.DataCenterPageId, out var a) && a.Id == pair.Id) _byDc.Remove(pair.DataCenterPageId);
                if (_byCloud.TryGetValue(pair.CloudPageId, out var b) && b.Id == pair.Id) _byCloud.Remove(pair.CloudPageId);
                _byPairId.Remove(pair.Id);
            }

            private PairRecord? PairById(long? pairId) => pairId is long id && _byPairId.TryGetValue(id, out var pair) ? pair : null;

            private SideSnapshot SnapshotOf(SyncSide side) => side == SyncSide.DataCenter ? _dc : _cloud;

            private IConfluenceSite SiteOf(SyncSide side) => side == SyncSide.DataCenter ? _dcSite : _cloudSite;

            private Dictionary<string, PairRecord> PairsOn(SyncSide side) => side == SyncSide.DataCenter ? _byDc : _byCloud;

            private PairRecord? PairOfPage(SyncSide side, string? pageId) =>
                pageId != null && PairsOn(side).TryGetValue(pageId, out var pair) ? pair : null;

            // ---- crash recovery -------------------------------------------------------------------------

            /// <summary>
            /// A create intent left behind means a run died between its POST and its state write (or the POST's answer
            /// was lost). The page is looked for on the target: found (unpaired, same title and parent) → paired now;
            /// not found → the intent is dropped and the planner plans the create again.
            /// </summary>
            private async Task RecoverIntentsAsync(bool write, CancellationToken ct)
            {
                foreach (var intent in _state.ListCreateIntents(_space.Key))
                {
                    var sourceSide = RunSupport.SideOf(intent.SourceSide);
                    var targetSide = sourceSide.Other();
                    var source = SnapshotOf(sourceSide);
                    var target = SnapshotOf(targetSide);
                    var found = target.Snapshot.Pages.Values.FirstOrDefault(p =>
                        p.Status == PageStatus.Current && PairOfPage(targetSide, p.Id) is null &&
                        string.Equals(p.Title, intent.Title, StringComparison.OrdinalIgnoreCase) &&
                        p.ParentId == intent.TargetParentId);
                    if (found != null && found.Version <= 1 && found.Modified is DateTimeOffset made && made < intent.CreatedAt - ListingPolicy.ChangeOverlap)
                    {
                        // Made (and untouched) well before this create was tried: not ours but a page already holding the
                        // title, which the create met as a 400. Pairing it would take its content for ours; the planner judges it.
                        _log.Information("Create intent {Intent}: \"{Title}\" on {Target} is page {PageId}, made before the create was tried: not adopted",
                            intent.Id, intent.Title, targetSide.Label(), found.Id);
                        found = null;
                    }

                    if (found is null || !source.Snapshot.Pages.TryGetValue(intent.SourcePageId, out var sourcePage))
                    {
                        _log.Information("Create intent {Intent} (\"{Title}\" on {Target}) left no page: planned again", intent.Id, intent.Title, targetSide.Label());
                        if (write) _state.RemoveCreateIntent(intent.Id);
                        continue;
                    }

                    var dcPage = sourceSide == SyncSide.DataCenter ? sourcePage : found;
                    var cloudPage = sourceSide == SyncSide.DataCenter ? found : sourcePage;
                    var previous = PairOfPage(sourceSide, sourcePage.Id);
                    // A create makes version 1. Untouched since, the target holds exactly what was sent: that is the
                    // base, and the source's version at that time is unknown, so it is recorded as the first one: a
                    // source edit made since then still counts as a change (by content). Edited since, the target's
                    // edit must cross: the base is then the source.
                    var untouched = found.Version <= 1;
                    var baseBody = untouched
                        ? await target.LoadBodyAsync(found.Id, ct).ConfigureAwait(false)
                        : await source.LoadBodyAsync(sourcePage.Id, ct).ConfigureAwait(false);
                    baseBody = await DataCenterDialectAsync(baseBody, untouched ? targetSide : sourceSide, ct).ConfigureAwait(false);
                    var baseHash = untouched ? found.BodyHash : sourcePage.BodyHash;
                    var sourceVersion = untouched ? 1 : sourcePage.Version;
                    var pair = new PairRecord
                    {
                        Id = previous?.Id ?? 0, // created again after a purge: the pair is kept, with the new page id
                        SpaceKey = _space.Key,
                        DataCenterPageId = dcPage.Id,
                        CloudPageId = cloudPage.Id,
                        DataCenterVersion = sourceSide == SyncSide.DataCenter ? sourceVersion : 1,
                        CloudVersion = sourceSide == SyncSide.Cloud ? sourceVersion : 1,
                        ParentPairId = PairOfPage(targetSide, found.ParentId)?.Id ?? previous?.ParentPairId,
                        Title = sourcePage.Title,
                        BaseBody = SnapshotReader.NormalizedOrRaw(baseBody),
                        BaseHash = baseHash,
                        Status = StatePairStatus.Active,
                    };
                    _log.Information("Create intent {Intent}: \"{Title}\" was created on {Target} as page {PageId} by an interrupted run: paired",
                        intent.Id, intent.Title, targetSide.Label(), found.Id);
                    if (previous != null) Forget(previous);
                    if (write)
                    {
                        pair = _state.RecordPageOutcome(new PageOutcome
                        {
                            Pair = pair,
                            CompletedIntentId = intent.Id,
                            History = new[] { History("adopt-after-interrupted-create", dcPage.Id, cloudPage.Id, sourcePage.Title,
                                null, dcPage.Version, null, cloudPage.Version, $"created by an interrupted run (intent {intent.Id}); paired, not created again") },
                        })!;
                    }

                    _adoptedIntents++;
                    // -WhatIf stores nothing: the pair gets a stand-in id (negative, never a stored one) for planning.
                    Remember(write ? pair : pair with { Id = -_adoptedIntents });
                }
            }

            // ---- planning -------------------------------------------------------------------------------

            /// <param name="changedOnly">
            /// A sync run's plan: after a change query only the pairs it can touch are planned (<see cref="PairsToPlan"/>);
            /// drift reports, resolutions and saved plans plan every pair (they list the in-sync ones too).
            /// </param>
            private SyncPlan Plan(bool changedOnly = false)
            {
                var byId = _byPairId;
                var toPlan = changedOnly ? PairsToPlan(byId) : null;
                var baseLabels = toPlan is null || !_space.Content.Labels ? BaseLabels() : _state.ListBaseLabels(toPlan.Select(p => p.Id));
                var pairs = (toPlan ?? (IEnumerable<PairRecord>)_byDc.Values).Select(p => new SyncedPair
                {
                    DataCenterId = p.DataCenterPageId,
                    CloudId = p.CloudPageId,
                    DataCenterVersion = p.DataCenterVersion,
                    CloudVersion = p.CloudVersion,
                    Title = p.Title,
                    ParentKey = p.ParentPairId is long parent && byId.TryGetValue(parent, out var pp) ? pp.DataCenterPageId : null,
                    BaseHash = p.BaseHash,
                    Status = p.Status == StatePairStatus.TrashedOnBoth ? SyncPairStatus.Trashed : SyncPairStatus.Active,
                    BaseLabels = baseLabels.TryGetValue(p.Id, out var labels) ? labels : null,
                }).ToList();
                var plan = SyncPlanner.Plan(WithAttachments(new SpacePlanRequest
                {
                    SpaceKey = _space.Key,
                    Direction = PlanDirection(), // ---- conflict resolution: a resolution may write either site
                    Conflicts = _space.Conflicts,
                    MaxDeletePercent = _space.MaxDeletePercent,
                    Force = _options.Force,
                    DataCenter = toPlan is null ? _dc.Snapshot : Planned(_dc.Snapshot, SyncSide.DataCenter, toPlan),
                    Cloud = toPlan is null ? _cloud.Snapshot : Planned(_cloud.Snapshot, SyncSide.Cloud, toPlan),
                    Pairs = pairs,
                    ActivePairCount = toPlan is null ? (int?)null : _byDc.Values.Count(p => p.Status != StatePairStatus.TrashedOnBoth),
                    Filter = ScopeFilter.For(_space),
                    SyncLabels = _space.Content.Labels,
                    Restrictions = RestrictionPolicyOfRun(),
                    PairPolicies = _options.PairPolicies,
                }, toPlan));
                if (_resolving != null) return plan; // a resolution run speaks of its own pages only (their results say why)
                foreach (var warning in plan.Warnings) _log.Warning("{Space}: {Warning}", _space.Key, warning);
                WarnOfRestrictedPages(plan);
                NoteChangesLeftAlone(plan); // ---- phases
                return plan;
            }

            /// <summary>
            /// The pairs a plan after a change query can touch (issue 14: a quiet run of 10k pairs plans a handful, not all):
            /// those with a page either snapshot lists (changed, trashed, unsettled, read again), with files listed, with
            /// restrictions read beside the query, holding a Cloud folder's place, or titled like a new page (the create would
            /// meet it); then their parents and ancestors (paths of titles for the scope, depths) and their descendants (an
            /// ancestor's rename, label or view restriction decides the scope and restriction of every page below it).
            /// Any other pair's pages are as last synced, so the full plan has them in sync with no action.
            /// Null = plan every pair: a complete listing (it sees purges and moves that make no version) or a complete file listing.
            /// </summary>
            private List<PairRecord>? PairsToPlan(Dictionary<long, PairRecord> byId)
            {
                if (_resolving != null || _dc.Snapshot.IsComplete || _cloud.Snapshot.IsComplete) return null;
                if (_dcFiles?.IsComplete == true || _cloudFiles?.IsComplete == true) return null;

                var keep = new HashSet<long>();
                var parents = new List<long>(); // the listed pages' (new) parents: their ancestors count, not their other children
                var newTitles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                void Keep(SyncSide side, string? pageId)
                {
                    if (PairOfPage(side, pageId) is { } pair) keep.Add(pair.Id);
                }

                // A listed page at its recorded version gets its pair's base labels (SyncRunner.Labels: KeptLabels), not null.
                var listedAsSynced = new List<(SyncSide Side, PageSnapshot Page, PairRecord Pair)>();
                // exclude.labels warns when a listed current page came without labels (SyncPlanner.PlanWarnings): such pages stay.
                var labelsDecide = ScopeFilter.For(_space).FiltersLabels;
                foreach (var side in new[] { SyncSide.DataCenter, SyncSide.Cloud })
                {
                    var unsettled = new HashSet<string>(Unsettled(side), StringComparer.Ordinal);
                    foreach (var page in SnapshotOf(side).Snapshot.Pages.Values)
                    {
                        var pair = PairOfPage(side, page.Id);
                        if (pair is null && page.Status == PageStatus.Current) newTitles.Add(page.Title);
                        if (pair != null && !unsettled.Contains(page.Id) && AsLastSynced(side, page, pair, byId) && !(labelsDecide && page.Labels is null))
                        {
                            if (page.Labels != null) listedAsSynced.Add((side, page, pair));
                            continue;
                        }

                        Keep(side, page.Id);
                        if (PairOfPage(side, page.ParentId) is { } parent) parents.Add(parent.Id);
                    }

                    foreach (var id in unsettled) Keep(side, id);
                    // Restrictions read beside the query (ancestors, twins): a view restriction reaches every page below.
                    foreach (var read in side == SyncSide.DataCenter ? _dcUnlisted : _cloudUnlisted)
                    {
                        if (read.Value.RestrictsRead) Keep(side, read.Key);
                        else if (PairOfPage(side, read.Key) is { } readPair) parents.Add(readPair.Id);
                    }
                }

                if (listedAsSynced.Count > 0)
                {
                    var bases = _state.ListBaseLabels(listedAsSynced.Select(l => l.Pair.Id).Distinct());
                    foreach (var (side, page, pair) in listedAsSynced)
                    {
                        var recorded = bases.TryGetValue(pair.Id, out var labels) ? labels : (IReadOnlyList<string>)Array.Empty<string>();
                        if (!new HashSet<string>(recorded, StringComparer.Ordinal).SetEquals(page.Labels!))
                        {
                            Keep(side, page.Id);
                            if (PairOfPage(side, page.ParentId) is { } parent) parents.Add(parent.Id);
                        }
                    }
                }

                foreach (var folder in _cloud.Snapshot.Containers.Values)
                {
                    if (PairOfPage(SyncSide.Cloud, FolderTree.PageAbove(folder.Id, _cloud.Snapshot.Containers).PageParentId) is { } holder)
                        parents.Add(holder.Id);
                }

                foreach (var pair in _byDc.Values)
                {
                    if ((_dcFiles?.Of(pair.DataCenterPageId).Count ?? 0) > 0 || (_cloudFiles?.Of(pair.CloudPageId).Count ?? 0) > 0 ||
                        (newTitles.Count > 0 && newTitles.Contains(pair.Title)))
                    {
                        keep.Add(pair.Id);
                    }
                }

                if (keep.Count == 0 && parents.Count == 0) return new List<PairRecord>();

                // Below: every descendant of a kept pair (children by parent pair, built only when something is kept).
                var children = _byDc.Values.Where(p => p.ParentPairId != null).ToLookup(p => p.ParentPairId!.Value);
                var below = new Queue<long>(keep);
                while (below.Count > 0)
                {
                    foreach (var child in children[below.Dequeue()])
                    {
                        if (keep.Add(child.Id)) below.Enqueue(child.Id);
                    }
                }

                // Above: every ancestor of a kept pair, and the parents the listed pages name with theirs.
                keep.UnionWith(parents);
                var above = new HashSet<long>();
                foreach (var id in keep)
                {
                    for (var cursor = byId[id].ParentPairId; cursor is long up && above.Add(up) && byId.TryGetValue(up, out var parent);)
                    {
                        cursor = parent.ParentPairId;
                    }
                }

                keep.UnionWith(above);

                return _byDc.Values.Where(p => keep.Contains(p.Id)).ToList();
            }

            /// <summary>
            /// The listed pages the plan sees beside <paramref name="planned"/>: theirs and the unpaired ones. A page of a pair
            /// left out is as last synced, and listed it would read as a page on one side only.
            /// </summary>
            private SpaceSnapshot Planned(SpaceSnapshot snapshot, SyncSide side, List<PairRecord> planned)
            {
                var ids = new HashSet<string>(planned.Select(p => side == SyncSide.DataCenter ? p.DataCenterPageId : p.CloudPageId), StringComparer.Ordinal);
                return snapshot.WithPages(snapshot.Pages.Values.Where(p => ids.Contains(p.Id) || PairOfPage(side, p.Id) is null));
            }

            /// <summary>
            /// A listed page exactly as its pair last recorded it: at the recorded version and hash, same title and parent,
            /// current in an active pair, no restriction read (labels: compared after, with the base labels). A change query lists such pages in its overlap (the last
            /// runs' own writes, the search lag); the full plan finds them in sync with nothing to do.
            /// </summary>
            private static bool AsLastSynced(SyncSide side, PageSnapshot page, PairRecord pair, Dictionary<long, PairRecord> byId)
            {
                var onDc = side == SyncSide.DataCenter;
                var recordedParent = pair.ParentPairId is long up && byId.TryGetValue(up, out var parent)
                    ? (onDc ? parent.DataCenterPageId : parent.CloudPageId)
                    : null;
                return pair.Status == StatePairStatus.Active && page.Status == PageStatus.Current && !page.Archived &&
                       page.Unreadable is null && page.Restrictions is not { IsEmpty: false } && page.Container is null &&
                       page.Version == (onDc ? pair.DataCenterVersion : pair.CloudVersion) &&
                       page.BodyHash == pair.BaseHash && page.Title == pair.Title && page.ParentId == recordedParent;
            }

            // ---- executing --------------------------------------------------------------------------------

            private async Task<SyncActionOutcome> ExecuteOneAsync(SyncAction action, CancellationToken ct)
            {
                var outcome = await ExecuteActionAsync(action, ct).ConfigureAwait(false);
                return outcome.Outcome == ActionOutcomeKind.Failed
                    ? await ArchivedInsteadAsync(outcome, ct).ConfigureAwait(false) ?? outcome
                    : outcome;
            }

            private async Task<SyncActionOutcome> ExecuteActionAsync(SyncAction action, CancellationToken ct)
            {
                var unmet = action.DependsOn.FirstOrDefault(d => !_done.TryGetValue(d, out var o) || o != ActionOutcomeKind.Done);
                if (unmet != 0)
                {
                    MarkIncomplete(action);
                    return new SyncActionOutcome(action, ActionOutcomeKind.Skipped, _round > 1 && !_done.ContainsKey(unmet)
                        ? $"not done: it depends on action #{unmet} of the re-plan, which is not one of the pages planned anew; left for the next run"
                        : $"not done: action #{unmet} it depends on was not done");
                }

                try
                {
                    switch (action.Kind)
                    {
                        case SyncActionKind.Create: return await CreateAsync(action, ct).ConfigureAwait(false);
                        case SyncActionKind.Update: return await UpdateAsync(action, ct).ConfigureAwait(false);
                        case SyncActionKind.Trash: return await TrashAsync(action, ct).ConfigureAwait(false);
                        case SyncActionKind.Restore: return await RestoreAsync(action, ct).ConfigureAwait(false);
                        case SyncActionKind.Adopt: return await AdoptAsync(action, ct).ConfigureAwait(false);
                        case SyncActionKind.Labels: return await LabelsAsync(action, ct).ConfigureAwait(false);
                        case SyncActionKind.UploadAttachment:
                        case SyncActionKind.DeleteAttachment:
                        case SyncActionKind.RecordAttachment: return await AttachmentAsync(action, ct).ConfigureAwait(false);
                        case SyncActionKind.Restrict: return await RestrictAsync(action, ct).ConfigureAwait(false);
                        default:
                            ProgressOf(action.PairKey!);
                            return new SyncActionOutcome(action, ActionOutcomeKind.Done, action.Reason);
                    }
                }
                catch (SiteException e) when (e.Kind == SiteErrorKind.Conflict)
                {
                    MarkIncomplete(action);
                    return new SyncActionOutcome(action, ActionOutcomeKind.Skipped,
                        $"\"{action.Title}\" changed on {action.Target.Label()} during the run" +
                        (e.CurrentVersion is int v ? $" (now version {v})" : "") + "; " + MetConcurrentEdit(action));
                }
                catch (UnreadableBodyException e)
                {
                    MarkIncomplete(action);
                    return new SyncActionOutcome(action, ActionOutcomeKind.Failed, e.Message);
                }
                catch (SiteException e)
                {
                    MarkIncomplete(action);
                    return new SyncActionOutcome(action, ActionOutcomeKind.Failed, $"\"{action.Title}\" on {action.Target.Label()}: {e.Message}" +
                        (CloudEditorLimits.IsRefusal(e.ServerMessage) ? LeftForNextRun(action) : ""));
                }
            }

            /// <summary>A body Cloud refused to convert: nothing was written, so the page is planned again until its source changes.</summary>
            private static string LeftForNextRun(SyncAction action) =>
                $" {action.Source.Label()} page {action.SourceId ?? action.PairKey} is left as it is and is tried again by the next run; " +
                $"change that part on {action.Source.Label()} to let the page cross.";

            /// <summary>Notes the page for the re-plan (first round only) and says what happens to it.</summary>
            private string MetConcurrentEdit(SyncAction action)
            {
                if (_savedPlan != null) return SavedPlanConcurrentEdit(); // ---- saved plans
                if (_round > 1 || action.PairKey is null)
                {
                    return _round > 1 ? "edited again during the re-plan: left for the next run" : "planned again next run";
                }

                _metConcurrentEdit.Add(action.PairKey);
                return "read again and planned anew in this run";
            }

            private void MarkIncomplete(SyncAction action)
            {
                if (action.PairKey != null && action.Kind != SyncActionKind.Create) ProgressOf(action.PairKey).Incomplete = true;
            }

            private string? ParentIdOnTarget(ParentRef parent) =>
                parent.TargetId ?? (parent.CreatedByAction is int a ? _createdIds[a] : null);

            private async Task<SyncActionOutcome> CreateAsync(SyncAction action, CancellationToken ct)
            {
                var source = SnapshotOf(action.Source);
                var target = SnapshotOf(action.Target);
                var sourcePage = source.Snapshot.Pages[action.SourceId!];
                var body = await source.LoadBodyAsync(sourcePage.Id, ct).ConfigureAwait(false);
                var parentId = ParentIdOnTarget(action.Parent ?? ParentRef.TopLevel);
                var written = await CrossAsync(action, body, ct).ConfigureAwait(false);
                var intent = _state.RecordCreateIntent(new CreateIntent
                {
                    SpaceKey = _space.Key,
                    SourceSide = RunSupport.KindOf(action.Source),
                    SourcePageId = sourcePage.Id,
                    Title = action.Title,
                    TargetParentId = parentId,
                    RunId = _runId,
                });

                SitePage created;
                try
                {
                    created = await CreateWithRestrictionsAsync(action, target.Space, parentId, written, ct).ConfigureAwait(false);
                }
                catch (SiteException e) when (e.Kind == SiteErrorKind.OutcomeUnknown)
                {
                    // The intent stays: the next run looks for the page and adopts it if the POST took effect.
                    return new SyncActionOutcome(action, ActionOutcomeKind.Failed,
                        $"creating \"{action.Title}\" on {action.Target.Label()}: the answer was lost; the next run adopts the page if it was created");
                }
                catch (SiteException e) when (e.Kind == SiteErrorKind.BadRequest && !CloudEditorLimits.IsRefusal(e.ServerMessage))
                {
                    _state.RemoveCreateIntent(intent.Id); // refused for sure: nothing to adopt
                    var collision = await TitleTakenAsync(action, e, sourcePage, body, parentId, ct).ConfigureAwait(false);
                    if (collision is null) throw;
                    return collision;
                }
                catch (SiteException)
                {
                    _state.RemoveCreateIntent(intent.Id); // refused for sure: nothing to adopt
                    throw;
                }
                catch (OperationCanceledException)
                {
                    // Whether the POST arrived is unknown: keep the intent for the next run.
                    throw;
                }

                _createdIds[action.Id] = created.Id;
                var toDc = action.Target == SyncSide.DataCenter;
                var previous = action.PairKey != null ? PairOfPage(SyncSide.DataCenter, action.PairKey) : null;
                // A page created again after a purge keeps its pair (updated in place with the new page id): child
                // pairs still point at it, and its history stays one line of records.
                var pair = new PairRecord
                {
                    Id = previous?.Id ?? 0,
                    SpaceKey = _space.Key,
                    DataCenterPageId = toDc ? created.Id : sourcePage.Id,
                    CloudPageId = toDc ? sourcePage.Id : created.Id,
                    DataCenterVersion = toDc ? created.Version.Number : sourcePage.Version,
                    CloudVersion = toDc ? sourcePage.Version : created.Version.Number,
                    ParentPairId = PairOfPage(action.Target, parentId)?.Id,
                    Title = action.Title,
                    BaseBody = SnapshotReader.NormalizedOrRaw(toDc ? written : body),
                    BaseHash = sourcePage.BodyHash,
                    Status = StatePairStatus.Active,
                };
                if (previous != null) Forget(previous);
                var stored = _state.RecordPageOutcome(new PageOutcome
                {
                    Pair = pair,
                    CompletedIntentId = intent.Id,
                    History = new[]
                    {
                        History("create-" + SideWord(action.Target), pair.DataCenterPageId, pair.CloudPageId, action.Title,
                            toDc ? null : sourcePage.Version, pair.DataCenterVersion, toDc ? sourcePage.Version : (int?)null, pair.CloudVersion, action.Reason),
                    },
                })!;
                Remember(stored);
                return new SyncActionOutcome(action, ActionOutcomeKind.Done, $"created \"{action.Title}\" on {action.Target.Label()} as page {created.Id}")
                {
                    CreatedPageId = created.Id,
                };
            }

            /// <summary>
            /// A create the target refused (400). When the title is taken there (a page the run's read did not show: a change
            /// query lists only what changed) the page holding it is looked up: unpaired with the same content → paired, as
            /// the create would have left them; otherwise the page is reported with what to do (Skipped: the run goes on and
            /// does not fail). Both pages are read again by the next run, so the report stays until it is resolved.
            /// Null: another refusal, which fails the action as before.
            /// </summary>
            private async Task<SyncActionOutcome?> TitleTakenAsync(SyncAction action, SiteException refusal, PageSnapshot sourcePage, string body,
                string? parentId, CancellationToken ct)
            {
                var site = SiteOf(action.Target);
                var space = SnapshotOf(action.Target).Space;
                var saysTaken = SaysTitleTaken(refusal);
                var namesake = await site.FindPageByTitleAsync(space, action.Title, ct).ConfigureAwait(false);
                if (namesake is null && saysTaken)
                {
                    // A site whose title filter minds case misses "Glossary" for "glossary": the structural listing does not.
                    var listing = site.ListPages(space, withBodies: false, includeTrashed: false);
                    while (namesake is null && await listing.MoveNextAsync(ct).ConfigureAwait(false))
                    {
                        var listed = listing.Current;
                        if (listed.Status == SitePageStatus.Current && string.Equals(listed.Title, action.Title, StringComparison.OrdinalIgnoreCase))
                        {
                            namesake = await site.GetPageAsync(listed.Id, ct).ConfigureAwait(false);
                        }
                    }
                }

                if (namesake is null && !saysTaken) return null;
                var here = $"\"{action.Title}\" was not created on {action.Target.Label()}";
                _collisionPages.Add(new UnsettledPage(RunSupport.KindOf(action.Source), sourcePage.Id));
                if (namesake is null)
                {
                    return new SyncActionOutcome(action, ActionOutcomeKind.Skipped,
                        $"{here}: {action.Target.Label()} says a page with this title already exists in the space, but this account cannot see it " +
                        $"(restricted?). Rename the page on {action.Source.Label()}, or give the account access to the other page; the next run tries again.");
                }

                _collisionPages.Add(new UnsettledPage(RunSupport.KindOf(action.Target), namesake.Id));
                var paired = PairOfPage(action.Target, namesake.Id);
                if (paired != null)
                {
                    var twin = action.Source == SyncSide.DataCenter ? paired.DataCenterPageId : paired.CloudPageId;
                    return new SyncActionOutcome(action, ActionOutcomeKind.Skipped,
                        $"{here}: page {namesake.Id} \"{namesake.Title}\" there holds the title and is paired with {action.Source.Label()} page {twin}. " +
                        "Rename one of them; the next run tries again.");
                }

                if (!ScopeFilter.For(_space).IsEverything)
                {
                    // The page found by title may lie outside the scope's filters, which this read cannot judge (no path).
                    return new SyncActionOutcome(action, ActionOutcomeKind.Skipped,
                        $"{here}: page {namesake.Id} \"{namesake.Title}\" there already has this title and is not paired. The space has " +
                        "scope filters, so it is not paired by title here: run Invoke-SpaceSync -Full, which judges its place in the scope.");
                }

                var sameContent = await SnapshotReader.CanonicalHashAsync(namesake.Body ?? "", action.Target, namesake.Id, Translator, _log, ct)
                    .ConfigureAwait(false) == sourcePage.BodyHash;
                if (!sameContent)
                {
                    return new SyncActionOutcome(action, ActionOutcomeKind.Skipped,
                        $"{here}: page {namesake.Id} \"{namesake.Title}\" there already has this title (Confluence keeps titles unique in a space), " +
                        "is not paired, and its content differs. Make the content equal (the next run pairs them), rename one of them " +
                        "(the next run copies both), or pair them with Start-SpaceBaseline -IdMapPath.");
                }

                return AdoptExisting(action, sourcePage, namesake, await DataCenterDialectAsync(body, action.Source, ct).ConfigureAwait(false), parentId);
            }

            /// <summary>Pages the plan could not copy because their title is taken on the other site: each run says so until resolved.</summary>
            private void WarnOfTitleCollisions(SyncPlan plan)
            {
                foreach (var item in plan.Items.Where(i => i.Action == SyncPlanner.TitleCollision))
                {
                    foreach (var warning in PageWarning.Of(item, PageWarningKind.TitleCollision))
                        _log.WarnOfPage(warning, "{Space:l}: {Warning:l}", _space.Key, warning.Message);
                }
            }

            /// <summary>Confluence's answer to a taken title (Cloud and Data Center: "A page with this title already exists: ...").</summary>
            private static bool SaysTitleTaken(SiteException refusal) =>
                (refusal.ServerMessage ?? refusal.Message).IndexOf("title already exists", StringComparison.OrdinalIgnoreCase) >= 0;

            /// <summary>
            /// Pairs the source page with the target's page of the same title and content instead of creating it. The base is
            /// what the create would have made; a title (case) or place the existing page has otherwise is then its change
            /// since, which the next run carries to the new page — the page that was there first keeps its name and place.
            /// </summary>
            private SyncActionOutcome AdoptExisting(SyncAction action, PageSnapshot sourcePage, SitePage namesake, string body, string? parentId)
            {
                var toDc = action.Target == SyncSide.DataCenter;
                var previous = action.PairKey != null ? PairOfPage(SyncSide.DataCenter, action.PairKey) : null;
                var pair = new PairRecord
                {
                    Id = previous?.Id ?? 0, // created again after a purge: the pair is kept, with the page found
                    SpaceKey = _space.Key,
                    DataCenterPageId = toDc ? namesake.Id : sourcePage.Id,
                    CloudPageId = toDc ? sourcePage.Id : namesake.Id,
                    DataCenterVersion = toDc ? namesake.Version.Number : sourcePage.Version,
                    CloudVersion = toDc ? sourcePage.Version : namesake.Version.Number,
                    ParentPairId = PairOfPage(action.Target, parentId)?.Id,
                    Title = action.Title,
                    BaseBody = SnapshotReader.NormalizedOrRaw(body),
                    BaseHash = sourcePage.BodyHash,
                    Status = StatePairStatus.Active,
                };
                var differs = new List<string>();
                if (!string.Equals(namesake.Title, action.Title, StringComparison.Ordinal)) differs.Add($"its title there is \"{namesake.Title}\"");
                if (namesake.ParentId != parentId) differs.Add("it sits elsewhere in the tree there");
                var message = $"paired \"{action.Title}\" with {action.Target.Label()} page {namesake.Id}, which already had this title and the same content: not created again" +
                              (differs.Count > 0 ? $"; {string.Join(" and ", differs)}, which the next run carries to {action.Source.Label()}" : "");
                if (differs.Count == 0)
                {
                    // Nothing left to carry: neither page needs reading again.
                    _collisionPages.RemoveAll(u => u.PageId == sourcePage.Id || u.PageId == namesake.Id);
                }

                if (previous != null) Forget(previous);
                var stored = _state.RecordPageOutcome(new PageOutcome
                {
                    Pair = pair,
                    History = new[]
                    {
                        History("adopt-existing-title", pair.DataCenterPageId, pair.CloudPageId, action.Title,
                            null, pair.DataCenterVersion, null, pair.CloudVersion, message),
                    },
                })!;
                Remember(stored);
                _createdIds[action.Id] = namesake.Id; // children planned below the new page go below this one
                _pairedByTitle++;
                return new SyncActionOutcome(action, ActionOutcomeKind.Done, message);
            }

            private async Task<SyncActionOutcome> UpdateAsync(SyncAction action, CancellationToken ct)
            {
                var progress = ProgressOf(action.PairKey!);
                var target = progress.Side(action.Target);
                var source = progress.Side(action.Source);
                var site = SiteOf(action.Target);
                var before = target.Version;
                var writesContent = action.WritesBody || !string.Equals(action.Title, target.Title, StringComparison.Ordinal);
                string? merged = null;
                if (action.MergesBody) // ---- merge
                {
                    var (body, unchanged, refused) = await MergedBodyAsync(action, progress, ct).ConfigureAwait(false);
                    if (refused != null) return refused;
                    merged = body;
                    writesContent = !unchanged || !string.Equals(action.Title, target.Title, StringComparison.Ordinal);
                }

                if (writesContent)
                {
                    string body;
                    if (merged != null) body = merged; // already in the target's dialect
                    else if (action.WritesBody && !action.MergesBody)
                        body = await CrossAsync(action, await BodyOfAsync(action.Source, source, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                    else body = await BodyOfAsync(action.Target, target, ct).ConfigureAwait(false);
                    // A body from the other site (crossed or merged) replaces the target's: its inline comments keep their anchors.
                    if (merged != null || (action.WritesBody && !action.MergesBody))
                        body = KeepAnchors(action, body, await BodyOfAsync(action.Target, target, ct).ConfigureAwait(false));
                    var page = await site.UpdatePageAsync(target.Id, target.Version, action.Title, body, ct).ConfigureAwait(false);
                    target.Version = page.Version.Number;
                    target.Title = action.Title;
                    target.Body = body;
                }

                var message = writesContent ? $"updated \"{action.Title}\" on {action.Target.Label()}" : $"\"{action.Title}\" on {action.Target.Label()}:";
                if (action.Parent != null)
                {
                    var parentId = ParentIdOnTarget(action.Parent);
                    var moved = parentId is null
                        ? await site.MovePageToTopLevelAsync(target.Id, target.Version, ct).ConfigureAwait(false)
                        : await site.MovePageAsync(target.Id, target.Version, parentId, ct).ConfigureAwait(false);
                    if (moved is null)
                    {
                        // Data Center's REST API has no way to put a page at the top level.
                        progress.Incomplete = true;
                        message += $"; not moved to the top level ({action.Target.Label()}'s REST API cannot do that; move it by hand)";
                        progress.Add(History("update-" + SideWord(action.Target), progress, action, before, message));
                        return new SyncActionOutcome(action, ActionOutcomeKind.Skipped, message);
                    }

                    target.Version = moved.Version.Number;
                    target.ParentId = parentId;
                    message += (writesContent ? "," : "") + (parentId is null ? " moved to the top level" : $" moved below page {parentId}");
                    if (moved.LeftContainer is { } left) message += $", out of Cloud {left.Type} {left.Id}"; // ---- folders
                }

                progress.Add(History("update-" + SideWord(action.Target), progress, action, before, action.Reason));
                return new SyncActionOutcome(action, ActionOutcomeKind.Done, message);
            }

            private async Task<SyncActionOutcome> TrashAsync(SyncAction action, CancellationToken ct)
            {
                var progress = ProgressOf(action.PairKey!);
                var target = progress.Side(action.Target);
                var site = SiteOf(action.Target);
                var now = await site.GetPageAsync(target.Id, ct).ConfigureAwait(false);
                if (now != null && now.Version.Number > (action.TargetVersion ?? target.Version))
                {
                    progress.Incomplete = true;
                    return new SyncActionOutcome(action, ActionOutcomeKind.Skipped,
                        $"\"{action.Title}\" was edited on {action.Target.Label()} (now version {now.Version.Number}) since it was planned: not trashed; " +
                        MetConcurrentEdit(action));
                }

                if (now != null && now.Status != SitePageStatus.Trashed)
                {
                    await site.TrashPageAsync(target.Id, ct).ConfigureAwait(false);
                }

                target.Trashed = true;
                progress.Add(History("trash-" + SideWord(action.Target), progress, action, target.Version, action.Reason));
                return new SyncActionOutcome(action, ActionOutcomeKind.Done, $"trashed \"{action.Title}\" on {action.Target.Label()}");
            }

            private async Task<SyncActionOutcome> RestoreAsync(SyncAction action, CancellationToken ct)
            {
                var progress = ProgressOf(action.PairKey!);
                var target = progress.Side(action.Target);
                var before = target.Version;
                var page = await SiteOf(action.Target).RestorePageAsync(target.Id, target.Version, ct).ConfigureAwait(false);
                target.Version = page.Version.Number;
                target.Trashed = false;
                target.ParentId = page.ParentId;
                progress.Add(History("restore-" + SideWord(action.Target), progress, action, before, action.Reason));
                return new SyncActionOutcome(action, ActionOutcomeKind.Done, $"restored \"{action.Title}\" on {action.Target.Label()}");
            }

            private async Task<SyncActionOutcome> AdoptAsync(SyncAction action, CancellationToken ct)
            {
                var source = SnapshotOf(action.Source).Snapshot.Pages[action.SourceId!];
                var target = SnapshotOf(action.Target).Snapshot.Pages[action.TargetId!];
                var dcPage = action.Source == SyncSide.DataCenter ? source : target;
                var cloudPage = action.Source == SyncSide.DataCenter ? target : source;
                var body = await SnapshotOf(action.Source).LoadBodyAsync(source.Id, ct).ConfigureAwait(false);
                body = await DataCenterDialectAsync(body, action.Source, ct).ConfigureAwait(false);
                var stored = _state.RecordPageOutcome(new PageOutcome
                {
                    Pair = new PairRecord
                    {
                        SpaceKey = _space.Key,
                        DataCenterPageId = dcPage.Id,
                        CloudPageId = cloudPage.Id,
                        DataCenterVersion = dcPage.Version,
                        CloudVersion = cloudPage.Version,
                        ParentPairId = PairOfPage(SyncSide.DataCenter, dcPage.ParentId)?.Id,
                        Title = dcPage.Title,
                        BaseBody = SnapshotReader.NormalizedOrRaw(body),
                        BaseHash = source.BodyHash,
                        Status = StatePairStatus.Active,
                    },
                    History = new[] { History("adopt", dcPage.Id, cloudPage.Id, dcPage.Title, null, dcPage.Version, null, cloudPage.Version, action.Reason) },
                })!;
                Remember(stored);
                return new SyncActionOutcome(action, ActionOutcomeKind.Done, $"paired \"{dcPage.Title}\" (Data Center {dcPage.Id}, Cloud {cloudPage.Id})");
            }

            // ---- one pair's outcome --------------------------------------------------------------------

            private PairProgress ProgressOf(string pairKey)
            {
                if (_progress.TryGetValue(pairKey, out var progress)) return progress;
                var pair = _byDc[pairKey];
                progress = new PairProgress(pair, SideState(_dc, pair), SideState(_cloud, pair));
                _progress[pairKey] = progress;
                return progress;
            }

            private PageProgress SideState(SideSnapshot snapshot, PairRecord pair)
            {
                var side = snapshot.Side;
                var id = side == SyncSide.DataCenter ? pair.DataCenterPageId : pair.CloudPageId;
                if (snapshot.Snapshot.Pages.TryGetValue(id, out var page))
                {
                    return new PageProgress
                    {
                        Id = id,
                        Version = page.Version,
                        Title = page.Title,
                        ParentId = page.ParentId,
                        Body = snapshot.TryGetBody(id, out var body) ? body : null,
                        Trashed = page.Status == PageStatus.Trashed,
                    };
                }

                if (snapshot.Snapshot.IsComplete)
                {
                    return new PageProgress { Id = id, Missing = true, Trashed = true };
                }

                // Not in a change query's answer: as last synced.
                var parent = PairById(pair.ParentPairId);
                return new PageProgress
                {
                    Id = id,
                    Version = side == SyncSide.DataCenter ? pair.DataCenterVersion : pair.CloudVersion,
                    Title = pair.Title,
                    ParentId = parent is null ? null : side == SyncSide.DataCenter ? parent.DataCenterPageId : parent.CloudPageId,
                    Trashed = pair.Status == StatePairStatus.TrashedOnBoth ||
                              pair.Status == (side == SyncSide.DataCenter ? StatePairStatus.TrashedOnDataCenter : StatePairStatus.TrashedOnCloud),
                };
            }

            /// <summary>
            /// An update that carries the other site's body overwrites the target page, whose inline comments keep their anchors
            /// only if its current body is known (<see cref="KeepAnchors"/>). The bodies the run has not read yet are read
            /// here in batches, ceil(n / 50) requests a side, instead of one GET each when written; a single one is left to
            /// its GET (the same cost, and never stale). A body the search returns at another version than planned is left
            /// for the GET too; so is everything when the batch read fails.
            /// </summary>
            private async Task ReadTargetBodiesAsync(IReadOnlyList<SyncAction> actions, SyncSide side, CancellationToken ct)
            {
                var snapshot = SnapshotOf(side);
                var wanted = actions
                    .Where(a => a.Kind == SyncActionKind.Update && a.WritesBody && !a.MergesBody && a.Target == side && a.TargetId != null &&
                                a.TargetVersion != null && !snapshot.TryGetBody(a.TargetId, out _) &&
                                !(a.PairKey != null && _progress.TryGetValue(a.PairKey, out var known) && known.Side(side).Body != null))
                    .GroupBy(a => a.TargetId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().TargetVersion!.Value, StringComparer.Ordinal);
                if (wanted.Count < 2) return;
                try
                {
                    var read = await SiteOf(side).ReadPageBodiesAsync(wanted.Keys.ToList(), ct).ConfigureAwait(false);
                    foreach (var page in read.Values)
                        if (page.Body != null && wanted.TryGetValue(page.Id, out var version) && page.Version.Number == version)
                            snapshot.KeepBody(page.Id, page.Body);
                }
                catch (SiteException e) when (e.Kind != SiteErrorKind.Unauthorized)
                {
                    _log.Debug("{Side}: reading {Count} target bodies in one go failed ({Message}); each is read when written", side.Label(), wanted.Count, e.Message);
                }
            }

            /// <summary>A side's body as the run has it: written, read, or fetched now.</summary>
            private async Task<string> BodyOfAsync(SyncSide side, PageProgress page, CancellationToken ct)
            {
                page.Body ??= await SnapshotOf(side).LoadBodyAsync(page.Id, ct).ConfigureAwait(false);
                return page.Body;
            }

            /// <summary>
            /// Writes the pair once all its actions ran. When one of them did not complete, only the history is written:
            /// the pair keeps its last synced state and the next run plans what is left (our own writes then show as
            /// the same change on both sides).
            /// </summary>
            private void FinishPair(string pairKey)
            {
                var progress = _progress[pairKey];
                progress.Finished = true;
                var old = progress.Pair;
                if (progress.Incomplete)
                {
                    if (progress.History.Count > 0) _state.RecordPageOutcome(new PageOutcome { History = progress.History });
                    return;
                }

                var dc = progress.DataCenter;
                var cloud = progress.Cloud;
                var status = dc.Trashed && cloud.Trashed ? StatePairStatus.TrashedOnBoth
                    : dc.Trashed ? StatePairStatus.TrashedOnDataCenter
                    : cloud.Trashed ? StatePairStatus.TrashedOnCloud
                    : StatePairStatus.Active;
                var pair = old with
                {
                    DataCenterVersion = dc.Missing ? old.DataCenterVersion : dc.Version,
                    CloudVersion = cloud.Missing ? old.CloudVersion : cloud.Version,
                    Status = status,
                };
                if (status == StatePairStatus.Active)
                {
                    pair = pair with
                    {
                        Title = dc.Title,
                        ParentPairId = dc.ParentId is null ? null : PairOfPage(SyncSide.DataCenter, dc.ParentId)?.Id ?? old.ParentPairId,
                        // A body the run neither read nor wrote is the one last synced: the base stays.
                        BaseBody = dc.Body is null ? old.BaseBody : SnapshotReader.NormalizedOrRaw(dc.Body),
                        BaseHash = dc.Body is null ? old.BaseHash : BaseHashOf(dc, old),
                    };
                }

                pair = KeepChangesLeftAlone(pairKey, old, pair); // ---- phases

                var open = _state.GetOpenConflict(old.Id);
                var closing = open != null && status == StatePairStatus.Active ? ClosingText(pairKey, progress) ?? "synced by run " + _runId : null; // ---- conflict resolution
                var stored = _state.RecordPageOutcome(new PageOutcome
                {
                    Pair = pair,
                    ResolvedConflict = closing != null ? new ConflictResolution(open!.Id, closing) : null,
                    History = progress.History,
                })!;
                Remember(stored);
            }

            private void RecordOpenConflicts(IReadOnlyList<DriftItem> conflicts)
            {
                foreach (var item in conflicts)
                {
                    var pair = PairOfPage(SyncSide.DataCenter, item.DataCenterId);
                    if (pair is null) continue;
                    _state.RecordPageOutcome(new PageOutcome
                    {
                        Conflict = new ConflictRecord
                        {
                            PairId = pair.Id,
                            DataCenterVersion = item.DataCenterVersion ?? pair.DataCenterVersion,
                            CloudVersion = item.CloudVersion ?? pair.CloudVersion,
                            BaseDataCenterVersion = pair.DataCenterVersion,
                            BaseCloudVersion = pair.CloudVersion,
                            Reason = string.Join(" ", item.Warnings),
                        },
                        History = new[]
                        {
                            History("conflict", pair.DataCenterPageId, pair.CloudPageId, item.Title, pair.DataCenterVersion, item.DataCenterVersion,
                                pair.CloudVersion, item.CloudVersion, item.Action),
                        },
                    });
                }
            }

            private static string SideWord(SyncSide side) => side == SyncSide.DataCenter ? "datacenter" : "cloud";

            private HistoryEntry History(string what, PairProgress progress, SyncAction action, int before, string message)
            {
                var toDc = action.Target == SyncSide.DataCenter;
                var target = progress.Side(action.Target);
                return History(what, progress.DataCenter.Id, progress.Cloud.Id, action.Title,
                    toDc ? before : (int?)null, toDc ? target.Version : (int?)null,
                    toDc ? (int?)null : before, toDc ? (int?)null : target.Version, message);
            }

            private HistoryEntry History(string what, string? dcId, string? cloudId, string? title, int? dcBefore, int? dcAfter,
                int? cloudBefore, int? cloudAfter, string message) => new HistoryEntry
            {
                RunId = _runId,
                SpaceKey = _space.Key,
                DataCenterPageId = dcId,
                CloudPageId = cloudId,
                Title = title,
                Action = what,
                DataCenterVersionBefore = dcBefore,
                DataCenterVersionAfter = dcAfter,
                CloudVersionBefore = cloudBefore,
                CloudVersionAfter = cloudAfter,
                Message = message,
            };
        }

        /// <summary>One side of a pair as this run has left it so far.</summary>
        private sealed class PageProgress
        {
            public string Id = "";
            public int Version;
            public string Title = "";
            public string? ParentId;
            /// <summary>Null until read or written (a page not read in this run is as last synced).</summary>
            public string? Body;
            public bool Trashed;
            public bool Missing;
        }

        private sealed class PairProgress
        {
            public PairProgress(PairRecord pair, PageProgress dataCenter, PageProgress cloud)
            {
                Pair = pair;
                DataCenter = dataCenter;
                Cloud = cloud;
            }

            public PairRecord Pair { get; }
            public PageProgress DataCenter { get; }
            public PageProgress Cloud { get; }
            public bool Incomplete { get; set; }
            /// <summary>Its outcome (or, for a run that stopped, its history) has been written.</summary>
            public bool Finished { get; set; }
            public List<HistoryEntry> History { get; } = new List<HistoryEntry>();

            public PageProgress Side(SyncSide side) => side == SyncSide.DataCenter ? DataCenter : Cloud;

            public void Add(HistoryEntry entry) => History.Add(entry);
        }
    }
}
