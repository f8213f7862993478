using System;
using System.Collections.Generic;

namespace SpaceSync.Core.Content
{
    /// <summary>
    /// What the normalizer knows about storage-format names: which attributes carry no content, and how
    /// each element takes part in whitespace handling. Names are compared as written (storage format is
    /// lower case); an element not listed is an inline element such as <c>strong</c> or <c>span</c>.
    /// </summary>
    public static class StorageVocabulary
    {
        /// <summary>
        /// Cosmetic attributes, removed by the normalizer: identifiers the Cloud editor stamps on nodes for its
        /// own bookkeeping, regenerated on copy and unknown to Data Center: any attribute whose local name is
        /// <c>local-id</c> (<c>local-id</c>, <c>ac:local-id</c>, <c>ri:local-id</c>) and <c>ac:macro-id</c>; and
        /// declarations of the prefixes storage format has without declaring them (<c>xmlns:ac</c>, <c>xmlns:ri</c>,
        /// <c>xmlns:at</c>), which exported bodies sometimes carry. Everything else counts, including Cloud-only presentation such as <c>data-layout</c>,
        /// <c>data-table-width</c>, <c>ac:breakout-*</c> and emoji attributes: translating those between the
        /// products is a separate concern, and dropping them here would hide real differences.
        /// </summary>
        public static bool IsCosmeticAttribute(string qualifiedName)
        {
            if (qualifiedName == null) throw new ArgumentNullException(nameof(qualifiedName));
            // The local name compared in place: this runs for every attribute of every body normalized.
            var localStart = qualifiedName.IndexOf(':') + 1;
            return qualifiedName.Length - localStart == LocalId.Length &&
                   string.CompareOrdinal(qualifiedName, localStart, LocalId, 0, LocalId.Length) == 0 || qualifiedName == "ac:macro-id" ||
                   qualifiedName == "xmlns:ac" || qualifiedName == "xmlns:ri" || qualifiedName == "xmlns:at";
        }

        private const string LocalId = "local-id";

        private static readonly StorageAttribute[] MacroDefaults = { new StorageAttribute("ac:schema-version", "1") };

        /// <summary>
        /// Attributes a product gives <paramref name="elementName"/> when a body leaves them out, with that value: absent and
        /// the default are the same. Both products save a structured macro with <c>ac:schema-version="1"</c>, and Cloud adds it
        /// to a macro written without one. Empty for other elements.
        /// </summary>
        public static IReadOnlyList<StorageAttribute> DefaultAttributes(string elementName) =>
            elementName == "ac:structured-macro" ? MacroDefaults : Array.Empty<StorageAttribute>();

        // Whitespace inside is content, kept exactly: code, link text and macro parameter values.
        private static readonly HashSet<string> PreservingWhitespace = Set(
            "pre", "ac:plain-text-body", "ac:plain-text-link-body", "ac:parameter", "ac:default-parameter", "ac:adf-attribute");

        private static readonly HashSet<string> BlockElements = Set(
            "p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "blockquote", "hr", "br", "address", "section", "article",
            "aside", "header", "footer", "nav", "figure", "figcaption", "details", "summary",
            "ul", "ol", "li", "dl", "dt", "dd",
            "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
            "ac:rich-text-body", "ac:layout", "ac:layout-section", "ac:layout-cell", "ac:caption",
            "ac:task-list", "ac:task", "ac:task-id", "ac:task-uuid", "ac:task-status", "ac:task-body",
            "ac:adf-node", "ac:adf-content", "ac:adf-fallback");

        private static readonly HashSet<string> TextBlockElements = Set("p", "h1", "h2", "h3", "h4", "h5", "h6");

        private static readonly HashSet<string> MacroElements = Set("ac:structured-macro", "ac:macro", "ac:adf-extension");

        private static readonly HashSet<string> UnitElements = Set(
            "ac:structured-macro", "ac:macro", "ac:adf-extension", "ac:link", "ac:image", "ac:emoticon");

        /// <summary>
        /// <c>pre</c>, <c>ac:plain-text-body</c>, <c>ac:plain-text-link-body</c>, <c>ac:parameter</c>,
        /// <c>ac:default-parameter</c>, <c>ac:adf-attribute</c>: whitespace inside is content and kept exactly.
        /// From outside they act as blocks.
        /// </summary>
        public static bool PreservesWhitespace(string elementName) => PreservingWhitespace.Contains(elementName);

        /// <summary>
        /// HTML block elements (paragraphs, headings, lists, tables and their parts, <c>br</c>, <c>hr</c>, ...)
        /// and Confluence containers (<c>ac:rich-text-body</c>, layouts, task lists and their parts, ADF nodes):
        /// whitespace at their start and end, and next to them, is not content.
        /// </summary>
        public static bool IsBlock(string elementName) => BlockElements.Contains(elementName);

        /// <summary><c>p</c> and <c>h1</c>..<c>h6</c>: blocks that hold running text, where even the space between two macros shows.</summary>
        public static bool IsTextBlock(string elementName) => TextBlockElements.Contains(elementName);

        /// <summary><c>ac:structured-macro</c>, <c>ac:macro</c> (older format), <c>ac:adf-extension</c>.</summary>
        public static bool IsMacro(string elementName) => MacroElements.Contains(elementName);

        /// <summary>
        /// Macros, <c>ac:link</c>, <c>ac:image</c>, <c>ac:emoticon</c>: self-contained units. From outside, one inline
        /// item, like a word; inside, their own content, where whitespace at the start and end does not count.
        /// </summary>
        public static bool IsUnit(string elementName) => UnitElements.Contains(elementName);

        /// <summary>
        /// <c>ac:inline-comment-marker</c>: the anchor of an inline comment around the text it highlights. Its <c>ac:ref</c>
        /// names a comment of the site that holds the body, so it is that site's bookkeeping, not content: the normalizer
        /// drops the element and keeps its content, and the translator drops it on a crossing (see <c>InlineMarkers</c>).
        /// </summary>
        public const string InlineCommentMarker = "ac:inline-comment-marker";

        private static HashSet<string> Set(params string[] names) => new HashSet<string>(names, StringComparer.Ordinal);
    }
}
