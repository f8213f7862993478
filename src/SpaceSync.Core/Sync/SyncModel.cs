using System;
using System.Collections.Generic;

namespace SpaceSync.Core.Sync
{
    // What the planner reads: each side's pages as listed now, and each pair as last synced.
    // No I/O types here: the Sites and State layers map their own records onto these.

    public enum SyncSide { DataCenter, Cloud }

    public enum PageStatus { Current, Trashed }

    /// <summary>One page as a site listed it. ParentId null = a top-level page of the space.</summary>
    public sealed record PageSnapshot
    {
        public string Id { get; init; } = "";
        public string Title { get; init; } = "";
        /// <summary>
        /// The nearest page above this one (null: the top level). A Cloud page filed in a folder (or below a whiteboard,
        /// database or embed) counts as a child of the page that holds the folder: folders exist on Cloud only, and the tree
        /// both sites share is the tree of pages (docs/confluence-behaviours.md §3). Only while that folder could not be read
        /// is this the folder's id (= <see cref="Container"/>), an unpaired parent the planner moves nothing below.
        /// </summary>
        public string? ParentId { get; init; }
        /// <summary>The folder (or other non-page parent) the page sits in directly, as the site named it; null below a page or at the top level.</summary>
        public Sites.SiteParent? Container { get; init; }
        public int Version { get; init; }
        public DateTimeOffset Modified { get; init; }
        public PageStatus Status { get; init; } = PageStatus.Current;
        /// <summary>
        /// Archived (Cloud's page archive): Status stays Current (the page exists and keeps its place), but the site refuses
        /// every write to it until it is restored, so the planner leaves it and its twin alone (DriftStatus.Archived).
        /// </summary>
        public bool Archived { get; init; }
        /// <summary>Hash of the normalized storage body (Content.ContentHash).</summary>
        public string BodyHash { get; init; } = "";
        /// <summary>
        /// Set when the body read with this listing does not parse as storage format: what the parser says (line, column,
        /// what is wrong). Such a page is never written to the other site nor merged; its pair waits (DriftStatus.Unreadable).
        /// Null for a parsed body and for a page whose body was not read (at its recorded version: the base's).
        /// </summary>
        public string? Unreadable { get; init; }
        /// <summary>The page's labels (lower case, as Confluence stores them); null = not read, so exclude.labels cannot decide.</summary>
        public IReadOnlyCollection<string>? Labels { get; init; }

        // ---- restrictions
        /// <summary>The page's own read and update restrictions (users by this site's ids); null = not read.</summary>
        public Sites.PageRestrictions? Restrictions { get; init; }
    }

    /// <summary>
    /// One side of a space. A complete snapshot lists every page (current and trashed), so a page that is
    /// absent was purged. An incremental one (a change query) lists only pages changed since the last run:
    /// absence then means "unchanged", and deletions wait for the next complete listing.
    /// </summary>
    public sealed class SpaceSnapshot
    {
        public SpaceSnapshot(SyncSide side, IEnumerable<PageSnapshot> pages, bool isComplete,
            IReadOnlyDictionary<string, ContainerSnapshot>? containers = null)
        {
            Side = side;
            IsComplete = isComplete;
            var byId = new Dictionary<string, PageSnapshot>(StringComparer.Ordinal);
            foreach (var page in pages)
            {
                byId[page.Id] = page; // a change query can list a page twice: the last (newest) wins
            }

            Pages = byId;
            Containers = containers ?? new Dictionary<string, ContainerSnapshot>(StringComparer.Ordinal);
        }

        public SyncSide Side { get; }
        public bool IsComplete { get; }
        public IReadOnlyDictionary<string, PageSnapshot> Pages { get; }

        /// <summary>
        /// Cloud's folders (and whiteboards, databases, embeds) that hold pages of the space, by id: those the pages listed
        /// name and their own non-page parents — on a change query also those known from earlier runs. Empty on Data Center.
        /// </summary>
        public IReadOnlyDictionary<string, ContainerSnapshot> Containers { get; }

        /// <summary>The same side, completeness and containers with other pages (e.g. the same pages with their labels).</summary>
        public SpaceSnapshot WithPages(IEnumerable<PageSnapshot> pages) => new SpaceSnapshot(Side, pages, IsComplete, Containers);
    }

    public enum PairStatus
    {
        /// <summary>Both pages current and equal as of the last sync.</summary>
        Active,
        /// <summary>Both pages in the trash as of the last sync.</summary>
        Trashed,
    }

    /// <summary>
    /// A pair as last synced. The pair's key is its Data Center page id (unique per space); the parent is
    /// the parent pair's key, or null for a top-level page.
    /// </summary>
    public sealed record SyncedPair
    {
        public string DataCenterId { get; init; } = "";
        public string CloudId { get; init; } = "";
        public int DataCenterVersion { get; init; }
        public int CloudVersion { get; init; }
        public string Title { get; init; } = "";
        public string? ParentKey { get; init; }
        public string BaseHash { get; init; } = "";
        public PairStatus Status { get; init; } = PairStatus.Active;

        // ---- labels
        /// <summary>The labels both pages carried after the last sync (the three-way base); null = never recorded.</summary>
        public IReadOnlyList<string>? BaseLabels { get; init; }

        public string Key => DataCenterId;

        public string IdOn(SyncSide side) => side == SyncSide.DataCenter ? DataCenterId : CloudId;

        public int VersionOn(SyncSide side) => side == SyncSide.DataCenter ? DataCenterVersion : CloudVersion;
    }

    public static class SyncSides
    {
        public static SyncSide Other(this SyncSide side) => side == SyncSide.DataCenter ? SyncSide.Cloud : SyncSide.DataCenter;

        public static string Label(this SyncSide side) => side == SyncSide.DataCenter ? "Data Center" : "Cloud";
    }
}
