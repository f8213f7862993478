using System;
using System.Collections.Generic;
using System.Linq;
using SpaceSync.Core.Sync;

namespace SpaceSync.Core.Reporting
{
    /// <summary>How urgent a drift row is for whoever reads the report: the order of its rows, most urgent first.</summary>
    public enum ReportSeverity
    {
        Conflict,
        /// <summary>A page a sync counts as failed (its body does not parse).</summary>
        Failure,
        /// <summary>A sync would write something for it.</summary>
        Pending,
        Other,
        /// <summary>Restricted or excluded: left alone on purpose; shown collapsed, by count.</summary>
        LeftAlone,
    }

    /// <summary>One collection's standing in numbers: what the report's chart and "% in sync" show.</summary>
    public sealed record ReportSpaceSummary
    {
        public string SpaceKey { get; init; } = "";
        /// <summary>False when the collection's drift was not read (the sites failed): then only the state's numbers hold.</summary>
        public bool DriftKnown { get; init; }
        public int InSync { get; init; }
        public int Conflicts { get; init; }
        public int Failures { get; init; }
        public int Pending { get; init; }
        public int Other { get; init; }
        public int LeftAlone { get; init; }
        /// <summary>Drift rows by status (in-sync pages only when the report lists them).</summary>
        public IReadOnlyDictionary<DriftStatus, int> ByStatus { get; init; } = new Dictionary<DriftStatus, int>();

        /// <summary>The pages SpaceSync syncs: restricted and excluded pages are left alone on purpose and not counted.</summary>
        public int Synced => InSync + Conflicts + Failures + Pending + Other;

        /// <summary>In-sync share of <see cref="Synced"/>, 0-100; null when the drift is unknown or there is no page.</summary>
        public double? PercentInSync => DriftKnown && Synced > 0 ? 100.0 * InSync / Synced : null;
    }

    /// <summary>Severity of drift rows and the per-collection numbers of a report.</summary>
    public static class ReportSummary
    {
        public static ReportSeverity SeverityOf(DriftItem item)
        {
            if (item is null) throw new ArgumentNullException(nameof(item));
            switch (item.Status)
            {
                case DriftStatus.Conflict: return ReportSeverity.Conflict;
                case DriftStatus.Unreadable: return ReportSeverity.Failure;
                case DriftStatus.Restricted:
                case DriftStatus.Excluded: return ReportSeverity.LeftAlone;
                case DriftStatus.CloudAhead:
                case DriftStatus.DataCenterAhead:
                case DriftStatus.OnlyOnCloud:
                case DriftStatus.OnlyOnDataCenter:
                case DriftStatus.DeletedOnCloud:
                case DriftStatus.DeletedOnDataCenter: return ReportSeverity.Pending;
                default: return item.ActionIds.Count > 0 ? ReportSeverity.Pending : ReportSeverity.Other;
            }
        }

        /// <summary>Drift rows most urgent first, then by space and title: a conflict never sits below routine rows.</summary>
        public static IEnumerable<DriftItem> BySeverity(IEnumerable<DriftItem> items) =>
            items.OrderBy(SeverityOf)
                .ThenBy(i => i.SpaceKey, StringComparer.OrdinalIgnoreCase)
                .ThenBy(i => i.Title, StringComparer.CurrentCultureIgnoreCase)
                .ThenBy(i => i.DataCenterId ?? i.CloudId, StringComparer.Ordinal);

        /// <summary>
        /// The numbers of one collection. Without in-sync rows in the drift, the in-sync count is the state's active pairs less
        /// the paired pages the drift lists as not in sync.
        /// </summary>
        public static ReportSpaceSummary For(SyncReport report, SyncedSpaceStatus space)
        {
            if (report is null) throw new ArgumentNullException(nameof(report));
            if (space is null) throw new ArgumentNullException(nameof(space));
            // Cloud folders are not pages: neither in sync nor out of it.
            var items = report.Drift
                .Where(i => i.Status != DriftStatus.CloudFolder && string.Equals(i.SpaceKey, space.SpaceKey, StringComparison.OrdinalIgnoreCase))
                .ToList();
            var bySeverity = items.Where(i => i.Status != DriftStatus.InSync).GroupBy(SeverityOf).ToDictionary(g => g.Key, g => g.Count());
            int Count(ReportSeverity severity) => bySeverity.TryGetValue(severity, out var n) ? n : 0;
            var inSync = report.IncludesInSync
                ? items.Count(i => i.Status == DriftStatus.InSync)
                : Math.Max(0, space.PairedPages - items.Count(i => i.Status != DriftStatus.InSync && i.DataCenterId != null && i.CloudId != null));
            return new ReportSpaceSummary
            {
                SpaceKey = space.SpaceKey,
                DriftKnown = report.DriftRead.Contains(space.SpaceKey, StringComparer.OrdinalIgnoreCase),
                InSync = inSync,
                Conflicts = Count(ReportSeverity.Conflict),
                Failures = Count(ReportSeverity.Failure),
                Pending = Count(ReportSeverity.Pending),
                Other = Count(ReportSeverity.Other),
                LeftAlone = Count(ReportSeverity.LeftAlone),
                ByStatus = items.GroupBy(i => i.Status).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            };
        }
    }
}
