using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace SpaceSync.Core.Content.Translation
{
    /// <summary>
    /// The URL forms that name a page by id: Data Center <c>{context}/pages/viewpage.action?pageId=N</c>, Cloud
    /// <c>/wiki/spaces/KEY/pages/N[/Title+slug]</c> (and <c>/wiki/pages/viewpage.action?pageId=N</c>, which Cloud
    /// also answers). Other query parameters and the fragment travel along; Cloud's title slug does not (it is
    /// cosmetic, and Data Center has nowhere to keep it).
    /// </summary>
    internal sealed class PageUrls
    {
        private static readonly Regex ViewPage = new Regex(
            @"^(?<site>[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]+)?(?<path>(?:/[^/?#]*)*?)/pages/viewpage\.action\?(?<query>[^#]*)(?<fragment>#.*)?$",
            RegexOptions.CultureInvariant);

        private static readonly Regex CloudPage = new Regex(
            @"^(?<site>[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]+)?(?<path>/wiki)/spaces/(?<key>[^/?#]+)/pages/(?<id>[0-9]+)(?:/[^?#]*)?(?:\?(?<query>[^#]*))?(?<fragment>#.*)?$",
            RegexOptions.CultureInvariant);

        private static readonly Regex Digits = new Regex("^[0-9]+$", RegexOptions.CultureInvariant);

        private readonly string _dcPath;
        private readonly string? _dcSite;
        private readonly string? _cloudSite;

        public PageUrls(Uri? dataCenterBase, Uri? cloudBase)
        {
            _dcPath = dataCenterBase == null ? "" : dataCenterBase.AbsolutePath.TrimEnd('/');
            // absolute links only when both ends are known: a rewritten link must land on the other site
            if (dataCenterBase != null && cloudBase != null)
            {
                _dcSite = Origin(dataCenterBase);
                _cloudSite = Origin(cloudBase);
            }
        }

        /// <summary>A link into a page by id, as read from the source site.</summary>
        public sealed class Parsed
        {
            public Parsed(string? site, string pageId, string otherQuery, string fragment)
            {
                Site = site;
                PageId = pageId;
                OtherQuery = otherQuery;
                Fragment = fragment;
            }

            public string? Site { get; }
            public string PageId { get; }
            public string OtherQuery { get; }
            public string Fragment { get; }
        }

        public Parsed? Parse(string href, TranslationDirection direction)
        {
            var source = direction == TranslationDirection.DataCenterToCloud;
            var m = ViewPage.Match(href);
            if (m.Success && SiteMatches(m, source ? _dcSite : _cloudSite) && m.Groups["path"].Value == (source ? _dcPath : "/wiki"))
            {
                var (id, rest) = SplitPageId(m.Groups["query"].Value);
                if (id != null) return new Parsed(Site(m), id, rest, m.Groups["fragment"].Value);
            }
            if (!source)
            {
                m = CloudPage.Match(href);
                if (m.Success && SiteMatches(m, _cloudSite))
                    return new Parsed(Site(m), m.Groups["id"].Value, m.Groups["query"].Value, m.Groups["fragment"].Value);
            }
            return null;
        }

        /// <summary>The same link on the target site, absolute when the source was.</summary>
        public string Format(Parsed link, PageLocation target, TranslationDirection direction)
        {
            if (direction == TranslationDirection.DataCenterToCloud)
            {
                var site = link.Site == null ? "" : _cloudSite;
                var query = link.OtherQuery.Length == 0 ? "" : "?" + link.OtherQuery;
                return $"{site}/wiki/spaces/{Uri.EscapeDataString(target.SpaceKey)}/pages/{target.PageId}{query}{link.Fragment}";
            }
            var dcSite = link.Site == null ? "" : _dcSite;
            var rest = link.OtherQuery.Length == 0 ? "" : "&" + link.OtherQuery;
            return $"{dcSite}{_dcPath}/pages/viewpage.action?pageId={target.PageId}{rest}{link.Fragment}";
        }

        private static bool SiteMatches(Match m, string? expected)
        {
            var site = m.Groups["site"];
            if (!site.Success) return true;
            return expected != null && string.Equals(site.Value, expected, StringComparison.OrdinalIgnoreCase);
        }

        private static string? Site(Match m) => m.Groups["site"].Success ? m.Groups["site"].Value : null;

        // the page id and the other parameters in their order; a second pageId makes the link ambiguous
        private static (string? Id, string Others) SplitPageId(string query)
        {
            string? id = null;
            var rest = new List<string>();
            foreach (var part in query.Split('&'))
            {
                if (part.StartsWith("pageId=", StringComparison.Ordinal))
                {
                    var value = part.Substring("pageId=".Length);
                    if (id != null || !Digits.IsMatch(value)) return (null, "");
                    id = value;
                }
                else if (part.Length > 0)
                {
                    rest.Add(part);
                }
            }
            return (id, string.Join("&", rest));
        }

        private static string Origin(Uri uri) => uri.GetLeftPart(UriPartial.Authority);
    }
}
