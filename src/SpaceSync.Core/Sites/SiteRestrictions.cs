using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// A page's own restrictions (not inherited ones): who may view it (read) and who may edit it (update), as users
    /// (Data Center user keys, Cloud account ids) and groups (by name). An empty list means that operation is not
    /// restricted. Lists are distinct and sorted (users ordinally, groups ignoring case, as Confluence compares them).
    /// </summary>
    public sealed record PageRestrictions
    {
        public static PageRestrictions None { get; } = new PageRestrictions();

        public PageRestrictions()
            : this(Array.Empty<string>(), Array.Empty<string>(), Array.Empty<string>(), Array.Empty<string>())
        {
        }

        public PageRestrictions(IEnumerable<string> readUsers, IEnumerable<string> readGroups, IEnumerable<string> updateUsers, IEnumerable<string> updateGroups)
        {
            ReadUsers = Users(readUsers);
            ReadGroups = Groups(readGroups);
            UpdateUsers = Users(updateUsers);
            UpdateGroups = Groups(updateGroups);
        }

        public IReadOnlyList<string> ReadUsers { get; }
        public IReadOnlyList<string> ReadGroups { get; }
        public IReadOnlyList<string> UpdateUsers { get; }
        public IReadOnlyList<string> UpdateGroups { get; }

        /// <summary>A view restriction: Confluence hides the page, and all its descendants, from everyone it does not name.</summary>
        public bool RestrictsRead => ReadUsers.Count > 0 || ReadGroups.Count > 0;

        public bool RestrictsUpdate => UpdateUsers.Count > 0 || UpdateGroups.Count > 0;

        public bool IsEmpty => !RestrictsRead && !RestrictsUpdate;

        /// <summary>Every user named, read or update.</summary>
        public IEnumerable<string> AllUsers => ReadUsers.Concat(UpdateUsers).Distinct(StringComparer.Ordinal);

        public IEnumerable<string> AllGroups => ReadGroups.Concat(UpdateGroups).Distinct(StringComparer.OrdinalIgnoreCase);

        public bool Equals(PageRestrictions? other) =>
            other is not null &&
            ReadUsers.SequenceEqual(other.ReadUsers, StringComparer.Ordinal) &&
            UpdateUsers.SequenceEqual(other.UpdateUsers, StringComparer.Ordinal) &&
            ReadGroups.SequenceEqual(other.ReadGroups, StringComparer.OrdinalIgnoreCase) &&
            UpdateGroups.SequenceEqual(other.UpdateGroups, StringComparer.OrdinalIgnoreCase);

        public override int GetHashCode() => ReadUsers.Count + 7 * ReadGroups.Count + 31 * UpdateUsers.Count + 131 * UpdateGroups.Count;

        public override string ToString()
        {
            if (IsEmpty) return "no restrictions";
            var parts = new List<string>();
            if (RestrictsRead) parts.Add("view: " + Describe(ReadUsers, ReadGroups));
            if (RestrictsUpdate) parts.Add("edit: " + Describe(UpdateUsers, UpdateGroups));
            return string.Join("; ", parts);
        }

        private static string Describe(IReadOnlyList<string> users, IReadOnlyList<string> groups) =>
            string.Join(", ", users.Select(u => "user " + u).Concat(groups.Select(g => "group " + g)));

        private static IReadOnlyList<string> Users(IEnumerable<string> users) =>
            (users ?? throw new ArgumentNullException(nameof(users))).Where(u => !string.IsNullOrEmpty(u))
                .Distinct(StringComparer.Ordinal).OrderBy(u => u, StringComparer.Ordinal).ToArray();

        private static IReadOnlyList<string> Groups(IEnumerable<string> groups) =>
            (groups ?? throw new ArgumentNullException(nameof(groups))).Where(g => !string.IsNullOrWhiteSpace(g)).Select(g => g.Trim())
                .Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(g => g, StringComparer.OrdinalIgnoreCase).ToArray();
    }

    /// <summary>
    /// The restriction requests both products answer alike through the classic REST API (Cloud v1 under /wiki/rest/api,
    /// Data Center /rest/api): the many-page read through CQL with the restrictions expansion, the one-page read
    /// <c>/content/{id}/restriction/byOperation</c>, and the write <c>PUT /content/{id}/restriction</c>.
    /// </summary>
    /// <remarks>
    /// Cloud v2 has no restriction reads or writes at all; the v1 document's contentExpand names
    /// <c>restrictions.read.restrictions.user</c>, <c>.group</c> and the update pair, and Data Center's Content carries
    /// <c>restrictions</c> as an expandable property, so one CQL <c>id in (...)</c> request reads the restrictions of
    /// up to <see cref="SiteLabels.BatchSize"/> pages on either product.
    /// </remarks>
    internal sealed class RestrictionRequests
    {
        /// <summary>The four expansions that carry a page's read and update restrictions, users and groups.</summary>
        public const string Expansion =
            "restrictions.read.restrictions.user,restrictions.read.restrictions.group,restrictions.update.restrictions.user,restrictions.update.restrictions.group";

        private readonly ConfluenceRestClient _rest;
        private readonly Func<string, Uri> _api;
        private readonly bool _cloud;

        public RestrictionRequests(ConfluenceRestClient rest, Func<string, Uri> api, bool cloud)
        {
            _rest = rest;
            _api = api;
            _cloud = cloud;
        }

        /// <summary>Ids per request; settable so tests can make a few pages span several requests.</summary>
        public int BatchSize { get; set; } = SiteLabels.BatchSize;

        /// <summary>One page's restrictions through <c>GET /content/{id}/restriction/byOperation</c>; null on 404.</summary>
        public async Task<PageRestrictions?> ReadOneAsync(string pageId, CancellationToken cancellationToken)
        {
            var url = _api("/content/" + Uri.EscapeDataString(RequireId(pageId)) + "/restriction/byOperation?expand=" +
                           Uri.EscapeDataString("read.restrictions.user,read.restrictions.group,update.restrictions.user,update.restrictions.group"));
            using var document = await _rest.GetJsonOrNullAsync(url, cancellationToken).ConfigureAwait(false);
            if (document is null) return null;
            return Parse(document.RootElement) ?? throw new SiteException(SiteErrorKind.UnexpectedResponse,
                $"The restrictions of page {pageId} came back without their users or groups.", "GET", url.AbsolutePath);
        }

        /// <summary>
        /// CQL <c>id in (...)</c> with the restriction expansions, <see cref="BatchSize"/> ids a request. Pages the search
        /// does not return (index lag, trashed) or whose lists may be cut short are read one by one; pages missing then
        /// are absent from the answer.
        /// </summary>
        public Task<IReadOnlyDictionary<string, PageRestrictions>> ReadManyAsync(IReadOnlyCollection<string> pageIds, CancellationToken cancellationToken) =>
            CqlBatchRead.ReadAsync(_rest, _api, pageIds, BatchSize, Expansion,
                content => JsonRead.Object(content, "restrictions") is { } r ? Parse(r) : null, ReadOneAsync, cancellationToken);

        /// <summary>
        /// Makes the page's read and update restrictions exactly <paramref name="restrictions"/>. Data Center: one PUT
        /// naming both operations (empty arrays remove, per its document). Cloud: the PUT replaces every restriction, and
        /// its document wants empty arrays omitted, so "no restrictions at all" is the documented DELETE instead.
        /// </summary>
        public async Task SetAsync(string pageId, PageRestrictions restrictions, CancellationToken cancellationToken)
        {
            if (restrictions is null) throw new ArgumentNullException(nameof(restrictions));
            var url = _api("/content/" + Uri.EscapeDataString(RequireId(pageId)) + "/restriction");
            var (method, body) = _cloud && restrictions.IsEmpty ? (HttpMethod.Delete, (string?)null) : (HttpMethod.Put, Body(restrictions));
            // PUT and DELETE are idempotent: the client already repeats them when an answer is lost.
            using (await _rest.SendJsonAsync(method, url, body, cancellationToken).ConfigureAwait(false)) { }
        }

        private string Body(PageRestrictions restrictions)
        {
            var operations = new List<Dictionary<string, object>>();
            void Add(string operation, IReadOnlyList<string> users, IReadOnlyList<string> groups)
            {
                if (_cloud && users.Count == 0 && groups.Count == 0) return; // Cloud's PUT replaces all: an absent operation is unrestricted
                var lists = new Dictionary<string, object>();
                if (!_cloud || users.Count > 0)
                    lists["user"] = users.Select(u => new Dictionary<string, string> { ["type"] = "known", [_cloud ? "accountId" : "userKey"] = u }).ToList();
                if (!_cloud || groups.Count > 0)
                    lists["group"] = groups.Select(g => new Dictionary<string, string> { ["type"] = "group", ["name"] = g }).ToList();
                operations.Add(new Dictionary<string, object> { ["operation"] = operation, ["restrictions"] = lists });
            }

            Add("read", restrictions.ReadUsers, restrictions.ReadGroups);
            Add("update", restrictions.UpdateUsers, restrictions.UpdateGroups);
            return JsonSerializer.Serialize(operations);
        }

        /// <summary>
        /// Restrictions out of a <c>{read:{restrictions:{user,group}}, update:{...}}</c> object (the expansion and
        /// byOperation share it), or null when a list is missing or may be cut short (a next link, or as many as the limit).
        /// </summary>
        internal PageRestrictions? Parse(JsonElement byOperation)
        {
            var readUsers = new List<string>();
            var readGroups = new List<string>();
            var updateUsers = new List<string>();
            var updateGroups = new List<string>();
            foreach (var (operation, users, groups) in new[] { ("read", readUsers, readGroups), ("update", updateUsers, updateGroups) })
            {
                // An operation the answer leaves out entirely is unrestricted; one that is there must carry both lists.
                if (JsonRead.Object(byOperation, operation) is not { } op) continue;
                if (JsonRead.Object(op, "restrictions") is not { } lists) return null;
                if (!TryList(lists, "user", out var userItems) || !TryList(lists, "group", out var groupItems)) return null;
                foreach (var user in userItems)
                {
                    var id = _cloud ? JsonRead.String(user, "accountId") : JsonRead.String(user, "userKey");
                    if (string.IsNullOrEmpty(id)) return null; // a user we cannot name cannot be compared or mapped
                    users.Add(id!);
                }

                foreach (var group in groupItems)
                {
                    var name = JsonRead.String(group, "name");
                    if (string.IsNullOrEmpty(name)) return null;
                    groups.Add(name!);
                }
            }

            return new PageRestrictions(readUsers, readGroups, updateUsers, updateGroups);
        }

        private static bool TryList(JsonElement lists, string name, out List<JsonElement> items)
        {
            items = new List<JsonElement>();
            if (!lists.TryGetProperty(name, out var node)) return false;
            if (node.ValueKind == JsonValueKind.Array)
            {
                items.AddRange(node.EnumerateArray());
                return true;
            }

            if (node.ValueKind != JsonValueKind.Object || JsonRead.Array(node, "results") is not { } results) return false;
            items.AddRange(results.EnumerateArray());
            var links = JsonRead.Object(node, "_links");
            if (links is { } l && JsonRead.String(l, "next") != null) return false;
            var limit = JsonRead.String(node, "limit");
            return limit is null || !int.TryParse(limit, NumberStyles.Integer, CultureInfo.InvariantCulture, out var cap) || items.Count < cap;
        }

        private static string RequireId(string pageId) =>
            string.IsNullOrEmpty(pageId) ? throw new ArgumentException("A page id is required.", nameof(pageId)) : pageId;
    }
}
