using System;
using System.Collections.Generic;
using System.Linq;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// What one content aspect (<see cref="IContentAspect"/>) found or did per page pair in a run, kept apart from the page
    /// plan (the aspect runs after it) and folded into the plan's drift items for the run's result.
    /// </summary>
    internal sealed class AspectDrift
    {
        // By Data Center page id, in the order the aspect first reported each page.
        private readonly Dictionary<string, Page> _pages = new Dictionary<string, Page>(StringComparer.Ordinal);

        public AspectDrift(string name) => Name = name;

        /// <summary>The aspect's name: the prefix of what it did on an item's Action.</summary>
        public string Name { get; }

        public sealed class Page
        {
            public Page(PairRecord pair) => Pair = pair;

            public PairRecord Pair { get; }
            /// <summary>The change flags of the side(s) whose content of this aspect changed.</summary>
            public PageChanges DataCenter { get; set; }
            public PageChanges Cloud { get; set; }
            public bool Conflict { get; set; }
            /// <summary>What was (or, planning only, would be) written.</summary>
            public List<string> Done { get; } = new List<string>();
            public List<string> Warnings { get; } = new List<string>();
        }

        public Page Of(PairRecord pair)
        {
            if (!_pages.TryGetValue(pair.DataCenterPageId, out var page))
                _pages[pair.DataCenterPageId] = page = new Page(pair);
            return page;
        }

        /// <summary>
        /// <paramref name="plan"/> with these findings on its pages' drift items: the change flags on the side(s) that
        /// changed, what was done after the item's own action, the warnings after its own. A page whose only change was
        /// this aspect's gets an item of its own.
        /// </summary>
        public SyncPlan ApplyTo(SyncPlan plan, string spaceKey)
        {
            if (_pages.Count == 0) return plan;
            var items = new List<DriftItem>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in plan.Items)
            {
                if (item.DataCenterId is null || !_pages.TryGetValue(item.DataCenterId, out var drift) || !seen.Add(item.DataCenterId))
                {
                    items.Add(item);
                    continue;
                }

                items.Add(item with
                {
                    DataCenterChanges = item.DataCenterChanges | drift.DataCenter,
                    CloudChanges = item.CloudChanges | drift.Cloud,
                    Action = drift.Done.Count > 0 ? item.Action + "; " + Name + ": " + string.Join("; ", drift.Done) : item.Action,
                    Warnings = item.Warnings.Concat(drift.Warnings).ToList(),
                });
            }

            foreach (var drift in _pages.Values.Where(d => !seen.Contains(d.Pair.DataCenterPageId)))
            {
                items.Add(new DriftItem
                {
                    SpaceKey = spaceKey,
                    Status = drift.Conflict ? DriftStatus.Conflict
                        : drift.DataCenter != PageChanges.None && drift.Cloud == PageChanges.None ? DriftStatus.DataCenterAhead
                        : drift.Cloud != PageChanges.None && drift.DataCenter == PageChanges.None ? DriftStatus.CloudAhead
                        : DriftStatus.InSync,
                    Title = drift.Pair.Title,
                    DataCenterId = drift.Pair.DataCenterPageId,
                    CloudId = drift.Pair.CloudPageId,
                    DataCenterChanges = drift.DataCenter,
                    CloudChanges = drift.Cloud,
                    Action = drift.Done.Count > 0 ? Name + ": " + string.Join("; ", drift.Done) : "none: " + Name + " reported",
                    Warnings = drift.Warnings.ToList(),
                });
            }

            return plan with { Items = items };
        }
    }
}
