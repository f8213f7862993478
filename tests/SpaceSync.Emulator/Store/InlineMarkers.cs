using System.Text.RegularExpressions;

namespace SpaceSync.Emulator.Store;

/// <summary>
/// The <c>&lt;ac:inline-comment-marker ac:ref="..."&gt;text&lt;/ac:inline-comment-marker&gt;</c> elements with which both
/// products anchor inline comments in a page's storage body: finding text to wrap (outside tags, CDATA and XML comments,
/// within one run of text) and telling whether a marker is still there.
/// </summary>
internal static class InlineMarkers
{
    public const string Element = "ac:inline-comment-marker";

    /// <summary>Where <paramref name="selection"/> occurs in the text of <paramref name="body"/>, as written (escaped) there.</summary>
    public static List<(int Start, int Length)> FindInText(string body, string selection)
    {
        var found = new List<(int, int)>();
        if (string.IsNullOrEmpty(selection)) return found;
        var escaped = selection.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
        var i = 0;
        while (i < body.Length)
        {
            if (body[i] == '<')
            {
                var end = body.AsSpan(i).StartsWith("<![CDATA[", StringComparison.Ordinal) ? EndOf(body, i, "]]>")
                    : body.AsSpan(i).StartsWith("<!--", StringComparison.Ordinal) ? EndOf(body, i, "-->")
                    : EndOf(body, i, ">");
                i = end;
                continue;
            }

            var next = body.IndexOf('<', i);
            var textEnd = next < 0 ? body.Length : next;
            var text = body.AsSpan(i, textEnd - i);
            for (var at = 0; at <= text.Length - escaped.Length;)
            {
                var hit = text[at..].IndexOf(escaped.AsSpan(), StringComparison.Ordinal);
                if (hit < 0) break;
                found.Add((i + at + hit, escaped.Length));
                at += hit + escaped.Length;
            }

            i = textEnd;
        }

        return found;
    }

    public static string Wrap(string body, int start, int length, string markerRef) =>
        body[..start] + $"<{Element} ac:ref=\"{markerRef}\">" + body.Substring(start, length) + $"</{Element}>" + body[(start + length)..];

    public static bool Contains(string body, string markerRef) =>
        Regex.IsMatch(body, "<" + Regex.Escape(Element) + "\\b[^>]*\\bac:ref=\"" + Regex.Escape(markerRef) + "\"", RegexOptions.CultureInvariant);

    private static int EndOf(string body, int from, string terminator)
    {
        var end = body.IndexOf(terminator, from, StringComparison.Ordinal);
        return end < 0 ? body.Length : end + terminator.Length;
    }
}
