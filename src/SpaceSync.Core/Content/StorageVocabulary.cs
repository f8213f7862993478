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
        /// <c>local-id</c> (<c>local-id</c>, <c>ac:local-id</c>, <c>ri:local-id</c>) and <c>ac:macro-id</c>.
        /// Everything else counts, including Cloud-only presentation such as <c>data-layout</c>,
        /// <c>data-table-width</c>, <c>ac:breakout-*</c> and emoji attributes: translating those between the
        /// products is a separate concern, and dropping them here would hide real differences.
        /// </summary>
        public static bool IsCosmeticAttribute(string qualifiedName)
        {
            if (qualifiedName == null) throw new ArgumentNullException(nameof(qualifiedName));
            var colon = qualifiedName.IndexOf(':');
            var local = colon < 0 ? qualifiedName : qualifiedName.Substring(colon + 1);
            return local == "local-id" || qualifiedName == "ac:macro-id";
        }

        /// <summary>Whitespace inside is content, kept exactly (code, macro parameter values).</summary>
        internal static readonly HashSet<string> PreserveWhitespace = new HashSet<string>(StringComparer.Ordinal)
        {
            "pre", "ac:plain-text-body", "ac:plain-text-link-body", "ac:parameter", "ac:default-parameter", "ac:adf-attribute",
        };

        /// <summary>Block elements: whitespace at their start and end, and next to them, is not content.</summary>
        internal static readonly HashSet<string> Blocks = new HashSet<string>(StringComparer.Ordinal)
        {
            "p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "blockquote", "hr", "br", "address", "section", "article",
            "aside", "header", "footer", "nav", "figure", "figcaption", "details", "summary",
            "ul", "ol", "li", "dl", "dt", "dd",
            "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
            "ac:rich-text-body", "ac:layout", "ac:layout-section", "ac:layout-cell", "ac:caption",
            "ac:task-list", "ac:task", "ac:task-id", "ac:task-uuid", "ac:task-status", "ac:task-body",
            "ac:adf-node", "ac:adf-content", "ac:adf-fallback",
        };

        /// <summary>Blocks that hold running text, where even whitespace between two macros is a visible space.</summary>
        internal static readonly HashSet<string> TextBlocks = new HashSet<string>(StringComparer.Ordinal)
        {
            "p", "h1", "h2", "h3", "h4", "h5", "h6",
        };

        /// <summary>
        /// Self-contained units: from outside, one inline item (like an image); inside, their own content,
        /// with whitespace at its start and end not counting. Macros are also allowed among blocks (see
        /// <see cref="ContentNormalizer"/>).
        /// </summary>
        internal static readonly HashSet<string> Units = new HashSet<string>(StringComparer.Ordinal)
        {
            "ac:structured-macro", "ac:macro", "ac:adf-extension", "ac:link", "ac:image", "ac:emoticon",
        };

        internal static readonly HashSet<string> Macros = new HashSet<string>(StringComparer.Ordinal)
        {
            "ac:structured-macro", "ac:macro", "ac:adf-extension",
        };

        internal static bool IsPreserve(string name) => PreserveWhitespace.Contains(name);

        internal static bool IsBlock(string name) => Blocks.Contains(name);

        internal static bool IsTextBlock(string name) => TextBlocks.Contains(name);

        internal static bool IsUnit(string name) => Units.Contains(name);
    }
}
