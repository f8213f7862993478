using System;
using System.Globalization;
using System.Text.Json;

namespace SpaceSync.Core.Sites
{
    /// <summary>Reads each product's page JSON into the one <see cref="SitePage"/> shape.</summary>
    internal static class PageJson
    {
        /// <summary>Cloud v2 Page (PageBulk / PageSingle).</summary>
        public static SitePage FromCloudV2(JsonElement page, SiteSpace? space) => FromCloudV2(page, space, withBody: true);

        /// <param name="withBody">False: the body is left in the JSON (<see cref="SitePage.Body"/> null), as for a listing without bodies.</param>
        public static SitePage FromCloudV2(JsonElement page, SiteSpace? space, bool withBody)
        {
            var version = JsonRead.Object(page, "version");
            var status = JsonRead.String(page, "status") ?? "";
            var spaceId = JsonRead.String(page, "spaceId");
            var (parentId, parentType) = CloudParent(page);
            return new SitePage
            {
                Id = RequireId(page, "Cloud"),
                SpaceId = spaceId,
                SpaceKey = space != null && (spaceId is null || spaceId == space.Id) ? space.Key : null,
                Title = JsonRead.String(page, "title") ?? "",
                // Pages may hang below folders or whiteboards on Cloud: the parent is whatever the site says, with its type.
                ParentId = parentId,
                ParentType = parentType,
                Status = StatusOf(status),
                RawStatus = status,
                Version = new SitePageVersion
                {
                    Number = Number(version, "number"),
                    When = Time(version, "createdAt"),
                    AuthorId = version is null ? null : JsonRead.String(version.Value, "authorId"),
                },
                Position = page.TryGetProperty("position", out var position) && position.ValueKind == JsonValueKind.Number &&
                           position.TryGetInt32(out var p) ? p : (int?)null,
                Body = withBody ? StorageBody(JsonRead.Object(page, "body")) : null,
            };
        }

        /// <summary>Cloud v2 FolderSingle, WhiteboardSingle, DatabaseSingle or EmbedSingle: a parent of pages that is no page.</summary>
        public static SiteContainer ContainerFromCloudV2(JsonElement content, string expectedType)
        {
            var (parentId, parentType) = CloudParent(content);
            var status = JsonRead.String(content, "status") ?? "";
            return new SiteContainer
            {
                Id = RequireId(content, "Cloud"),
                Type = JsonRead.String(content, "type") is { Length: > 0 } type ? type : expectedType,
                Title = JsonRead.String(content, "title") ?? "",
                ParentId = parentId,
                ParentType = parentType,
                Status = StatusOf(status),
                Version = Number(JsonRead.Object(content, "version"), "number"),
            };
        }

        /// <summary>v2 parentId and parentType; a parent without a type is a page (older answers), none at all is the top level.</summary>
        private static (string? Id, string? Type) CloudParent(JsonElement content)
        {
            var parentId = JsonRead.String(content, "parentId");
            var parentType = JsonRead.String(content, "parentType");
            if (string.IsNullOrEmpty(parentId) || (parentType != null && parentType.Length == 0)) return (null, null);
            return (parentId, parentType ?? SiteContainer.PageType);
        }

        /// <summary>Data Center (and Cloud v1) Content, expanded with version and ancestors (and body.storage).</summary>
        public static SitePage FromContent(JsonElement content, SiteSpace? space) => FromContent(content, space, withBody: true);

        /// <param name="withBody">False: the body is left in the JSON (<see cref="SitePage.Body"/> null), as for a listing without bodies.</param>
        public static SitePage FromContent(JsonElement content, SiteSpace? space, bool withBody)
        {
            var version = JsonRead.Object(content, "version");
            var by = version is null ? null : JsonRead.Object(version.Value, "by");
            var contentSpace = JsonRead.Object(content, "space");
            var status = JsonRead.String(content, "status") ?? "";
            var ancestors = JsonRead.Array(content, "ancestors");
            string? parentId = null;
            if (ancestors != null && ancestors.Value.GetArrayLength() > 0)
            {
                // Root first: the parent is the last ancestor.
                parentId = JsonRead.String(ancestors.Value[ancestors.Value.GetArrayLength() - 1], "id");
            }

            var body = withBody ? JsonRead.Object(content, "body") : null;
            return new SitePage
            {
                Id = RequireId(content, "Data Center"),
                SpaceId = contentSpace is null ? space?.Id : JsonRead.String(contentSpace.Value, "id") ?? space?.Id,
                SpaceKey = contentSpace is null ? space?.Key : JsonRead.String(contentSpace.Value, "key") ?? space?.Key,
                Title = JsonRead.String(content, "title") ?? "",
                ParentId = parentId,
                Status = StatusOf(status),
                RawStatus = status,
                Version = new SitePageVersion
                {
                    Number = Number(version, "number"),
                    When = Time(version, "when"),
                    AuthorId = by is null ? null : JsonRead.String(by.Value, "userKey") ?? JsonRead.String(by.Value, "accountId"),
                },
                Body = StorageBody(body),
            };
        }

        /// <summary>
        /// Cloud v1 Content (a search hit) expanded with version and ancestors: as <see cref="FromContent"/>, with the
        /// parent's type from the last ancestor's <c>type</c> ("page" when it names none), as v2 gives <c>parentType</c>.
        /// </summary>
        public static SitePage FromCloudV1(JsonElement content)
        {
            var page = FromContent(content, null);
            if (page.ParentId is null) return page;
            var ancestors = JsonRead.Array(content, "ancestors")!.Value;
            var type = JsonRead.String(ancestors[ancestors.GetArrayLength() - 1], "type");
            return page with { ParentType = string.IsNullOrEmpty(type) ? SiteContainer.PageType : type };
        }

        private static string? StorageBody(JsonElement? body)
        {
            if (body is null)
            {
                return null;
            }

            var storage = JsonRead.Object(body.Value, "storage");
            return storage is null ? null : JsonRead.String(storage.Value, "value") ?? "";
        }

        private static SitePageStatus StatusOf(string status) => status switch
        {
            "current" => SitePageStatus.Current,
            "trashed" => SitePageStatus.Trashed,
            "archived" => SitePageStatus.Archived,
            _ => SitePageStatus.Other,
        };

        private static string RequireId(JsonElement page, string product) =>
            JsonRead.String(page, "id") ?? throw new SiteException(SiteErrorKind.UnexpectedResponse,
                $"A page in the {product} site's answer has no id: the answer is not Confluence's page shape.", "GET", "");

        private static int Number(JsonElement? version, string name)
        {
            if (version is null || !version.Value.TryGetProperty(name, out var value))
            {
                return 0;
            }

            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
                : value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out number) ? number
                : 0;
        }

        private static DateTimeOffset Time(JsonElement? version, string name)
        {
            var text = version is null ? null : JsonRead.String(version.Value, name);
            return text != null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
                ? when
                : DateTimeOffset.MinValue;
        }
    }
}
