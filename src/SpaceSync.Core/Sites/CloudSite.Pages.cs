using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Content;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Sites
{
    // Page operations on Cloud: REST v2 throughout (v1 is not needed for pages). The blog-post view (OfBlogPosts) runs the
    // same calls on /blogposts, which v2 shapes like /pages without parents (no depth, no root-level, no moves).
    public sealed partial class CloudSite
    {
        /// <summary>"pages" or "blogposts".</summary>
        private string Collection => Content.CloudCollection();

        /// <summary>The listing of the space's items: the whole tree for pages.</summary>
        private string SpaceListing(SiteSpace space) =>
            "/spaces/" + Uri.EscapeDataString(space.Id) + "/" + Collection + (Content == ContentKind.Page ? "?depth=all&" : "?");

        // Page sizes are settable so that tests can make small spaces span several listing pages.

        /// <summary>v2's maximum page size: fewest requests for a listing.</summary>
        internal int ListingLimit { get; set; } = 250;

        /// <summary>Change queries with bodies usually find little: a smaller page keeps a no-change answer small, still one request.</summary>
        internal int ChangeQueryLimit { get; set; } = 100;

        /// <summary>
        /// Hits older than the window, in a row, that end a change query (<see cref="PageChangeCollector.ReadNewestFirstAsync"/>):
        /// the page size change queries had when the rule was a whole listing page, so bigger pages without bodies keep it.
        /// </summary>
        internal const int ChangeQueryOlderRun = 100;

        private const string AllButDeleted = "&status=current&status=archived&status=trashed";

        public SitePageReader ListPages(SiteSpace space, bool withBodies, bool includeTrashed)
        {
            RequireSpace(space);
            var query = SpaceListing(space) + "limit=" + Text(ListingLimit) +
                        (withBodies ? "&body-format=storage" : "") +
                        (includeTrashed ? AllButDeleted : "");
            return new SitePageReader(ListV2(query), page => PageJson.FromCloudV2(page, space));
        }

        public SitePageReader ListTrash(SiteSpace space)
        {
            RequireSpace(space);
            var query = SpaceListing(space) + "limit=" + Text(ListingLimit) + "&status=trashed";
            return new SitePageReader(ListV2(query), page => PageJson.FromCloudV2(page, space));
        }

        /// <summary>Ids a v2 <c>GET /pages?id=</c> request takes (the listing's largest page).</summary>
        internal int BodyBatchLimit { get; set; } = 250;

        /// <summary>
        /// v2 <c>GET /pages?id=a,b,…&amp;body-format=storage</c> (blog posts alike): ceil(n / 250) requests, read from the pages
        /// themselves (only the modified-date sort answers from the search index), plus one GET per page it does not return
        /// (trashed). Cheaper than v1 CQL, which caps at 50 with bodies.
        /// </summary>
        public async Task<IReadOnlyDictionary<string, SitePage>> ReadPageBodiesAsync(IReadOnlyCollection<string> pageIds, CancellationToken cancellationToken)
        {
            if (pageIds is null) throw new ArgumentNullException(nameof(pageIds));
            var wanted = PageIdList.Distinct(pageIds, nameof(pageIds));

            var found = new Dictionary<string, SitePage>(StringComparer.Ordinal);
            var alone = new List<string>();
            for (var start = 0; start < wanted.Count; start += BodyBatchLimit)
            {
                var batch = new HashSet<string>(wanted.Skip(start).Take(BodyBatchLimit), StringComparer.Ordinal);
                var reader = ListV2("/" + Collection + "?id=" + string.Join(",", batch) + "&body-format=storage&status=current&status=archived&limit=" +
                                    Text(batch.Count));
                while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
                {
                    var page = PageJson.FromCloudV2(reader.Current, null);
                    if (page.Body != null && batch.Remove(page.Id)) found[page.Id] = page;
                }

                alone.AddRange(batch);
            }

            foreach (var id in alone)
            {
                if (await GetPageAsync(id, cancellationToken).ConfigureAwait(false) is { } page) found[id] = page;
            }

            return found;
        }

        public async Task<SitePage?> GetPageAsync(string pageId, CancellationToken cancellationToken)
        {
            using var document = await _rest.GetJsonOrNullAsync(PageUrl(pageId, "?body-format=storage" + AllButDeleted), cancellationToken)
                .ConfigureAwait(false);
            return document is null ? null : PageJson.FromCloudV2(document.RootElement, null);
        }

        public async Task<SiteContainer?> GetContainerAsync(string type, string id, CancellationToken cancellationToken)
        {
            if (!SiteContainer.IsContainerType(type))
                throw new ArgumentException($"'{type}' is not a parent type Cloud documents ({string.Join(", ", SiteContainer.Types)}).", nameof(type));
            if (string.IsNullOrEmpty(id)) throw new ArgumentException("An id is required.", nameof(id));
            using var document = await _rest.GetJsonOrNullAsync(V2("/" + type + "s/" + Uri.EscapeDataString(id)), cancellationToken).ConfigureAwait(false);
            return document is null ? null : PageJson.ContainerFromCloudV2(document.RootElement, type);
        }

        public async Task<SitePage> CreatePageAsync(SiteSpace space, string? parentId, string title, string storageBody, CancellationToken cancellationToken)
        {
            RequireSpace(space);
            RequireTitle(title);
            var request = new Dictionary<string, object?>
            {
                ["spaceId"] = space.Id,
                ["status"] = "current",
                ["title"] = title,
                ["body"] = StorageBody(storageBody),
            };
            if (parentId != null)
            {
                if (Content == ContentKind.BlogPost) throw new ArgumentException("A blog post has no parent page.", nameof(parentId));
                request["parentId"] = parentId;
            }

            // Without parentId v2 puts the page below the homepage; root-level=true is the top level.
            var url = V2("/" + Collection + (parentId is null && Content == ContentKind.Page ? "?root-level=true" : ""));
            return await WriteAsync(HttpMethod.Post, url, request, storageBody, space, cancellationToken).ConfigureAwait(false);
        }

        public Task<SitePage> UpdatePageAsync(string pageId, int plannedVersion, string title, string storageBody, CancellationToken cancellationToken)
        {
            RequireTitle(title);
            return PutAsync(pageId, "current", title, storageBody, plannedVersion, null, cancellationToken);
        }

        public async Task<SitePage> MovePageAsync(string pageId, int plannedVersion, string newParentId, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(newParentId)) throw new ArgumentException("The new parent's id is required.", nameof(newParentId));
            if (Content == ContentKind.BlogPost) throw new InvalidOperationException("A blog post has no parent page to move below.");
            // v2's PUT needs title and body with the parentId: take them from the page as it is now.
            var page = await ReadAtVersionAsync(pageId, plannedVersion, cancellationToken).ConfigureAwait(false);
            var moved = await PutAsync(pageId, "current", page.Title, page.Body ?? "", plannedVersion, newParentId, cancellationToken).ConfigureAwait(false);
            return Left(page, moved);
        }

        /// <summary>The page after a move, naming the folder (or other non-page parent) it was taken out of.</summary>
        private static SitePage Left(SitePage before, SitePage after) =>
            before.HasNonPageParent && after.ParentId != before.ParentId
                ? after with { LeftContainer = new SiteParent(before.ParentId!, before.ParentType!) }
                : after;

        /// <summary>
        /// v2 has no way to put an existing page at the top level (a PUT's parentId names a parent; POST's root-level is
        /// for creates only), so this goes through v1's move: <c>PUT /rest/api/content/{id}/move/after/{targetId}</c>
        /// places the page beside a top-level page, which Atlassian documents as the way to reach the top level. A move
        /// states no version: the read just before it is the version check.
        /// </summary>
        public async Task<SitePage?> MovePageToTopLevelAsync(string pageId, int plannedVersion, CancellationToken cancellationToken)
        {
            var page = await ReadAtVersionAsync(pageId, plannedVersion, cancellationToken).ConfigureAwait(false);
            if (page.ParentId is null)
            {
                return page; // already there: a move would only reorder it
            }

            var sibling = await FirstTopLevelPageAsync(page, cancellationToken).ConfigureAwait(false);
            if (sibling is null)
            {
                return null; // no top-level page to place it beside (the space has lost its homepage)
            }

            var url = V1("/content/" + Uri.EscapeDataString(pageId) + "/move/after/" + Uri.EscapeDataString(sibling));
            using (await _rest.SendJsonAsync(HttpMethod.Put, url, null, cancellationToken).ConfigureAwait(false))
            {
                // The answer is only {"pageId"}: the page is read again for its version and parent.
            }

            var moved = await GetPageAsync(pageId, cancellationToken).ConfigureAwait(false)
                ?? throw new SiteException(SiteErrorKind.NotFound,
                    $"PUT {url.AbsolutePath} on the Cloud site: page {pageId} could not be read after its move.", "PUT", url.AbsolutePath);
            return Left(page, moved);
        }

        /// <summary>A current top-level page of the page's space other than the page itself (the homepage, usually).</summary>
        private async Task<string?> FirstTopLevelPageAsync(SitePage page, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(page.SpaceId))
            {
                throw new SiteException(SiteErrorKind.UnexpectedResponse,
                    $"The Cloud site described page {page.Id} without its spaceId.", "GET", PageUrl(page.Id, "").AbsolutePath);
            }

            var reader = ListV2("/spaces/" + Uri.EscapeDataString(page.SpaceId!) + "/pages?depth=root&status=current&limit=25");
            while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                var candidate = PageJson.FromCloudV2(reader.Current, null);
                if (candidate.Id != page.Id && candidate.ParentId is null)
                {
                    return candidate.Id;
                }
            }

            return null;
        }

        public async Task TrashPageAsync(string pageId, CancellationToken cancellationToken)
        {
            using var _ = await _rest.SendJsonAsync(HttpMethod.Delete, PageUrl(pageId, ""), null, cancellationToken).ConfigureAwait(false);
        }

        public async Task<SitePage> RestorePageAsync(string pageId, int plannedVersion, CancellationToken cancellationToken)
        {
            var page = await ReadAtVersionAsync(pageId, plannedVersion, cancellationToken).ConfigureAwait(false);
            if (page.Status == SitePageStatus.Current)
            {
                // Already restored (e.g. by a run that stopped before recording it): a PUT would only add an empty version.
                return page;
            }

            return await PutAsync(pageId, "current", page.Title, page.Body ?? "", plannedVersion, null, cancellationToken).ConfigureAwait(false);
        }

        public async Task PurgePageAsync(string pageId, CancellationToken cancellationToken)
        {
            using var _ = await _rest.SendJsonAsync(HttpMethod.Delete, PageUrl(pageId, "?purge=true"), null, cancellationToken).ConfigureAwait(false);
        }

        public async Task<SitePage?> FindPageByTitleAsync(SiteSpace space, string title, CancellationToken cancellationToken)
        {
            RequireSpace(space);
            RequireTitle(title);
            var reader = ListV2("/" + Collection + "?space-id=" + Uri.EscapeDataString(space.Id) + "&title=" + Uri.EscapeDataString(title) +
                                "&status=current&body-format=storage&limit=25");
            while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                var page = PageJson.FromCloudV2(reader.Current, space);
                // The title filter is exact on Cloud; the check keeps a looser server from handing back a near miss.
                if (string.Equals(page.Title, title, StringComparison.OrdinalIgnoreCase))
                {
                    return page;
                }
            }

            return null;
        }

        /// <summary>
        /// Cloud answers by the space's pages sorted newest change first (v2 sort=-modified-date), read until
        /// <see cref="ChangeQueryOlderRun"/> hits in a row are older than the window (see <see cref="PageChangeCollector.ReadNewestFirstAsync"/>): exact UTC
        /// instants (no minute granularity, no user time zone to learn, unlike CQL lastmodified), the same shape as the
        /// structural listing (parentId included), and a no-change query is one request.
        /// </summary>
        public async Task<SitePageChanges> GetChangedPagesAsync(SiteSpace space, DateTimeOffset since, TimeSpan overlap, bool withBodies,
            CancellationToken cancellationToken, IReadOnlyCollection<string>? touchedWithoutVersion = null)
        {
            RequireSpace(space);
            var changes = new PageChangeCollector(since, overlap);
            // Without bodies, v2's largest page: a window full of pages the last run itself wrote costs the fewest requests.
            var limit = withBodies ? ChangeQueryLimit : ListingLimit;
            var reader = ListV2(SpaceListing(space) + "sort=-modified-date&limit=" + Text(limit) +
                                (withBodies ? "&body-format=storage" : ""));
            return await changes.ReadNewestFirstAsync(reader, (page, withBody) => PageJson.FromCloudV2(page, space, withBody),
                Math.Min(ChangeQueryOlderRun, limit), cancellationToken, touchedWithoutVersion, Counters).ConfigureAwait(false);
        }

        private async Task<SitePage> ReadAtVersionAsync(string pageId, int plannedVersion, CancellationToken cancellationToken)
        {
            const string method = "PUT";
            var url = PageUrl(pageId, "");
            var page = await GetPageAsync(pageId, cancellationToken).ConfigureAwait(false)
                ?? throw new SiteException(SiteErrorKind.NotFound,
                    $"{method} {url.AbsolutePath} on the Cloud site: page {pageId} does not exist or is not visible to the account.",
                    method, url.AbsolutePath);
            if (page.Version.Number != plannedVersion)
            {
                throw StaleVersion(method, url, pageId, plannedVersion, page.Version.Number, "Cloud");
            }

            return page;
        }

        private async Task<SitePage> PutAsync(string pageId, string status, string title, string storageBody, int plannedVersion,
            string? newParentId, CancellationToken cancellationToken)
        {
            var request = new Dictionary<string, object?>
            {
                ["id"] = pageId,
                ["status"] = status,
                ["title"] = title,
                ["body"] = StorageBody(storageBody),
                ["version"] = new Dictionary<string, object?> { ["number"] = plannedVersion + 1 },
            };
            if (newParentId != null)
            {
                request["parentId"] = newParentId;
            }

            return await WriteAsync(HttpMethod.Put, PageUrl(pageId, ""), request, storageBody, null, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// A page or blog-post write. Cloud converts the body to its editor's format and stores the conversion (the answer
        /// carries it); a body it cannot convert is refused with 400 naming nothing, so the refusal is told with the parts of
        /// <paramref name="storageBody"/> known to be refused (<see cref="CloudEditorLimits"/>).
        /// </summary>
        private async Task<SitePage> WriteAsync(HttpMethod method, Uri url, object request, string storageBody, SiteSpace? space,
            CancellationToken cancellationToken)
        {
            JsonDocument? document;
            try
            {
                document = await _rest.SendJsonAsync(method, url, JsonSerializer.Serialize(request), cancellationToken).ConfigureAwait(false);
            }
            catch (SiteException e) when (e.Kind == SiteErrorKind.BadRequest && CloudEditorLimits.IsRefusal(e.ServerMessage))
            {
                throw new SiteException(e.Kind, e.Message.TrimEnd('.') + ". " + CloudEditorLimits.Explain(storageBody),
                    e.Method, e.Path, e.StatusCode, e.ServerMessage, e);
            }

            using var answer = document;
            if (document is null)
            {
                throw new SiteException(SiteErrorKind.UnexpectedResponse,
                    $"{method.Method} {url.AbsolutePath} on the Cloud site answered without the page.", method.Method, url.AbsolutePath);
            }

            return PageJson.FromCloudV2(document.RootElement, space);
        }

        private Uri PageUrl(string pageId, string query)
        {
            if (string.IsNullOrEmpty(pageId)) throw new ArgumentException("A page id is required.", nameof(pageId));
            return V2("/" + Collection + "/" + Uri.EscapeDataString(pageId) + query);
        }

        private static Dictionary<string, object?> StorageBody(string storageBody) => new Dictionary<string, object?>
        {
            ["representation"] = "storage",
            ["value"] = storageBody ?? throw new ArgumentNullException(nameof(storageBody)),
        };

        internal static SiteException StaleVersion(string method, Uri url, string pageId, int planned, int current, string product) =>
            new SiteException(SiteErrorKind.Conflict,
                $"{method} {url.AbsolutePath} on the {product} site was not sent: page {pageId} is at version {current.ToString(CultureInfo.InvariantCulture)}, " +
                $"not at the planned version {planned.ToString(CultureInfo.InvariantCulture)} (someone changed it since it was read).",
                method, url.AbsolutePath, System.Net.HttpStatusCode.Conflict, null, null, current);

        internal static void RequireSpace(SiteSpace space)
        {
            if (space is null) throw new ArgumentNullException(nameof(space));
            if (string.IsNullOrEmpty(space.Id) || string.IsNullOrEmpty(space.Key))
                throw new ArgumentException("The space needs its id and key (use FindSpaceAsync).", nameof(space));
        }

        internal static void RequireTitle(string title)
        {
            if (string.IsNullOrWhiteSpace(title)) throw new ArgumentException("A page title is required.", nameof(title));
        }

        private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);
    }
}
