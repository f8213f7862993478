using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Reporting
{
    /// <summary>
    /// The web UI address of a page, or of one version of it, on each site, built from the site URL of the scope file and
    /// the page id, the way Confluence itself links by id (the report's data holds ids, not the sites' _links.webui).
    /// By id rather than by title, so a rename or a move does not break the link.
    /// </summary>
    /// <remarks>
    /// Data Center: <c>{site}/pages/viewpage.action?pageId=ID</c> ("PageId format", Atlassian KB "The Differences Between
    /// Various URL Formats for a Confluence Page", confluence.atlassian.com/confkb/...-278692715.html), one version with
    /// <c>&amp;pageVersion=N</c>. Cloud (site URL ends in /wiki): <c>{site}/spaces/KEY/pages/ID</c>, one version
    /// <c>{site}/pages/viewpage.action?pageId=ID&amp;pageVersion=N</c>; a blog post by the id form, which any content id
    /// takes. See docs/confluence-behaviours.md.
    /// </remarks>
    public static class ReportLinks
    {
        /// <summary>The page on Data Center, at <paramref name="version"/> when given; null without a site or an id.</summary>
        public static string? DataCenterPage(Uri? site, string? id, int? version = null)
        {
            if (!Usable(site) || string.IsNullOrEmpty(id)) return null;
            return Root(site!) + "/pages/viewpage.action?pageId=" + Uri.EscapeDataString(id!) + VersionQuery(version);
        }

        /// <summary>
        /// The page on Cloud in space <paramref name="cloudKey"/> (a collection key: KEY or KEY:blogposts), at
        /// <paramref name="version"/> when given; null without a site or an id.
        /// </summary>
        public static string? CloudPage(Uri? site, string? cloudKey, string? id, int? version = null)
        {
            if (!Usable(site) || string.IsNullOrEmpty(id)) return null;
            var escapedId = Uri.EscapeDataString(id!);
            var blogPost = cloudKey != null && ResolvedSpace.IsBlogPostKey(cloudKey);
            if (version is null && !blogPost && !string.IsNullOrEmpty(cloudKey))
            {
                return Root(site!) + "/spaces/" + Uri.EscapeDataString(cloudKey!) + "/pages/" + escapedId;
            }

            return Root(site!) + "/pages/viewpage.action?pageId=" + escapedId + VersionQuery(version);
        }

        /// <summary>The site's own address as written in the scope file (no trailing slash); null when not http(s).</summary>
        public static string? Site(Uri? site) => Usable(site) ? Root(site!) : null;

        // Only http(s) becomes a link: anything else (javascript:, file:) would be a hazard in an href.
        private static bool Usable(Uri? site) =>
            site != null && site.IsAbsoluteUri && (site.Scheme == Uri.UriSchemeHttps || site.Scheme == Uri.UriSchemeHttp);

        // Scheme, host, port and path only: user info (user:token@) in a site URL must never reach a report.
        private static string Root(Uri site) =>
            site.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/');

        private static string VersionQuery(int? version) =>
            version is int v ? "&pageVersion=" + v.ToString(CultureInfo.InvariantCulture) : "";
    }

    /// <summary>The web UI links of one report's pages: its two sites, and each collection's Cloud key (drift rows name the Data Center key).</summary>
    public sealed class ReportPageLinks
    {
        private readonly SyncReport _report;
        private readonly Dictionary<string, string> _cloudKeys;

        public ReportPageLinks(SyncReport report)
        {
            _report = report ?? throw new ArgumentNullException(nameof(report));
            _cloudKeys = report.Spaces
                .GroupBy(s => s.SpaceKey, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.First().CloudKey, StringComparer.OrdinalIgnoreCase);
        }

        public string? DataCenter(string? id, int? version = null) => ReportLinks.DataCenterPage(_report.DataCenterUrl, id, version);

        public string? Cloud(string spaceKey, string? id, int? version = null) =>
            ReportLinks.CloudPage(_report.CloudUrl, _cloudKeys.TryGetValue(spaceKey, out var key) && !string.IsNullOrEmpty(key) ? key : spaceKey, id, version);
    }
}
