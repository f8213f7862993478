using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace SpaceSync.Core.Scope.Yaml
{
    /// <summary>
    /// A mapping already checked against its allowed keys (unknown and duplicate keys reported), with the
    /// place where a missing required key is reported: the section's own key, or the list item.
    /// </summary>
    internal sealed class Section
    {
        private readonly Dictionary<string, YamlTreeEntry> _entries;

        public Section(string path, TextPosition anchor, Dictionary<string, YamlTreeEntry> entries)
        {
            Path = path;
            Anchor = anchor;
            _entries = entries;
        }

        /// <summary>Dotted path of the section in the file, e.g. "sites.cloud.auth"; "" for the root.</summary>
        public string Path { get; }

        /// <summary>Where problems with the section as a whole are reported: its key, or the list item.</summary>
        public TextPosition Anchor { get; }

        public bool Has(string key) => _entries.ContainsKey(key);

        public YamlTreeEntry? Entry(string key) => _entries.TryGetValue(key, out var entry) ? entry : null;

        public string PathOf(string key) => Path.Length == 0 ? key : Path + "." + key;

        /// <summary>How messages say where a key is: "at the top level" or "in 'sites.cloud'".</summary>
        public string Where => Path.Length == 0 ? "at the top level" : "in '" + Path + "'";
    }

    /// <summary>
    /// Walks a <see cref="YamlTreeNode"/> tree against an explicit schema with typed readers. Every
    /// problem is collected (never thrown) with its file:line:column, so one pass reports them all.
    /// </summary>
    internal sealed class SchemaReader
    {
        private const int ShownValueLength = 40;

        private readonly string _file;
        private readonly List<ScopeError> _errors = new List<ScopeError>();
        private readonly Dictionary<string, SourceLocation> _locations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);

        public SchemaReader(string file)
        {
            _file = file;
        }

        public IReadOnlyList<ScopeError> Errors => _errors;

        /// <summary>Where each key path that was read has its value, e.g. "spaces[0].maxDeletePercent".</summary>
        public IReadOnlyDictionary<string, SourceLocation> Locations => _locations;

        public SourceLocation Locate(TextPosition position) => new SourceLocation(_file, position.Line, position.Column);

        public void Error(string code, string message, TextPosition at) => _errors.Add(new ScopeError(code, message, Locate(at)));

        // ---- sections -------------------------------------------------------------------------

        /// <summary>
        /// Opens a mapping node as a section. A null node (key written with no value) is an empty section.
        /// Reports a non-mapping, unknown keys (with a near-miss suggestion) and duplicate keys.
        /// </summary>
        /// <param name="misplaced">Keys that are valid elsewhere, with a hint where they belong.</param>
        /// <param name="sensitive">A scalar written in place of this section may be a secret (`auth: &lt;token&gt;`): never echo it.</param>
        public Section? OpenSection(YamlTreeNode? node, string path, TextPosition anchor, IReadOnlyList<string> allowedKeys, IReadOnlyDictionary<string, string>? misplaced = null, bool sensitive = false)
        {
            var entries = new Dictionary<string, YamlTreeEntry>(StringComparer.Ordinal);
            if (node == null || (node is YamlTreeScalar nullScalar && nullScalar.IsNull))
            {
                return new Section(path, anchor, entries);
            }

            if (!(node is YamlTreeMapping mapping))
            {
                var name = path.Length == 0 ? "The scope file" : "'" + path + "'";
                Error(ScopeErrorCodes.InvalidType,
                    $"{name} must be a mapping of keys ({string.Join(", ", allowedKeys)}), found {(sensitive ? KindOf(node) : Shown(node))}.",
                    node.Position);
                return null;
            }

            var section = new Section(path, anchor, entries);
            foreach (var entry in mapping.Entries)
            {
                var key = entry.KeyText;
                if (key == null || !(entry.Key is YamlTreeScalar))
                {
                    Error(ScopeErrorCodes.InvalidType, $"Keys {section.Where} must be plain words, found {Shown(entry.Key)}.", entry.Key.Position);
                    continue;
                }

                if (!allowedKeys.Contains(key, StringComparer.Ordinal))
                {
                    var suggestion = NearMiss.Suggest(key, allowedKeys);
                    var hint = misplaced != null && misplaced.TryGetValue(key, out var belongs) ? " " + belongs
                        : suggestion == null ? "" : $" Did you mean '{suggestion}'?";
                    Error(ScopeErrorCodes.UnknownKey,
                        $"Unknown key '{Truncate(key)}' {section.Where}.{hint} Allowed keys: {string.Join(", ", allowedKeys)}.",
                        entry.Key.Position);
                    continue;
                }

                if (entries.TryGetValue(key, out var first))
                {
                    Error(ScopeErrorCodes.DuplicateKey,
                        $"Duplicate key '{key}' {section.Where}; it is already set at line {first.Key.Position.Line}. Each key may appear once.",
                        entry.Key.Position);
                    continue;
                }

                entries.Add(key, entry);
            }

            return section;
        }

        /// <summary>A nested section under <paramref name="key"/>; a missing required one is reported.</summary>
        public Section? ReadSection(Section parent, string key, bool required, IReadOnlyList<string> allowedKeys, IReadOnlyDictionary<string, string>? misplaced = null, bool sensitive = false)
        {
            var entry = Lookup(parent, key, required, "a mapping of " + string.Join(", ", allowedKeys));
            if (entry == null)
            {
                return null;
            }

            return OpenSection(entry.Value, parent.PathOf(key), entry.Key.Position, allowedKeys, misplaced, sensitive);
        }

        /// <summary>The items of a list under <paramref name="key"/>; a null value is an empty list.</summary>
        public IReadOnlyList<YamlTreeNode>? ReadList(Section parent, string key, bool required, string expectedItems)
        {
            var entry = Lookup(parent, key, required, "a list of " + expectedItems);
            if (entry == null)
            {
                return null;
            }

            if (entry.Value is YamlTreeScalar scalar && scalar.IsNull)
            {
                return Array.Empty<YamlTreeNode>();
            }

            if (entry.Value is YamlTreeSequence sequence)
            {
                return sequence.Items;
            }

            Error(ScopeErrorCodes.InvalidType,
                $"'{parent.PathOf(key)}' must be a list of {expectedItems} (items start with '- ', or [a, b]), found {Shown(entry.Value)}.",
                entry.Value.Position);
            return null;
        }

        /// <summary>A list of non-empty strings (e.g. exclude titles); bad items are reported one by one.</summary>
        public IReadOnlyList<string>? ReadStringList(Section parent, string key, string expectedItems, string expectedItem, Func<string, string?>? checkItem = null, string invalidItemCode = ScopeErrorCodes.InvalidType)
        {
            var items = ReadList(parent, key, required: false, expectedItems);
            if (items == null)
            {
                return null;
            }

            var path = parent.PathOf(key);
            var result = new List<string>();
            for (var i = 0; i < items.Count; i++)
            {
                var text = StringOf(items[i], $"{path}[{i}]", expectedItem);
                if (text == null)
                {
                    continue;
                }

                var problem = checkItem?.Invoke(text);
                if (problem != null)
                {
                    Error(invalidItemCode, $"'{path}[{i}]' {problem}", items[i].Position);
                    continue;
                }

                result.Add(text);
            }

            return result;
        }

        // ---- scalars --------------------------------------------------------------------------

        /// <summary>
        /// A non-empty text value. Any scalar counts (a Cloud key written 2024 is the text "2024");
        /// a mapping, a list or an empty value is reported.
        /// </summary>
        public string? ReadString(Section parent, string key, bool required, string expected)
        {
            var entry = Lookup(parent, key, required, expected);
            if (entry == null)
            {
                return null;
            }

            return HasValue(parent, key, entry, expected) ? StringOf(entry.Value, parent.PathOf(key), expected) : null;
        }

        /// <summary>The raw scalar under a key (for values such as tokens that must never be echoed).</summary>
        public YamlTreeEntry? ReadEntry(Section parent, string key, bool required, string expected) =>
            Lookup(parent, key, required, expected);

        public bool? ReadBool(Section parent, string key)
        {
            var entry = Lookup(parent, key, required: false, "true or false");
            if (entry == null || !HasValue(parent, key, entry, "true or false"))
            {
                return null;
            }

            if (entry.Value is YamlTreeScalar scalar && scalar.IsPlain)
            {
                switch (scalar.Value)
                {
                    case "true":
                    case "True":
                    case "TRUE":
                        return true;
                    case "false":
                    case "False":
                    case "FALSE":
                        return false;
                }
            }

            var quoted = entry.Value is YamlTreeScalar q && !q.IsPlain && (q.Value == "true" || q.Value == "false")
                ? " (without quotes)"
                : "";
            Error(ScopeErrorCodes.InvalidType,
                $"'{parent.PathOf(key)}' must be true or false{quoted}, found {Shown(entry.Value)}.",
                ValuePosition(entry));
            return null;
        }

        /// <summary>A plain integer (YAML core schema decimal form).</summary>
        public int? ReadInteger(Section parent, string key, bool required, string expected)
        {
            var entry = Lookup(parent, key, required, expected);
            if (entry == null || !HasValue(parent, key, entry, expected))
            {
                return null;
            }

            if (TryInteger(entry.Value, out var value))
            {
                return value;
            }

            Error(ScopeErrorCodes.InvalidType, $"'{parent.PathOf(key)}' must be {expected}, found {Shown(entry.Value)}.", ValuePosition(entry));
            return null;
        }

        /// <summary>A whole percentage 0–100.</summary>
        public int? ReadPercent(Section parent, string key)
        {
            var entry = Lookup(parent, key, required: false, "a whole number from 0 to 100");
            if (entry == null || !HasValue(parent, key, entry, "a whole number from 0 to 100"))
            {
                return null;
            }

            if (TryInteger(entry.Value, out var value) && value >= 0 && value <= 100)
            {
                return value;
            }

            var why = IsIntegerText(entry.Value) ? "is outside 0–100" : "is not a whole number";
            Error(ScopeErrorCodes.InvalidPercent,
                $"'{parent.PathOf(key)}' {why}: found {Shown(entry.Value)}; expected a whole number from 0 to 100 (a percentage, without '%').",
                ValuePosition(entry));
            return null;
        }

        public T? ReadEnum<T>(Section parent, string key, bool required, EnumWords<T> words) where T : struct, Enum
        {
            var word = ReadWord(parent, key, required, words.All);
            return word != null && words.TryParse(word, out var value) ? value : (T?)null;
        }

        /// <summary>One of a fixed list of words (case-sensitive, like keys).</summary>
        public string? ReadWord(Section parent, string key, bool required, IReadOnlyList<string> allowed)
        {
            var expected = "one of " + string.Join(", ", allowed);
            var entry = Lookup(parent, key, required, expected);
            if (entry == null || !HasValue(parent, key, entry, expected))
            {
                return null;
            }

            if (entry.Value is YamlTreeScalar scalar && allowed.Contains(scalar.Value, StringComparer.Ordinal))
            {
                return scalar.Value;
            }

            if (!(entry.Value is YamlTreeScalar))
            {
                Error(ScopeErrorCodes.InvalidType, $"'{parent.PathOf(key)}' must be {expected}, found {Shown(entry.Value)}.", ValuePosition(entry));
                return null;
            }

            var written = ((YamlTreeScalar)entry.Value).Value;
            var suggestion = NearMiss.Suggest(written, allowed);
            var hint = suggestion == null ? "" : $" Did you mean '{suggestion}'?";
            Error(ScopeErrorCodes.InvalidEnum,
                $"'{parent.PathOf(key)}' has an unknown value {Shown(entry.Value)}.{hint} Allowed values: {string.Join(", ", allowed)}.",
                entry.Value.Position);
            return null;
        }

        // ---- helpers --------------------------------------------------------------------------

        /// <summary>Describes a node for a message: a short quoted value, or what kind of node it is.</summary>
        public static string Shown(YamlTreeNode node)
        {
            switch (node)
            {
                case YamlTreeScalar scalar when scalar.IsNull:
                    return "an empty value";
                case YamlTreeScalar scalar:
                    return "'" + Truncate(scalar.Value) + "'";
                case YamlTreeSequence _:
                    return "a list";
                default:
                    return "a mapping";
            }
        }

        /// <summary>Says what kind of node it is without its text: for secrets.</summary>
        public static string KindOf(YamlTreeNode node) => node switch
        {
            YamlTreeScalar scalar when scalar.IsNull => "an empty value",
            YamlTreeScalar _ => "a text value",
            YamlTreeSequence _ => "a list",
            _ => "a mapping",
        };

        public static bool IsEmpty(YamlTreeNode node) =>
            node is YamlTreeScalar scalar && (scalar.IsNull || scalar.Value.Trim().Length == 0);

        /// <summary>Empty values have no position of their own worth showing: point at their key.</summary>
        public static TextPosition ValuePosition(YamlTreeEntry entry) =>
            IsEmpty(entry.Value) ? entry.Key.Position : entry.Value.Position;

        private static string Truncate(string text)
        {
            var oneLine = text.Replace("\r", "").Replace("\n", "\\n");
            return oneLine.Length <= ShownValueLength ? oneLine : oneLine.Substring(0, ShownValueLength) + "…";
        }

        private static readonly Regex DecimalInteger = new Regex(@"^[-+]?[0-9]+$", RegexOptions.CultureInvariant);

        private static bool IsIntegerText(YamlTreeNode node) =>
            node is YamlTreeScalar scalar && scalar.IsPlain && DecimalInteger.IsMatch(scalar.Value);

        private static bool TryInteger(YamlTreeNode node, out int value)
        {
            value = 0;
            return IsIntegerText(node) &&
                   int.TryParse(((YamlTreeScalar)node).Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        }

        private string? StringOf(YamlTreeNode node, string path, string expected)
        {
            if (!(node is YamlTreeScalar scalar))
            {
                Error(ScopeErrorCodes.InvalidType, $"'{path}' must be {expected}, found {Shown(node)}.", node.Position);
                return null;
            }

            if (IsEmpty(scalar))
            {
                Error(ScopeErrorCodes.EmptyValue, $"'{path}' is empty; expected {expected}.", node.Position);
                return null;
            }

            return scalar.Value.Trim();
        }

        /// <summary>
        /// A setting written with no value is reported rather than read as "not set": a half-deleted
        /// line must not silently fall back to a default.
        /// </summary>
        private bool HasValue(Section parent, string key, YamlTreeEntry entry, string expected)
        {
            if (!IsEmpty(entry.Value))
            {
                return true;
            }

            Error(ScopeErrorCodes.EmptyValue, $"'{parent.PathOf(key)}' has no value; expected {expected}.", entry.Key.Position);
            return false;
        }

        private YamlTreeEntry? Lookup(Section parent, string key, bool required, string expected)
        {
            var entry = parent.Entry(key);
            if (entry == null)
            {
                if (required)
                {
                    Error(ScopeErrorCodes.MissingKey, $"Missing key '{key}' {parent.Where}; expected {expected}.", parent.Anchor);
                }

                return null;
            }

            _locations[parent.PathOf(key)] = Locate(ValuePosition(entry));
            return entry;
        }
    }
}
