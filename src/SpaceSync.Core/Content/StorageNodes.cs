using System;
using System.Collections.Generic;

namespace SpaceSync.Core.Content
{
    /// <summary>One node of a parsed page body. Names keep their prefixes as written (<c>ac:link</c>).</summary>
    public abstract class StorageNode
    {
        private protected StorageNode()
        {
        }
    }

    public sealed class StorageElement : StorageNode
    {
        public StorageElement(string name, IReadOnlyList<StorageAttribute> attributes, IReadOnlyList<StorageNode> children)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Attributes = attributes ?? throw new ArgumentNullException(nameof(attributes));
            Children = children ?? throw new ArgumentNullException(nameof(children));
        }

        /// <summary>Qualified name as written, e.g. <c>p</c> or <c>ac:structured-macro</c>.</summary>
        public string Name { get; }

        /// <summary>In document order for a parsed body; sorted by name once normalized.</summary>
        public IReadOnlyList<StorageAttribute> Attributes { get; }

        public IReadOnlyList<StorageNode> Children { get; }

        public string? Attribute(string name)
        {
            foreach (var a in Attributes)
                if (a.Name == name) return a.Value;
            return null;
        }
    }

    /// <summary>An attribute with its value decoded (entities and character references resolved).</summary>
    public sealed record StorageAttribute(string Name, string Value);

    /// <summary>Character data with references decoded: <c>&amp;eacute;</c>, <c>&amp;#233;</c> and <c>é</c> all read as "é".</summary>
    public sealed class StorageText : StorageNode
    {
        public StorageText(string text) => Text = text ?? throw new ArgumentNullException(nameof(text));

        public string Text { get; }
    }

    /// <summary>A CDATA section (code macro bodies, plain-text link bodies), kept exactly as written.</summary>
    public sealed class StorageCData : StorageNode
    {
        public StorageCData(string text) => Text = text ?? throw new ArgumentNullException(nameof(text));

        public string Text { get; }
    }

    public sealed class StorageComment : StorageNode
    {
        public StorageComment(string text) => Text = text ?? throw new ArgumentNullException(nameof(text));

        public string Text { get; }
    }

    public sealed class StorageProcessingInstruction : StorageNode
    {
        public StorageProcessingInstruction(string target, string data)
        {
            Target = target ?? throw new ArgumentNullException(nameof(target));
            Data = data ?? throw new ArgumentNullException(nameof(data));
        }

        public string Target { get; }

        public string Data { get; }
    }
}
