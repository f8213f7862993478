using System;
using System.Collections.Generic;

namespace SpaceSync.Core.Content.Translation
{
    /// <summary>A page on one site: its id and the key of its space there (Cloud page URLs carry the key).</summary>
    public sealed record PageLocation(string PageId, string SpaceKey);

    /// <summary>The pair table, as links need it: a page id on one site to the paired page on the other; null when not paired.</summary>
    public interface IPageMap
    {
        PageLocation? CloudPageFor(string dataCenterPageId);

        PageLocation? DataCenterPageFor(string cloudPageId);
    }

    /// <summary>One pair of the pair table.</summary>
    public sealed record PagePair(PageLocation DataCenter, PageLocation Cloud);

    /// <summary>An <see cref="IPageMap"/> over pairs held in memory (e.g. read from the state store for a run).</summary>
    public sealed class PageMap : IPageMap
    {
        private readonly Dictionary<string, PageLocation> _toCloud = new Dictionary<string, PageLocation>(StringComparer.Ordinal);
        private readonly Dictionary<string, PageLocation> _toDataCenter = new Dictionary<string, PageLocation>(StringComparer.Ordinal);

        /// <exception cref="ArgumentException">A page id appears in two pairs.</exception>
        public PageMap(IEnumerable<PagePair> pairs)
        {
            if (pairs == null) throw new ArgumentNullException(nameof(pairs));
            foreach (var p in pairs)
            {
                if (p?.DataCenter == null || p.Cloud == null) throw new ArgumentException("A page pair lacks one side.", nameof(pairs));
                if (_toCloud.ContainsKey(p.DataCenter.PageId))
                    throw new ArgumentException($"Data Center page {p.DataCenter.PageId} is paired twice.", nameof(pairs));
                if (_toDataCenter.ContainsKey(p.Cloud.PageId))
                    throw new ArgumentException($"Cloud page {p.Cloud.PageId} is paired twice.", nameof(pairs));
                _toCloud.Add(p.DataCenter.PageId, p.Cloud);
                _toDataCenter.Add(p.Cloud.PageId, p.DataCenter);
            }
        }

        public static PageMap Empty { get; } = new PageMap(Array.Empty<PagePair>());

        public PageLocation? CloudPageFor(string dataCenterPageId) =>
            _toCloud.TryGetValue(dataCenterPageId ?? throw new ArgumentNullException(nameof(dataCenterPageId)), out var p) ? p : null;

        public PageLocation? DataCenterPageFor(string cloudPageId) =>
            _toDataCenter.TryGetValue(cloudPageId ?? throw new ArgumentNullException(nameof(cloudPageId)), out var p) ? p : null;
    }
}
