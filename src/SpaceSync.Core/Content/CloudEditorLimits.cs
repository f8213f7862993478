using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace SpaceSync.Core.Content
{
    /// <summary>
    /// What Confluence Cloud's editor cannot hold. Cloud converts every page and blog-post body to its editor's format when
    /// it is saved, and refuses one it cannot convert with 400 "Content body cannot be converted to new editor format"
    /// without saying which part: this names the parts of a body that users of other clients report Cloud refuses
    /// (docs/confluence-behaviours.md, section 2), so that a refused page says what to change.
    /// </summary>
    public static class CloudEditorLimits
    {
        /// <summary>The words of Cloud's refusal (v2 <c>errors[].title</c>, v1 the envelope's message).</summary>
        public const string RefusalText = "Content body cannot be converted to new editor format";

        /// <summary>What <see cref="Unconvertible"/> looks for, said once for a body that has none of it.</summary>
        public const string KnownConstructs = "a table inside a table";

        private const int MaxFound = 3;
        private const int MaxQuote = 40;

        /// <summary>Whether a server's message is Cloud's refusal to convert a body.</summary>
        public static bool IsRefusal(string? serverMessage) =>
            serverMessage != null && serverMessage.IndexOf(RefusalText, StringComparison.OrdinalIgnoreCase) >= 0;

        /// <summary>
        /// The parts of <paramref name="storageBody"/> Cloud's editor is known to refuse, each named with where it is, in
        /// document order (at most three); empty when there is none or the body does not parse.
        /// </summary>
        public static IReadOnlyList<string> Unconvertible(string storageBody)
        {
            if (storageBody == null) throw new ArgumentNullException(nameof(storageBody));
            StorageDocument document;
            try
            {
                document = StorageDocument.Parse(storageBody);
            }
            catch (StorageFormatException)
            {
                return Array.Empty<string>();
            }

            var found = new List<string>();
            var tables = 0;
            FindNestedTables(document.Nodes, outer: null, ref tables, found);
            return found;
        }

        /// <summary>
        /// The sentence a refused write adds to Cloud's answer: which of the known constructs the body holds, or that it
        /// holds none of them (Cloud refused something else, which it does not name).
        /// </summary>
        public static string Explain(string storageBody)
        {
            var found = Unconvertible(storageBody);
            return found.Count > 0
                ? "Cloud's editor cannot hold " + string.Join("; and ", found) + "."
                : "Cloud does not say which part it could not convert, and the body has none of the parts known to be refused (" +
                  KnownConstructs + ").";
        }

        // A <table> anywhere inside another table's cell: Cloud's editor has no nested tables.
        private static void FindNestedTables(IReadOnlyList<StorageNode> nodes, int? outer, ref int tables, List<string> found)
        {
            foreach (var node in nodes)
            {
                if (found.Count >= MaxFound || !(node is StorageElement e)) continue;
                if (e.Name != "table")
                {
                    FindNestedTables(e.Children, outer, ref tables, found);
                    continue;
                }

                var number = ++tables;
                if (outer is int o)
                {
                    found.Add(string.Format(CultureInfo.InvariantCulture,
                        "a <table> inside a cell of another table (table {0} of the body, inside table {1}{2})", number, o, Quote(e)));
                    continue; // one report per nested table, not one per level below it
                }

                FindNestedTables(e.Children, number, ref tables, found);
            }
        }

        private static string Quote(StorageElement e)
        {
            var text = new StringBuilder();
            AppendText(e, text);
            var words = string.Join(" ", text.ToString().Split(new[] { ' ', '\t', '\r', '\n', '\u00A0' }, StringSplitOptions.RemoveEmptyEntries));
            if (words.Length == 0) return "";
            return ", beginning \"" + (words.Length > MaxQuote ? words.Substring(0, MaxQuote) + "…" : words) + "\"";
        }

        private static void AppendText(StorageElement e, StringBuilder into)
        {
            foreach (var child in e.Children)
            {
                if (into.Length > MaxQuote * 2) return;
                if (child is StorageText t) into.Append(t.Text).Append(' ');
                else if (child is StorageElement inner) AppendText(inner, into);
            }
        }
    }
}
