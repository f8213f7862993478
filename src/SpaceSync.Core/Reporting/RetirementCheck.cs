using System.Collections.Generic;

namespace SpaceSync.Core.Reporting
{
    /// <summary>
    /// Whether a space may leave sync without -Force (Remove-SyncedSpace): only when nothing would be lost — the sites
    /// agree, no conflict waits for a person, and no interrupted run left a create half done.
    /// </summary>
    public static class RetirementCheck
    {
        /// <summary>
        /// Why <paramref name="spaceKey"/> must not be retired now, or null when it may. State-only steps do not block:
        /// they change no page, the two sites already agree on them.
        /// </summary>
        /// <param name="pending">What a sync would do now (from the plan).</param>
        /// <param name="openConflicts">Conflicts the state records as open.</param>
        /// <param name="createIntents">Create intents left by an interrupted run.</param>
        public static string? Refusal(string spaceKey, PendingChanges pending, int openConflicts, int createIntents)
        {
            if (pending is null) throw new System.ArgumentNullException(nameof(pending));
            if (pending.SitesAgree && openConflicts == 0 && createIntents == 0)
            {
                return null;
            }

            var reasons = new List<string>();
            if (pending.ToCloud > 0 || pending.ToDataCenter > 0)
            {
                reasons.Add($"a sync would still write {pending.ToCloud} toward Cloud and {pending.ToDataCenter} toward Data Center");
            }

            if (pending.Conflicts > 0 || openConflicts > 0)
            {
                var conflicts = System.Math.Max(pending.Conflicts, openConflicts);
                reasons.Add((conflicts == 1 ? "1 page changed on both sides awaits" : $"{conflicts} pages changed on both sides await") +
                            $" a decision ({openConflicts} open in the state)");
            }

            if (createIntents > 0)
            {
                reasons.Add($"an interrupted run left {PendingChanges.Plural(createIntents, "page create")} unfinished");
            }

            var first = pending.Conflicts > 0 || openConflicts > 0 ? "Run Invoke-SpaceSync and settle the conflicts first" : "Run Invoke-SpaceSync first";
            return $"Space {spaceKey} has pending changes: {string.Join("; ", reasons)}. " +
                   $"{first}, or use -Force to retire it anyway; its state is archived either way.";
        }
    }
}
