using System.Collections.Generic;

namespace SpaceSync.Core.Content
{
    /// <summary>Shapes of a node tree as <see cref="StorageDocument.Parse"/> makes them.</summary>
    internal static class StorageTree
    {
        /// <summary>
        /// The nodes as parsing their written form would give them back: adjacent texts joined into one, empty texts gone
        /// (the parser never makes either; a translation can, by turning an element into text). The same list when it is
        /// already so. What else writing and parsing again could change, it does not: attribute and text values survive
        /// the writer's escaping, and element, CDATA, comment and processing-instruction nodes come back as they were.
        /// </summary>
        public static IReadOnlyList<StorageNode> AsParsed(IReadOnlyList<StorageNode> nodes)
        {
            List<StorageNode>? result = null;
            for (var i = 0; i < nodes.Count; i++)
            {
                var node = nodes[i];
                var shaped = node is StorageElement e ? AsParsed(e) : node;
                if (shaped is StorageText t)
                {
                    var previous = result != null ? (result.Count > 0 ? result[result.Count - 1] : null) : (i > 0 ? nodes[i - 1] : null);
                    if (t.Text.Length == 0 || previous is StorageText)
                    {
                        result ??= Copy(nodes, i);
                        if (t.Text.Length == 0) continue;
                        result[result.Count - 1] = new StorageText(((StorageText)previous!).Text + t.Text);
                        continue;
                    }
                }
                if (result != null) result.Add(shaped);
                else if (!ReferenceEquals(shaped, node))
                {
                    result = Copy(nodes, i);
                    result.Add(shaped);
                }
            }
            return result ?? nodes;
        }

        private static StorageNode AsParsed(StorageElement e)
        {
            if (e.Children.Count == 0) return e;
            var children = AsParsed(e.Children);
            return ReferenceEquals(children, e.Children) ? e : new StorageElement(e.Name, e.Attributes, children);
        }

        private static List<StorageNode> Copy(IReadOnlyList<StorageNode> nodes, int count)
        {
            var copy = new List<StorageNode>(nodes.Count);
            for (var i = 0; i < count; i++) copy.Add(nodes[i]);
            return copy;
        }
    }
}
