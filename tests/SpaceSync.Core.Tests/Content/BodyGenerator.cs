using System.Globalization;
using System.Text;

namespace SpaceSync.Core.Tests.Content;

/// <summary>
/// Random page bodies for property tests. A seed fixes the page's structure; rendering it with a
/// perturbation source adds only differences the spec calls cosmetic (attribute order, whitespace
/// between blocks and within runs of text, Cloud local-ids and macro-ids, entity spellings), so every
/// rendering of one structure is the same content. Knows storage format, not the normalizer.
/// </summary>
internal sealed class BodyGenerator
{
    private static readonly string[] Vocabulary =
    {
        "release", "deploy", "café", "naïve", "über", "it’s", "v2\u00A0beta", "payments", "Q&A", "a<b", "x>y",
        "owner", "checklist", "—", "rollback", "API", "\"quoted\"", "don't", "ĳssel", "日本",
    };

    private static readonly Dictionary<char, string> Named = new()
    {
        ['é'] = "eacute", ['ï'] = "iuml", ['ü'] = "uuml", ['’'] = "rsquo", ['—'] = "mdash", ['\u00A0'] = "nbsp",
        ['&'] = "amp", ['<'] = "lt", ['>'] = "gt", ['"'] = "quot", ['\''] = "apos",
    };

    private readonly Random _shape;
    private readonly List<Block> _blocks;

    public BodyGenerator(int seed)
    {
        _shape = new Random(seed);
        _blocks = Enumerable.Range(0, 1 + _shape.Next(6)).Select(_ => NewBlock(0)).ToList();
    }

    /// <summary>
    /// A body in one product's dialect: its mentions, page links (by title, by id in URLs, attachments of other
    /// pages by content id) and emoticons name the users, pages and space of <paramref name="targets"/> in that
    /// product's form, and it has nothing the other product cannot represent.
    /// </summary>
    public BodyGenerator(int seed, BodyFlavor flavor, LinkTargets targets)
    {
        _shape = new Random(seed);
        _flavor = flavor;
        _targets = targets;
        _blocks = Enumerable.Range(0, 1 + _shape.Next(6)).Select(_ => NewBlock(0)).ToList();
    }

    public enum BodyFlavor { DataCenter, Cloud }

    /// <summary>People and pages a flavoured body may refer to, with their ids in both products; the space is <see cref="DataCenterSpace"/> / <see cref="CloudSpace"/>.</summary>
    public sealed record LinkTargets(
        IReadOnlyList<(string UserKey, string AccountId)> Users,
        IReadOnlyList<(string DataCenterId, string CloudId, string Title)> Pages,
        string DataCenterSpace,
        string CloudSpace)
    {
        public static LinkTargets Standard { get; } = new(
            Enumerable.Range(0, 6).Select(i => ($"8a7f8082{i:x2}c0ffee0000000000{i:x6}", $"5b10a2844c20165700ede{i:x3}")).ToList(),
            Enumerable.Range(0, 8).Select(i => ((1000 + i * 7).ToString(CultureInfo.InvariantCulture),
                (3_145_000_000L + i * 131).ToString(CultureInfo.InvariantCulture), Vocabulary[i * 2] + " page " + i)).ToList(),
            "ENG", "ENG2");
    }

    private readonly BodyFlavor? _flavor;
    private readonly LinkTargets? _targets;

    // a mention, link or emoticon in the flavour's form
    private Raw FlavoredReference()
    {
        var t = _targets!;
        var cloud = _flavor == BodyFlavor.Cloud;
        var space = cloud ? t.CloudSpace : t.DataCenterSpace;
        var page = t.Pages[_shape.Next(t.Pages.Count)];
        var pageId = cloud ? page.CloudId : page.DataCenterId;
        var comment = _shape.Next(3) == 0 ? _shape.Next(10, 99).ToString(CultureInfo.InvariantCulture) : null;
        switch (_shape.Next(5))
        {
            case 0:
                var user = t.Users[_shape.Next(t.Users.Count)];
                return new Raw(cloud
                    ? $"<ac:link><ri:user ri:account-id=\"{user.AccountId}\" /></ac:link>"
                    : $"<ac:link><ri:user ri:userkey=\"{user.UserKey}\" /></ac:link>");
            case 1:
                var spaceKey = _shape.Next(2) == 0 ? $" ri:space-key=\"{space}\"" : "";
                return new Raw($"<ac:link><ri:page{spaceKey} ri:content-title=\"{Escape(page.Title).Replace("\"", "&quot;")}\" /></ac:link>");
            case 2:
                var href = cloud
                    ? $"/wiki/spaces/{space}/pages/{pageId}" + (comment == null ? "" : $"?focusedCommentId={comment}#comment-{comment}")
                    : $"/pages/viewpage.action?pageId={pageId}" + (comment == null ? "" : $"&amp;focusedCommentId={comment}#comment-{comment}");
                return new Raw($"<a href=\"{href}\">{Escape(Word())}</a>");
            case 3:
                return new Raw($"<ac:link><ri:attachment ri:filename=\"{Word().Length}.png\"><ri:content-entity ri:content-id=\"{pageId}\" /></ri:attachment></ac:link>");
            default:
                return new Raw($"<ac:emoticon ac:name=\"{new[] { "tick", "smile", "warning", "light-on" }[_shape.Next(4)]}\" />");
        }
    }

    /// <summary>Number of words in running text: what <see cref="Render"/> can change.</summary>
    public int FlowWordCount
    {
        get
        {
            Render(null, -1, out var count);
            return count;
        }
    }

    /// <summary>Plain rendering when <paramref name="noise"/> is null; <paramref name="changeWord"/> alters that word.</summary>
    public string Render(Random? noise, int changeWord = -1) => Render(noise, changeWord, out _);

    private string Render(Random? noise, int changeWord, out int flowWords)
    {
        var w = new Writer(noise, changeWord);
        w.Blocks(_blocks);
        flowWords = w.FlowWords;
        return w.ToString();
    }

    // ---- structure ----

    private abstract record Item;
    private sealed record Run(List<string> List) : Item;               // words of running text
    private sealed record Inline(string Name, Run Text) : Item;        // <strong>words</strong>
    private sealed record Raw(string Markup) : Item;                    // fixed markup: mentions, emoticons, inline macros
    private abstract record Block;
    private sealed record TextBlock(string Name, List<(Item Item, bool SpaceBefore)> Flow) : Block;
    private sealed record Container(string Name, List<(string, string)> Attrs, List<Block> Children, bool IsMacro = false) : Block;
    private sealed record Exact(string Markup) : Block;                 // pre, parameters, code bodies: never perturbed

    private Block NewBlock(int depth)
    {
        var kind = depth > 2 ? _shape.Next(2) : _shape.Next(9);
        switch (kind)
        {
            case 0: return NewTextBlock("p");
            case 1: return NewTextBlock("h" + (1 + _shape.Next(3)));
            case 2:
                return new Container(_shape.Next(2) == 0 ? "ul" : "ol", new(),
                    Many(1, 3, () => (Block)new Container("li", new(), new List<Block> { depth > 1 || _shape.Next(2) == 0 ? NewTextBlock("p") : NewBlock(depth + 1) })));
            case 3:
                var rows = Many(1, 3, () => (Block)new Container("tr", new(), Many(1, 3, () => (Block)new Container("td", new(), new List<Block> { NewBlock(depth + 1) }))));
                var attrs = _shape.Next(2) == 0 && _flavor == null ? new List<(string, string)> { ("data-layout", "default"), ("data-table-width", "760") } : new();
                return new Container("table", attrs, new List<Block> { new Container("tbody", new(), rows) });
            case 4:
                var code = string.Join(_shape.Next(2) == 0 ? "\n" : "\n\t  ", Many(1, 3, () => Word() + "  (" + Word() + " & x < y)  "));
                return new Container("ac:structured-macro", new() { ("ac:name", "code"), ("ac:schema-version", "1") }, new List<Block>
                {
                    new Exact("<ac:parameter ac:name=\"language\">java</ac:parameter>"),
                    new Exact("<ac:plain-text-body><![CDATA[" + code + "]]></ac:plain-text-body>"),
                }, IsMacro: true);
            case 5:
                return new Container("ac:structured-macro", new() { ("ac:name", _shape.Next(2) == 0 ? "info" : "expand"), ("ac:schema-version", "1") }, new List<Block>
                {
                    new Exact("<ac:parameter ac:name=\"title\">" + Escape(Word()) + "  " + Escape(Word()) + "</ac:parameter>"),
                    new Container("ac:rich-text-body", new(), Many(1, 2, () => NewBlock(depth + 1))),
                }, IsMacro: true);
            case 6:
                return new Container("ac:task-list", new(), Many(1, 3, () => (Block)new Container("ac:task", new(), new List<Block>
                {
                    new Exact("<ac:task-id>" + _shape.Next(1, 99).ToString(CultureInfo.InvariantCulture) + "</ac:task-id>"),
                    new Exact("<ac:task-status>" + (_shape.Next(2) == 0 ? "complete" : "incomplete") + "</ac:task-status>"),
                    NewTextBlock("ac:task-body"),
                })));
            case 7:
                return new Exact("<pre>  " + Escape(Word()) + "\n\t" + Escape(Word()) + "   </pre>");
            default:
                return new Container("ac:structured-macro", new() { ("ac:name", "toc"), ("ac:schema-version", "1") }, new List<Block>(), IsMacro: true);
        }
    }

    private TextBlock NewTextBlock(string name)
    {
        var flow = new List<(Item Item, bool SpaceBefore)>();
        var count = 1 + _shape.Next(4);
        for (var i = 0; i < count; i++)
        {
            Item item = _shape.Next(6) switch
            {
                1 when _flavor != null => FlavoredReference(),
                0 => new Inline(new[] { "strong", "em", "code", "u" }[_shape.Next(4)], NewWords()),
                1 => new Raw(_shape.Next(2) == 0
                    ? $"<ac:link><ri:user ri:account-id=\"557058:{_shape.Next(1000)}\" /></ac:link>"
                    : $"<ac:link><ri:user ri:userkey=\"8a7f80{_shape.Next(1000)}\" /></ac:link>"),
                2 => new Raw("<ac:structured-macro ac:name=\"status\" ac:schema-version=\"1\"><ac:parameter ac:name=\"title\">DONE</ac:parameter></ac:structured-macro>"),
                _ => NewWords(),
            };
            // between two runs of words there is always a space, or they would be one run
            var spaceBefore = i > 0 && (item is Run && flow[i - 1].Item is Run || _shape.Next(3) > 0);
            flow.Add((item, spaceBefore));
        }
        return new TextBlock(name, flow);
    }

    private Run NewWords() => new(Many(1, 5, Word));

    private string Word() => Vocabulary[_shape.Next(Vocabulary.Length)];

    private List<T> Many<T>(int min, int max, Func<T> make) => Enumerable.Range(0, min + _shape.Next(max - min + 1)).Select(_ => make()).ToList();

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    // ---- rendering ----

    private sealed class Writer
    {
        private readonly Random? _noise;
        private readonly int _changeWord;
        private readonly StringBuilder _sb = new();

        public Writer(Random? noise, int changeWord)
        {
            _noise = noise;
            _changeWord = changeWord;
        }

        public int FlowWords { get; private set; }

        public override string ToString() => _sb.ToString();

        public void Blocks(List<Block> blocks)
        {
            foreach (var block in blocks)
            {
                Layout();
                Block(block);
            }
            Layout();
        }

        private void Block(Block block)
        {
            switch (block)
            {
                case Exact e:
                    _sb.Append(e.Markup);
                    break;
                case TextBlock t:
                    StartTag(t.Name, new(), isMacro: false);
                    Layout();
                    foreach (var (item, spaceBefore) in t.Flow)
                    {
                        if (spaceBefore) Space();
                        Item(item);
                    }
                    Layout();
                    _sb.Append("</").Append(t.Name).Append('>');
                    break;
                case Container c:
                    StartTag(c.Name, c.Attrs, c.IsMacro);
                    Blocks(c.Children);
                    _sb.Append("</").Append(c.Name).Append('>');
                    break;
            }
        }

        private void Item(Item item)
        {
            switch (item)
            {
                case Run w:
                    for (var i = 0; i < w.List.Count; i++)
                    {
                        if (i > 0) Space();
                        var word = w.List[i];
                        if (FlowWords++ == _changeWord) word += "q";
                        Text(word);
                    }
                    break;
                case Inline inline:
                    StartTag(inline.Name, new(), isMacro: false);
                    Item(inline.Text);
                    _sb.Append("</").Append(inline.Name).Append('>');
                    break;
                case Raw r:
                    var markup = r.Markup;
                    if (_noise != null && _noise.Next(2) == 0)
                        markup = markup.Replace("<ri:user ", "<ri:user ri:local-id=\"" + Guid() + "\" ")
                                       .Replace("<ac:structured-macro ", "<ac:structured-macro ac:macro-id=\"" + Guid() + "\" ");
                    _sb.Append(markup);
                    break;
            }
        }

        private void StartTag(string name, List<(string Name, string Value)> attrs, bool isMacro)
        {
            var all = attrs.ToList();
            if (_noise != null)
            {
                if (_noise.Next(3) == 0) all.Add((isMacro ? "ac:local-id" : "local-id", Guid()));
                if (isMacro && _noise.Next(2) == 0) all.Add(("ac:macro-id", Guid()));
                all = all.OrderBy(_ => _noise.Next()).ToList();
            }
            _sb.Append('<').Append(name);
            foreach (var (n, v) in all)
                _sb.Append(' ').Append(n).Append(_noise != null && _noise.Next(4) == 0 ? " = \"" : "=\"").Append(v).Append('"');
            _sb.Append('>');
        }

        // whitespace where the layout of the markup, not the text, is: between and inside blocks
        private void Layout()
        {
            if (_noise == null) return;
            _sb.Append(_noise.Next(4) switch { 0 => "", 1 => "\n", 2 => "\n    ", _ => " \t\r\n  " });
        }

        // a space between words: any run of whitespace reads the same
        private void Space() => _sb.Append(_noise == null ? " " : _noise.Next(4) switch { 0 => " ", 1 => "  ", 2 => "\n", _ => " \t\r\n " });

        private void Text(string word)
        {
            foreach (var c in word)
            {
                var mustEscape = c == '&' || c == '<';
                if (_noise == null || !Named.ContainsKey(c))
                {
                    _sb.Append(c switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", _ => c.ToString() });
                    continue;
                }
                switch (_noise.Next(mustEscape ? 3 : 4))
                {
                    case 0: _sb.Append('&').Append(Named[c]).Append(';'); break;
                    case 1: _sb.Append("&#").Append(((int)c).ToString(CultureInfo.InvariantCulture)).Append(';'); break;
                    case 2: _sb.Append("&#x").Append(((int)c).ToString(_noise.Next(2) == 0 ? "X" : "x", CultureInfo.InvariantCulture)).Append(';'); break;
                    default: _sb.Append(c); break;
                }
            }
        }

        private string Guid() => _noise!.Next().ToString("x8", CultureInfo.InvariantCulture) + "-" + _noise.Next(0xFFFF).ToString("x4", CultureInfo.InvariantCulture);
    }
}
