using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SpaceSync.Core.Scope.Yaml
{
    /// <summary>A YAML problem that stops reading: the file is not valid YAML, or not one document.</summary>
    internal sealed class YamlReadProblem
    {
        public YamlReadProblem(string code, string message, TextPosition position)
        {
            Code = code;
            Message = message;
            Position = position;
        }

        public string Code { get; }
        public string Message { get; }
        public TextPosition Position { get; }
    }

    /// <summary>The single document of a YAML text, or why there is none.</summary>
    internal sealed class YamlReadResult
    {
        public YamlReadResult(YamlTreeNode? root, YamlReadProblem? problem)
        {
            Root = root;
            Problem = problem;
        }

        public YamlTreeNode? Root { get; }
        public YamlReadProblem? Problem { get; }
    }

    /// <summary>Builds a <see cref="YamlTreeNode"/> tree from YamlDotNet's event parser.</summary>
    internal sealed class YamlTreeReader
    {
        // Deep enough for any scope file; shallow enough that hostile nesting cannot exhaust the stack.
        private const int MaxDepth = 64;

        /// <summary>
        /// The longest value or key a scope file may hold. Its longest values are file paths and page paths (a
        /// Windows long path is at most 32,767, but real ones are far shorter); 8 KiB leaves room for all of them
        /// and refuses a pasted blob (a certificate, a base64 file) with its place instead of carrying it around.
        /// </summary>
        public const int MaxScalarLength = 8 * 1024;

        /// <summary>
        /// Anchors and aliases are kept (a space may reuse another's <c>content</c> block), but the tree they stand
        /// for may hold at most this many nodes once every alias is counted as the copy it stands for: a billion-laughs
        /// file (aliases of aliases, each doubling the size) is refused at the alias that crosses it. A scope of
        /// a thousand spaces is about 20,000 nodes.
        /// </summary>
        public const long MaxExpandedNodes = 100_000;

        private readonly string _text;
        private readonly IParser _parser;
        private readonly Dictionary<string, YamlTreeNode> _anchors = new Dictionary<string, YamlTreeNode>(StringComparer.Ordinal);
        // Nodes each node stands for with its aliases expanded, and the running total of the document.
        private readonly Dictionary<YamlTreeNode, long> _expandedSize = new Dictionary<YamlTreeNode, long>();
        private long _expandedTotal;
        // Open flow collections ('[' or '{'): when YamlDotNet fails without a position, the innermost
        // unclosed one is the best place to point at.
        private readonly Stack<(TextPosition Position, char Opener)> _openFlow = new Stack<(TextPosition, char)>();
        private TextPosition _lastEventEnd = new TextPosition(1, 1);

        private YamlTreeReader(string text)
        {
            _text = text;
            _parser = new Parser(new StringReader(text));
        }

        public static YamlReadResult Read(string text) => new YamlTreeReader(text).ReadSingleDocument();

        private YamlReadResult ReadSingleDocument()
        {
            try
            {
                Next<StreamStart>();
                if (Accept<StreamEnd>())
                {
                    return Empty();
                }

                Next<DocumentStart>();
                var root = ReadNode(0);
                Next<DocumentEnd>();

                if (!Accept<StreamEnd>())
                {
                    var second = _parser.Current!.Start;
                    return new YamlReadResult(null, new YamlReadProblem(
                        ScopeErrorCodes.YamlSyntax,
                        "The scope file holds more than one YAML document (a second one starts here after '---'); expected exactly one.",
                        TextPosition.From(second)));
                }

                if (root is YamlTreeScalar scalar && scalar.IsNull)
                {
                    return Empty();
                }

                return new YamlReadResult(root, null);
            }
            catch (ScopeYamlAbort abort)
            {
                return new YamlReadResult(null, abort.Problem);
            }
            catch (YamlException ex)
            {
                return new YamlReadResult(null, FromYamlException(ex));
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is ArgumentException || ex is IndexOutOfRangeException)
            {
                // YamlDotNet 16 sometimes fails on an unclosed flow collection with no position at all.
                return new YamlReadResult(null, FromPositionlessFailure());
            }
        }

        private static YamlReadResult Empty() => new YamlReadResult(null, new YamlReadProblem(
            ScopeErrorCodes.EmptyFile,
            "The scope file is empty; expected a mapping with version, sites and spaces (New-SyncScope writes one to start from).",
            new TextPosition(1, 1)));

        private YamlTreeNode ReadNode(int depth)
        {
            if (depth > MaxDepth)
            {
                throw Abort(ScopeErrorCodes.YamlSyntax, $"Nesting deeper than {MaxDepth} levels; a scope file never needs that.", Position(_parser.Current!));
            }

            var current = _parser.Current ?? throw new InvalidOperationException("No YAML event.");
            switch (current)
            {
                case AnchorAlias alias:
                    Move();
                    if (_anchors.TryGetValue(alias.Value.Value, out var anchored))
                    {
                        var size = _expandedSize[anchored];
                        _expandedTotal += size;
                        if (_expandedTotal > MaxExpandedNodes)
                        {
                            throw Abort(ScopeErrorCodes.AliasExpansion,
                                $"The alias *{alias.Value.Value} makes the file stand for more than {MaxExpandedNodes:D} values once aliases are expanded ({size:D} here alone); a scope file never needs that. Write the values out, or use 'defaults' for what spaces share.",
                                Position(alias));
                        }

                        return anchored;
                    }

                    throw Abort(ScopeErrorCodes.YamlSyntax, $"The alias *{alias.Value.Value} refers to no anchor defined before it; expected an earlier '&{alias.Value.Value}'.", Position(alias));

                case Scalar scalar:
                    RefuseTag(scalar.Tag, scalar);
                    if (scalar.Value.Length > MaxScalarLength)
                    {
                        throw Abort(ScopeErrorCodes.ValueTooLong,
                            $"This value is {scalar.Value.Length:D} characters long; a scope file value may be at most {MaxScalarLength:D} (URLs, keys, names and paths are far shorter). Check that nothing was pasted here by mistake.",
                            Position(scalar));
                    }

                    Move();
                    return Counted(Remember(scalar.Anchor, new YamlTreeScalar(Position(scalar), scalar.Value, scalar.Style)), 1);

                case SequenceStart start:
                {
                    RefuseTag(start.Tag, start);
                    Move();
                    var flow = start.Style == SequenceStyle.Flow;
                    if (flow)
                    {
                        _openFlow.Push((Position(start), '['));
                    }

                    var items = new List<YamlTreeNode>();
                    while (!Accept<SequenceEnd>())
                    {
                        items.Add(ReadNode(depth + 1));
                    }

                    if (flow)
                    {
                        _openFlow.Pop();
                    }

                    return Counted(Remember(start.Anchor, new YamlTreeSequence(Position(start), items)), 1 + Sum(items));
                }

                case MappingStart start:
                {
                    RefuseTag(start.Tag, start);
                    Move();
                    var flow = start.Style == MappingStyle.Flow;
                    if (flow)
                    {
                        _openFlow.Push((Position(start), '{'));
                    }

                    var entries = new List<YamlTreeEntry>();
                    while (!Accept<MappingEnd>())
                    {
                        var key = ReadNode(depth + 1);
                        var value = ReadNode(depth + 1);
                        entries.Add(new YamlTreeEntry(key, value));
                    }

                    if (flow)
                    {
                        _openFlow.Pop();
                    }

                    return Counted(Remember(start.Anchor, new YamlTreeMapping(Position(start), entries)), 1 + Sum(entries.Select(e => e.Key)) + Sum(entries.Select(e => e.Value)));
                }

                default:
                    throw Abort(ScopeErrorCodes.YamlSyntax, $"Unexpected YAML element ({current.GetType().Name}).", Position(current));
            }
        }

        /// <summary>
        /// A scope file has no use for tags, and each one changes what a value means (<c>!!binary</c> decodes it,
        /// <c>!!str</c> makes a number text, a custom tag means whatever its reader says): refused at the tag.
        /// </summary>
        private static void RefuseTag(TagName tag, ParsingEvent at)
        {
            if (!tag.IsEmpty)
            {
                throw Abort(ScopeErrorCodes.TagNotAllowed,
                    $"The YAML tag '{Shorten(tag.Value)}' is not allowed in a scope file; expected a plain value (write text in quotes to keep it text).",
                    Position(at));
            }
        }

        private static string Shorten(string text) => text.Length <= 40 ? text : text.Substring(0, 40) + "…";

        private YamlTreeNode Counted(YamlTreeNode node, long size)
        {
            _expandedSize[node] = size;
            return node;
        }

        private long Sum(IEnumerable<YamlTreeNode> nodes)
        {
            long total = 0;
            foreach (var node in nodes)
            {
                total = Math.Min(total + _expandedSize[node], long.MaxValue / 4);
            }

            return total;
        }

        private YamlTreeNode Remember(AnchorName anchor, YamlTreeNode node)
        {
            if (!anchor.IsEmpty)
            {
                _anchors[anchor.Value] = node;
            }

            return node;
        }

        private static TextPosition Position(ParsingEvent e) => TextPosition.From(e.Start);

        private void Move()
        {
            _lastEventEnd = TextPosition.From(_parser.Current!.End);
            _parser.MoveNext();
        }

        private void Next<T>() where T : ParsingEvent
        {
            if (_parser.Current == null)
            {
                _parser.MoveNext();
            }

            if (!(_parser.Current is T))
            {
                throw new InvalidOperationException($"Expected {typeof(T).Name}.");
            }

            Move();
        }

        private bool Accept<T>() where T : ParsingEvent
        {
            if (_parser.Current is T)
            {
                Move();
                return true;
            }

            return false;
        }

        private static ScopeYamlAbort Abort(string code, string message, TextPosition position) =>
            new ScopeYamlAbort(new YamlReadProblem(code, message, position));

        private YamlReadProblem FromYamlException(YamlException ex)
        {
            var position = TextPosition.From(ex.Start);
            var reason = ex.Message.TrimEnd('.');

            if (reason.IndexOf("tab", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                // YamlDotNet reports some tab problems at the start of the enclosing mapping:
                // point at the tab itself.
                var tab = FindIndentationTab(position.Line);
                return new YamlReadProblem(
                    ScopeErrorCodes.YamlSyntax,
                    "A tab character is used for indentation; YAML allows only spaces there. Replace the tabs with spaces.",
                    tab ?? position);
            }

            if (_openFlow.Count > 0 && reason.IndexOf("flow", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                var open = _openFlow.Peek();
                return new YamlReadProblem(
                    ScopeErrorCodes.YamlSyntax,
                    $"Invalid YAML: {reason}; the '{open.Opener}' at line {open.Position.Line}, column {open.Position.Column} is not closed (expected ',' or '{Closer(open.Opener)}').",
                    position);
            }

            return new YamlReadProblem(ScopeErrorCodes.YamlSyntax, $"Invalid YAML: {reason}.{HintFor(reason)}", position);
        }

        /// <summary>YamlDotNet says what the scanner saw; add what the writer most likely meant.</summary>
        private static string HintFor(string reason)
        {
            if (reason.IndexOf("quoted scalar", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return " Check that the quote opened here is closed on the same line.";
            }

            if (reason.IndexOf("invalid mapping", StringComparison.OrdinalIgnoreCase) >= 0 ||
                reason.IndexOf("mapping values are not allowed", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return " A ': ' inside a value starts a new key; put the value in quotes.";
            }

            if (reason.IndexOf("did not find expected key", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return " Check the indentation: keys of one mapping must line up.";
            }

            return "";
        }

        private YamlReadProblem FromPositionlessFailure()
        {
            if (_openFlow.Count > 0)
            {
                var open = _openFlow.Peek();
                return new YamlReadProblem(
                    ScopeErrorCodes.YamlSyntax,
                    $"Invalid YAML: the '{open.Opener}' here is not closed (expected ',' or '{Closer(open.Opener)}' before the next key).",
                    open.Position);
            }

            return new YamlReadProblem(ScopeErrorCodes.YamlSyntax, "Invalid YAML after this point.", _lastEventEnd);
        }

        private static char Closer(char opener) => opener == '[' ? ']' : '}';

        private TextPosition? FindIndentationTab(int fromLine)
        {
            var lines = _text.Split('\n');
            for (var i = Math.Max(0, fromLine - 1); i < lines.Length; i++)
            {
                var line = lines[i];
                for (var c = 0; c < line.Length && (line[c] == ' ' || line[c] == '\t'); c++)
                {
                    if (line[c] == '\t')
                    {
                        return new TextPosition(i + 1, c + 1);
                    }
                }
            }

            return null;
        }

        /// <summary>Unwinds the recursive read with a problem we found ourselves.</summary>
        private sealed class ScopeYamlAbort : Exception
        {
            public ScopeYamlAbort(YamlReadProblem problem)
            {
                Problem = problem;
            }

            public YamlReadProblem Problem { get; }
        }
    }
}
