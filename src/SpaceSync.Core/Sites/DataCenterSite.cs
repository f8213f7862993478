using System;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Sites
{
    /// <summary>Confluence Data Center: REST at {site}/rest/api, where {site} may carry a context path (/confluence).</summary>
    public sealed partial class DataCenterSite : IConfluenceSite
    {
        private readonly ConfluenceRestClient _rest;
        private readonly bool _ownsRest;

        internal DataCenterSite(ConfluenceRestClient rest) : this(rest, ContentKind.Page, ownsRest: true)
        {
        }

        private DataCenterSite(ConfluenceRestClient rest, ContentKind content, bool ownsRest)
        {
            _rest = rest;
            Content = content;
            _ownsRest = ownsRest;
        }

        /// <summary>What this instance's page operations work on (<see cref="IConfluenceSite.OfBlogPosts"/>).</summary>
        public ContentKind Content { get; }

        public IConfluenceSite OfBlogPosts() =>
            Content == ContentKind.BlogPost ? this : new DataCenterSite(_rest, ContentKind.BlogPost, ownsRest: false);

        public SiteKind Kind => SiteKind.DataCenter;

        public Uri BaseUrl => _rest.SiteUrl;

        public SiteRequestCounters Counters => _rest.Counters;

        public TimeSpan SearchLag => _rest.SearchLag;

        internal ConfluenceRestClient Rest => _rest;

        internal Uri Api(string path) => _rest.Url("/rest/api" + path);

        public async Task<SiteUser> GetCurrentUserAsync(CancellationToken cancellationToken)
        {
            var url = Api("/user/current");
            using var document = await _rest.GetJsonAsync(url, cancellationToken).ConfigureAwait(false);
            var root = document.RootElement;
            var type = JsonRead.String(root, "type");
            var userKey = JsonRead.String(root, "userKey");
            if (type == "anonymous" || string.IsNullOrEmpty(userKey))
            {
                throw new SiteException(
                    SiteErrorKind.Unauthorized,
                    $"GET {url.AbsolutePath} on the DataCenter site answered as an anonymous user: the credentials were not accepted.",
                    "GET", url.AbsolutePath);
            }

            return new SiteUser
            {
                UserKey = userKey,
                UserName = JsonRead.String(root, "username"),
                DisplayName = JsonRead.String(root, "displayName") ?? JsonRead.String(root, "username") ?? "",
                // Not in the 10.0.3 document's User; taken when a server sends it (CQL dates are read in it).
                TimeZone = JsonRead.String(root, "timeZone"),
            };
        }

        public async Task<SiteSpace?> FindSpaceAsync(string spaceKey, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(spaceKey)) throw new ArgumentException("A space key is required.", nameof(spaceKey));
            using var document = await _rest.GetJsonOrNullAsync(
                Api("/space/" + Uri.EscapeDataString(spaceKey) + "?expand=homepage"), cancellationToken).ConfigureAwait(false);
            if (document is null)
            {
                return null;
            }

            var root = document.RootElement;
            return new SiteSpace
            {
                Id = JsonRead.String(root, "id") ?? "",
                Key = JsonRead.String(root, "key") ?? spaceKey,
                Name = JsonRead.String(root, "name") ?? "",
                HomepageId = HomepageId(root),
            };
        }

        /// <summary>
        /// Reads the space permissions granted to the user, then to the user's groups. Data Center lets only
        /// space administrators read permissions: a 403 means "could not verify", not "may not write".
        /// </summary>
        public async Task<WriteAccessResult> CheckWriteAccessAsync(SiteSpace space, SiteUser user, CancellationToken cancellationToken)
        {
            if (space is null) throw new ArgumentNullException(nameof(space));
            if (user is null || string.IsNullOrEmpty(user.UserKey))
            {
                return new WriteAccessResult(WriteAccess.Unknown, $"Could not verify write access to space {space.Key}: the account's user key is unknown.");
            }

            var spacePath = "/space/" + Uri.EscapeDataString(space.Key) + "/permissions";
            try
            {
                if (await GrantsCreatePageAsync(Api(spacePath + "/user/" + Uri.EscapeDataString(user.UserKey!)), cancellationToken).ConfigureAwait(false))
                {
                    return new WriteAccessResult(WriteAccess.Allowed, $"{user.DisplayName} may create pages in space {space.Key} (granted to the user).");
                }

                var groups = _rest.List(Api("/user/memberof?key=" + Uri.EscapeDataString(user.UserKey!)), PagingStyle.BaseRelative);
                while (await groups.MoveNextAsync(cancellationToken).ConfigureAwait(false))
                {
                    var group = groups.Current;
                    var name = JsonRead.String(group, "name");
                    if (string.IsNullOrEmpty(name))
                    {
                        continue;
                    }

                    if (await GrantsCreatePageAsync(Api(spacePath + "/group/" + Uri.EscapeDataString(name!)), cancellationToken).ConfigureAwait(false))
                    {
                        return new WriteAccessResult(WriteAccess.Allowed, $"{user.DisplayName} may create pages in space {space.Key} (through group {name}).");
                    }
                }
            }
            catch (SiteException e) when (e.Kind == SiteErrorKind.Forbidden)
            {
                return new WriteAccessResult(WriteAccess.Unknown,
                    $"Could not verify write access to space {space.Key}: Data Center lets only space administrators read space permissions (403 on {e.Path}). The first write will tell.");
            }
            catch (SiteException e) when (e.Kind == SiteErrorKind.NotFound)
            {
                return new WriteAccessResult(WriteAccess.Unknown,
                    $"Could not verify write access to space {space.Key}: {e.Path} answered 404{(e.ServerMessage != null ? " (" + e.ServerMessage + ")" : "")}.");
            }

            return new WriteAccessResult(WriteAccess.Denied,
                $"{user.DisplayName} may not create pages in space {space.Key}: neither the user nor any of its groups has the 'Add page' permission there.");
        }

        /// <summary>All items of a listing (path from /rest/api, with its query), following _links.next relative to _links.base.</summary>
        internal ListingReader List(string pathAndQuery) => _rest.List(Api(pathAndQuery), PagingStyle.BaseRelative);

        private async Task<bool> GrantsCreatePageAsync(Uri url, CancellationToken cancellationToken)
        {
            using var document = await _rest.GetJsonAsync(url, cancellationToken).ConfigureAwait(false);
            var permissions = JsonRead.Array(document.RootElement, "results");
            if (permissions is null)
            {
                return false;
            }

            foreach (var permission in permissions.Value.EnumerateArray())
            {
                // SpacePermission: {operation:{targetType, operationKey}, subject, spaceKey, spaceId}
                var operation = JsonRead.Object(permission, "operation");
                if (operation != null &&
                    string.Equals(JsonRead.String(operation.Value, "operationKey"), "create", StringComparison.OrdinalIgnoreCase) &&
                    string.Equals(JsonRead.String(operation.Value, "targetType"), "page", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        private static string? HomepageId(JsonElement space)
        {
            var homepage = JsonRead.Object(space, "homepage");
            var id = homepage is null ? null : JsonRead.String(homepage.Value, "id");
            if (id != null)
            {
                return id;
            }

            // Not expanded: {"_expandable":{"homepage":"/rest/api/content/98305"}}.
            var expandable = JsonRead.Object(space, "_expandable");
            var link = expandable is null ? null : JsonRead.String(expandable.Value, "homepage");
            if (string.IsNullOrEmpty(link))
            {
                return null;
            }

            var slash = link!.LastIndexOf('/');
            return slash >= 0 && slash < link.Length - 1 ? link.Substring(slash + 1) : null;
        }

        public override string ToString() => "Data Center site " + BaseUrl;

        public void Dispose()
        {
            if (_ownsRest) _rest.Dispose();
        }
    }
}
