using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// What may make a sync run count as failed for the caller (Invoke-SpaceSync -FailOn): a runbook needs a non-zero
    /// exit code to be marked failed, while the run's results are still written.
    /// </summary>
    [Flags]
    public enum RunFailureCondition
    {
        /// <summary>Never fail: the results say what happened (the default).</summary>
        None = 0,
        /// <summary>The space has open conflicts after the run: recorded in the state and not resolved, whichever run found them.</summary>
        Conflict = 1,
        /// <summary>
        /// The run did not do all it was asked: an action failed, the space could not be run at all (no baseline,
        /// locked by another run, a site unreachable or refusing the credentials), or a guard refused the run
        /// (maxDeletePercent, an empty listing).
        /// </summary>
        Error = 2,
    }

    /// <summary>What one space's run left, as far as <see cref="RunFailure"/> is concerned.</summary>
    public sealed record SpaceRunSummary
    {
        public string SpaceKey { get; init; } = "";
        /// <summary>Open conflicts of the space in the state after the run (earlier runs' unresolved ones included).</summary>
        public int OpenConflicts { get; init; }
        /// <summary>Actions (or comment writes) that failed.</summary>
        public int FailedActions { get; init; }
        /// <summary>The code of the guard that refused the run (e.g. DeleteGuard); null when it ran.</summary>
        public string? RefusalCode { get; init; }
        /// <summary>The ErrorId of the error that stopped the space's run before it finished (e.g. SpaceLocked); null when none did.</summary>
        public string? RunErrorId { get; init; }

        /// <summary>The summary of a run that finished (or was refused), given the state's open conflicts of its space afterwards.</summary>
        public static SpaceRunSummary Of(SyncRunResult result, int openConflicts)
        {
            if (result is null) throw new ArgumentNullException(nameof(result));
            return new SpaceRunSummary
            {
                SpaceKey = result.SpaceKey,
                OpenConflicts = openConflicts,
                FailedActions = result.Errors.Count,
                RefusalCode = result.Refusal?.Code,
            };
        }

        internal bool HasErrors => FailedActions > 0 || RefusalCode != null || RunErrorId != null;
    }

    /// <summary>
    /// The decision behind Invoke-SpaceSync -FailOn: given the conditions asked for and what each space's run left,
    /// the one error that ends the command, or none. Errors outrank conflicts in the ErrorId (a run that could not
    /// do its work is the more urgent news); the message names every condition that held, space by space.
    /// </summary>
    public sealed record RunFailure
    {
        public const string RunErrorsId = "SpaceSync.RunErrors";
        public const string ConflictsOpenId = "SpaceSync.ConflictsOpen";

        /// <summary><see cref="RunErrorsId"/> or <see cref="ConflictsOpenId"/>.</summary>
        public string ErrorId { get; init; } = "";
        /// <summary>The conditions asked for that held (both when both did).</summary>
        public RunFailureCondition Conditions { get; init; }
        /// <summary>The spaces for which a condition held, in run order, each once.</summary>
        public IReadOnlyList<string> SpaceKeys { get; init; } = Array.Empty<string>();
        public string Message { get; init; } = "";

        /// <summary>The conditions of a -FailOn list (an empty list or None alone: none).</summary>
        public static RunFailureCondition Combine(IEnumerable<RunFailureCondition>? conditions) =>
            conditions?.Aggregate(RunFailureCondition.None, (all, one) => all | one) ?? RunFailureCondition.None;

        /// <summary>The failure to report, or null when none of <paramref name="failOn"/> holds for any space.</summary>
        public static RunFailure? Evaluate(RunFailureCondition failOn, IEnumerable<SpaceRunSummary> runs)
        {
            if (runs is null) throw new ArgumentNullException(nameof(runs));
            // A space may run in several parts (pages, blog posts): judge it as one, in the order its runs came.
            var spaces = runs.GroupBy(r => r.SpaceKey, StringComparer.OrdinalIgnoreCase).Select(g => new
            {
                Key = g.First().SpaceKey,
                Conflicts = g.Max(r => r.OpenConflicts), // each part reads the same state table: the space's count, not a sum
                Failed = g.Sum(r => r.FailedActions),
                Refusals = g.Where(r => r.RefusalCode != null).Select(r => r.RefusalCode!).Distinct().ToList(),
                RunErrors = g.Where(r => r.RunErrorId != null).Select(r => r.RunErrorId!).Distinct().ToList(),
            }).ToList();

            var problems = new List<(string Key, string Text)>();
            var held = RunFailureCondition.None;
            if ((failOn & RunFailureCondition.Error) != 0)
            {
                foreach (var space in spaces)
                {
                    var parts = new List<string>();
                    if (space.RunErrors.Count > 0) parts.Add("stopped by " + string.Join(", ", space.RunErrors));
                    if (space.Refusals.Count > 0) parts.Add("refused (" + string.Join(", ", space.Refusals) + ")");
                    if (space.Failed > 0) parts.Add(space.Failed == 1 ? "1 failed action" : $"{space.Failed} failed actions");
                    if (parts.Count == 0) continue;
                    held |= RunFailureCondition.Error;
                    problems.Add((space.Key, string.Join(", ", parts)));
                }
            }

            if ((failOn & RunFailureCondition.Conflict) != 0)
            {
                foreach (var space in spaces.Where(s => s.Conflicts > 0))
                {
                    held |= RunFailureCondition.Conflict;
                    problems.Add((space.Key, space.Conflicts == 1 ? "1 open conflict" : $"{space.Conflicts} open conflicts"));
                }
            }

            if (held == RunFailureCondition.None)
            {
                return null;
            }

            var keys = spaces.Select(s => s.Key).Where(k => problems.Any(p => p.Key == k)).ToList();
            var details = keys.Select(k => $"{k}: {string.Join("; ", problems.Where(p => p.Key == k).Select(p => p.Text))}");
            var what = held == (RunFailureCondition.Error | RunFailureCondition.Conflict) ? "errors and open conflicts"
                : held == RunFailureCondition.Error ? "errors" : "open conflicts";
            var errorId = (held & RunFailureCondition.Error) != 0 ? RunErrorsId : ConflictsOpenId;
            return new RunFailure
            {
                ErrorId = errorId,
                Conditions = held,
                SpaceKeys = keys,
                // The id leads the message: job logs (Azure Automation, scheduled tasks) show messages, not ErrorIds.
                Message = $"{errorId}: the sync left {what} (-FailOn {Describe(failOn)}) in {keys.Count} space(s): {string.Join(" | ", details)}." +
                    ((held & RunFailureCondition.Conflict) != 0 ? " Get-SyncConflict lists them; Resolve-SyncConflict settles them." : "") +
                    ((held & RunFailureCondition.Error) != 0 ? " The run results and the warnings above say what failed." : ""),
            };
        }

        private static string Describe(RunFailureCondition failOn) =>
            string.Join(",", new[] { RunFailureCondition.Conflict, RunFailureCondition.Error }.Where(c => (failOn & c) != 0));
    }
}
