using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
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
        public int Unpaired { get; init; }
        /// <summary>Differing pairs the authority's content was written over.</summary>
        public int Updated { get; init; }
        /// <summary>Differing pairs recorded as open conflicts (no authority, or the write failed).</summary>
        public int Conflicts { get; init; }
        public IReadOnlyList<string> Errors { get; init; } = Array.Empty<string>();
        /// <summary>HTTP requests both sites sent during the baseline.</summary>
        public long Requests { get; init; }
        public TimeSpan Duration { get; init; }
    }

    /// <summary>Start-SpaceBaseline: pairs a space's pages by path and records the pairs as the first synced state.</summary>
    public static class BaselineRunner
    {
        public static async Task<BaselineResult> RunAsync(IConfluenceSite dataCenter, IConfluenceSite cloud, StateStore state,
            ResolvedSpace space, SyncSide? authority, bool force, bool whatIf, EngineLog log, CancellationToken cancellationToken)
        {
            if (dataCenter is null) throw new ArgumentNullException(nameof(dataCenter));
            if (cloud is null) throw new ArgumentNullException(nameof(cloud));
            if (state is null) throw new ArgumentNullException(nameof(state));
            if (space is null) throw new ArgumentNullException(nameof(space));
            log ??= EngineLog.None;
            var started = DateTimeOffset.UtcNow;
            var requestsBefore = RunSupport.RequestsOf(dataCenter, cloud);

            var existing = state.ListPairs(space.Key);
            if (existing.Count > 0 && !force && !whatIf)
            {
                throw new SyncRunException(SyncRunException.BaselineExists,
                    $"Space '{space.Key}' already has a baseline ({existing.Count} pairs); use -Force to replace it.");
            }

            var (dcSpace, cloudSpace) = await RunSupport.FindSpacesAsync(dataCenter, cloud, space, cancellationToken).ConfigureAwait(false);
            var dc = await SnapshotReader.ReadAsync(dataCenter, dcSpace, SyncSide.DataCenter, log, cancellationToken).ConfigureAwait(false);
            var cl = await SnapshotReader.ReadAsync(cloud, cloudSpace, SyncSide.Cloud, log, cancellationToken).ConfigureAwait(false);
            var plan = BaselinePlanner.Plan(new BaselineRequest
            {
                SpaceKey = space.Key,
                DataCenter = dc.Snapshot,
                Cloud = cl.Snapshot,
                Authority = authority,
            });
            var unpaired = plan.Items.Count(i => i.Status == DriftStatus.Unpaired);
            if (whatIf)
            {
                return new BaselineResult
                {
                    SpaceKey = space.Key, Plan = plan, WhatIf = true, Unpaired = unpaired,
                    Requests = RunSupport.RequestsOf(dataCenter, cloud) - requestsBefore, Duration = DateTimeOffset.UtcNow - started,
                };
            }

            var owner = RunSupport.TakeLock(state, space.Key);
            RunRecord? run = null;
            var outcome = RunOutcome.Failed;
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var errors = new List<string>();
            int updated = 0, conflicts = 0;
            try
            {
                run = state.StartRun(space.Key, RunKind.Baseline);
                if (existing.Count > 0)
                {
                    log.Information("Replacing the baseline of {Space} ({Pairs} pairs), as -Force asks", space.Key, existing.Count);
                    state.RemoveSpace(space.Key); // pairs, intents and conflicts go with it; runs and history stay
                }

                state.SaveSpace(new SpaceRecord(space.Key, cloudSpace.Key) { BaselineAt = DateTimeOffset.UtcNow });

                var saved = new Dictionary<string, PairRecord>(StringComparer.Ordinal); // by DC page id
                foreach (var pair in plan.Pairs)
                {
                    var body = dc.BodyOf(pair.DataCenter.Id);
                    var parentPairId = pair.DataCenter.ParentId != null && saved.TryGetValue(pair.DataCenter.ParentId, out var parent)
                        ? parent.Id : (long?)null;
                    saved[pair.DataCenter.Id] = state.SavePair(new PairRecord
                    {
                        SpaceKey = space.Key,
                        DataCenterPageId = pair.DataCenter.Id,
                        CloudPageId = pair.Cloud.Id,
                        DataCenterVersion = pair.DataCenter.Version,
                        CloudVersion = pair.Cloud.Version,
                        ParentPairId = parentPairId,
                        Title = pair.DataCenter.Title,
                        BaseBody = SnapshotReader.NormalizedOrRaw(body),
                        BaseHash = pair.DataCenter.BodyHash,
                        Status = StatePairStatus.Active,
                    });
                }

                var written = new HashSet<string>(StringComparer.Ordinal);
                foreach (var action in plan.Actions)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var pair = saved[action.PairKey!];
                    var source = action.Source == SyncSide.DataCenter ? dc : cl;
                    var target = action.Target == SyncSide.DataCenter ? dataCenter : cloud;
                    var body = source.BodyOf(action.SourceId!);
                    try
                    {
                        var page = await target.UpdatePageAsync(action.TargetId!, action.TargetVersion!.Value, action.Title, body, cancellationToken)
                            .ConfigureAwait(false);
                        var toDc = action.Target == SyncSide.DataCenter;
                        saved[action.PairKey!] = state.RecordPageOutcome(new PageOutcome
                        {
                            Pair = pair with
                            {
                                DataCenterVersion = toDc ? page.Version.Number : pair.DataCenterVersion,
                                CloudVersion = toDc ? pair.CloudVersion : page.Version.Number,
                                Title = action.Title,
                                BaseBody = SnapshotReader.NormalizedOrRaw(body),
                                BaseHash = source.Snapshot.Pages[action.SourceId!].BodyHash,
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
                        })!;
                        written.Add(action.PairKey!);
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

                foreach (var pair in plan.Pairs.Where(p => !p.Equal && !written.Contains(p.DataCenter.Id)))
                {
                    var record = saved[pair.DataCenter.Id];
                    state.RecordConflict(new ConflictRecord
                    {
                        PairId = record.Id,
                        DataCenterVersion = record.DataCenterVersion,
                        CloudVersion = record.CloudVersion,
                        BaseDataCenterVersion = record.DataCenterVersion,
                        BaseCloudVersion = record.CloudVersion,
                        Reason = $"\"{pair.Path}\" differs between the sites at the baseline" + (authority is null ? " (no -Authority given)" : ""),
                    });
                    conflicts++;
                }

                counts["pairs"] = saved.Count;
                counts["unpaired"] = unpaired;
                counts["updated"] = updated;
                counts["conflicts"] = conflicts;
                counts["errors"] = errors.Count;
                outcome = RunOutcome.Succeeded;
                return new BaselineResult
                {
                    SpaceKey = space.Key, Plan = plan, RunId = run.Id, PairsRecorded = saved.Count, Unpaired = unpaired,
                    Updated = updated, Conflicts = conflicts, Errors = errors,
                    Requests = RunSupport.RequestsOf(dataCenter, cloud) - requestsBefore, Duration = DateTimeOffset.UtcNow - started,
                };
            }
            catch (OperationCanceledException)
            {
                outcome = RunOutcome.Cancelled;
                throw;
            }
            finally
            {
                try
                {
                    if (run != null)
                    {
                        state.FinishRun(run.Id, outcome, counts, (int)(RunSupport.RequestsOf(dataCenter, cloud) - requestsBefore));
                    }
                }
                finally
                {
                    RunSupport.ReleaseLock(state, space.Key, owner, log);
                }
            }
        }
    }
}
