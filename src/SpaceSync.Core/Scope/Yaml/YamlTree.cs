using System.Collections.Generic;
using YamlDotNet.Core;

namespace SpaceSync.Core.Scope.Yaml
{
    // A minimal YAML node tree built from YamlDotNet's parser events. YamlDotNet's own representation
    // model (YamlStream) throws on the first duplicate mapping key, which would stop us from reporting
    // every problem in one pass; this tree keeps duplicates and the 1-based position of every node.

    /// <summary>1-based line and column of a node in the scope file.</summary>
    internal readonly struct TextPosition
    {
        public TextPosition(int line, int column)
        {
            Line = line;
            Column = column;
        }

        public int Line { get; }
        public int Column { get; }

        public static TextPosition From(Mark mark) => new TextPosition((int)mark.Line, (int)mark.Column);

        public override string ToString() => $"{Line}:{Column}";
    }

    internal abstract class YamlTreeNode
    {
        protected YamlTreeNode(TextPosition position)
        {
            Position = position;
        }

        public TextPosition Position { get; }
    }

    internal sealed class YamlTreeScalar : YamlTreeNode
    {
        public YamlTreeScalar(TextPosition position, string value, ScalarStyle style)
            : base(position)
        {
            Value = value;
            Style = style;
        }

        public string Value { get; }
        public ScalarStyle Style { get; }
        /// <summary>Plain (unquoted; tags are refused while reading): only these may be read as booleans, numbers or null.</summary>
        public bool IsPlain => Style == ScalarStyle.Plain;

        /// <summary>The YAML 1.2 core-schema null: an empty plain value, <c>~</c> or <c>null</c>.</summary>
        public bool IsNull =>
            IsPlain && (Value.Length == 0 || Value == "~" || Value == "null" || Value == "Null" || Value == "NULL");
    }

    internal sealed class YamlTreeSequence : YamlTreeNode
    {
        public YamlTreeSequence(TextPosition position, IReadOnlyList<YamlTreeNode> items)
            : base(position)
        {
            Items = items;
        }

        public IReadOnlyList<YamlTreeNode> Items { get; }
    }

    internal sealed class YamlTreeEntry
    {
        public YamlTreeEntry(YamlTreeNode key, YamlTreeNode value)
        {
            Key = key;
            Value = value;
        }

        public YamlTreeNode Key { get; }
        public YamlTreeNode Value { get; }

        /// <summary>The key's text, or null for a complex (non-scalar) key.</summary>
        public string? KeyText => (Key as YamlTreeScalar)?.Value;
    }

    internal sealed class YamlTreeMapping : YamlTreeNode
    {
        public YamlTreeMapping(TextPosition position, IReadOnlyList<YamlTreeEntry> entries)
            : base(position)
        {
            Entries = entries;
        }

        /// <summary>Entries in file order, duplicates included.</summary>
        public IReadOnlyList<YamlTreeEntry> Entries { get; }
    }
}
