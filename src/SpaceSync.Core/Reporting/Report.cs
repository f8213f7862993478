using System;
using System.Collections.Generic;
using System.Linq;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;

namespace SpaceSync.Core.Reporting
{
    /// <summary>
    /// What Export-SyncReport writes (SPEC §2): each space's status, the open conflicts, the drift table and the warnings,
    /// for one scope file at one moment. Built from the existing reading types only; holds no credentials.
    /// </summary>
    public sealed record SyncReport
    {
        public DateTimeOffset GeneratedAt { get; init; }
        /// <summary>The scope file the report covers.</summary>
        public string ScopePath { get; init; } = "";
        /// <summary>The Data Center site of the scope file (its URL as written there); null when unknown.</summary>
        public Uri? DataCenterUrl { get; init; }
        /// <summary>The Cloud site of the scope file (ends in /wiki); null when unknown.</summary>
        public Uri? CloudUrl { get; init; }
        /// <summary>The collections whose drift is in <see cref="Drift"/> (read from the sites or given); not those that failed.</summary>
        public IReadOnlyList<string> DriftRead { get; init; } = Array.Empty<string>();
        /// <summary>True when the sites were read for this report; false when the drift was given (piped DriftItems).</summary>
        public bool SitesRead { get; init; }
        /// <summary>True when in-sync pages are in <see cref="Drift"/> too.</summary>
        public bool IncludesInSync { get; init; }
        /// <summary>One per collection: a space's pages, and its blog posts (KEY:blogposts) when it syncs them.</summary>
        public IReadOnlyList<SyncedSpaceStatus> Spaces { get; init; } = Array.Empty<SyncedSpaceStatus>();
        public IReadOnlyList<SyncConflict> Conflicts { get; init; } = Array.Empty<SyncConflict>();
        public IReadOnlyList<DriftItem> Drift { get; init; } = Array.Empty<DriftItem>();
        public IReadOnlyList<ReportWarning> Warnings { get; init; } = Array.Empty<ReportWarning>();
    }

    /// <summary>One warning in a report: about a page (Title set) or about a whole space's plan (Title null).</summary>
    public sealed record ReportWarning
    {
        public string SpaceKey { get; init; } = "";
        /// <summary>The page the warning is about; null for a warning about the space's plan.</summary>
        public string? Title { get; init; }
        public string Text { get; init; } = "";
    }

    /// <summary>
    /// Collects a report collection by collection. The state is read when a collection is added (the caller may close it
    /// afterwards); the drift comes either from a plan-only run (<see cref="AddPlanned"/>) or as given items
    /// (<see cref="AddGiven"/>).
    /// </summary>
    public sealed class SyncReportBuilder
    {
        private readonly ResolvedScope _scope;
        private readonly bool _includeInSync;
        private readonly List<SyncedSpaceStatus> _spaces = new List<SyncedSpaceStatus>();
        private readonly List<SyncConflict> _conflicts = new List<SyncConflict>();
        private readonly List<DriftItem> _drift = new List<DriftItem>();
        private readonly List<ReportWarning> _warnings = new List<ReportWarning>();
        private readonly HashSet<string> _added = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private readonly List<string> _driftRead = new List<string>();
        private bool _sitesRead;

        public SyncReportBuilder(ResolvedScope scope, bool includeInSync)
        {
            _scope = scope ?? throw new ArgumentNullException(nameof(scope));
            _includeInSync = includeInSync;
        }

        /// <summary>The collection keys added so far (a space's pages, KEY:blogposts).</summary>
        public IReadOnlyCollection<string> Collections => _added;

        /// <summary>
        /// A collection whose sites were read: <paramref name="plan"/> is the plan of a run that wrote nothing (WhatIf),
        /// the one Get-SyncDrift lists; its pending counts, drift items and warnings go into the report.
        /// </summary>
        public void AddPlanned(ResolvedSpace collection, StateStore state, SyncPlan plan)
        {
            if (plan is null) throw new ArgumentNullException(nameof(plan));
            _sitesRead = true;
            AddStatus(collection, state, PendingChanges.FromPlan(plan));
            _driftRead.Add(collection.Key);
            foreach (var warning in plan.Warnings) AddWarning(collection.Key, null, warning);
            if (plan.Refusal is PlanRefusal refusal) AddWarning(collection.Key, null, $"A sync would be refused ({refusal.Code}): {refusal.Message}");
            AddDrift(plan.Items);
            AddDrift(plan.Folders);
        }

        /// <summary>A collection whose drift was given (piped from Get-SyncDrift): status and conflicts from the state only.</summary>
        public void AddGiven(ResolvedSpace collection, StateStore? state, IEnumerable<DriftItem> items)
        {
            if (items is null) throw new ArgumentNullException(nameof(items));
            AddStatus(collection, state, null);
            _driftRead.Add(collection.Key);
            AddDrift(items);
        }

        /// <summary>A collection whose sites could not be read (no baseline, a site failed): reported from the state, with why.</summary>
        public void AddUnread(ResolvedSpace collection, StateStore? state, string reason)
        {
            AddStatus(collection, state, null);
            AddWarning(collection.Key, null, reason);
        }

        public SyncReport Build(DateTimeOffset generatedAt) => new SyncReport
        {
            GeneratedAt = generatedAt,
            ScopePath = _scope.Path,
            DataCenterUrl = _scope.Document?.DataCenter?.Url,
            CloudUrl = _scope.Document?.Cloud?.Url,
            DriftRead = _driftRead.ToList(),
            SitesRead = _sitesRead,
            IncludesInSync = _includeInSync,
            Spaces = _spaces.ToList(),
            Conflicts = _conflicts.ToList(),
            Drift = _drift.ToList(),
            Warnings = _warnings.ToList(),
        };

        private void AddStatus(ResolvedSpace collection, StateStore? state, PendingChanges? pending)
        {
            if (collection is null) throw new ArgumentNullException(nameof(collection));
            if (!_added.Add(collection.Key)) throw new InvalidOperationException($"Collection {collection.Key} is in the report already.");
            _spaces.Add(SyncedSpaceStatus.From(_scope, collection, state, pending));
            if (state is null) return;
            // Open() walks a space's pages and its blog posts (a blog-post collection twice: it is its own BlogPosts());
            // each collection is added on its own here, each conflict once.
            var seen = new HashSet<long>();
            _conflicts.AddRange(SyncConflict.Open(state, collection, _scope.Path)
                .Where(c => string.Equals(c.SpaceKey, collection.Key, StringComparison.OrdinalIgnoreCase) && seen.Add(c.ConflictId)));
        }

        private void AddDrift(IEnumerable<DriftItem> items)
        {
            foreach (var item in items)
            {
                if (!_includeInSync && item.Status == DriftStatus.InSync) continue;
                _drift.Add(item);
                foreach (var warning in item.Warnings) AddWarning(item.SpaceKey, item.Title, warning);
            }
        }

        private void AddWarning(string spaceKey, string? title, string text) =>
            _warnings.Add(new ReportWarning { SpaceKey = spaceKey, Title = title, Text = text });
    }
}
