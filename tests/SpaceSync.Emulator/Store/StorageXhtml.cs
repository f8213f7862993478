using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using System.Xml;

namespace SpaceSync.Emulator.Store;

/// <summary>
/// The check both products make of a storage body written through REST (pages, blog posts, comments): it must be
/// well-formed XHTML — a fragment whose <c>ac:</c>, <c>ri:</c> and <c>at:</c> prefixes need no declaration and whose named
/// references are HTML's — with no DTD. A body that fails is refused with 400 and Confluence's words, "Error parsing xhtml:
/// ..." with the row and column (docs/confluence-behaviours.md, "Bodies that are not storage format"), and nothing is
/// stored. Bodies already held (old pages, imports) are not checked on read: plant one with
/// <c>PUT /__emulator/pages/{id}/body</c> or <see cref="EmulatorState.UpdatePage"/>.
/// </summary>
public static class StorageXhtml
{
    public const string ErrorPrefix = "Error parsing xhtml";

    private static readonly Regex NamedReference = new(@"&([A-Za-z][A-Za-z0-9]{0,31});", RegexOptions.CultureInvariant);
    private static readonly Regex TrailingPosition = new(@"\s*Line (\d+), position (\d+)\.\s*$", RegexOptions.CultureInvariant);

    /// <exception cref="StoreException">BadRequest with Confluence's message when the body is not storage format.</exception>
    public static void Check(string body)
    {
        if (ProblemOf(body) is { } problem) throw new StoreException(StoreErrorKind.BadRequest, problem);
    }

    /// <summary>Confluence's refusal of <paramref name="body"/>, or null when it is storage format.</summary>
    public static string? ProblemOf(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        // HTML's named references as numeric ones (XML's five stay); an unknown name is left for the parser to refuse.
        var text = NamedReference.Replace(body, m =>
        {
            if (m.Groups[1].Value is "amp" or "lt" or "gt" or "quot" or "apos") return m.Value;
            var decoded = WebUtility.HtmlDecode(m.Value);
            return decoded == m.Value ? m.Value : "&#" + char.ConvertToUtf32(decoded, 0).ToString(CultureInfo.InvariantCulture) + ";";
        });
        var names = new NameTable();
        var namespaces = new XmlNamespaceManager(names);
        namespaces.AddNamespace("ac", "http://atlassian.com/content");
        namespaces.AddNamespace("ri", "http://atlassian.com/resource/identifier");
        namespaces.AddNamespace("at", "http://atlassian.com/template");
        var settings = new XmlReaderSettings
        {
            ConformanceLevel = ConformanceLevel.Fragment,
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            CheckCharacters = true,
        };
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), settings, new XmlParserContext(names, namespaces, null, XmlSpace.None));
            while (reader.Read())
            {
            }
            return null;
        }
        catch (XmlException e)
        {
            var reason = TrailingPosition.Replace(e.Message, "");
            return $"{ErrorPrefix}: {reason}\n at [row,col {{unknown-source}}]: [{e.LineNumber},{e.LinePosition}]";
        }
    }
}
