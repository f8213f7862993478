using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text.Json;

namespace SpaceSync.Core.Sites
{
    /// <summary>How a listing tells where its next page is.</summary>
    internal enum PagingStyle
    {
        /// <summary>Cloud v2: Link header rel="next", else _links.next; both relative to the host (start with /wiki/).</summary>
        CloudV2,
        /// <summary>Cloud v1 and Data Center: _links.next relative to _links.base (the site URL with its context path).</summary>
        BaseRelative,
    }

    /// <summary>Finds the next page's URL in a listing response, and keeps it on the site's own host.</summary>
    internal static class NextLink
    {
        public static string? Find(HttpResponseMessage response, JsonElement body, PagingStyle style)
        {
            if (style == PagingStyle.CloudV2 && response.Headers.TryGetValues("Link", out var values))
            {
                foreach (var value in values)
                {
                    var next = FromLinkHeader(value);
                    if (next != null)
                    {
                        return next;
                    }
                }
            }

            if (body.ValueKind == JsonValueKind.Object &&
                body.TryGetProperty("_links", out var links) && links.ValueKind == JsonValueKind.Object &&
                links.TryGetProperty("next", out var nextElement) && nextElement.ValueKind == JsonValueKind.String)
            {
                var next = nextElement.GetString();
                return string.IsNullOrWhiteSpace(next) ? null : next;
            }

            return null;
        }

        /// <summary>
        /// The target of rel="next" in an RFC 8288 Link header. URLs may hold commas (keys=A,B), so the
        /// header is scanned by its angle brackets rather than split on commas.
        /// </summary>
        public static string? FromLinkHeader(string header)
        {
            var position = 0;
            while (position < header.Length)
            {
                var open = header.IndexOf('<', position);
                if (open < 0) return null;
                var close = header.IndexOf('>', open + 1);
                if (close < 0) return null;
                var target = header.Substring(open + 1, close - open - 1).Trim();
                var nextOpen = header.IndexOf('<', close + 1);
                var parameters = nextOpen < 0 ? header.Substring(close + 1) : header.Substring(close + 1, nextOpen - close - 1);
                foreach (var parameter in parameters.Split(';'))
                {
                    var pair = parameter.Split(new[] { '=' }, 2);
                    if (pair.Length == 2 && pair[0].Trim().Equals("rel", StringComparison.OrdinalIgnoreCase))
                    {
                        var rels = pair[1].Trim().Trim(',').Trim().Trim('"').Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
                        foreach (var rel in rels)
                        {
                            if (rel.Equals("next", StringComparison.OrdinalIgnoreCase))
                            {
                                return target;
                            }
                        }
                    }
                }

                if (nextOpen < 0) return null;
                position = nextOpen;
            }

            return null;
        }

        /// <summary>
        /// The absolute URL of a next link. Relative links are joined to our configured site URL (not to the
        /// server's _links.base, which behind a proxy may name a host we do not talk to); absolute links must
        /// stay on our host, or the credentials would go elsewhere.
        /// </summary>
        public static Uri Resolve(string link, Uri siteUrl, PagingStyle style)
        {
            if (Uri.TryCreate(link, UriKind.Absolute, out var absolute) &&
                (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps))
            {
                if (Uri.Compare(absolute, siteUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
                {
                    throw new InvalidOperationException(
                        $"The site's next-page link points to {absolute.GetLeftPart(UriPartial.Authority)}, not to {siteUrl.GetLeftPart(UriPartial.Authority)}; it is not followed, so that the credentials stay with the site.");
                }

                return absolute;
            }

            var relative = link.StartsWith("/", StringComparison.Ordinal) ? link : "/" + link;
            var root = style == PagingStyle.CloudV2
                ? siteUrl.GetLeftPart(UriPartial.Authority)
                : siteUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
            return new Uri(root + relative, UriKind.Absolute);
        }
    }
}
