using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace SpaceSync.Core.Content.Merge
{
    /// <summary>
    /// The sequence a merge step works on — the page's blocks, or the children of one container inside it — and how to
    /// say where a unit of it is, in words a reader of a conflict report can find on the page:
    /// <c>block 3 (paragraph "Install the agent…")</c>, <c>row 2 ("8080 | HTTP") of the table after heading "Ports"</c>.
    /// </summary>
    internal sealed class MergeScope
    {
        public const int MaxDescription = 120;

        private readonly MergeScope? _parent;
        private readonly int _index; // of the container among the parent's base units
        private readonly MergeContainer? _container;
        private readonly List<MergeUnit> _base;

        private MergeScope(MergeScope? parent, int index, MergeContainer? container, List<MergeUnit> baseUnits)
        {
            _parent = parent;
            _index = index;
            _container = container;
            _base = baseUnits;
        }

        public static MergeScope Page(List<MergeUnit> blocks) => new MergeScope(null, -1, null, blocks);

        /// <summary>The scope of the children of the container at <paramref name="index"/> (base side), given as units.</summary>
        public MergeScope Inside(int index, List<MergeUnit> children) => new MergeScope(this, index, _base[index].Container, children);

        /// <summary>The index of the top-level base block that holds the unit at <paramref name="index"/> of this scope.</summary>
        public int TopPosition(int index) => _parent == null ? index : _parent.TopPosition(_index);

        /// <summary>
        /// Where the base units <paramref name="region"/> (from <paramref name="index"/> on; none when both sides inserted
        /// there) are, shortening quoted text until it fits <see cref="MaxDescription"/>.
        /// </summary>
        public string Describe(int index, IReadOnlyList<MergeUnit> region, IReadOnlyList<MergeUnit> inserted)
        {
            foreach (var quote in new[] { 40, 16, 0 })
            {
                var text = Describe(index, region, inserted, quote);
                if (text.Length <= MaxDescription) return text;
            }
            return Describe(index, region, inserted, 0).Substring(0, MaxDescription - 1) + "…";
        }

        private string Describe(int index, IReadOnlyList<MergeUnit> region, IReadOnlyList<MergeUnit> inserted, int quote)
        {
            if (_container != null && _container.TextAndLists)
            {
                var item = _parent!.Unit(_index, 0);
                if (region.Count == 0) return "new content in " + item;
                return (region.Count == 1 && MergeContainer.IsList(region[0].Nodes[0]) ? "the nested list" : "the text") + " of " + item;
            }

            var span = region.Count <= 1 ? Number(index) : Number(index) + "–" + Number(index + region.Count - 1);
            if (region.Count > 0)
                return $"{Noun(region[0], plural: region.Count > 1)} {span}{Label(region[0], quote)}{Of()}";
            var what = inserted.Count > 0 ? "new " + Noun(inserted[0], plural: true) : "new content";
            return index == 0
                ? $"{what} at the start{(_parent == null ? " of the page" : Of())}"
                : $"{what} after {Unit(index - 1, quote)}";
        }

        /// <summary>A unit of this scope, e.g. <c>item 2 ("Open the port") of the list after heading "Ports"</c>.</summary>
        private string Unit(int index, int quote) =>
            _container != null && _container.TextAndLists
                ? "item content of " + _parent!.Unit(_index, quote)
                : $"{Noun(_base[index], plural: false)} {Number(index)}{Label(_base[index], quote)}{Of()}";

        private static string Number(int index) => (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>" of the table after heading "Ports"" — empty on the page itself.</summary>
        private string Of()
        {
            if (_parent == null) return "";
            var container = _container!.Element;
            // A table's sections are not worth naming: "row 2 of the table".
            if (IsSection(container.Name) && _parent._container?.Element.Name == "table") return _parent.Of();
            var name = ContainerName(container);
            if (_parent._parent == null) return $" of the {name} {_parent.Locate(_index)}";
            if (_parent._container!.TextAndLists) return $" of the nested list in {_parent._parent.Unit(_parent._index, 0)}";
            var unit = _parent.Unit(_index, 0);
            // "column 2 of layout section 1", not "the column in column 2 of the layout section in layout section 1"
            return _parent.Noun(_parent._base[_index], plural: false) == name ? " of " + unit : $" of the {name} in {unit}";
        }

        /// <summary>A top-level block, by the heading it follows when that is unambiguous, else by its number.</summary>
        private string Locate(int index)
        {
            var name = Name(_base[index]);
            for (var i = index - 1; i >= 0; i--)
            {
                var other = Name(_base[i]);
                if (other == name) break; // "the table after heading X" would not say which
                if (other.Length == 2 && other[0] == 'h' && char.IsDigit(other[1]))
                {
                    var heading = Text(_base[i]);
                    if (heading.Length > 0) return $"after heading \"{Shorten(heading, 40)}\"";
                    break;
                }
            }
            return "at block " + Number(index);
        }

        private string Noun(MergeUnit unit, bool plural)
        {
            var noun = _container?.Element.Name switch
            {
                "ul" or "ol" => "item",
                "ac:task-list" => "task",
                "tbody" => "row",
                "thead" => "header row",
                "tfoot" => "footer row",
                "table" => Kind(unit),
                "ac:layout" => "layout section",
                "ac:layout-section" => "column",
                _ => "block", // the page, a macro body, a layout column: blocks of any kind, numbered in order
            };
            return plural ? noun + "s" : noun;
        }

        /// <summary>What a block is, with its text: <c> (paragraph "Install the agent…")</c>, or <c> ("…")</c> for an item or row.</summary>
        private string Label(MergeUnit unit, int quote)
        {
            var text = quote > 0 ? Text(unit) : "";
            var quoted = text.Length > 0 ? $"\"{Shorten(text, quote)}\"" : "";
            if (Noun(unit, plural: false) != "block") return quoted.Length > 0 ? $" ({quoted})" : "";
            return quoted.Length > 0 ? $" ({Kind(unit)} {quoted})" : $" ({Kind(unit)})";
        }

        private static bool IsSection(string name) => name == "tbody" || name == "thead" || name == "tfoot";

        private static string Name(MergeUnit unit) => unit.Nodes.Count == 1 && unit.Nodes[0] is StorageElement e ? e.Name : "";

        private static string ContainerName(StorageElement e) => e.Name switch
        {
            "ul" or "ol" => "list",
            "ac:task-list" => "task list",
            "ac:layout" => "layout",
            "ac:layout-section" => "layout section",
            "ac:layout-cell" => "column",
            _ when StorageVocabulary.IsMacro(e.Name) => MacroName(e) + " macro",
            _ => e.Name,
        };

        private static string Kind(MergeUnit unit)
        {
            if (unit.Nodes.Count != 1 || unit.Nodes[0] is not StorageElement e) return "text";
            return e.Name switch
            {
                "p" => "paragraph",
                "h1" or "h2" or "h3" or "h4" or "h5" or "h6" => "heading",
                "ul" => "bulleted list",
                "ol" => "numbered list",
                "li" => "item",
                "tr" => "row",
                "thead" => "table header",
                "tbody" => "table body",
                "tfoot" => "table footer",
                "pre" => "preformatted text",
                "blockquote" => "quote",
                "hr" => "horizontal rule",
                "ac:task-list" => "task list",
                "ac:layout" => "layout",
                "ac:layout-section" => "layout section",
                "ac:layout-cell" => "column",
                _ when StorageVocabulary.IsMacro(e.Name) => MacroName(e) + " macro",
                _ => e.Name.Substring(e.Name.IndexOf(':') + 1),
            };
        }

        private static string MacroName(StorageElement macro)
        {
            var name = macro.Attribute("ac:name") ?? macro.Attribute("ac:extension-key") ?? "";
            return name.Length > 0 ? Clean(name) : "unnamed";
        }

        /// <summary>The words of a unit, cells and blocks separated: <c>8080 | HTTP</c> for a row.</summary>
        private static string Text(MergeUnit unit)
        {
            var sb = new StringBuilder();
            foreach (var node in unit.Nodes) AppendText(node, sb);
            return Clean(sb.ToString()).Replace('"', '\''); // it is quoted
        }

        private static void AppendText(StorageNode node, StringBuilder sb)
        {
            switch (node)
            {
                case StorageText t:
                    sb.Append(t.Text);
                    break;
                case StorageElement e when e.Name == "ac:parameter" || e.Name == "ac:task-id" || e.Name == "ac:task-uuid" ||
                                           e.Name == "ac:task-status":
                    break; // settings, not what a reader sees as the block's text
                case StorageElement e:
                    var cell = e.Name == "td" || e.Name == "th";
                    var block = cell || StorageVocabulary.IsBlock(e.Name);
                    if (cell && HasWords(sb)) sb.Append(" | ");
                    else if (block) sb.Append(' ');
                    foreach (var child in e.Children) AppendText(child, sb);
                    if (block) sb.Append(' ');
                    break;
            }
        }

        private static bool HasWords(StringBuilder sb)
        {
            for (var i = 0; i < sb.Length; i++)
                if (!char.IsWhiteSpace(sb[i])) return true;
            return false;
        }

        // One line of plain words: control characters and runs of whitespace become one space.
        private static string Clean(string text)
        {
            var sb = new StringBuilder(text.Length);
            foreach (var c in text)
            {
                var space = char.IsWhiteSpace(c) || char.IsControl(c);
                if (space && (sb.Length == 0 || sb[sb.Length - 1] == ' ')) continue;
                sb.Append(space ? ' ' : c);
            }
            return sb.ToString().Trim();
        }

        private static string Shorten(string text, int max)
        {
            if (text.Length <= max) return text;
            var cut = max - 1;
            if (char.IsHighSurrogate(text[cut - 1])) cut--; // never half a character
            return text.Substring(0, cut).TrimEnd() + "…";
        }
    }
}
