using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Xml;

namespace SpaceSync.Core.Content
{
    /// <summary>
    /// A Confluence page body in storage format, parsed. Storage format is an XHTML fragment that uses
    /// the <c>ac:</c>, <c>ri:</c> (and in templates <c>at:</c>) prefixes without declaring them and HTML
    /// named entities without a DTD; <see cref="Parse"/> supplies both, and never processes a DTD.
    /// </summary>
    public sealed class StorageDocument
    {
        /// <summary>Deeper nesting than any editor produces; the bound keeps recursive walks safe.</summary>
        public const int MaxDepth = 1000;

        /// <summary>
        /// The longest body parsed (10 million characters, several times the largest page bodies editors produce): a bound on
        /// the tree a hostile or broken body can make this process build. Longer bodies are refused as not storage format.
        /// </summary>
        public const int MaxCharacters = 10_000_000;

        private static readonly (string Prefix, string Uri)[] Prefixes =
        {
            ("ac", "http://atlassian.com/content"),
            ("ri", "http://atlassian.com/resource/identifier"),
            ("at", "http://atlassian.com/template"),
        };

        private static readonly Regex TrailingPosition = new Regex(@"\s*Line \d+, position \d+\.\s*$", RegexOptions.CultureInvariant);
        private static readonly Regex InnerPosition = new Regex(@"line (\d+) position (\d+)", RegexOptions.CultureInvariant);

        public StorageDocument(IReadOnlyList<StorageNode> nodes) => Nodes = nodes ?? throw new ArgumentNullException(nameof(nodes));

        /// <summary>Top-level nodes: a body is a fragment, so there can be many (or none).</summary>
        public IReadOnlyList<StorageNode> Nodes { get; }

        // Parsing is most of what a body costs; tests count it per flow (a baseline parses each body a bounded number of times).
        private static readonly System.Threading.AsyncLocal<ParseCounter?> Counter = new System.Threading.AsyncLocal<ParseCounter?>();

        /// <summary>Counts the parses made in this flow (and the tasks it starts) until the returned counter is disposed.</summary>
        internal static ParseCounter CountParses() => Counter.Value = new ParseCounter(Counter);

        /// <exception cref="StorageFormatException">The body is not well-formed; says where and what.</exception>
        public static StorageDocument Parse(string storageXhtml)
        {
            if (storageXhtml == null) throw new ArgumentNullException(nameof(storageXhtml));
            Counter.Value?.Add();
            if (storageXhtml.Length > MaxCharacters)
                throw new StorageFormatException(1, 1, $"the body is {storageXhtml.Length:N0} characters long, more than the {MaxCharacters:N0} this tool parses");
            var translated = EntityTranslator.Translate(storageXhtml, out var map);
            var settings = new XmlReaderSettings
            {
                ConformanceLevel = ConformanceLevel.Fragment,
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                IgnoreWhitespace = false,
                IgnoreComments = false,
                IgnoreProcessingInstructions = false,
                CheckCharacters = true,
                MaxCharactersInDocument = MaxCharacters + MaxCharacters / 2, // the translated copy may be longer (&#160; for &nbsp;)
            };
            var names = new NameTable();
            var namespaces = new XmlNamespaceManager(names);
            foreach (var (prefix, uri) in Prefixes)
                namespaces.AddNamespace(prefix, uri);
            var context = new XmlParserContext(names, namespaces, null, XmlSpace.None);

            using var reader = XmlReader.Create(new StringReader(translated), settings, context);
            try
            {
                return new StorageDocument(Read(reader, map));
            }
            catch (XmlException ex)
            {
                var line = Math.Max(ex.LineNumber, 1);
                var column = map.OriginalColumn(line, Math.Max(ex.LinePosition, 1));
                var reason = TrailingPosition.Replace(ex.Message, "");
                reason = InnerPosition.Replace(reason, m =>
                {
                    var l = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                    var c = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                    return $"line {l} column {map.OriginalColumn(l, c)}";
                });
                throw new StorageFormatException(line, column, Printable(reason), ex);
            }
        }

        /// <summary>Serialises back to storage format: prefixes as written, no namespace declarations, no XML declaration.</summary>
        public string ToStorageFormat() => StorageWriter.Write(Nodes);

        public override string ToString() => ToStorageFormat();

        private static List<StorageNode> Read(XmlReader reader, PositionMap map)
        {
            var top = new List<StorageNode>();
            var open = new Stack<(string Name, List<StorageAttribute> Attributes, List<StorageNode> Children)>();
            List<StorageNode> Current() => open.Count == 0 ? top : open.Peek().Children;

            while (reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        var name = reader.Name;
                        var isEmpty = reader.IsEmptyElement;
                        if (open.Count >= MaxDepth)
                        {
                            var info = (IXmlLineInfo)reader;
                            throw new StorageFormatException(info.LineNumber, map.OriginalColumn(info.LineNumber, info.LinePosition),
                                $"elements are nested deeper than {MaxDepth} levels");
                        }
                        var attributes = new List<StorageAttribute>(reader.AttributeCount);
                        if (reader.MoveToFirstAttribute())
                        {
                            do attributes.Add(new StorageAttribute(reader.Name, reader.Value));
                            while (reader.MoveToNextAttribute());
                            reader.MoveToElement();
                        }
                        if (isEmpty)
                            Current().Add(new StorageElement(name, attributes, Array.Empty<StorageNode>()));
                        else
                            open.Push((name, attributes, new List<StorageNode>()));
                        break;
                    case XmlNodeType.EndElement:
                        var closed = open.Pop();
                        Current().Add(new StorageElement(closed.Name, closed.Attributes, closed.Children));
                        break;
                    case XmlNodeType.Text:
                    case XmlNodeType.Whitespace:
                    case XmlNodeType.SignificantWhitespace:
                        AddText(Current(), reader.Value);
                        break;
                    case XmlNodeType.CDATA:
                        Current().Add(new StorageCData(reader.Value));
                        break;
                    case XmlNodeType.Comment:
                        Current().Add(new StorageComment(reader.Value));
                        break;
                    case XmlNodeType.ProcessingInstruction:
                        Current().Add(new StorageProcessingInstruction(reader.Name, reader.Value));
                        break;
                    // The XML declaration says how the bytes were encoded, nothing about the page.
                    case XmlNodeType.XmlDeclaration:
                        break;
                    default:
                        var where = (IXmlLineInfo)reader;
                        throw new StorageFormatException(where.LineNumber, map.OriginalColumn(where.LineNumber, where.LinePosition),
                            $"unexpected {reader.NodeType} node");
                }
            }
            return top;
        }

        // The parser quotes offending characters raw; a control character would garble a log line.
        private static string Printable(string text)
        {
            var sb = new System.Text.StringBuilder(text.Length);
            foreach (var c in text)
            {
                if (char.IsControl(c) || char.IsSurrogate(c))
                    sb.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                else
                    sb.Append(c);
            }
            return sb.ToString();
        }

        private static void AddText(List<StorageNode> siblings, string text)
        {
            if (siblings.Count > 0 && siblings[siblings.Count - 1] is StorageText previous)
                siblings[siblings.Count - 1] = new StorageText(previous.Text + text);
            else
                siblings.Add(new StorageText(text));
        }
    }

    /// <summary>Parses counted by <see cref="StorageDocument.CountParses"/>.</summary>
    internal sealed class ParseCounter : IDisposable
    {
        private readonly System.Threading.AsyncLocal<ParseCounter?> _slot;
        private long _count;

        internal ParseCounter(System.Threading.AsyncLocal<ParseCounter?> slot) => _slot = slot;

        public long Count => System.Threading.Interlocked.Read(ref _count);

        internal void Add() => System.Threading.Interlocked.Increment(ref _count);

        public void Dispose()
        {
            if (ReferenceEquals(_slot.Value, this)) _slot.Value = null;
        }
    }
}
