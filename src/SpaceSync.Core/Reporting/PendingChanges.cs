using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;

namespace SpaceSync.Core.Reporting
{
    /// <summary>
    /// What a sync of a space would do now, counted from its plan: pages it would write on each site, state-only
    /// steps, and pages changed on both sides that the conflict policy leaves alone.
    /// </summary>
    public sealed record PendingChanges
    {
        /// <summary>Writes a sync would make on Cloud (creates, updates, trashes, restores).</summary>
        public int ToCloud { get; init; }

        /// <summary>Writes a sync would make on Data Center.</summary>
        public int ToDataCenter { get; init; }

        /// <summary>Steps that change only the state (adopting an equal page, recording an edit both sides made alike).</summary>
        public int StateOnly { get; init; }

        /// <summary>Pages changed on both sides that a sync would leave alone (conflicts under the space's policy).</summary>
        public int Conflicts { get; init; }

        /// <summary>Nothing differs between the sites: a sync would write nothing to either.</summary>
        public bool SitesAgree => ToCloud == 0 && ToDataCenter == 0 && Conflicts == 0;

        public static PendingChanges FromPlan(SyncPlan plan)
        {
            if (plan is null) throw new ArgumentNullException(nameof(plan));
            return new PendingChanges
            {
                ToCloud = plan.Actions.Count(a => a.WritesSite && a.Target == SyncSide.Cloud),
                ToDataCenter = plan.Actions.Count(a => a.WritesSite && a.Target == SyncSide.DataCenter),
                StateOnly = plan.Actions.Count(a => !a.WritesSite),
                // The same reading as the runner's: a conflict the policy resolves has actions, counted above.
                Conflicts = plan.Items.Count(i => i.Status == DriftStatus.Conflict && i.ActionIds.Count == 0),
            };
        }

        /// <summary>
        /// Reads both sites and plans the space without writing anything (the path Get-SyncDrift takes). The space must
        /// have a baseline in <paramref name="state"/> (<see cref="SyncRunException.NoBaseline"/> otherwise).
        /// </summary>
        /// <param name="translation">The scope's space keys and users.map, so bodies compare as a sync compares them.</param>
        public static async Task<PendingChanges> ReadAsync(IConfluenceSite dataCenter, IConfluenceSite cloud, StateStore state,
            ResolvedSpace space, EngineLog log, CancellationToken cancellationToken, TranslationSettings? translation = null,
            IProgress<RunProgress>? progress = null)
        {
            var preview = await SyncRunner.RunAsync(dataCenter, cloud, state, space,
                new SyncRunOptions { WhatIf = true, Translation = translation, RunProgress = progress },
                log, cancellationToken).ConfigureAwait(false);
            return FromPlan(preview.Plan);
        }

        public override string ToString()
        {
            var parts = new List<string>
            {
                $"{ToCloud} toward Cloud",
                $"{ToDataCenter} toward Data Center",
            };
            if (Conflicts > 0) parts.Add(Plural(Conflicts, "conflict") + " left alone");
            if (StateOnly > 0) parts.Add(Plural(StateOnly, "state-only step"));
            return string.Join(", ", parts);
        }

        internal static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
    }
}
