using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Sites
{
    // Page operations on Data Center: /rest/api/content (+ /content/scan, CQL /content/search). The blog-post view
    // (OfBlogPosts) runs the same calls with type=blogpost.
    public sealed partial class DataCenterSite
    {
        /// <summary>"page" or "blogpost".</summary>
        private string ContentType => Content.ContentType();

        // Page sizes are settable so that tests can make small spaces span several listing pages.

        /// <summary>Structural listing page size for /content/scan (it pages by cursor; the server caps as it likes).</summary>
        internal int ScanLimit { get; set; } = 1000;

        /// <summary>/content caps at 200 with expansions (the server lowers it further with bodies; links are followed either way).</summary>
        internal int ContentLimit { get; set; } = 200;

        /// <summary>/content with bodies: servers cap lower when bodies are expanded.</summary>
        internal int ContentWithBodyLimit { get; set; } = 100;

        /// <summary>CQL search caps at 200 when anything is expanded (version, ancestors).</summary>
        internal int SearchLimit { get; set; } = 200;

        /// <summary>
        /// Hits older than the window, in a row, that end a change query (<see cref="PageChangeCollector.ReadNewestFirstAsync"/>):
        /// the 50 a CQL page holds with bodies, the whole listing page of the rule before, so bigger pages without bodies keep it.
        /// </summary>
        internal const int ChangeQueryOlderRun = 50;

        private const string StructuralExpand = "version,ancestors";
        private const string FullExpand = "version,ancestors,body.storage,space";

        public SitePageReader ListPages(SiteSpace space, bool withBodies, bool includeTrashed)
        {
            CloudSite.RequireSpace(space);
            var common = "spaceKey=" + Uri.EscapeDataString(space.Key) + "&type=" + ContentType +
                         (includeTrashed ? "&status=current&status=trashed" : "");
            SitePage Map(JsonElement content) => PageJson.FromContent(content, space);
            if (withBodies)
            {
                return new SitePageReader(
                    List("/content?" + common + "&expand=" + StructuralExpand + ",body.storage&limit=" + Text(ContentWithBodyLimit)), Map);
            }

            // /content/scan (7.18+) pages by cursor and is the fast way through a big space; older servers answer 404.
            return new SitePageReader(
                List("/content/scan?" + common + "&expand=" + StructuralExpand + "&limit=" + Text(ScanLimit)), Map,
                _ => Task.FromResult<ListingReader?>(List("/content?" + common + "&expand=" + StructuralExpand + "&limit=" + Text(ContentLimit))));
        }

        public SitePageReader ListTrash(SiteSpace space)
        {
            CloudSite.RequireSpace(space);
            return new SitePageReader(
                List("/content?spaceKey=" + Uri.EscapeDataString(space.Key) + "&type=" + ContentType + "&status=trashed&expand=" + StructuralExpand +
                     "&limit=" + Text(ContentLimit)),
                content => PageJson.FromContent(content, space));
        }

        /// <summary>v1 CQL <c>id in (...)</c> expanded with the storage body and version: ceil(n / 50) requests, plus one per page the search missed.</summary>
        public Task<IReadOnlyDictionary<string, SitePage>> ReadPageBodiesAsync(IReadOnlyCollection<string> pageIds, CancellationToken cancellationToken) =>
            CqlBatchRead.ReadAsync(_rest, Api, pageIds, CommentRequests.SearchLimit, "body.storage,version",
                content => PageJson.FromContent(content, null) is { Body: not null } page ? page : null, GetPageAsync, cancellationToken);

        /// <summary>Data Center's page tree holds pages only: no page names a folder or whiteboard there, so nothing is asked.</summary>
        public Task<SiteContainer?> GetContainerAsync(string type, string id, CancellationToken cancellationToken) =>
            Task.FromResult<SiteContainer?>(null);

        public async Task<SitePage?> GetPageAsync(string pageId, CancellationToken cancellationToken)
        {
            // status=any: current or trashed.
            using var document = await _rest.GetJsonOrNullAsync(ContentUrl(pageId, "?status=any&expand=" + FullExpand), cancellationToken)
                .ConfigureAwait(false);
            return document is null ? null : PageJson.FromContent(document.RootElement, null);
        }

        public async Task<SitePage> CreatePageAsync(SiteSpace space, string? parentId, string title, string storageBody, CancellationToken cancellationToken)
        {
            CloudSite.RequireSpace(space);
            CloudSite.RequireTitle(title);
            var request = new Dictionary<string, object?>
            {
                ["type"] = ContentType,
                ["title"] = title,
                ["space"] = new Dictionary<string, object?> { ["key"] = space.Key },
                ["body"] = StorageBody(storageBody),
            };
            if (parentId != null)
            {
                if (Content == ContentKind.BlogPost) throw new ArgumentException("A blog post has no parent page.", nameof(parentId));
                request["ancestors"] = new[] { new Dictionary<string, object?> { ["id"] = parentId } };
            }

            return await WriteAsync(HttpMethod.Post, Api("/content?expand=" + FullExpand), request, cancellationToken).ConfigureAwait(false);
        }

        public Task<SitePage> UpdatePageAsync(string pageId, int plannedVersion, string title, string storageBody, CancellationToken cancellationToken)
        {
            CloudSite.RequireTitle(title);
            return PutAsync(pageId, null, title, storageBody, plannedVersion, null, cancellationToken);
        }

        public async Task<SitePage> MovePageAsync(string pageId, int plannedVersion, string newParentId, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(newParentId)) throw new ArgumentException("The new parent's id is required.", nameof(newParentId));
            if (Content == ContentKind.BlogPost) throw new InvalidOperationException("A blog post has no parent page to move below.");
            // A PUT needs the title; the body goes back unchanged so no server can read its absence as "empty".
            var page = await ReadAtVersionAsync(pageId, plannedVersion, cancellationToken).ConfigureAwait(false);
            return await PutAsync(pageId, null, page.Title, page.Body ?? "", plannedVersion, newParentId, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Data Center 10.0.3's REST API names a new parent through <c>ancestors</c> only (an empty list changes nothing)
        /// and has no move endpoint (Cloud's v1 <c>/content/{id}/move</c> is not in it): a page cannot be put at the top
        /// level through it. Nothing is sent; the caller reports the move for a person to make.
        /// </summary>
        public Task<SitePage?> MovePageToTopLevelAsync(string pageId, int plannedVersion, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(pageId)) throw new ArgumentException("A page id is required.", nameof(pageId));
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult<SitePage?>(null);
        }

        public async Task TrashPageAsync(string pageId, CancellationToken cancellationToken)
        {
            using var _ = await _rest.SendJsonAsync(HttpMethod.Delete, ContentUrl(pageId, ""), null, cancellationToken).ConfigureAwait(false);
        }

        public async Task<SitePage> RestorePageAsync(string pageId, int plannedVersion, CancellationToken cancellationToken)
        {
            var page = await ReadAtVersionAsync(pageId, plannedVersion, cancellationToken).ConfigureAwait(false);
            if (page.Status == SitePageStatus.Current)
            {
                // Already restored (e.g. by a run that stopped before recording it): a PUT would only add an empty version.
                return page;
            }

            return await PutAsync(pageId, "current", page.Title, null, plannedVersion, null, cancellationToken).ConfigureAwait(false);
        }

        public async Task PurgePageAsync(string pageId, CancellationToken cancellationToken)
        {
            // The second DELETE, on a trashed page, purges it.
            using var _ = await _rest.SendJsonAsync(HttpMethod.Delete, ContentUrl(pageId, "?status=trashed"), null, cancellationToken).ConfigureAwait(false);
        }

        public async Task<SitePage?> FindPageByTitleAsync(SiteSpace space, string title, CancellationToken cancellationToken)
        {
            CloudSite.RequireSpace(space);
            CloudSite.RequireTitle(title);
            // /content finds a blog post by title only with its postingDay: CQL finds it on any day.
            var reader = Content == ContentKind.BlogPost
                ? List("/content/search?cql=" + Uri.EscapeDataString("space = " + CqlTime.Quote(space.Key) + " and type = blogpost and title = " +
                                                                     CqlTime.Quote(title)) + "&expand=" + StructuralExpand + ",body.storage&limit=25")
                : List("/content?spaceKey=" + Uri.EscapeDataString(space.Key) + "&title=" + Uri.EscapeDataString(title) +
                       "&type=page&expand=" + StructuralExpand + ",body.storage&limit=25");
            while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                var page = PageJson.FromContent(reader.Current, space);
                if (string.Equals(page.Title, title, StringComparison.OrdinalIgnoreCase))
                {
                    return page;
                }
            }

            return null;
        }

        /// <summary>
        /// CQL (Data Center has no modified-date sorted listing): <c>lastmodified &gt;= "yyyy/MM/dd HH:mm"</c>, newest
        /// first, hits cut by their exact <c>version.when</c> (which carries the server's offset), the read ending once
        /// <see cref="ChangeQueryOlderRun"/> hits in a row are older than the window (see <see cref="PageChangeCollector.ReadNewestFirstAsync"/>). The literal
        /// is read at minute resolution in the caller's zone, which Data Center does not reliably tell (the 10.0.3 User has
        /// no timeZone; a user's profile zone may differ from the server's), so it is written early enough for any zone and
        /// serves only as a pre-filter: the extra hits it lets through sort after the real ones, costing at most one more
        /// result page.
        /// Newest first also because offset paging shifts under concurrent edits: in this order a shift repeats a hit
        /// (removed by de-duplication) instead of skipping one.
        /// </summary>
        public async Task<SitePageChanges> GetChangedPagesAsync(SiteSpace space, DateTimeOffset since, TimeSpan overlap, bool withBodies,
            CancellationToken cancellationToken, IReadOnlyCollection<string>? touchedWithoutVersion = null)
        {
            CloudSite.RequireSpace(space);
            var changes = new PageChangeCollector(since, overlap);
            var cql = "space = " + CqlTime.Quote(space.Key) + " and type = " + ContentType + " and lastmodified >= " +
                      CqlTime.Quote(CqlTime.EarliestLiteral(changes.WindowStart)) + " order by lastmodified desc";
            var reader = List("/content/search?cql=" + Uri.EscapeDataString(cql) + "&expand=" + StructuralExpand + (withBodies ? ",body.storage" : "") +
                              "&limit=" + Text(SearchLimit));
            return await changes.ReadNewestFirstAsync(reader, (content, withBody) => PageJson.FromContent(content, space, withBody),
                Math.Min(ChangeQueryOlderRun, SearchLimit), cancellationToken, touchedWithoutVersion, Counters).ConfigureAwait(false);
        }

        private async Task<SitePage> ReadAtVersionAsync(string pageId, int plannedVersion, CancellationToken cancellationToken)
        {
            var url = ContentUrl(pageId, "");
            var page = await GetPageAsync(pageId, cancellationToken).ConfigureAwait(false)
                ?? throw new SiteException(SiteErrorKind.NotFound,
                    $"PUT {url.AbsolutePath} on the DataCenter site: page {pageId} does not exist or is not visible to the account.",
                    "PUT", url.AbsolutePath);
            if (page.Version.Number != plannedVersion)
            {
                throw CloudSite.StaleVersion("PUT", url, pageId, plannedVersion, page.Version.Number, "DataCenter");
            }

            return page;
        }

        private async Task<SitePage> PutAsync(string pageId, string? status, string title, string? storageBody, int plannedVersion,
            string? newParentId, CancellationToken cancellationToken)
        {
            var request = new Dictionary<string, object?>
            {
                ["id"] = pageId,
                ["type"] = ContentType,
                ["title"] = title,
                ["version"] = new Dictionary<string, object?> { ["number"] = plannedVersion + 1 },
            };
            if (status != null) request["status"] = status;
            if (storageBody != null) request["body"] = StorageBody(storageBody);
            if (newParentId != null) request["ancestors"] = new[] { new Dictionary<string, object?> { ["id"] = newParentId } };
            return await WriteAsync(HttpMethod.Put, ContentUrl(pageId, "?expand=" + FullExpand), request, cancellationToken).ConfigureAwait(false);
        }

        private async Task<SitePage> WriteAsync(HttpMethod method, Uri url, object request, CancellationToken cancellationToken)
        {
            using var document = await _rest.SendJsonAsync(method, url, JsonSerializer.Serialize(request), cancellationToken).ConfigureAwait(false);
            if (document is null)
            {
                throw new SiteException(SiteErrorKind.UnexpectedResponse,
                    $"{method.Method} {url.AbsolutePath} on the DataCenter site answered without the page.", method.Method, url.AbsolutePath);
            }

            return PageJson.FromContent(document.RootElement, null);
        }

        private Uri ContentUrl(string pageId, string query)
        {
            if (string.IsNullOrEmpty(pageId)) throw new ArgumentException("A page id is required.", nameof(pageId));
            return Api("/content/" + Uri.EscapeDataString(pageId) + query);
        }

        private static Dictionary<string, object?> StorageBody(string storageBody) => new Dictionary<string, object?>
        {
            ["storage"] = new Dictionary<string, object?>
            {
                ["value"] = storageBody ?? throw new ArgumentNullException(nameof(storageBody)),
                ["representation"] = "storage",
            },
        };

        private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);
    }
}
