using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Sync
{
    /// <summary>Start-SpaceBaseline's input: both sides listed in full, and which side wins where pages differ.</summary>
    public sealed record BaselineRequest
    {
        public string SpaceKey { get; init; } = "";
        public SpaceSnapshot DataCenter { get; init; } = null!;
        public SpaceSnapshot Cloud { get; init; } = null!;
        /// <summary>-Authority: the side whose content is written over the other where paired pages differ; null = report them.</summary>
        public SyncSide? Authority { get; init; }
    }

    /// <summary>One pairing the baseline found, and whether the two pages already hold the same content.</summary>
    public sealed record BaselinePair(PageSnapshot DataCenter, PageSnapshot Cloud, string Path)
    {
        public bool Equal => DataCenter.BodyHash == Cloud.BodyHash;
    }

    public sealed record BaselinePlan
    {
        public string SpaceKey { get; init; } = "";
        /// <summary>Parents before children, so each pair's parent pair is recorded first.</summary>
        public IReadOnlyList<BaselinePair> Pairs { get; init; } = Array.Empty<BaselinePair>();
        /// <summary>With an authority: one Update per differing pair, writing the authority's body to the other side.</summary>
        public IReadOnlyList<SyncAction> Actions { get; init; } = Array.Empty<SyncAction>();
        /// <summary>Every current page: InSync, Conflict (differs, no authority), DataCenterAhead/CloudAhead (differs, authority writes), Unpaired.</summary>
        public IReadOnlyList<DriftItem> Items { get; init; } = Array.Empty<DriftItem>();
    }

    /// <summary>
    /// Pairs a space's pages across the sites by their path from the space root (titles from the top down,
    /// compared without regard to case, as Confluence keeps titles unique per space that way). A page whose
    /// parent does not pair cannot pair by path either: it is reported, with its path, for the admin to sort out.
    /// </summary>
    public static class BaselinePlanner
    {
        public const char PathSeparator = '/';

        public static BaselinePlan Plan(BaselineRequest request)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            if (!request.DataCenter.IsComplete || !request.Cloud.IsComplete)
            {
                throw new ArgumentException("A baseline needs complete listings of both sites, not change-query answers.", nameof(request));
            }

            var dcPaths = PathsOf(request.DataCenter);
            var cloudByPath = PathsOf(request.Cloud).ToDictionary(p => p.Key, p => p.Page, StringComparer.Ordinal);

            var pairs = new List<BaselinePair>();
            var items = new List<DriftItem>();
            var actions = new List<SyncAction>();
            var pairedCloud = new HashSet<string>(StringComparer.Ordinal);

            foreach (var (key, path, dcPage) in dcPaths)
            {
                if (!cloudByPath.TryGetValue(key, out var cloudPage))
                {
                    items.Add(Unpaired(request.SpaceKey, dcPage, SyncSide.DataCenter, path));
                    continue;
                }

                var pair = new BaselinePair(dcPage, cloudPage, path);
                pairs.Add(pair);
                pairedCloud.Add(cloudPage.Id);
                items.Add(ItemFor(request, pair, actions));
            }

            foreach (var (_, path, cloudPage) in PathsOf(request.Cloud).Where(p => !pairedCloud.Contains(p.Page.Id)))
            {
                items.Add(Unpaired(request.SpaceKey, cloudPage, SyncSide.Cloud, path));
            }

            return new BaselinePlan { SpaceKey = request.SpaceKey, Pairs = pairs, Actions = actions, Items = items };
        }

        private static DriftItem ItemFor(BaselineRequest request, BaselinePair pair, List<SyncAction> actions)
        {
            var item = new DriftItem
            {
                SpaceKey = request.SpaceKey,
                Status = DriftStatus.InSync,
                Title = pair.DataCenter.Title,
                DataCenterId = pair.DataCenter.Id,
                CloudId = pair.Cloud.Id,
                DataCenterVersion = pair.DataCenter.Version,
                CloudVersion = pair.Cloud.Version,
                Action = "pair",
            };
            if (pair.Equal)
            {
                return item;
            }

            if (request.Authority is not SyncSide authority)
            {
                return item with
                {
                    Status = DriftStatus.Conflict,
                    Action = "pair; recorded as a conflict",
                    Warnings = new[] { $"\"{pair.Path}\" differs between the sites; without -Authority it is recorded as a conflict." },
                };
            }

            var source = authority == SyncSide.DataCenter ? pair.DataCenter : pair.Cloud;
            var target = authority == SyncSide.DataCenter ? pair.Cloud : pair.DataCenter;
            var id = actions.Count + 1;
            actions.Add(new SyncAction
            {
                Id = id,
                Kind = SyncActionKind.Update,
                Target = authority.Other(),
                Source = authority,
                SourceId = source.Id,
                SourceVersion = source.Version,
                TargetId = target.Id,
                TargetVersion = target.Version,
                PairKey = pair.DataCenter.Id,
                Title = source.Title,
                WritesBody = true,
                Changes = PageChanges.Body,
                Reason = $"baseline with -Authority {authority}: the {authority.Label()} content is written to {authority.Other().Label()}",
            });
            return item with
            {
                Status = authority == SyncSide.DataCenter ? DriftStatus.DataCenterAhead : DriftStatus.CloudAhead,
                Action = "pair; update " + authority.Other().Label(),
                ActionIds = new[] { id },
            };
        }

        private static DriftItem Unpaired(string spaceKey, PageSnapshot page, SyncSide side, string path) => new DriftItem
        {
            SpaceKey = spaceKey,
            Status = DriftStatus.Unpaired,
            Title = page.Title,
            DataCenterId = side == SyncSide.DataCenter ? page.Id : null,
            CloudId = side == SyncSide.Cloud ? page.Id : null,
            DataCenterVersion = side == SyncSide.DataCenter ? page.Version : (int?)null,
            CloudVersion = side == SyncSide.Cloud ? page.Version : (int?)null,
            Action = "none: not paired",
            Warnings = new[] { $"No page at \"{path}\" on {side.Other().Label()}: it was renamed, moved or added after the migration. Rename or move it to match, or pair by CCMA id map." },
        };

        /// <summary>Current pages with their path, parents before children (ordered by depth, then path).</summary>
        private static List<(string Key, string Path, PageSnapshot Page)> PathsOf(SpaceSnapshot snapshot)
        {
            var current = snapshot.Pages.Values.Where(p => p.Status == PageStatus.Current).ToDictionary(p => p.Id, StringComparer.Ordinal);
            var result = new List<(string Key, string Path, PageSnapshot Page, int Depth)>();
            foreach (var page in current.Values)
            {
                var titles = new List<string>();
                var cursor = page;
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (cursor != null && seen.Add(cursor.Id))
                {
                    titles.Add(cursor.Title);
                    cursor = cursor.ParentId != null && current.TryGetValue(cursor.ParentId, out var parent) ? parent : null;
                }

                titles.Reverse();
                // The key joins titles with a control character no title holds, so "A/B" + "C" never meets "A" + "B/C".
                var key = string.Join("\u001F", titles).ToUpperInvariant();
                result.Add((key, string.Join(PathSeparator.ToString(), titles), page, titles.Count));
            }

            return result
                .OrderBy(r => r.Depth)
                .ThenBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => (r.Key, r.Path, r.Page))
                .ToList();
        }
    }
}
