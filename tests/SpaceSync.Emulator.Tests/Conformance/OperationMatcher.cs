using NSwag;

namespace SpaceSync.Emulator.Tests.Conformance;

/// <summary>Maps a real request (method + URL on an emulator) to the document operation that describes it.</summary>
public static class OperationMatcher
{
    /// <summary>
    /// Which document covers <paramref name="url"/> and the path to look up in it. <paramref name="siteBase"/>
    /// is the site URL: http://host:port/wiki (Cloud) or http://host:port[/context] (Data Center).
    /// </summary>
    public static (ApiDocument Document, string DocumentPath)? Locate(EmulatorFlavor flavor, Uri siteBase, Uri url)
    {
        var sitePath = siteBase.AbsolutePath.TrimEnd('/');
        var path = url.AbsolutePath;
        if (!path.StartsWith(sitePath + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var relative = path[sitePath.Length..];
        if (flavor == EmulatorFlavor.Cloud)
        {
            // v2 paths are written relative to the server URL .../wiki/api/v2; v1 paths spell out /wiki/rest/api.
            if (relative.StartsWith("/api/v2/", StringComparison.Ordinal))
            {
                return (ApiDocument.CloudV2, relative["/api/v2".Length..]);
            }

            if (relative.StartsWith("/rest/api/", StringComparison.Ordinal) || relative == "/rest/api")
            {
                return (ApiDocument.CloudV1, "/wiki" + relative);
            }

            return null;
        }

        // Data Center: the document's server URL carries the context, its paths start with /rest/api.
        return relative.StartsWith("/rest/api/", StringComparison.Ordinal) ? (ApiDocument.DataCenter, relative) : null;
    }

    /// <summary>
    /// The template with this method that matches <paramref name="documentPath"/>; among several, the one with the most
    /// literal segments (/rest/api/content/scan beats /rest/api/content/{id}). Matching per method matters: Data Center
    /// files PUT under /rest/api/content/{contentId} but GET and DELETE under /rest/api/content/{id}.
    /// </summary>
    public static (string Template, OpenApiOperation Operation)? Match(OpenApiDocument document, string method, string documentPath)
    {
        var segments = documentPath.Trim('/').Split('/');
        (string Template, OpenApiOperation Operation, int Literals)? best = null;
        foreach (var (template, item) in document.Paths)
        {
            if (!item.TryGetValue(method.ToLowerInvariant(), out var operation))
            {
                continue;
            }

            var templateSegments = template.Trim('/').Split('/');
            if (templateSegments.Length != segments.Length)
            {
                continue;
            }

            var literals = 0;
            var matches = true;
            for (var i = 0; i < segments.Length && matches; i++)
            {
                var t = templateSegments[i];
                if (t.StartsWith('{') && t.EndsWith('}'))
                {
                    matches = segments[i].Length > 0;
                }
                else
                {
                    matches = string.Equals(t, Uri.UnescapeDataString(segments[i]), StringComparison.Ordinal);
                    literals++;
                }
            }

            if (matches && (best is null || literals > best.Value.Literals))
            {
                best = (template, operation, literals);
            }
        }

        return best is null ? null : (best.Value.Template, best.Value.Operation);
    }
}
