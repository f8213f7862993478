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
        /// <summary>-IdMapPath: CCMA's Data Center → Cloud page ids; pages it does not name pair by path. Null = all by path.</summary>
        public IdMap? IdMap { get; init; }
        /// <summary>The space's include/exclude settings: pages out of scope are reported as Excluded and never paired.</summary>
        public ScopeFilter Filter { get; init; } = ScopeFilter.All;
    }

    /// <summary>One pairing the baseline found, and whether the two pages already hold the same content.</summary>
    public sealed record BaselinePair(PageSnapshot DataCenter, PageSnapshot Cloud, string Path)
    {
        /// <summary>The id map's entry that paired the pages; null when they paired by path.</summary>
        public IdMapEntry? IdMapEntry { get; init; }
        public bool Equal => DataCenter.BodyHash == Cloud.BodyHash;
    }

    public sealed record BaselinePlan
    {
        public string SpaceKey { get; init; } = "";
        /// <summary>Parents before children, so each pair's parent pair is recorded first.</summary>
        public IReadOnlyList<BaselinePair> Pairs { get; init; } = Array.Empty<BaselinePair>();
        /// <summary>With an authority: one Update per differing pair, writing the authority's body to the other side.</summary>
        public IReadOnlyList<SyncAction> Actions { get; init; } = Array.Empty<SyncAction>();
        /// <summary>Every current page: InSync, Conflict (differs, no authority), DataCenterAhead/CloudAhead (differs, authority writes), Unpaired, Excluded.</summary>
        public IReadOnlyList<DriftItem> Items { get; init; } = Array.Empty<DriftItem>();
        /// <summary>Warnings about the whole baseline rather than one page (e.g. a filter that could not decide).</summary>
        public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
    }

    /// <summary>
    /// Pairs a space's pages across the sites by their path from the space root (titles from the top down,
    /// compared without regard to case, as Confluence keeps titles unique per space that way). A page whose
    /// parent does not pair cannot pair by path either: it is reported, with its path, for the admin to sort out.
    /// Pages out of the space's scope (include.subtree, exclude.titles, exclude.labels) are never paired, not even by
    /// the id map: they are reported as Excluded. A sync then treats such a page that later enters the scope as new.
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

            var map = request.IdMap;
            var dcCurrent = CurrentPages(request.DataCenter);
            var cloudCurrent = CurrentPages(request.Cloud);
            var filter = request.Filter ?? ScopeFilter.All;
            var dcOut = OutOfScope(dcCurrent, filter);
            var cloudOut = OutOfScope(cloudCurrent, filter);

            // The map first: an entry whose two pages are current in this space pairs them. An entry with only one
            // side here leaves that page unpaired (never paired by path instead: the map says its twin is elsewhere);
            // an entry with neither side here belongs to another space of the same transfer.
            var mapped = new Dictionary<string, (PageSnapshot Cloud, IdMapEntry Entry)>(StringComparer.Ordinal); // by DC id
            var dcIdOfMappedCloud = new Dictionary<string, string>(StringComparer.Ordinal);
            if (map != null)
            {
                foreach (var entry in map.Entries)
                {
                    if (dcCurrent.ContainsKey(entry.DataCenterId) && cloudCurrent.TryGetValue(entry.CloudId, out var cloudPage) &&
                        !dcOut.ContainsKey(entry.DataCenterId) && !cloudOut.ContainsKey(entry.CloudId))
                    {
                        mapped[entry.DataCenterId] = (cloudPage, entry);
                        dcIdOfMappedCloud[entry.CloudId] = entry.DataCenterId;
                    }
                }
            }

            // Pages the map does not name pair by path; below a page the map paired, the path starts at that pair,
            // so a child pairs under its mapped parent even where CCMA or an admin renamed the parent.
            var dcPaths = PathsOf(dcCurrent, id => mapped.ContainsKey(id) ? id : null);
            var cloudPaths = PathsOf(cloudCurrent, id => dcIdOfMappedCloud.TryGetValue(id, out var dcId) ? dcId : null);
            var cloudByPath = cloudPaths
                .Where(p => map?.ForCloud(p.Page.Id) is null && !cloudOut.ContainsKey(p.Page.Id))
                .ToDictionary(p => p.Key, p => p.Page, StringComparer.Ordinal);
            var cloudOutByPath = cloudPaths
                .Where(p => cloudOut.ContainsKey(p.Page.Id))
                .ToDictionary(p => p.Key, p => p.Page, StringComparer.Ordinal);

            var pairs = new List<(BaselinePair Pair, int Depth)>();
            var items = new List<DriftItem>();
            var actions = new List<SyncAction>();
            var pairedCloud = new HashSet<string>(StringComparer.Ordinal);
            var cloudIdOfPaired = new Dictionary<string, string>(StringComparer.Ordinal); // DC id → Cloud id, parents first

            foreach (var (key, path, dcPage, depth) in dcPaths)
            {
                BaselinePair pair;
                if (dcOut.TryGetValue(dcPage.Id, out var dcReason))
                {
                    items.Add(Excluded(request.SpaceKey, dcPage, SyncSide.DataCenter, dcReason));
                    continue;
                }

                if (mapped.TryGetValue(dcPage.Id, out var byMap))
                {
                    pair = new BaselinePair(dcPage, byMap.Cloud, path) { IdMapEntry = byMap.Entry };
                }
                else if (map?.ForDataCenter(dcPage.Id) is { } broken)
                {
                    items.Add(Unpaired(request.SpaceKey, dcPage, SyncSide.DataCenter, path,
                        $"The id map ({broken.Location}) pairs it with Cloud page {broken.CloudId}, which is not a current page of this space on Cloud. Correct the map or remove the entry to pair it by path."));
                    continue;
                }
                else if (cloudByPath.TryGetValue(key, out var cloudPage))
                {
                    pair = new BaselinePair(dcPage, cloudPage, path);
                }
                else if (cloudOutByPath.TryGetValue(key, out var outside))
                {
                    items.Add(Unpaired(request.SpaceKey, dcPage, SyncSide.DataCenter, path,
                        $"Its namesake at \"{path}\" on Cloud (page {outside.Id}) is out of the sync scope ({cloudOut[outside.Id]}), so they are not paired. " +
                        "Bring both pages into scope or out of it."));
                    continue;
                }
                else
                {
                    items.Add(Unpaired(request.SpaceKey, dcPage, SyncSide.DataCenter, path, null));
                    continue;
                }

                pairs.Add((pair, depth));
                pairedCloud.Add(pair.Cloud.Id);
                cloudIdOfPaired[dcPage.Id] = pair.Cloud.Id;
                var item = ItemFor(request, pair, actions);
                if (pair.IdMapEntry != null)
                    item = item with { Warnings = item.Warnings.Concat(MapPairWarnings(pair, cloudIdOfPaired)).ToList() };
                items.Add(item);
            }

            foreach (var (_, path, cloudPage, _) in cloudPaths.Where(p => !pairedCloud.Contains(p.Page.Id)))
            {
                if (cloudOut.TryGetValue(cloudPage.Id, out var cloudReason))
                {
                    items.Add(Excluded(request.SpaceKey, cloudPage, SyncSide.Cloud, cloudReason));
                    continue;
                }

                var broken = map?.ForCloud(cloudPage.Id);
                items.Add(Unpaired(request.SpaceKey, cloudPage, SyncSide.Cloud, path, broken is null ? null
                    : $"The id map ({broken.Location}) pairs it with Data Center page {broken.DataCenterId}, which is not a current page of this space on Data Center. Correct the map or remove the entry to pair it by path."));
            }

            // Parents before children: a page's depth exceeds its parent's on the Data Center side, whatever paired them.
            var ordered = pairs.OrderBy(p => p.Depth).Select(p => p.Pair).ToList();
            var labelsUnread = filter.FiltersLabels && dcCurrent.Values.Concat(cloudCurrent.Values).Any(p => p.Labels is null);
            var warnings = labelsUnread
                ? new[] { $"exclude.labels ({string.Join(", ", filter.ExcludeLabels)}) cannot decide: the listings carry no labels, so pages are treated as in scope whatever their labels." }
                : Array.Empty<string>();
            return new BaselinePlan { SpaceKey = request.SpaceKey, Pairs = ordered, Actions = actions, Items = items, Warnings = warnings };
        }

        /// <summary>
        /// <paramref name="pairing"/> (<see cref="Plan"/> of listings read without bodies: every pair equal) with its pairs' pages
        /// as hashed (by id; a page missing keeps its listed form): the pairs, items, actions and order <see cref="Plan"/> gives
        /// for the hashed listings, without walking every page's path again (the baseline's pairs are known before its bodies
        /// are read, and their hashes come a batch at a time).
        /// </summary>
        public static BaselinePlan WithHashes(BaselineRequest request, BaselinePlan pairing, IReadOnlyDictionary<string, PageSnapshot> dataCenter,
            IReadOnlyDictionary<string, PageSnapshot> cloud)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            if (pairing is null) throw new ArgumentNullException(nameof(pairing));
            var pairs = new List<BaselinePair>(pairing.Pairs.Count);
            var byDc = new Dictionary<string, BaselinePair>(StringComparer.Ordinal);
            var cloudIdOfPaired = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in pairing.Pairs)
            {
                var hashed = pair with
                {
                    DataCenter = dataCenter.TryGetValue(pair.DataCenter.Id, out var dcPage) ? dcPage : pair.DataCenter,
                    Cloud = cloud.TryGetValue(pair.Cloud.Id, out var cloudPage) ? cloudPage : pair.Cloud,
                };
                pairs.Add(hashed);
                byDc[hashed.DataCenter.Id] = hashed;
                cloudIdOfPaired[hashed.DataCenter.Id] = hashed.Cloud.Id;
            }

            // The items in the order Plan made them (Data Center paths, then Cloud's unpaired pages): a pair's item, and any
            // action it gets, is made again in that order, so the action ids are Plan's too. The other items know no hash.
            var actions = new List<SyncAction>();
            var items = new List<DriftItem>(pairing.Items.Count);
            foreach (var item in pairing.Items)
            {
                if (item.DataCenterId is { } dcId && item.CloudId != null && byDc.TryGetValue(dcId, out var pair))
                {
                    var again = ItemFor(request, pair, actions);
                    if (pair.IdMapEntry != null)
                        again = again with { Warnings = again.Warnings.Concat(MapPairWarnings(pair, cloudIdOfPaired)).ToList() };
                    items.Add(again);
                }
                else
                {
                    items.Add(item);
                }
            }

            return pairing with { Pairs = pairs, Actions = actions, Items = items };
        }

        /// <summary>
        /// What a path pair cannot have but a map pair can: another title or another parent on Cloud. The baseline records
        /// the Data Center title and tree, so a sync would see these as Cloud edits made after the baseline.
        /// </summary>
        private static IEnumerable<string> MapPairWarnings(BaselinePair pair, IReadOnlyDictionary<string, string> cloudIdOfPaired)
        {
            if (!string.Equals(pair.DataCenter.Title, pair.Cloud.Title, StringComparison.Ordinal))
            {
                yield return $"Paired by the id map ({pair.IdMapEntry!.Location}) though the titles differ (Data Center \"{pair.DataCenter.Title}\", Cloud \"{pair.Cloud.Title}\"): " +
                             "a sync treats it as renamed on Cloud (and carries the title to Data Center where Cloud changes cross) unless one side is renamed to match first.";
            }

            if (pair.DataCenter.ParentId is { } dcParent && cloudIdOfPaired.TryGetValue(dcParent, out var expectedCloudParent) &&
                pair.Cloud.ParentId != expectedCloudParent)
            {
                yield return $"Paired by the id map ({pair.IdMapEntry!.Location}) though the parents differ (on Cloud it is not under the twin of its Data Center parent): " +
                             "a sync treats it as moved on Cloud (and moves it on Data Center where Cloud changes cross) unless one side is moved to match first.";
            }
        }

        /// <summary>The current pages the filter leaves out, with why; paths from the top level, as listed in full.</summary>
        private static Dictionary<string, string> OutOfScope(IReadOnlyDictionary<string, PageSnapshot> current, ScopeFilter filter)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (filter.IsEverything) return result;
            foreach (var page in current.Values)
            {
                var path = new List<ScopePathEntry>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var cursor = page; cursor != null && seen.Add(cursor.Id);)
                {
                    path.Add(new ScopePathEntry(cursor.Title, cursor.Labels));
                    cursor = cursor.ParentId != null && current.TryGetValue(cursor.ParentId, out var parent) ? parent : null;
                }

                path.Reverse();
                var decision = filter.Decide(path);
                if (decision.IsOut) result[page.Id] = decision.Reason ?? "out of scope";
            }

            return result;
        }

        private static DriftItem Excluded(string spaceKey, PageSnapshot page, SyncSide side, string reason) => new DriftItem
        {
            SpaceKey = spaceKey,
            Status = DriftStatus.Excluded,
            Title = page.Title,
            DataCenterId = side == SyncSide.DataCenter ? page.Id : null,
            CloudId = side == SyncSide.Cloud ? page.Id : null,
            DataCenterVersion = side == SyncSide.DataCenter ? page.Version : (int?)null,
            CloudVersion = side == SyncSide.Cloud ? page.Version : (int?)null,
            Action = $"none: out of scope ({reason})",
        };

        private static Dictionary<string, PageSnapshot> CurrentPages(SpaceSnapshot snapshot) =>
            snapshot.Pages.Values.Where(p => p.Status == PageStatus.Current).ToDictionary(p => p.Id, StringComparer.Ordinal);

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

        /// <param name="reason">Why it did not pair; null = no namesake at its path.</param>
        private static DriftItem Unpaired(string spaceKey, PageSnapshot page, SyncSide side, string path, string? reason) => new DriftItem
        {
            SpaceKey = spaceKey,
            Status = DriftStatus.Unpaired,
            Title = page.Title,
            DataCenterId = side == SyncSide.DataCenter ? page.Id : null,
            CloudId = side == SyncSide.Cloud ? page.Id : null,
            DataCenterVersion = side == SyncSide.DataCenter ? page.Version : (int?)null,
            CloudVersion = side == SyncSide.Cloud ? page.Version : (int?)null,
            Action = "none: not paired",
            Warnings = new[] { reason ?? $"No page at \"{path}\" on {side.Other().Label()}: it was renamed, moved or added after the migration. Rename or move it to match, or pair by CCMA id map." },
        };

        /// <summary>
        /// Current pages with their path from the root, its depth, and the key they pair by: the titles, compared without
        /// case, from the root, or from the nearest ancestor the id map paired (<paramref name="anchorOf"/> gives that
        /// ancestor's Data Center id). Parents before children (ordered by depth, then key).
        /// </summary>
        private static List<(string Key, string Path, PageSnapshot Page, int Depth)> PathsOf(
            IReadOnlyDictionary<string, PageSnapshot> current, Func<string, string?> anchorOf)
        {
            var result = new List<(string Key, string Path, PageSnapshot Page, int Depth)>();
            foreach (var page in current.Values)
            {
                var titles = new List<string>();
                string? anchor = null;
                var keyLength = 0;
                var cursor = page;
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (cursor != null && seen.Add(cursor.Id))
                {
                    if (anchor is null && cursor.Id != page.Id && anchorOf(cursor.Id) is { } anchorId)
                    {
                        anchor = anchorId;
                        keyLength = titles.Count;
                    }
                    titles.Add(cursor.Title);
                    cursor = cursor.ParentId != null && current.TryGetValue(cursor.ParentId, out var parent) ? parent : null;
                }

                var keyTitles = (anchor is null ? titles : titles.Take(keyLength)).Reverse().ToList();
                titles.Reverse();
                // The key joins titles with a control character no title holds, so "A/B" + "C" never meets "A" + "B/C";
                // another marks a key that starts at a mapped pair.
                var key = (anchor is null ? "" : "\u001E" + anchor + "\u001F") + string.Join("\u001F", keyTitles).ToUpperInvariant();
                result.Add((key, string.Join(PathSeparator.ToString(), titles), page, titles.Count));
            }

            return result
                .OrderBy(r => r.Depth)
                .ThenBy(r => r.Key, StringComparer.Ordinal)
                .ToList();
        }
    }
}
