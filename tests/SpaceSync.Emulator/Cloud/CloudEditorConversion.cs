using System.Security.Cryptography;
using System.Text;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.Cloud;

/// <summary>
/// What Confluence Cloud does to a storage body written to a page or blog post: it converts it to its editor's format
/// and stores that conversion, so the body read back is not the body written. Modelled, deterministically (the same
/// body always comes back the same, and a body already converted comes back unchanged):
/// <list type="bullet">
/// <item><c>local-id</c> on paragraphs, headings, lists, list items and quotes, <c>ac:local-id</c> on tables and
/// macros, each a 12-digit hex id, where the element has none;</item>
/// <item>tables get <c>data-table-width="760" data-layout="default"</c>; structured macros <c>ac:schema-version="1"</c>
/// and an <c>ac:macro-id</c>; a task without one gets an <c>ac:task-uuid</c> (and an <c>ac:task-id</c>);</item>
/// <item>the text of a list item or table cell in a paragraph of its own (<c>&lt;li&gt;&lt;p&gt;x&lt;/p&gt;&lt;/li&gt;</c>);</item>
/// <item>attributes in Cloud's order (name, schema version, table width and layout, local id, macro id, then the rest
/// by name), and empty elements written as <c>&lt;p /&gt;</c>, <c>&lt;br /&gt;</c>.</item>
/// </list>
/// A body holding a construct of <see cref="EmulatorState.RefusedConstructs"/> is refused as Cloud refuses what its
/// editor cannot hold: 400, "Content body cannot be converted to new editor format", naming nothing. Text, entities,
/// comments and CDATA are kept as written. A body that is not storage format is refused before it gets here
/// (<see cref="Store.StorageXhtml"/>); one that reaches it anyway (an armed concurrent edit) is stored as it came.
/// </summary>
public static class CloudEditorConversion
{
    /// <summary>Cloud's words (v2: errors[0].title, code INVALID_REQUEST_PARAMETER; v1: the envelope's message).</summary>
    public const string RefusalMessage = "Content body cannot be converted to new editor format";

    /// <summary>
    /// What users report Cloud refuses: a table inside a table (Cloud's editor has no nested tables; publishers that
    /// emit them force the legacy editor, e.g. sphinx-contrib/confluencebuilder issues 229 and 600).
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultRefusedConstructs = new[] { "table table" };

    private static readonly HashSet<string> PlainLocalId = new(StringComparer.Ordinal)
        { "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote" };

    // Attributes Cloud writes first, in this order; the rest follow by name.
    private static readonly string[] LeadingAttributes =
        { "ac:name", "ac:schema-version", "data-table-width", "data-layout", "ac:local-id", "local-id", "ac:macro-id" };

    /// <summary>
    /// The body as this site stores it: refused (StoreException BadRequest with <see cref="RefusalMessage"/>) when it holds
    /// a refused construct, rewritten when <see cref="EmulatorState.RewritesBodies"/>, else as given.
    /// </summary>
    public static string Store(EmulatorState state, string body, bool checkRefusals = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(body);
        if (state.Flavor != EmulatorFlavor.Cloud) return body;
        var refused = checkRefusals ? state.RefusedConstructs : Array.Empty<string>();
        if (!state.RewritesBodies && refused.Count == 0) return body;
        List<Node> nodes;
        try
        {
            nodes = Parse(body);
        }
        catch (FormatException)
        {
            return body;
        }

        if (refused.Count > 0 && FirstRefused(nodes, refused) is not null)
            throw new StoreException(StoreErrorKind.BadRequest, RefusalMessage);
        return state.RewritesBodies ? Rewrite(body, nodes) : body;
    }

    /// <summary>The first refused construct (as configured) the body holds, or null.</summary>
    internal static string? FirstRefused(IReadOnlyList<Node> nodes, IReadOnlyList<string> constructs)
    {
        foreach (var construct in constructs)
        {
            var chain = construct.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (chain.Length > 0 && Holds(nodes, chain, 0)) return construct;
        }
        return null;
    }

    /// <summary>Checks a construct's form: element names or <c>macro:NAME</c>, space separated (each inside the one before).</summary>
    public static void Validate(string construct)
    {
        var parts = (construct ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
            throw new ArgumentException("A refused construct must name an element or macro:NAME.");
        foreach (var part in parts)
            if (part.StartsWith('<') || part.Contains('>') || part.Contains('"') || part == "macro:")
                throw new ArgumentException($"'{construct}' is not a refused construct: use element names (table, ac:macro) or macro:NAME, separated by spaces for nesting.");
    }

    // chain[at..] must match along a path of descendants, the last part at an element of this subtree.
    private static bool Holds(IReadOnlyList<Node> nodes, string[] chain, int at)
    {
        foreach (var node in nodes)
        {
            if (node is not Element e) continue;
            var next = Matches(e, chain[at]) ? at + 1 : at;
            if (next == chain.Length || Holds(e.Children, chain, next)) return true;
        }
        return false;
    }

    private static bool Matches(Element e, string part) =>
        part.StartsWith("macro:", StringComparison.Ordinal)
            ? e.Name is "ac:structured-macro" or "ac:macro" && e.Attribute("ac:name") == part["macro:".Length..]
            : e.Name == part;

    // ---- rewriting ----

    private static string Rewrite(string body, List<Node> nodes)
    {
        // Ids derive from the body and the element's place in it: same body, same ids.
        var ids = new IdSource(body);
        var sb = new StringBuilder(body.Length + body.Length / 4);
        foreach (var node in nodes) Write(Convert(node, ids), sb);
        return sb.ToString();
    }

    private static Node Convert(Node node, IdSource ids)
    {
        if (node is not Element e) return node;
        var attributes = new List<(string Name, string Value)>(e.Attributes);
        bool Has(string name) => attributes.Any(a => a.Name == name);
        bool HasLocalId() => attributes.Any(a => a.Name == "local-id" || a.Name.EndsWith(":local-id", StringComparison.Ordinal));
        var ordinal = ids.Next();
        if (PlainLocalId.Contains(e.Name) && !HasLocalId()) attributes.Add(("local-id", ids.Hex(ordinal, "local")));
        if (e.Name == "table")
        {
            if (!Has("data-table-width")) attributes.Add(("data-table-width", "760"));
            if (!Has("data-layout")) attributes.Add(("data-layout", "default"));
            if (!HasLocalId()) attributes.Add(("ac:local-id", ids.Hex(ordinal, "local")));
        }
        if (e.Name == "ac:structured-macro")
        {
            if (!Has("ac:schema-version")) attributes.Add(("ac:schema-version", "1"));
            if (!HasLocalId()) attributes.Add(("ac:local-id", ids.Hex(ordinal, "local")));
            if (!Has("ac:macro-id")) attributes.Add(("ac:macro-id", ids.Guid(ordinal, "macro")));
        }

        var children = e.Children.Select(c => Convert(c, ids)).ToList();
        if (e.Name == "ac:task") children = WithTaskIds(children, ids, ordinal);
        if (e.Name is "li" or "td" or "th") children = WithTextInParagraphs(children, ids);
        return new Element(e.Name, Ordered(attributes), children);
    }

    // Blocks Cloud's editor keeps apart in a list item or cell; every other run of content goes into a paragraph.
    private static readonly HashSet<string> CellBlocks = new(StringComparer.Ordinal)
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre", "div", "hr",
        "ac:task-list", "ac:layout", "ac:adf-extension", "ac:placeholder",
    };

    // Macros Cloud's editor renders as blocks (the rest, such as status or jira, sit inside the text).
    private static readonly HashSet<string> BlockMacros = new(StringComparer.Ordinal)
    {
        "code", "noformat", "info", "note", "warning", "tip", "panel", "expand", "toc", "children", "excerpt",
        "excerpt-include", "include", "section", "column", "details", "pagetree", "recently-updated",
        "contentbylabel", "attachments", "gallery", "view-file", "multimedia", "widget", "html", "roadmap",
    };

    /// <summary>
    /// A list item's or table cell's text in a paragraph of its own, as Cloud's editor stores it
    /// (<c>&lt;li&gt;x&lt;ul&gt;…</c> becomes <c>&lt;li&gt;&lt;p&gt;x&lt;/p&gt;&lt;ul&gt;…</c>, <c>&lt;td&gt;x&lt;/td&gt;</c> becomes
    /// <c>&lt;td&gt;&lt;p&gt;x&lt;/p&gt;&lt;/td&gt;</c>); blocks and block macros stay where they are.
    /// </summary>
    private static List<Node> WithTextInParagraphs(List<Node> children, IdSource ids)
    {
        var result = new List<Node>(children.Count);
        var run = new List<Node>();
        void Flush()
        {
            if (run.Any(n => n is Element || n is Verbatim v && !IsBlank(v.Text)))
                result.Add(new Element("p", new List<(string, string)> { ("local-id", ids.Hex(ids.Next(), "local")) }, new List<Node>(run)));
            else result.AddRange(run);
            run.Clear();
        }
        foreach (var child in children)
        {
            if (child is Element e && IsCellBlock(e))
            {
                Flush();
                result.Add(child);
            }
            else run.Add(child);
        }
        Flush();
        return result;
    }

    private static bool IsCellBlock(Element e) =>
        CellBlocks.Contains(e.Name) ||
        e.Name is "ac:structured-macro" or "ac:macro" && BlockMacros.Contains(e.Attribute("ac:name") ?? "");

    // Text that is only layout; comments and CDATA are content.
    private static bool IsBlank(string text) => string.IsNullOrWhiteSpace(text);

    /// <summary>A task without an id or uuid gets them, where Cloud puts them: id first, then uuid.</summary>
    private static List<Node> WithTaskIds(List<Node> children, IdSource ids, int ordinal)
    {
        var elements = children.OfType<Element>().ToList();
        if (elements.All(c => c.Name != "ac:task-id"))
            children.Insert(0, new Element("ac:task-id", new List<(string, string)>(), new List<Node> { new Verbatim(ids.TaskNumber().ToString(System.Globalization.CultureInfo.InvariantCulture)) }));
        if (elements.All(c => c.Name != "ac:task-uuid"))
        {
            var at = children.FindIndex(c => c is Element { Name: "ac:task-id" });
            children.Insert(at + 1, new Element("ac:task-uuid", new List<(string, string)>(), new List<Node> { new Verbatim(ids.Guid(ordinal, "task")) }));
        }
        return children;
    }

    private static List<(string Name, string Value)> Ordered(List<(string Name, string Value)> attributes) =>
        attributes
            .OrderBy(a => Array.IndexOf(LeadingAttributes, a.Name) is var i && i >= 0 ? i : LeadingAttributes.Length)
            .ThenBy(a => a.Name, StringComparer.Ordinal)
            .ToList();

    private static void Write(Node node, StringBuilder sb)
    {
        if (node is Verbatim v)
        {
            sb.Append(v.Text);
            return;
        }
        var e = (Element)node;
        sb.Append('<').Append(e.Name);
        foreach (var (name, value) in e.Attributes) sb.Append(' ').Append(name).Append("=\"").Append(value).Append('"');
        if (e.Children.Count == 0)
        {
            sb.Append(" />");
            return;
        }
        sb.Append('>');
        foreach (var child in e.Children) Write(child, sb);
        sb.Append("</").Append(e.Name).Append('>');
    }

    /// <summary>Deterministic ids: a hash of the whole body and the element's ordinal in document order.</summary>
    private sealed class IdSource
    {
        private readonly string _seed;
        private int _ordinal;
        private int _taskNumber;

        public IdSource(string body)
        {
            _seed = System.Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
            // Tasks added without a number go after the numbers the body already uses.
            foreach (var number in TaskIdNumbers(body)) _taskNumber = Math.Max(_taskNumber, number);
        }

        public int Next() => ++_ordinal;

        public int TaskNumber() => ++_taskNumber;

        public string Hex(int ordinal, string kind) =>
            System.Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{_seed}:{kind}:{ordinal}")))[..12].ToLowerInvariant();

        public string Guid(int ordinal, string kind) => EmulatorState.DeterministicGuid($"{_seed}:{kind}:{ordinal}");

        private static IEnumerable<int> TaskIdNumbers(string body)
        {
            const string open = "<ac:task-id>";
            for (var at = body.IndexOf(open, StringComparison.Ordinal); at >= 0; at = body.IndexOf(open, at + open.Length, StringComparison.Ordinal))
            {
                var start = at + open.Length;
                var end = body.IndexOf('<', start);
                if (end > start && int.TryParse(body.AsSpan(start, end - start), System.Globalization.NumberStyles.None,
                        System.Globalization.CultureInfo.InvariantCulture, out var n))
                    yield return n;
            }
        }
    }

    // ---- a tolerant storage-format tree: tags parsed, everything else kept verbatim ----

    internal abstract class Node;

    /// <summary>Text, an entity, a comment, CDATA or a processing instruction, exactly as written.</summary>
    internal sealed class Verbatim(string text) : Node
    {
        public string Text { get; } = text;
    }

    /// <summary>An element; attribute values are kept as written between double quotes.</summary>
    internal sealed class Element(string name, List<(string Name, string Value)> attributes, List<Node> children) : Node
    {
        public string Name { get; } = name;
        public List<(string Name, string Value)> Attributes { get; } = attributes;
        public List<Node> Children { get; } = children;

        public string? Attribute(string name) => Attributes.FirstOrDefault(a => a.Name == name).Value;
    }

    /// <summary>Parses storage format into elements and verbatim runs; throws <see cref="FormatException"/> when tags do not balance.</summary>
    internal static List<Node> Parse(string body)
    {
        var root = new List<Node>();
        var open = new Stack<(Element Element, List<Node> Siblings)>();
        var current = root;
        var i = 0;
        while (i < body.Length)
        {
            if (body[i] != '<')
            {
                var next = body.IndexOf('<', i);
                if (next < 0) next = body.Length;
                current.Add(new Verbatim(body[i..next]));
                i = next;
                continue;
            }
            if (TakeVerbatim(body, ref i, "<!--", "-->", current) || TakeVerbatim(body, ref i, "<![CDATA[", "]]>", current) ||
                TakeVerbatim(body, ref i, "<?", "?>", current) || TakeVerbatim(body, ref i, "<!", ">", current))
                continue;
            if (body.AsSpan(i).StartsWith("</"))
            {
                var close = body.IndexOf('>', i);
                if (close < 0) throw new FormatException("An end tag is not closed.");
                var name = body[(i + 2)..close].Trim();
                if (open.Count == 0 || open.Peek().Element.Name != name) throw new FormatException($"Unexpected end tag </{name}>.");
                current = open.Pop().Siblings;
                i = close + 1;
                continue;
            }

            var (element, selfClosing) = StartTag(body, ref i);
            current.Add(element);
            if (!selfClosing)
            {
                open.Push((element, current));
                current = element.Children;
            }
        }
        if (open.Count > 0) throw new FormatException($"<{open.Peek().Element.Name}> is not closed.");
        return root;
    }

    private static bool TakeVerbatim(string body, ref int i, string start, string end, List<Node> into)
    {
        if (!body.AsSpan(i).StartsWith(start)) return false;
        var close = body.IndexOf(end, i + start.Length, StringComparison.Ordinal);
        if (close < 0) throw new FormatException($"'{start}' is not closed.");
        into.Add(new Verbatim(body[i..(close + end.Length)]));
        i = close + end.Length;
        return true;
    }

    private static (Element Element, bool SelfClosing) StartTag(string body, ref int i)
    {
        var at = i + 1;
        var nameEnd = at;
        while (nameEnd < body.Length && !char.IsWhiteSpace(body[nameEnd]) && body[nameEnd] is not ('/' or '>')) nameEnd++;
        if (nameEnd == at) throw new FormatException("A tag has no name.");
        var element = new Element(body[at..nameEnd], new List<(string, string)>(), new List<Node>());
        at = nameEnd;
        while (true)
        {
            while (at < body.Length && char.IsWhiteSpace(body[at])) at++;
            if (at >= body.Length) throw new FormatException($"<{element.Name}> is not closed.");
            if (body[at] == '>')
            {
                i = at + 1;
                return (element, false);
            }
            if (body.AsSpan(at).StartsWith("/>"))
            {
                i = at + 2;
                return (element, true);
            }
            var nameStart = at;
            while (at < body.Length && body[at] is not ('=' or '>' or '/') && !char.IsWhiteSpace(body[at])) at++;
            var name = body[nameStart..at];
            while (at < body.Length && char.IsWhiteSpace(body[at])) at++;
            if (name.Length == 0 || at >= body.Length || body[at] != '=') throw new FormatException($"Attribute '{name}' of <{element.Name}> has no value.");
            at++;
            while (at < body.Length && char.IsWhiteSpace(body[at])) at++;
            if (at >= body.Length || body[at] is not ('"' or '\'')) throw new FormatException($"Attribute '{name}' of <{element.Name}> is not quoted.");
            var quote = body[at];
            var valueEnd = body.IndexOf(quote, at + 1);
            if (valueEnd < 0) throw new FormatException($"Attribute '{name}' of <{element.Name}> is not closed.");
            var value = body[(at + 1)..valueEnd];
            element.Attributes.Add((name, quote == '\'' ? value.Replace("\"", "&quot;", StringComparison.Ordinal) : value));
            at = valueEnd + 1;
        }
    }
}
