using System;

namespace SpaceSync.Core.State
{
    // The unit of work of a run: one page's outcome, all or nothing.
    public sealed partial class StateStore
    {
        /// <summary>
        /// Writes everything about one page's outcome in one transaction — pair removal, pair upsert, its base labels, completion of
        /// its create intent, conflict opened or resolved, history rows — so a crash leaves either all of it or none.
        /// Returns the pair as stored (null when the outcome stores none). On any failure nothing is written.
        /// </summary>
        public PairRecord? RecordPageOutcome(PageOutcome outcome) =>
            InTransaction($"recording the outcome of {outcome.Pair?.ToString() ?? "a page"}", () =>
            {
                if (outcome.RemovedPairId is { } removed &&
                    Execute("DELETE FROM pairs WHERE pair_id = @id", ("@id", removed)) == 0)
                    throw new StateStoreException(StateErrorKind.NotFound, $"There is no pair {removed} to remove.");

                var pair = outcome.Pair is { } toSave ? SavePairCore(toSave) : null;

                if (outcome.BaseLabels is { } baseLabels)
                    SetBaseLabelsCore(pair?.Id ?? throw new ArgumentException("The outcome's base labels need the outcome to store a pair.", nameof(outcome)),
                        LabelsJson(baseLabels));

                if (outcome.CompletedIntentId is { } intentId &&
                    Execute("DELETE FROM create_intents WHERE intent_id = @id", ("@id", intentId)) == 0)
                    throw new StateStoreException(StateErrorKind.NotFound,
                        $"There is no create intent {intentId} to complete (another run may have completed it).");

                if (outcome.Conflict is { } conflict)
                {
                    var pairId = conflict.PairId != 0 ? conflict.PairId
                        : pair?.Id ?? throw new ArgumentException("The outcome's conflict names no pair and the outcome stores none.", nameof(outcome));
                    RecordConflictCore(conflict with { PairId = pairId });
                }

                if (outcome.ResolvedConflict is { } resolved)
                    ResolveConflictCore(resolved.ConflictId, resolved.Resolution);

                foreach (var entry in outcome.History)
                    AddHistoryCore(entry);
                return pair;
            });
    }
}
