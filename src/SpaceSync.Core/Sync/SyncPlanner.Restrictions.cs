using System;
using System.Collections.Generic;
using System.Linq;
using SpaceSync.Core.Content.Translation;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// How the planner treats restricted pages (SPEC §3: never copied without their restrictions). Skip: a page with
    /// any restriction, and every page below a view-restricted one, is Restricted on both sites. Mirror: restrictions
    /// cross with their users mapped, before any content does; a principal with no counterpart keeps the page unsynced.
    /// </summary>
    public sealed record RestrictionPolicy
    {
        public static RestrictionPolicy Skip { get; } = new RestrictionPolicy();

        public RestrictedPagesMode Mode { get; init; } = RestrictedPagesMode.Skip;

        /// <summary>Restrictions of Data Center pages the snapshot does not list (a change query's ancestors and counterparts).</summary>
        public IReadOnlyDictionary<string, PageRestrictions> DataCenterUnlisted { get; init; } = new Dictionary<string, PageRestrictions>();

        /// <summary>Restrictions of Cloud pages the snapshot does not list.</summary>
        public IReadOnlyDictionary<string, PageRestrictions> CloudUnlisted { get; init; } = new Dictionary<string, PageRestrictions>();

        /// <summary>Mirror: user key ↔ account id. Null when no restriction names a user (then none is needed).</summary>
        public IUserMap? Users { get; init; }

        /// <summary>
        /// Mirror: the sync account on each site (Data Center user key, Cloud account id). They stand for each other, and
        /// every restriction written names the target's one: both products refuse a write that shuts out its own caller.
        /// </summary>
        public string? DataCenterAccount { get; init; }

        public string? CloudAccount { get; init; }
    }

    public static partial class SyncPlanner
    {
        /// <summary>The action of a drift item left alone because of restrictions.</summary>
        public const string RestrictedAction = "none: restricted";

        private sealed partial class Planning
        {
            private readonly Dictionary<string, PairMirror> _pairMirror = new Dictionary<string, PairMirror>(StringComparer.Ordinal);
            /// <summary>Pairs reported Restricted: nothing reaches them, neither content nor their files.</summary>
            private readonly HashSet<string> _restrictedPairs = new HashSet<string>(StringComparer.Ordinal);
            /// <summary>Mirror: the restrictions a page created from this source page gets on the target.</summary>
            private readonly Dictionary<(SyncSide, string), PageRestrictions> _createRestrictions = new Dictionary<(SyncSide, string), PageRestrictions>();

            /// <summary>One pair's restrictions under mirror: what to write on each side, or why nothing may be written.</summary>
            private sealed class PairMirror
            {
                public string? Blocked;
                public PageRestrictions? WriteDataCenter;
                public PageRestrictions? WriteCloud;
                public string Differs = "";

                public PageRestrictions? WriteOn(SyncSide side) => side == SyncSide.DataCenter ? WriteDataCenter : WriteCloud;
            }

            private RestrictionPolicy Policy => _request.Restrictions ?? RestrictionPolicy.Skip;

            private bool Mirror => Policy.Mode == RestrictedPagesMode.Mirror;

            /// <summary>The page's own restrictions as read for this run (listed, or read beside a change query); null = not read.</summary>
            private PageRestrictions? RestrictionsOf(SyncSide side, string id)
            {
                if (SnapshotOn(side).Pages.TryGetValue(id, out var page) && page.Restrictions != null) return page.Restrictions;
                var unlisted = side == SyncSide.DataCenter ? Policy.DataCenterUnlisted : Policy.CloudUnlisted;
                return unlisted != null && unlisted.TryGetValue(id, out var r) ? r : null;
            }

            /// <summary>The nearest ancestor of <paramref name="id"/> on <paramref name="side"/> with a view restriction (inherited by the page), or null.</summary>
            private (string Id, string Title)? ViewRestrictedAncestor(SyncSide side, string id)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal) { id };
                if (!TryNode(side, id, out _, out var cursor, out _, out _)) return null;
                while (cursor != null && seen.Add(cursor))
                {
                    if (!TryNode(side, cursor, out var title, out var parentId, out _, out _))
                    {
                        // Not listed and not paired: only its restrictions may be known (read beside a change query).
                        return RestrictionsOf(side, cursor)?.RestrictsRead == true ? (cursor, cursor) : ((string, string)?)null;
                    }

                    if (RestrictionsOf(side, cursor)?.RestrictsRead == true) return (cursor, title);
                    cursor = parentId;
                }

                return null;
            }

            /// <summary>Skip: why the page counts as restricted on its site, or null.</summary>
            private string? SkipReason(SyncSide side, string id)
            {
                var own = RestrictionsOf(side, id);
                if (own != null && !own.IsEmpty) return $"it has restrictions on {side.Label()} ({own})";
                return ViewRestrictedAncestor(side, id) is { } ancestor
                    ? $"its ancestor \"{ancestor.Title}\" (page {ancestor.Id}) has view restrictions on {side.Label()}, which Confluence applies to every page below it"
                    : null;
            }

            // ---- hooks ----------------------------------------------------------------------------------

            /// <summary>
            /// A page on one site only that restrictions keep from being created: reported as Restricted (true). Mirror: the
            /// restrictions it will be created with are noted for the create.
            /// </summary>
            private bool PlanRestrictedUnpaired(SpaceSnapshot source, PageSnapshot page)
            {
                var target = source.Side.Other();
                string? why;
                if (!Mirror)
                {
                    why = SkipReason(source.Side, page.Id);
                    if (why != null) why += "; restrictedPages is skip";
                }
                else
                {
                    why = MirrorBlockedByAncestor(source.Side, page.Id);
                    if (why is null && RestrictionsOf(source.Side, page.Id) is { IsEmpty: false } own)
                    {
                        var mapped = MapAll(own, source.Side, out var unmapped);
                        if (unmapped.Count > 0) why = UnmappedText(unmapped, source.Side);
                        else _createRestrictions[(source.Side, page.Id)] = mapped;
                    }
                }

                if (why is null) return false;
                AddItem(DriftStatus.Restricted, page.Title, source.Side, page, null, PageChanges.Created, RestrictedAction, warnings: new[]
                {
                    $"\"{page.Title}\" (new on {source.Side.Label()}, page {page.Id}) is not created on {target.Label()}: {why}.",
                });
                return true;
            }

            /// <summary>A pair that restrictions keep untouched on both sites: reported as Restricted (true).</summary>
            private bool PlanRestrictedPair(SyncedPair pair, SideView dc, SideView cloud)
            {
                string? why;
                if (!Mirror)
                {
                    var reasons = new[] { SyncSide.DataCenter, SyncSide.Cloud }
                        .Select(side => SkipReason(side, pair.IdOn(side))).Where(r => r != null).ToList();
                    why = reasons.Count == 0 ? null : string.Join("; ", reasons) + "; restrictedPages is skip";
                }
                else
                {
                    why = MirrorOf(pair).Blocked;
                }

                if (why is null) return false;
                _restrictedPairs.Add(pair.Key);
                var title = string.IsNullOrEmpty(dc.Title) ? pair.Title : dc.Title;
                AddItem(DriftStatus.Restricted, title, pair, dc, cloud, RestrictedAction, warnings: new[]
                {
                    $"\"{title}\" (Data Center page {pair.DataCenterId}, Cloud page {pair.CloudId}) is left untouched on both sites: {why}.",
                });
                return true;
            }

            /// <summary>
            /// Mirror, once every page is planned: creates get the restrictions they are made with; pairs whose restrictions
            /// differ get a Restrict action on the unrestricted side, which that side's content actions wait for.
            /// </summary>
            private void PlanRestrictionWrites()
            {
                if (!Mirror) return;
                for (var i = 0; i < _actions.Count; i++)
                {
                    var action = _actions[i];
                    if (action.Kind != SyncActionKind.Create || action.SourceId is null) continue;
                    PageRestrictions? restrictions = null;
                    if (action.PairKey != null && _pairsByDataCenterId.TryGetValue(action.PairKey, out var pair))
                    {
                        // Created again after a purge: the surviving page's restrictions, mapped.
                        restrictions = RestrictionsOf(action.Source, action.SourceId) is { IsEmpty: false } own ? MapAll(own, action.Source, out _) : null;
                    }
                    else if (_createRestrictions.TryGetValue((action.Source, action.SourceId), out var noted))
                    {
                        restrictions = noted;
                    }

                    if (restrictions != null) _actions[i] = action with { Restrictions = restrictions, Reason = action.Reason + "; created restricted (" + restrictions + ")" };
                }

                foreach (var pair in _request.Pairs)
                {
                    if (!_pairMirror.TryGetValue(pair.Key, out var mirror) || mirror.Blocked != null) continue;
                    foreach (var side in new[] { SyncSide.DataCenter, SyncSide.Cloud })
                    {
                        if (mirror.WriteOn(side) is not { } write) continue;
                        var index = _items.FindIndex(item => item.DataCenterId == pair.DataCenterId && item.CloudId == pair.CloudId);
                        if (!MayWrite(side))
                        {
                            if (index >= 0)
                                _items[index] = _items[index] with { Warnings = _items[index].Warnings.Concat(new[] { $"\"{pair.Title}\": {mirror.Differs}; {DirectionText(side)}." }).ToList() };
                            continue;
                        }

                        var broughtBack = _bringsBack.TryGetValue((side, pair.Key), out var back) ? _actions.First(a => a.Id == back) : null;
                        // A page created again gets its restrictions with the create; one left in the trash is written nothing.
                        if (broughtBack?.Kind == SyncActionKind.Create || (broughtBack is null && GoneOn(side, pair.IdOn(side)))) continue;
                        var restore = broughtBack?.Id;
                        var id = AddAction(new SyncAction
                        {
                            Kind = SyncActionKind.Restrict,
                            Target = side,
                            Source = side.Other(),
                            SourceId = pair.IdOn(side.Other()),
                            TargetId = pair.IdOn(side),
                            PairKey = pair.Key,
                            Title = pair.Title,
                            Restrictions = write,
                            DependsOn = restore is int r ? new[] { r } : Array.Empty<int>(),
                            Reason = mirror.Differs + ": restricted like " + side.Other().Label(),
                        }, DepthOfPair(pair));
                        for (var i = 0; i < _actions.Count; i++)
                        {
                            var a = _actions[i];
                            if (a.Id != id && a.PairKey == pair.Key && a.Target == side && a.Kind == SyncActionKind.Update)
                                _actions[i] = a with { DependsOn = a.DependsOn.Concat(new[] { id }).ToList() };
                        }

                        if (index < 0) continue;
                        var item = _items[index];
                        var text = item.ActionIds.Count == 0 ? "restrict on " + side.Label() : "restrict on " + side.Label() + ", then " + item.Action;
                        _items[index] = item with
                        {
                            ActionIds = new[] { id }.Concat(item.ActionIds).ToList(),
                            Action = text,
                            Status = item.Status == DriftStatus.InSync ? Ahead(side.Other()) : item.Status,
                        };
                    }
                }

                // Pages going below a view-restricted pair must wait for its restriction to be in force on the target.
                foreach (var restrict in _actions.Where(a => a.Kind == SyncActionKind.Restrict && a.Restrictions!.RestrictsRead).ToList())
                {
                    for (var i = 0; i < _actions.Count; i++)
                    {
                        var a = _actions[i];
                        if (a.Target != restrict.Target || a.Kind == SyncActionKind.Restrict || a.SourceId is null || a.DependsOn.Contains(restrict.Id)) continue;
                        if (!BelowPair(a.Source, a.SourceId, restrict.PairKey!)) continue;
                        _actions[i] = a with { DependsOn = a.DependsOn.Concat(new[] { restrict.Id }).ToList() };
                    }
                }
            }

            // ---- mirror ---------------------------------------------------------------------------------

            /// <summary>Mirror: why a page below a view-restricted pair cannot be written (that pair is blocked), or null.</summary>
            private string? MirrorBlockedByAncestor(SyncSide side, string id)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var cursor = id;
                while (ViewRestrictedAncestor(side, cursor) is { } ancestor && seen.Add(ancestor.Id))
                {
                    if (PairsOn(side).TryGetValue(ancestor.Id, out var pair) && MirrorOf(pair).Blocked is string blocked)
                        return $"its ancestor \"{ancestor.Title}\" has view restrictions that cannot be mirrored ({blocked})";
                    if (!PairsOn(side).ContainsKey(ancestor.Id) && RestrictionsOf(side, ancestor.Id) is { } r && MapAll(r, side, out var unmapped) != null && unmapped.Count > 0)
                        return $"its ancestor \"{ancestor.Title}\" has view restrictions that cannot be mirrored ({UnmappedText(unmapped, side)})";
                    cursor = ancestor.Id;
                }

                return null;
            }

            private bool BelowPair(SyncSide side, string id, string pairKey)
            {
                var ancestorId = _pairsByDataCenterId[pairKey].IdOn(side);
                var seen = new HashSet<string>(StringComparer.Ordinal) { id };
                if (!TryNode(side, id, out _, out var cursor, out _, out _)) return false;
                while (cursor != null && seen.Add(cursor))
                {
                    if (cursor == ancestorId) return true;
                    if (!TryNode(side, cursor, out _, out cursor, out _, out _)) return false;
                }

                return false;
            }

            /// <summary>
            /// Mirror: the pair's restrictions compared operation by operation, users mapped and the sync accounts left out.
            /// Equal → nothing. Restricted on one site only → the other gets the same (restrictions are never loosened: a
            /// removal on one site is undone rather than spread). Restricted differently on both → blocked, as is any
            /// principal with no counterpart: safer than a page less restricted than its twin.
            /// </summary>
            private PairMirror MirrorOf(SyncedPair pair)
            {
                if (_pairMirror.TryGetValue(pair.Key, out var known)) return known;
                var result = new PairMirror();
                _pairMirror[pair.Key] = result;
                var dc = RestrictionsOf(SyncSide.DataCenter, pair.DataCenterId) ?? PageRestrictions.None;
                var cloud = RestrictionsOf(SyncSide.Cloud, pair.CloudId) ?? PageRestrictions.None;
                var ancestorBlock = MirrorBlockedByAncestor(SyncSide.DataCenter, pair.DataCenterId) ?? MirrorBlockedByAncestor(SyncSide.Cloud, pair.CloudId);
                if (ancestorBlock != null)
                {
                    result.Blocked = ancestorBlock;
                    return result;
                }

                if (dc.IsEmpty && cloud.IsEmpty) return result;
                var dcInCloud = MapAll(dc, SyncSide.DataCenter, out var unmappedDc);
                var cloudInDc = MapAll(cloud, SyncSide.Cloud, out var unmappedCloud);
                if (unmappedDc.Count > 0 || unmappedCloud.Count > 0)
                {
                    result.Blocked = string.Join("; ", new[]
                    {
                        unmappedDc.Count > 0 ? UnmappedText(unmappedDc, SyncSide.DataCenter) : null,
                        unmappedCloud.Count > 0 ? UnmappedText(unmappedCloud, SyncSide.Cloud) : null,
                    }.Where(t => t != null));
                    return result;
                }

                var writeDc = new List<(IReadOnlyList<string> Users, IReadOnlyList<string> Groups)>();
                var writeCloud = new List<(IReadOnlyList<string> Users, IReadOnlyList<string> Groups)>();
                var differs = new List<string>();
                var conflicts = new List<string>();
                foreach (var (name, read) in new[] { ("view", true), ("edit", false) })
                {
                    var dcOp = Op(dc, read);
                    var cloudOp = Op(cloud, read);
                    var dcMapped = Op(dcInCloud, read);
                    var cloudMapped = Op(cloudInDc, read);
                    var dcRestricts = dcOp.Users.Count + dcOp.Groups.Count > 0;
                    var cloudRestricts = cloudOp.Users.Count + cloudOp.Groups.Count > 0;
                    if (!dcRestricts && !cloudRestricts)
                    {
                        writeDc.Add(dcOp);
                        writeCloud.Add(cloudOp);
                        continue;
                    }

                    if (dcRestricts && cloudRestricts)
                    {
                        var account = Policy.CloudAccount;
                        var same = Same(dcMapped.Users.Where(u => u != account), cloudOp.Users.Where(u => u != account), StringComparer.Ordinal) &&
                                   Same(dcMapped.Groups, cloudOp.Groups, StringComparer.OrdinalIgnoreCase);
                        if (!same) conflicts.Add($"{name} restrictions differ (Data Center: {Describe(dcOp)}; Cloud: {Describe(cloudOp)})");
                        writeDc.Add(dcOp);
                        writeCloud.Add(cloudOp);
                        continue;
                    }

                    // Restricted on one site only: the other gets the same, naming its own sync account.
                    if (dcRestricts)
                    {
                        writeDc.Add(dcOp);
                        writeCloud.Add(WithAccount(dcMapped, Policy.CloudAccount));
                        differs.Add($"{name} restricted on Data Center only");
                    }
                    else
                    {
                        writeCloud.Add(cloudOp);
                        writeDc.Add(WithAccount(cloudMapped, Policy.DataCenterAccount));
                        differs.Add($"{name} restricted on Cloud only");
                    }
                }

                if (conflicts.Count > 0)
                {
                    result.Blocked = string.Join("; ", conflicts) + ": make them equal on both sites";
                    return result;
                }

                if (differs.Count == 0) return result;
                result.Differs = string.Join(", ", differs);
                var newDc = new PageRestrictions(writeDc[0].Users, writeDc[0].Groups, writeDc[1].Users, writeDc[1].Groups);
                var newCloud = new PageRestrictions(writeCloud[0].Users, writeCloud[0].Groups, writeCloud[1].Users, writeCloud[1].Groups);
                if (!newDc.Equals(dc)) result.WriteDataCenter = newDc;
                if (!newCloud.Equals(cloud)) result.WriteCloud = newCloud;
                return result;
            }

            private static (IReadOnlyList<string> Users, IReadOnlyList<string> Groups) Op(PageRestrictions r, bool read) =>
                read ? (r.ReadUsers, r.ReadGroups) : (r.UpdateUsers, r.UpdateGroups);

            private static (IReadOnlyList<string> Users, IReadOnlyList<string> Groups) WithAccount((IReadOnlyList<string> Users, IReadOnlyList<string> Groups) op, string? account) =>
                account is null ? op : (op.Users.Concat(new[] { account }).ToList(), op.Groups);

            private static bool Same(IEnumerable<string> a, IEnumerable<string> b, StringComparer comparer) =>
                new HashSet<string>(a, comparer).SetEquals(b);

            private static string Describe((IReadOnlyList<string> Users, IReadOnlyList<string> Groups) op) =>
                string.Join(", ", op.Users.Select(u => "user " + u).Concat(op.Groups.Select(g => "group " + g)));

            /// <summary>
            /// <paramref name="restrictions"/> of a page on <paramref name="from"/> in the other site's ids, each restricted
            /// operation also naming the other site's sync account. Users with no counterpart go to <paramref name="unmapped"/>.
            /// Groups cross by name.
            /// </summary>
            private PageRestrictions MapAll(PageRestrictions restrictions, SyncSide from, out List<string> unmapped)
            {
                var missing = new List<string>();
                var targetAccount = from == SyncSide.DataCenter ? Policy.CloudAccount : Policy.DataCenterAccount;
                IReadOnlyList<string> Users(IReadOnlyList<string> users, IReadOnlyList<string> groups)
                {
                    var mapped = new List<string>();
                    foreach (var user in users)
                    {
                        if (MapUser(user, from) is string counterpart) mapped.Add(counterpart);
                        else if (!missing.Contains(user)) missing.Add(user);
                    }

                    if (targetAccount != null && users.Count + groups.Count > 0) mapped.Add(targetAccount);
                    return mapped;
                }

                var result = new PageRestrictions(
                    Users(restrictions.ReadUsers, restrictions.ReadGroups), restrictions.ReadGroups,
                    Users(restrictions.UpdateUsers, restrictions.UpdateGroups), restrictions.UpdateGroups);
                unmapped = missing;
                return result;
            }

            private string? MapUser(string user, SyncSide from)
            {
                var (ownAccount, otherAccount) = from == SyncSide.DataCenter
                    ? (Policy.DataCenterAccount, Policy.CloudAccount)
                    : (Policy.CloudAccount, Policy.DataCenterAccount);
                if (ownAccount != null && otherAccount != null && user == ownAccount) return otherAccount;
                var match = from == SyncSide.DataCenter ? Policy.Users?.ByDataCenterUserKey(user) : Policy.Users?.ByCloudAccountId(user);
                return match?.CounterpartId;
            }

            private static string UnmappedText(IReadOnlyList<string> users, SyncSide side) =>
                $"its restrictions on {side.Label()} name {(users.Count == 1 ? "a user" : "users")} with no counterpart on {side.Other().Label()} " +
                $"({string.Join(", ", users.Select(u => (side == SyncSide.DataCenter ? "user key " : "account id ") + u))}); add them to the user map " +
                "(users.map), or the page stays unsynced rather than less restricted";
        }
    }
}
