using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Content.Merge
{
    /// <summary>
    /// One thing the merge compares whole: a top-level block, a list item, a table row, a block of a macro's body, or
    /// (inside a list item that holds a nested list) the item's own text or one nested list. Its key is its canonical
    /// markup; a unit that can be opened (a <see cref="MergeContainer"/>) is also known by its shell, so that the same
    /// list, table or macro edited on both sides is recognised as one unit to merge inside.
    /// </summary>
    internal sealed class MergeUnit
    {
        // Marks a shell key so that it can never equal a block's own key.
        private const string ShellMark = "\u0001";

        private MergeUnit(IReadOnlyList<StorageNode> nodes)
        {
            Nodes = nodes;
            Key = StorageWriter.Write(nodes);
            Container = nodes.Count == 1 ? MergeContainer.Open(nodes[0]) : null;
            Identity = Container == null ? Key : ShellMark + Container.ShellKey;
        }

        public IReadOnlyList<StorageNode> Nodes { get; }

        /// <summary>Canonical markup: equal keys are the same content.</summary>
        public string Key { get; }

        /// <summary>The shell for a container (same element, attributes, macro parameters), else <see cref="Key"/>.</summary>
        public string Identity { get; }

        public MergeContainer? Container { get; }

        /// <summary>Each node its own unit: the blocks of a body, the items of a list, the rows of a table section.</summary>
        public static List<MergeUnit> EachOf(IEnumerable<StorageNode> nodes) => nodes.Select(n => new MergeUnit(new[] { n })).ToList();

        /// <summary>
        /// A list item's content: each nested list its own unit, and each run of anything else (the item's text) one unit,
        /// so that two edits of an item's text still collide while an edit of its text and one of its sub-list do not.
        /// </summary>
        public static List<MergeUnit> TextAndLists(IEnumerable<StorageNode> nodes)
        {
            var units = new List<MergeUnit>();
            var run = new List<StorageNode>();
            foreach (var node in nodes)
            {
                if (!MergeContainer.IsList(node))
                {
                    run.Add(node);
                    continue;
                }
                if (run.Count > 0) units.Add(new MergeUnit(run.ToArray()));
                run.Clear();
                units.Add(new MergeUnit(new[] { node }));
            }
            if (run.Count > 0) units.Add(new MergeUnit(run.ToArray()));
            return units;
        }
    }

    /// <summary>
    /// A block whose children merge one by one: lists (and task lists), tables and their sections, layouts, list items
    /// that hold a nested list, and macros with a rich-text body (info, panel, expand...). Its shell — name, attributes
    /// and, for a macro, everything but the body's content (parameters included) — must be the same on all three sides
    /// for the merge to go inside; a row or a task is never opened (a cell's content is not a unit of its own).
    /// </summary>
    internal sealed class MergeContainer
    {
        private static readonly HashSet<string> BlockContainers = new HashSet<string>(StringComparer.Ordinal)
        {
            "ul", "ol", "ac:task-list", "table", "thead", "tbody", "tfoot", "ac:layout", "ac:layout-section", "ac:layout-cell",
        };

        private readonly Func<IReadOnlyList<StorageNode>, StorageElement> _rebuild;

        private MergeContainer(StorageElement element, IReadOnlyList<StorageNode> children, bool textAndLists,
            Func<IReadOnlyList<StorageNode>, StorageElement> rebuild)
        {
            Element = element;
            Children = children;
            TextAndLists = textAndLists;
            _rebuild = rebuild;
            ShellKey = StorageWriter.Write(new[] { rebuild(Array.Empty<StorageNode>()) });
        }

        public StorageElement Element { get; }

        /// <summary>What merges inside: the element's children, or the content of a macro's rich-text body.</summary>
        public IReadOnlyList<StorageNode> Children { get; }

        /// <summary>A list item: its units are its text and its nested lists, not each node.</summary>
        public bool TextAndLists { get; }

        public string ShellKey { get; }

        public bool IsMacro => StorageVocabulary.IsMacro(Element.Name);

        public List<MergeUnit> Units() => TextAndLists ? MergeUnit.TextAndLists(Children) : MergeUnit.EachOf(Children);

        /// <summary>The same shell around other children.</summary>
        public StorageElement Rebuild(IReadOnlyList<StorageNode> children) => _rebuild(children);

        public static bool IsList(StorageNode node) => node is StorageElement e && (e.Name == "ul" || e.Name == "ol");

        public static MergeContainer? Open(StorageNode node)
        {
            if (node is not StorageElement e) return null;
            if (BlockContainers.Contains(e.Name))
                return AllBlocks(e.Children) ? new MergeContainer(e, e.Children, false, c => new StorageElement(e.Name, e.Attributes, c)) : null;
            if (e.Name == "li")
                return e.Children.Any(IsList) ? new MergeContainer(e, e.Children, true, c => new StorageElement(e.Name, e.Attributes, c)) : null;
            if (!StorageVocabulary.IsMacro(e.Name)) return null;

            var bodies = e.Children.Where(c => c is StorageElement b && b.Name == "ac:rich-text-body").Cast<StorageElement>().ToList();
            if (bodies.Count != 1 || !AllBlocks(bodies[0].Children)) return null;
            var body = bodies[0];
            return new MergeContainer(e, body.Children, false, c => new StorageElement(e.Name, e.Attributes,
                e.Children.Select(n => ReferenceEquals(n, body) ? new StorageElement(body.Name, body.Attributes, c) : n).ToList()));
        }

        // Only content made of blocks splits into units: inline text split at its tags would let two edits of one
        // sentence merge.
        private static bool AllBlocks(IReadOnlyList<StorageNode> children) => children.All(c => c switch
        {
            StorageElement e => StorageVocabulary.IsBlock(e.Name) || StorageVocabulary.IsMacro(e.Name) ||
                                StorageVocabulary.PreservesWhitespace(e.Name),
            StorageComment _ => true,
            StorageProcessingInstruction _ => true,
            _ => false,
        });
    }
}
