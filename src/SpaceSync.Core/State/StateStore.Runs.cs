using System;
using System.Data.Common;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace SpaceSync.Core.State
{
    // Runs and history: the audit trail Get-SyncHistory reads.
    public sealed partial class StateStore
    {
        private const string RunColumns = "run_id, space_key, kind, started_at, finished_at, outcome, counts_json, requests";

        private const string HistoryColumns =
            "history_id, run_id, at, space_key, dc_page_id, cloud_page_id, title, action, dc_version_before, dc_version_after, " +
            "cloud_version_before, cloud_version_after, message";

        /// <summary>Records the start of a run; finish it with <see cref="FinishRun"/>. A run left unfinished died.</summary>
        public RunRecord StartRun(string spaceKey, RunKind kind)
        {
            Require(spaceKey, nameof(spaceKey));
            var now = Now();
            var id = InTransaction($"starting a run of {spaceKey}", () => Scalar<long>(
                "INSERT INTO runs (space_key, kind, started_at) VALUES (@key, @kind, @started) RETURNING run_id",
                ("@key", spaceKey), ("@kind", StateText.Kind[kind]), ("@started", StateText.Time(now))), fenced: false);
            return new RunRecord { Id = id, SpaceKey = spaceKey, Kind = kind, StartedAt = now };
        }

        /// <summary>
        /// Closes a run and, in the same transaction, stamps the space's last run and advances its change-query
        /// marks when <paramref name="advanceMarks"/> is given (only a run that saw every change should pass them).
        /// </summary>
        /// <remarks>
        /// Under a run's lock (<see cref="Fence"/>) that the run has lost, the run's own row is still closed, as Failed: no other
        /// run writes that row, and without it the run would look as if it still went on. The space's row (last run, marks) is
        /// left to the run now holding the space, and <see cref="StateErrorKind.LockLost"/> is thrown once the row is closed.
        /// </remarks>
        public RunRecord FinishRun(long runId, RunOutcome outcome, IReadOnlyDictionary<string, int> counts, int requests,
            ChangeMarks? advanceMarks = null)
        {
            var now = Now();
            // Sorted keys: the same counts always give the same text.
            var countsCopy = counts.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
            var countsJson = JsonSerializer.Serialize(new SortedDictionary<string, int>(countsCopy, StringComparer.Ordinal));
            var lost = false;
            var finished = InTransaction($"finishing run {runId}", () =>
            {
                var run = GetRun(runId)
                    ?? throw new StateStoreException(StateErrorKind.NotFound, $"There is no run {runId} in {Named}.");
                if (run.FinishedAt != null)
                    throw new InvalidOperationException($"Run {runId} already finished at {run.FinishedAt:u} ({run.Outcome}).");
                lost = !FenceHolds();
                if (lost) outcome = RunOutcome.Failed;
                Execute("UPDATE runs SET finished_at = @finished, outcome = @outcome, counts_json = @counts, requests = @requests WHERE run_id = @id",
                    ("@finished", StateText.Time(now)), ("@outcome", StateText.Outcome[outcome]), ("@counts", countsJson),
                    ("@requests", requests), ("@id", runId));
                if (lost)
                    return run with { FinishedAt = now, Outcome = outcome, Counts = countsCopy, Requests = requests };
                Execute(
                    @"UPDATE spaces SET last_run_id = @id, last_run_at = @finished,
                          dc_changes_since = coalesce(@dcSince, dc_changes_since),
                          cloud_changes_since = coalesce(@cloudSince, cloud_changes_since)
                      WHERE space_key = @key",
                    ("@id", runId), ("@finished", StateText.Time(now)), ("@key", run.SpaceKey),
                    ("@dcSince", StateText.TimeOrNull(advanceMarks?.DataCenter)),
                    ("@cloudSince", StateText.TimeOrNull(advanceMarks?.Cloud)));
                if (advanceMarks != null) WriteReadMarks(run.SpaceKey, advanceMarks);
                return run with { FinishedAt = now, Outcome = outcome, Counts = countsCopy, Requests = requests };
            }, fenced: false);
            if (lost)
                CheckFence($"the end of run {runId} beyond its own row (the space's last run and marks)");
            return finished;
        }

        public RunRecord? GetRun(long runId) =>
            QuerySingle($"SELECT {RunColumns} FROM runs WHERE run_id = @id", ReadRun, ("@id", runId));

        /// <summary>The space's runs, oldest first; <paramref name="newest"/> keeps only the last N (still oldest first).</summary>
        public IReadOnlyList<RunRecord> ListRuns(string spaceKey, int? newest = null) =>
            Query($@"SELECT * FROM (SELECT {RunColumns} FROM runs WHERE space_key = @key ORDER BY run_id DESC LIMIT @limit) AS newest
                     ORDER BY run_id", ReadRun, ("@key", spaceKey), ("@limit", (long?)newest ?? long.MaxValue));

        /// <summary>Adds one history row on its own (page outcomes add theirs through <see cref="RecordPageOutcome"/>).</summary>
        public HistoryEntry AddHistory(HistoryEntry entry) =>
            InTransaction($"adding history '{entry.Action}'", () => AddHistoryCore(entry));

        /// <summary>
        /// The space's history, oldest first, optionally of one run; <paramref name="newest"/> keeps only the last N
        /// entries (still oldest first).
        /// </summary>
        public IReadOnlyList<HistoryEntry> ListHistory(string spaceKey, long? runId = null, int? newest = null) =>
            // CAST: PostgreSQL cannot type a parameter that is only tested for NULL (SQLite needs no type).
            Query($@"SELECT * FROM (SELECT {HistoryColumns} FROM history
                         WHERE space_key = @key AND (CAST(@run AS BIGINT) IS NULL OR run_id = @run)
                         ORDER BY history_id DESC LIMIT @limit) AS newest
                     ORDER BY history_id", ReadHistory, ("@key", spaceKey), ("@run", runId), ("@limit", (long?)newest ?? long.MaxValue));

        private HistoryEntry AddHistoryCore(HistoryEntry entry)
        {
            Require(entry.SpaceKey, nameof(entry.SpaceKey));
            Require(entry.Action, nameof(entry.Action));
            var now = Now();
            var id = Scalar<long>(
                $@"INSERT INTO history ({WithoutId(HistoryColumns)})
                   VALUES (@run, @at, @key, @dcPage, @cloudPage, @title, @action, @dcBefore, @dcAfter, @cloudBefore, @cloudAfter, @message)
                   RETURNING history_id",
                ("@run", entry.RunId), ("@at", StateText.Time(now)), ("@key", entry.SpaceKey),
                ("@dcPage", entry.DataCenterPageId), ("@cloudPage", entry.CloudPageId), ("@title", entry.Title),
                ("@action", entry.Action), ("@dcBefore", entry.DataCenterVersionBefore), ("@dcAfter", entry.DataCenterVersionAfter),
                ("@cloudBefore", entry.CloudVersionBefore), ("@cloudAfter", entry.CloudVersionAfter), ("@message", entry.Message));
            return entry with { Id = id, At = now };
        }

        private static RunRecord ReadRun(DbDataReader r) => new RunRecord
        {
            Id = r.GetInt64(0),
            SpaceKey = r.GetString(1),
            Kind = StateText.Kind.Parse(r.GetString(2)),
            StartedAt = StateText.ParseTime(r.GetString(3)),
            FinishedAt = Time(r, 4),
            Outcome = Text(r, 5) is { } outcome ? StateText.Outcome.Parse(outcome) : null,
            Counts = Text(r, 6) is { } json
                ? JsonSerializer.Deserialize<Dictionary<string, int>>(json) ?? new Dictionary<string, int>()
                : new Dictionary<string, int>(),
            Requests = Int(r, 7),
        };

        private static HistoryEntry ReadHistory(DbDataReader r) => new HistoryEntry
        {
            Id = r.GetInt64(0),
            RunId = Long(r, 1),
            At = StateText.ParseTime(r.GetString(2)),
            SpaceKey = r.GetString(3),
            DataCenterPageId = Text(r, 4),
            CloudPageId = Text(r, 5),
            Title = Text(r, 6),
            Action = r.GetString(7),
            DataCenterVersionBefore = Int(r, 8),
            DataCenterVersionAfter = Int(r, 9),
            CloudVersionBefore = Int(r, 10),
            CloudVersionAfter = Int(r, 11),
            Message = Text(r, 12),
        };
    }
}
