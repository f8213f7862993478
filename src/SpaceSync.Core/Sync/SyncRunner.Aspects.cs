using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sync
{
    // Content aspects (IContentAspect: footer comments today): run after the page actions, so pages created by this run
    // have their pairs and get their content in the same run.
    public static partial class SyncRunner
    {
        private sealed partial class SyncRun
        {
            /// <summary>What each aspect that ran reported, in the order they ran.</summary>
            private readonly List<AspectDrift> _aspectDrift = new List<AspectDrift>();

            /// <summary>Runs every aspect the scope turns on, in <see cref="ContentAspects.All"/> order.</summary>
            /// <param name="planOnly">-WhatIf: read and plan, report on the drift items, write nothing.</param>
            private async Task RunAspectsAsync(Dictionary<string, int> counts, SyncPlan plan, CancellationToken ct, bool planOnly = false)
            {
                AspectRun? run = null;
                foreach (var aspect in ContentAspects.All.Where(a => a.IsEnabled(_space)))
                {
                    run ??= new AspectRun
                    {
                        DataCenter = _dcSite,
                        Cloud = _cloudSite,
                        DataCenterSpace = _dc.Space,
                        CloudSpace = _cloud.Space,
                        State = _state,
                        Space = _space,
                        Log = _log,
                        Translator = _options.BodyTranslator ?? Translator,
                        Counts = counts,
                        Errors = _errors,
                        Plan = plan,
                        PlanOnly = planOnly,
                        DataCenterChangesSince = _dc.Mode == ListingMode.Changes ? _readMarks.DataCenterChangesSince : null,
                        CloudChangesSince = _cloud.Mode == ListingMode.Changes ? _readMarks.CloudChangesSince : null,
                        RestrictedAmongUnjudged = RestrictedAmongUnjudgedAsync,
                    };
                    _aspectDrift.Add(await aspect.SyncAsync(run, ct).ConfigureAwait(false));
                }
            }

            /// <summary>The plan with every aspect's findings on its pages' drift items (see <see cref="AspectDrift.ApplyTo"/>).</summary>
            private SyncPlan WithAspectDrift(SyncPlan plan) => _aspectDrift.Aggregate(plan, (p, drift) => drift.ApplyTo(p, _space.Key));
        }
    }
}
