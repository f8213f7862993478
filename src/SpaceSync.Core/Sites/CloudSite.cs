using System;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// Confluence Cloud: REST v2 at {site}/api/v2 for content and spaces, v1 at {site}/rest/api for
    /// what v2 lacks (current user, CQL search, labels, attachment upload). {site} is https://x.atlassian.net/wiki.
    /// </summary>
    public sealed partial class CloudSite : IConfluenceSite
    {
        private readonly ConfluenceRestClient _rest;
        private readonly bool _ownsRest;

        internal CloudSite(ConfluenceRestClient rest) : this(rest, ContentKind.Page, ownsRest: true)
        {
        }

        private CloudSite(ConfluenceRestClient rest, ContentKind content, bool ownsRest)
        {
            _rest = rest;
            Content = content;
            _ownsRest = ownsRest;
        }

        /// <summary>What this instance's page operations work on (<see cref="IConfluenceSite.OfBlogPosts"/>).</summary>
        public ContentKind Content { get; }

        public IConfluenceSite OfBlogPosts() => Content == ContentKind.BlogPost ? this : new CloudSite(_rest, ContentKind.BlogPost, ownsRest: false);

        public SiteKind Kind => SiteKind.Cloud;

        public Uri BaseUrl => _rest.SiteUrl;

        public SiteRequestCounters Counters => _rest.Counters;

        public TimeSpan SearchLag => _rest.SearchLag;

        internal ConfluenceRestClient Rest => _rest;

        internal Uri V2(string path) => _rest.Url("/api/v2" + path);

        internal Uri V1(string path) => _rest.Url("/rest/api" + path);

        public async Task<SiteUser> GetCurrentUserAsync(CancellationToken cancellationToken)
        {
            var url = V1("/user/current");
            using var document = await _rest.GetJsonAsync(url, cancellationToken).ConfigureAwait(false);
            var root = document.RootElement;
            var type = JsonRead.String(root, "type");
            var accountId = JsonRead.String(root, "accountId");
            if (type == "anonymous" || string.IsNullOrEmpty(accountId))
            {
                // Sites open to anonymous readers answer 200 for anyone: that is not being signed in.
                throw new SiteException(
                    SiteErrorKind.Unauthorized,
                    $"GET {url.AbsolutePath} on the Cloud site answered as an anonymous user: the credentials were not accepted.",
                    "GET", url.AbsolutePath);
            }

            return new SiteUser
            {
                AccountId = accountId,
                DisplayName = JsonRead.String(root, "displayName") ?? JsonRead.String(root, "publicName") ?? "",
                Email = NullIfEmpty(JsonRead.String(root, "email")),
                TimeZone = JsonRead.String(root, "timeZone"),
            };
        }

        public async Task<SiteSpace?> FindSpaceAsync(string spaceKey, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(spaceKey)) throw new ArgumentException("A space key is required.", nameof(spaceKey));
            using var document = await _rest.GetJsonAsync(
                V2("/spaces?keys=" + Uri.EscapeDataString(spaceKey)), cancellationToken).ConfigureAwait(false);
            var results = JsonRead.Array(document.RootElement, "results");
            if (results is null)
            {
                return null;
            }

            foreach (var space in results.Value.EnumerateArray())
            {
                if (string.Equals(JsonRead.String(space, "key"), spaceKey, StringComparison.OrdinalIgnoreCase))
                {
                    return new SiteSpace
                    {
                        Id = JsonRead.String(space, "id") ?? "",
                        Key = JsonRead.String(space, "key") ?? spaceKey,
                        Name = JsonRead.String(space, "name") ?? "",
                        HomepageId = JsonRead.String(space, "homepageId"),
                    };
                }
            }

            return null;
        }

        public async Task<WriteAccessResult> CheckWriteAccessAsync(SiteSpace space, SiteUser user, CancellationToken cancellationToken)
        {
            if (space is null) throw new ArgumentNullException(nameof(space));
            JsonDocument document;
            try
            {
                // v2 answers the operations the *calling* user may perform on the space.
                document = await _rest.GetJsonAsync(V2("/spaces/" + Uri.EscapeDataString(space.Id) + "/operations"), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (SiteException e) when (e.Kind == SiteErrorKind.Forbidden)
            {
                return new WriteAccessResult(WriteAccess.Unknown,
                    $"Could not verify write access to space {space.Key}: the site refused to list the account's permitted operations ({e.ServerMessage ?? "403"}).");
            }

            using (document)
            {
                var operations = JsonRead.Array(document.RootElement, "operations");
                if (operations != null && Permits(operations.Value, "create", "page"))
                {
                    return new WriteAccessResult(WriteAccess.Allowed, $"{Who(user)} may create pages in space {space.Key}.");
                }

                return new WriteAccessResult(WriteAccess.Denied,
                    $"{Who(user)} may not create pages in space {space.Key} (the space's permitted operations lack create/page). Grant the account 'Add pages' in the space's permissions.");
            }
        }

        /// <summary>All items of a v2 listing (path from /api/v2, with its query), following Link / _links.next.</summary>
        internal ListingReader ListV2(string pathAndQuery) => _rest.List(V2(pathAndQuery), PagingStyle.CloudV2);

        /// <summary>All results of a v1 CQL search, following _links.next relative to _links.base.</summary>
        internal ListingReader SearchV1(string cql, int limit) =>
            _rest.List(
                V1("/search?cql=" + Uri.EscapeDataString(cql) + "&limit=" + limit.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                PagingStyle.BaseRelative);

        internal static bool Permits(JsonElement operations, string operation, string targetType)
        {
            foreach (var item in operations.EnumerateArray())
            {
                if (string.Equals(JsonRead.String(item, "operation"), operation, StringComparison.OrdinalIgnoreCase) &&
                    string.Equals(JsonRead.String(item, "targetType"), targetType, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        private static string Who(SiteUser user) => string.IsNullOrEmpty(user?.DisplayName) ? "The account" : user!.DisplayName;

        private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

        public override string ToString() => "Cloud site " + BaseUrl;

        public void Dispose()
        {
            if (_ownsRest) _rest.Dispose();
        }
    }
}
