using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace SpaceSync.Core.Content
{
    /// <summary>
    /// The canonical form of a page body, in which purely cosmetic differences disappear, so that two
    /// bodies are the same content exactly when their canonical forms are equal strings. The canonical
    /// form is itself storage format (it is kept as the base of a three-way merge).
    /// <para>What does not count:</para>
    /// <list type="bullet">
    /// <item>Attribute order (sorted by name, ordinal) and the cosmetic attributes of
    /// <see cref="StorageVocabulary.IsCosmeticAttribute"/> (removed); an attribute left out that has a default
    /// (<see cref="StorageVocabulary.DefaultAttributes"/>: a macro's schema version) is written with it.</item>
    /// <item>How a character is written: <c>&amp;eacute;</c>, <c>&amp;#233;</c> and <c>é</c> are the same;
    /// <c>&lt;p&gt;&lt;/p&gt;</c> and <c>&lt;p/&gt;</c> are the same. A no-break space is content, never a space.</item>
    /// <item>Whitespace, outside <see cref="StorageVocabulary.PreservesWhitespace"/> elements and CDATA sections
    /// (kept exactly): a run of spaces, tabs and line breaks in text is one space; it is dropped at the start
    /// and end of a block or of a unit's content (<see cref="StorageVocabulary.IsUnit"/>: macros, links, images),
    /// next to a block, and after another space even across inline tags
    /// (<c>a &lt;b&gt; c&lt;/b&gt;</c> is <c>a &lt;b&gt;c&lt;/b&gt;</c>); and whitespace-only text is dropped in a
    /// container other than a paragraph or heading whose children are all blocks, macros or
    /// whitespace-preserving elements (so the layout between two block macros does not count).</item>
    /// <item>Inline comment anchors: an <c>ac:inline-comment-marker</c> is replaced by its content
    /// (<see cref="StorageVocabulary.InlineCommentMarker"/>), so adding, resolving or losing an inline comment changes nothing.</item>
    /// <item>The paragraph Cloud's editor puts around the text of a list item or table cell: <c>&lt;li&gt;&lt;p&gt;x&lt;/p&gt;&lt;/li&gt;</c>
    /// is <c>&lt;li&gt;x&lt;/li&gt;</c> (one plain paragraph first, only blocks and macros after it).</item>
    /// </list>
    /// Everything else counts: element names, attribute values, text, comments, CDATA and its placement.
    /// </summary>
    public static class ContentNormalizer
    {
        /// <summary>Parses a body and returns its canonical storage format.</summary>
        /// <exception cref="StorageFormatException">The body is not well-formed.</exception>
        public static string Normalize(string storageXhtml) =>
            Canonicalize(StorageDocument.Parse(storageXhtml)).ToStorageFormat();

        public static StorageDocument Canonicalize(StorageDocument document)
        {
            if (document == null) throw new ArgumentNullException(nameof(document));
            var cleaned = Clean(document.Nodes, elementOnlyCandidate: true);
            var atLineStart = true;
            var leading = TrimLeading(cleaned, ref atLineStart);
            var atBlockEnd = true;
            return new StorageDocument(TrimTrailing(leading, ref atBlockEnd));
        }

        // Pass 1: attributes, whitespace runs, and whitespace-only text between blocks.
        // Each pass hands back the list (and element) it was given when nothing in it changes: most of a body's tree.
        private static IReadOnlyList<StorageNode> Clean(IReadOnlyList<StorageNode> nodes, bool elementOnlyCandidate)
        {
            var dropBlankText = elementOnlyCandidate && AllAllowedAmongBlocks(nodes);
            List<StorageNode>? result = null;
            var unwrapped = false;
            for (var i = 0; i < nodes.Count; i++)
            {
                var node = nodes[i];
                StorageNode? cleaned;
                switch (node)
                {
                    case StorageText t:
                        if (dropBlankText && IsBlank(t.Text))
                        {
                            cleaned = null;
                            break;
                        }
                        var text = CollapseWhitespace(t.Text);
                        cleaned = ReferenceEquals(text, t.Text) ? t : new StorageText(text);
                        break;
                    case StorageElement e when e.Name == StorageVocabulary.InlineCommentMarker:
                        result ??= Head(nodes, i);
                        result.AddRange(Clean(e.Children, elementOnlyCandidate: false));
                        unwrapped = true;
                        continue;
                    case StorageElement e:
                        cleaned = CleanElement(e);
                        break;
                    default:
                        cleaned = node;
                        break;
                }
                if (result == null)
                {
                    if (ReferenceEquals(cleaned, node)) continue;
                    result = Head(nodes, i);
                }
                if (cleaned != null) result.Add(cleaned);
            }
            if (result == null) return nodes;
            return unwrapped ? JoinTexts(result) : result;
        }

        // The first count nodes, in a list to go on with.
        private static List<StorageNode> Head(IReadOnlyList<StorageNode> nodes, int count)
        {
            var head = new List<StorageNode>(nodes.Count);
            for (var i = 0; i < count; i++) head.Add(nodes[i]);
            return head;
        }

        // Text the marker split stays one text node, as it was before the marker came (and a space either side of it one space).
        private static List<StorageNode> JoinTexts(List<StorageNode> nodes)
        {
            var joined = new List<StorageNode>(nodes.Count);
            foreach (var node in nodes)
            {
                if (node is StorageText t && joined.Count > 0 && joined[joined.Count - 1] is StorageText before)
                    joined[joined.Count - 1] = new StorageText(CollapseWhitespace(before.Text + t.Text));
                else joined.Add(node);
            }
            return joined;
        }

        private static StorageElement CleanElement(StorageElement e)
        {
            var attributes = CleanAttributes(e.Name, e.Attributes);
            if (StorageVocabulary.PreservesWhitespace(e.Name))
                return new StorageElement(e.Name, attributes, CleanAttributesOnly(e.Children));
            var elementOnlyCandidate = StorageVocabulary.IsUnit(e.Name) ||
                                       StorageVocabulary.IsBlock(e.Name) && !StorageVocabulary.IsTextBlock(e.Name);
            // The editor's paragraph goes before the cleaning, so that the cell's text is cleaned as the cell's own
            // (a second pass then finds exactly what the first left: normalizing stays idempotent).
            var children = IsCell(e.Name) ? WithoutEditorParagraph(e.Children) : e.Children;
            var cleaned = Clean(children, elementOnlyCandidate);
            return ReferenceEquals(attributes, e.Attributes) && ReferenceEquals(cleaned, e.Children) ? e : new StorageElement(e.Name, attributes, cleaned);
        }

        private static bool IsCell(string name) => name == "li" || name == "td" || name == "th";

        // Cloud's editor keeps the text of a list item or table cell in a paragraph of its own (<li><p>x</p><ul>…</ul></li>,
        // <td><p>x</p></td>); Data Center's writes it bare (<li>x<ul>…</ul></li>). One plain paragraph leading the cell,
        // followed by nothing but other blocks and macros, is therefore the cell's own text.
        private static IReadOnlyList<StorageNode> WithoutEditorParagraph(IReadOnlyList<StorageNode> children)
        {
            var first = 0;
            while (first < children.Count && children[first] is StorageText blank && IsBlank(blank.Text)) first++;
            if (first == children.Count || !(children[first] is StorageElement p) || p.Name != "p" ||
                HasContentAttribute(p)) return children;
            for (var i = first + 1; i < children.Count; i++)
            {
                switch (children[i])
                {
                    case StorageText t when IsBlank(t.Text):
                    case StorageComment _:
                        continue;
                    case StorageElement e when e.Name != "p" && e.Name != "br" &&
                                                (StorageVocabulary.IsBlock(e.Name) || StorageVocabulary.IsMacro(e.Name)):
                        continue;
                    default:
                        return children;
                }
            }
            var result = new List<StorageNode>(children.Count + p.Children.Count);
            result.AddRange(p.Children);
            for (var i = first + 1; i < children.Count; i++) result.Add(children[i]);
            return result;
        }

        private static bool HasContentAttribute(StorageElement e)
        {
            foreach (var a in e.Attributes)
                if (!StorageVocabulary.IsCosmeticAttribute(a.Name)) return true;
            return false;
        }

        private static List<StorageNode> CleanAttributesOnly(IReadOnlyList<StorageNode> nodes) =>
            nodes.Select(n => n is StorageElement e
                ? new StorageElement(e.Name, CleanAttributes(e.Name, e.Attributes), CleanAttributesOnly(e.Children))
                : n).ToList();

        private static IReadOnlyList<StorageAttribute> CleanAttributes(string elementName, IReadOnlyList<StorageAttribute> attributes)
        {
            if (AlreadyClean(elementName, attributes)) return attributes; // most elements: nothing to drop, add or sort
            var kept = new List<StorageAttribute>(attributes.Count + 1);
            foreach (var a in attributes)
                if (!StorageVocabulary.IsCosmeticAttribute(a.Name)) kept.Add(a);
            foreach (var missing in StorageVocabulary.DefaultAttributes(elementName))
                if (!kept.Exists(a => a.Name == missing.Name)) kept.Add(missing);
            // names are unique within an element, so an unstable sort is still deterministic
            if (kept.Count > 1) kept.Sort((x, y) => string.CompareOrdinal(x.Name, y.Name));
            return kept;
        }

        // A loop, not LINQ: every element of every body passes here.
        private static bool AllAllowedAmongBlocks(IReadOnlyList<StorageNode> nodes)
        {
            for (var i = 0; i < nodes.Count; i++)
                if (!IsAllowedAmongBlocks(nodes[i])) return false;
            return true;
        }

        private static bool AlreadyClean(string elementName, IReadOnlyList<StorageAttribute> attributes)
        {
            for (var i = 0; i < attributes.Count; i++)
            {
                if (StorageVocabulary.IsCosmeticAttribute(attributes[i].Name)) return false;
                if (i > 0 && string.CompareOrdinal(attributes[i - 1].Name, attributes[i].Name) >= 0) return false;
            }
            foreach (var missing in StorageVocabulary.DefaultAttributes(elementName))
            {
                var present = false;
                for (var i = 0; i < attributes.Count && !present; i++) present = attributes[i].Name == missing.Name;
                if (!present) return false;
            }
            return true;
        }

        private static bool IsAllowedAmongBlocks(StorageNode node) => node switch
        {
            StorageText t => IsBlank(t.Text),
            StorageComment _ => true,
            StorageProcessingInstruction _ => true,
            StorageElement e => StorageVocabulary.IsBlock(e.Name) || StorageVocabulary.PreservesWhitespace(e.Name) ||
                                StorageVocabulary.IsMacro(e.Name),
            _ => false,
        };

        // Pass 2, in document order: leading spaces at a line start or after a space.
        private static IReadOnlyList<StorageNode> TrimLeading(IReadOnlyList<StorageNode> nodes, ref bool afterSpace)
        {
            List<StorageNode>? result = null;
            for (var i = 0; i < nodes.Count; i++)
            {
                var node = nodes[i];
                StorageNode? trimmed;
                switch (node)
                {
                    case StorageText t:
                        var text = afterSpace ? t.Text.TrimStart(' ') : t.Text;
                        if (text.Length == 0)
                        {
                            trimmed = null;
                            break;
                        }
                        trimmed = text.Length == t.Text.Length ? t : new StorageText(text);
                        afterSpace = text[text.Length - 1] == ' ';
                        break;
                    case StorageElement e:
                        trimmed = WalkElement(e, ref afterSpace, TrimLeading);
                        break;
                    case StorageCData _:
                        trimmed = node;
                        afterSpace = false;
                        break;
                    default: // comments and processing instructions are invisible
                        trimmed = node;
                        break;
                }
                if (result == null)
                {
                    if (ReferenceEquals(trimmed, node)) continue;
                    result = Head(nodes, i);
                }
                if (trimmed != null) result.Add(trimmed);
            }
            return result ?? nodes;
        }

        // Pass 3, in reverse document order: trailing spaces before a block boundary.
        private static IReadOnlyList<StorageNode> TrimTrailing(IReadOnlyList<StorageNode> nodes, ref bool beforeBoundary)
        {
            List<StorageNode>? reversed = null;
            for (var i = nodes.Count - 1; i >= 0; i--)
            {
                var node = nodes[i];
                StorageNode? trimmed;
                switch (node)
                {
                    case StorageText t:
                        var text = beforeBoundary ? t.Text.TrimEnd(' ') : t.Text;
                        if (text.Length == 0)
                        {
                            trimmed = null;
                            break;
                        }
                        trimmed = text.Length == t.Text.Length ? t : new StorageText(text);
                        beforeBoundary = false;
                        break;
                    case StorageElement e:
                        trimmed = WalkElement(e, ref beforeBoundary, TrimTrailing);
                        break;
                    case StorageCData _:
                        trimmed = node;
                        beforeBoundary = false;
                        break;
                    default:
                        trimmed = node;
                        break;
                }
                if (reversed == null)
                {
                    if (ReferenceEquals(trimmed, node)) continue;
                    reversed = new List<StorageNode>(nodes.Count);
                    for (var j = nodes.Count - 1; j > i; j--) reversed.Add(nodes[j]);
                }
                if (trimmed != null) reversed.Add(trimmed);
            }
            if (reversed == null) return nodes;
            reversed.Reverse();
            return reversed;
        }

        private delegate IReadOnlyList<StorageNode> FlowWalk(IReadOnlyList<StorageNode> nodes, ref bool atBoundary);

        // How an element takes part in the flow of text around it, shared by both trimming passes.
        private static StorageElement WalkElement(StorageElement e, ref bool atBoundary, FlowWalk walk)
        {
            if (StorageVocabulary.PreservesWhitespace(e.Name))
            {
                atBoundary = true;
                return e;
            }
            if (StorageVocabulary.IsBlock(e.Name) || StorageVocabulary.IsUnit(e.Name))
            {
                var inner = true;
                var children = walk(e.Children, ref inner);
                atBoundary = StorageVocabulary.IsBlock(e.Name);
                return ReferenceEquals(children, e.Children) ? e : new StorageElement(e.Name, e.Attributes, children);
            }
            if (e.Children.Count == 0)
            {
                atBoundary = false; // an empty inline element (a mention, a date) is content
                return e;
            }
            var inline = walk(e.Children, ref atBoundary);
            return ReferenceEquals(inline, e.Children) ? e : new StorageElement(e.Name, e.Attributes, inline);
        }

        private static bool IsBlank(string text)
        {
            foreach (var c in text)
                if (!IsXmlWhitespace(c)) return false;
            return true;
        }

        // No tab, line break or run of spaces: CollapseWhitespace would give the same text back.
        private static bool IsCollapsed(string text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\t' || c == '\n' || c == '\r' || c == ' ' && i > 0 && text[i - 1] == ' ') return false;
            }
            return true;
        }

        private static bool IsXmlWhitespace(char c) => c == ' ' || c == '\t' || c == '\n' || c == '\r';

        private static string CollapseWhitespace(string text)
        {
            if (IsCollapsed(text)) return text;
            var sb = new StringBuilder(text.Length);
            var inRun = false;
            foreach (var c in text)
            {
                if (IsXmlWhitespace(c))
                {
                    if (!inRun) sb.Append(' ');
                    inRun = true;
                }
                else
                {
                    sb.Append(c);
                    inRun = false;
                }
            }
            return sb.ToString();
        }
    }
}
