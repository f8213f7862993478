using System;
using System.Collections.Generic;
using System.Linq;
using SpaceSync.Core.Scope.Yaml;

namespace SpaceSync.Core.Scope
{
    /// <summary>
    /// Edits a scope file as text, so that everything the edit does not concern — other spaces, comments,
    /// blank lines, quoting, line endings — stays byte for byte as the admin wrote it (Remove-SyncedSpace).
    /// </summary>
    public static class ScopeFileEditor
    {
        public const string SpaceNotInFile = "ScopeSpaceNotInFile";
        public const string EditUnsupported = "ScopeEditUnsupported";
        public const string SpaceAlreadyInFile = "ScopeSpaceAlreadyInFile";

        /// <summary>
        /// The scope file's text without the entry of space <paramref name="spaceKey"/> (its Data Center key, any case).
        /// Comment lines directly above the entry, at its indentation, go with it; comments that lead into the next
        /// entry or section stay. The file must be valid before, and is checked to be valid after.
        /// </summary>
        /// <exception cref="ScopeException">The file is invalid, does not hold the space, or writes `spaces` in flow style.</exception>
        public static string RemoveSpace(string text, string spaceKey, string filePath)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            var before = ScopeParser.Parse(text, filePath); // refuses an invalid file with its own errors

            var (root, spacesEntry, spaces) = BlockSpaces(text, filePath, before, spaceKey);
            var index = IndexOfSpace(spaces, spaceKey);
            if (index < 0) throw NotInFile(spaceKey, filePath, before, spacesEntry);

            var lines = SplitLines(text);
            var (first, last) = ItemLines(root, spacesEntry, spaces, index, lines);
            var dashIndent = Indentation(lines[first - 1]);

            // Comments directly above the entry, at its indentation, describe it: they go too.
            while (first > 1 && IsComment(lines[first - 2]) && Indentation(lines[first - 2]) == dashIndent) first--;

            var result = string.Concat(lines.Take(first - 1).Concat(lines.Skip(last)));

            var after2 = ScopeParser.Parse(result, filePath);
            if (after2.Spaces.Count != before.Spaces.Count - 1 ||
                after2.Spaces.Any(s => string.Equals(s.Key, spaceKey, StringComparison.OrdinalIgnoreCase)))
            {
                throw Error(EditUnsupported, $"Removing space '{spaceKey}' would not leave a clean scope file; the file was not changed. Remove it by hand.",
                    Location(filePath, spaces.Items[index].Position));
            }

            return result;
        }

        /// <summary>
        /// The scope file's text with the settings <paramref name="values"/> (scope-file key → word, e.g. phase →
        /// dual-write) written on space <paramref name="spaceKey"/>: a key the entry holds has its value replaced in
        /// place, in the same quoting; a key it lacks gets a line of its own below the entry's key/cloudKey/owner/phase
        /// lines. Nothing else changes. The file must be valid before and is checked to be valid, with the new values,
        /// after.
        /// </summary>
        /// <exception cref="ScopeException">The file is invalid, does not hold the space, writes it in flow style, or the edit would not validate.</exception>
        public static string SetSpaceValues(string text, string spaceKey, IReadOnlyList<KeyValuePair<string, string>> values, string filePath)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            if (values is null || values.Count == 0) throw new ArgumentException("No setting to write.", nameof(values));
            var before = ScopeParser.Parse(text, filePath);
            var (root, spacesEntry, spaces) = BlockSpaces(text, filePath, before, spaceKey);
            var index = IndexOfSpace(spaces, spaceKey);
            if (index < 0) throw NotInFile(spaceKey, filePath, before, spacesEntry);
            if (spaces.Items[index] is not YamlTreeMapping item || IsFlowAt(text, item.Position))
            {
                throw Error(EditUnsupported,
                    $"Space '{spaceKey}' is written as a flow mapping ('{{ key: ... }}'); SpaceSync edits only block entries. Rewrite it one key a line, or edit it by hand.",
                    Location(filePath, spaces.Items[index].Position));
            }

            var lines = SplitLines(text);
            var inserted = new List<string>();
            foreach (var pair in values)
            {
                var entry = item.Entries.FirstOrDefault(e => e.KeyText == pair.Key);
                if (entry is null)
                {
                    inserted.Add(pair.Key + ": " + pair.Value);
                    continue;
                }

                if (entry.Value is not YamlTreeScalar scalar || !TryReplaceScalar(lines, scalar, pair.Value))
                {
                    throw Error(EditUnsupported,
                        $"The '{pair.Key}' of space '{spaceKey}' is not a one-line value SpaceSync can rewrite; edit it by hand.",
                        Location(filePath, entry.Value.Position));
                }
            }

            if (inserted.Count > 0)
            {
                // Below the identity lines the template writes first (key, cloudKey, owner, phase), at their indentation.
                var anchor = item.Entries.Where(e => e.KeyText != null && IdentityKeys.Contains(e.KeyText)).Select(e => e.Key.Position).OrderBy(p => p.Line).Last();
                var indent = new string(' ', item.Entries[0].Key.Position.Column - 1);
                var newline = EnsureLineEnds(lines, anchor.Line);
                lines.InsertRange(anchor.Line, inserted.Select(l => indent + l + newline));
            }

            var result = string.Concat(lines);
            var after = ScopeParser.Parse(result, filePath);
            var edited = after.Spaces.FirstOrDefault(s => string.Equals(s.Key, spaceKey, StringComparison.OrdinalIgnoreCase));
            if (edited is null || after.Spaces.Count != before.Spaces.Count || !values.All(v => WordOf(edited, v.Key) == v.Value))
            {
                throw Error(EditUnsupported, $"Setting {Describe(values)} on space '{spaceKey}' would not leave a clean scope file; the file was not changed. Edit it by hand.",
                    Location(filePath, item.Position));
            }

            return result;
        }

        /// <summary>
        /// The scope file's text with a new space entry (key, cloudKey when given, owner, phase when given) after the last
        /// one, in the indentation the file's entries use. Nothing else changes; the result is checked to be valid.
        /// </summary>
        /// <exception cref="ScopeException">The file is invalid, already holds the key, writes `spaces` in flow style, or the new entry would not validate.</exception>
        public static string AddSpace(string text, string spaceKey, string? cloudKey, string owner, string? phase, string filePath)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            var before = ScopeParser.Parse(text, filePath);
            var root = (YamlTreeMapping)YamlTreeReader.Read(text).Root!;
            var spacesEntry = root.Entries.First(e => e.KeyText == "spaces");
            var existing = before.Spaces.FirstOrDefault(s => string.Equals(s.Key, spaceKey, StringComparison.OrdinalIgnoreCase) ||
                                                             string.Equals(s.EffectiveCloudKey, cloudKey ?? spaceKey, StringComparison.OrdinalIgnoreCase));
            if (existing != null)
            {
                throw Error(SpaceAlreadyInFile,
                    $"The scope file already holds space '{existing.Key}'{(existing.CloudKey is null ? "" : $" (Cloud key {existing.CloudKey})")}; " +
                    "use Set-SyncedSpace to change it.",
                    existing.Location ?? Location(filePath, spacesEntry.Key.Position));
            }

            var lines = SplitLines(text);
            string dash, keys;
            int insertAt; // 0-based index in lines of the first new line
            if (spacesEntry.Value is YamlTreeSequence spaces && spaces.Items.Count > 0)
            {
                if (spaces.Position.Line == spacesEntry.Key.Position.Line)
                {
                    throw Error(EditUnsupported,
                        "'spaces' is written as a flow list ('[...]'); SpaceSync edits only block lists ('- key: ...' lines). Rewrite it as a block list, or add the space by hand.",
                        Location(filePath, spaces.Position));
                }

                var lastItem = spaces.Items[spaces.Items.Count - 1];
                var (first, last) = ItemLines(root, spacesEntry, spaces, spaces.Items.Count - 1, lines);
                dash = new string(' ', Indentation(lines[first - 1]));
                keys = lastItem is YamlTreeMapping m && m.Entries.Count > 0 && !IsFlowAt(text, m.Position)
                    ? new string(' ', m.Entries[0].Key.Position.Column - 1)
                    : dash + "  ";
                insertAt = last;
            }
            else
            {
                // No entry yet: `spaces:` alone or `spaces: []` (what retiring the last space leaves, or a fresh file).
                var line = spacesEntry.Key.Position.Line;
                var emptyFlow = new System.Text.RegularExpressions.Regex(@"^(\s*spaces\s*:)\s*\[\s*\]");
                lines[line - 1] = emptyFlow.Replace(lines[line - 1], "$1", 1);
                if (lines[line - 1].Contains("["))
                {
                    throw Error(EditUnsupported, "'spaces' is not written on one line as 'spaces:' or 'spaces: []'; add the space by hand.",
                        Location(filePath, spacesEntry.Key.Position));
                }

                dash = new string(' ', spacesEntry.Key.Position.Column - 1 + 2);
                keys = dash + "  ";
                insertAt = line;
            }

            var newline = insertAt > 0 ? EnsureLineEnds(lines, insertAt) : DominantNewline(text);
            var entry = new List<string> { dash + "- key: " + YamlScalar(spaceKey) };
            if (cloudKey != null) entry.Add(keys + "cloudKey: " + YamlScalar(cloudKey));
            entry.Add(keys + "owner: " + YamlScalar(owner));
            if (phase != null) entry.Add(keys + "phase: " + YamlScalar(phase));
            lines.InsertRange(insertAt, entry.Select(l => l + newline));

            var result = string.Concat(lines);
            var after = ScopeParser.Parse(result, filePath); // a bad key or owner fails here, with the parser's own error
            var added = after.Spaces.FirstOrDefault(s => s.Key == spaceKey);
            if (after.Spaces.Count != before.Spaces.Count + 1 || added is null || added.Owner != owner || added.CloudKey != cloudKey)
            {
                throw Error(EditUnsupported, $"Adding space '{spaceKey}' would not leave a clean scope file; the file was not changed. Add it by hand.",
                    Location(filePath, spacesEntry.Key.Position));
            }

            return result;
        }

        private static readonly HashSet<string> IdentityKeys = new HashSet<string>(StringComparer.Ordinal) { "key", "cloudKey", "owner", "phase" };

        private static string? WordOf(SpaceSettings space, string key) => key switch
        {
            "phase" => space.Phase is null ? null : ScopeVocabulary.Phase.Word(space.Phase.Value),
            "direction" => space.Overrides.Direction is null ? null : ScopeVocabulary.Direction.Word(space.Overrides.Direction.Value),
            "conflicts" => space.Overrides.Conflicts is null ? null : ScopeVocabulary.Conflicts.Word(space.Overrides.Conflicts.Value),
            _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Only phase, direction and conflicts are set by SetSpaceValues."),
        };

        private static string Describe(IEnumerable<KeyValuePair<string, string>> values) =>
            string.Join(", ", values.Select(v => $"{v.Key}: {v.Value}"));

        /// <summary>Replaces a one-line scalar's text in its line, keeping its quoting; false when the line does not hold it as expected.</summary>
        private static bool TryReplaceScalar(List<string> lines, YamlTreeScalar scalar, string word)
        {
            var line = lines[scalar.Position.Line - 1];
            var start = scalar.Position.Column - 1;
            if (start >= line.Length) return false;
            int end; // exclusive
            string replacement;
            switch (scalar.Style)
            {
                case YamlDotNet.Core.ScalarStyle.Plain:
                    if (string.CompareOrdinal(line, start, scalar.Value, 0, scalar.Value.Length) != 0) return false;
                    end = start + scalar.Value.Length;
                    replacement = word;
                    break;
                case YamlDotNet.Core.ScalarStyle.SingleQuoted:
                case YamlDotNet.Core.ScalarStyle.DoubleQuoted:
                    var quote = line[start];
                    end = ClosingQuote(line, start, quote);
                    if (end < 0) return false;
                    end++;
                    replacement = quote + word + quote; // enum words need no escaping in either style
                    break;
                default:
                    return false;
            }

            lines[scalar.Position.Line - 1] = line.Substring(0, start) + replacement + line.Substring(end);
            return true;
        }

        private static int ClosingQuote(string line, int start, char quote)
        {
            for (var i = start + 1; i < line.Length; i++)
            {
                if (quote == '"' && line[i] == '\\') { i++; continue; }
                if (line[i] != quote) continue;
                if (quote == '\'' && i + 1 < line.Length && line[i + 1] == '\'') { i++; continue; } // '' is an escaped quote
                return i;
            }

            return -1;
        }

        /// <summary>A value as YAML: plain when it reads back as the same string, else single-quoted.</summary>
        private static string YamlScalar(string value)
        {
            var plain = value.Length > 0 &&
                        System.Text.RegularExpressions.Regex.IsMatch(value, @"^[A-Za-z0-9_~][A-Za-z0-9_.@+~-]*$") &&
                        value != "~" && !ReservedPlain.Contains(value.ToLowerInvariant());
            return plain ? value : "'" + value.Replace("'", "''") + "'";
        }

        // Words YAML reads as something other than a string.
        private static readonly HashSet<string> ReservedPlain = new HashSet<string> { "null", "true", "false", "yes", "no", "on", "off", "y", "n" };

        private static bool IsFlowAt(string text, TextPosition position)
        {
            var lines = SplitLines(text);
            var line = lines[position.Line - 1];
            return position.Column - 1 < line.Length && line[position.Column - 1] == '{';
        }

        /// <summary>Gives line <paramref name="line"/> (1-based) a line ending when it is the last and has none; returns the ending to use after it.</summary>
        private static string EnsureLineEnds(List<string> lines, int line)
        {
            var text = lines[line - 1];
            if (text.EndsWith("\n", StringComparison.Ordinal)) return text.EndsWith("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
            var newline = DominantNewline(string.Concat(lines));
            lines[line - 1] = text + newline;
            return newline;
        }

        private static string DominantNewline(string text) => text.Contains("\r\n") ? "\r\n" : "\n";

        private static (YamlTreeMapping Root, YamlTreeEntry SpacesEntry, YamlTreeSequence Spaces) BlockSpaces(string text, string filePath, ScopeDocument before, string spaceKey)
        {
            var root = (YamlTreeMapping)YamlTreeReader.Read(text).Root!;
            var spacesEntry = root.Entries.First(e => e.KeyText == "spaces");
            if (spacesEntry.Value is not YamlTreeSequence spaces || spaces.Items.Count == 0)
            {
                throw Error(SpaceNotInFile, $"Space '{spaceKey}' is not in the scope file '{filePath}': its spaces list is empty.",
                    Location(filePath, spacesEntry.Key.Position));
            }

            if (spaces.Position.Line == spacesEntry.Key.Position.Line)
            {
                throw Error(EditUnsupported,
                    "'spaces' is written as a flow list ('[...]'); SpaceSync edits only block lists ('- key: ...' lines). " +
                    "Rewrite it as a block list, or edit the space by hand.",
                    Location(filePath, spaces.Position));
            }

            return (root, spacesEntry, spaces);
        }

        private static ScopeException NotInFile(string spaceKey, string filePath, ScopeDocument before, YamlTreeEntry spacesEntry) =>
            Error(SpaceNotInFile, $"Space '{spaceKey}' is not in the scope file '{filePath}'; it holds {string.Join(", ", before.Spaces.Select(s => s.Key))}.",
                Location(filePath, spacesEntry.Key.Position));

        /// <summary>
        /// The 1-based first line of list item <paramref name="index"/> (its '-') and the number of lines up to and including
        /// its last, less the blank and comment lines that lead into what follows.
        /// </summary>
        private static (int First, int Last) ItemLines(YamlTreeMapping root, YamlTreeEntry spacesEntry, YamlTreeSequence spaces, int index, List<string> lines)
        {
            var first = DashLine(lines, spaces.Items[index].Position.Line);
            var dashIndent = Indentation(lines[first - 1]);

            // The entry ends where the next one (or the next top-level key, or the file) begins...
            int next;
            if (index + 1 < spaces.Items.Count)
            {
                next = DashLine(lines, spaces.Items[index + 1].Position.Line);
            }
            else
            {
                var after = root.Entries.SkipWhile(e => e != spacesEntry).Skip(1).FirstOrDefault();
                next = after is null ? lines.Count + 1 : after.Key.Position.Line;
            }

            // ...less the blank and comment lines that lead into what follows.
            var last = next - 1;
            while (last > first && IsBlankOrShallowComment(lines[last - 1], dashIndent)) last--;
            return (first, last);
        }

        private static int IndexOfSpace(YamlTreeSequence spaces, string spaceKey)
        {
            for (var i = 0; i < spaces.Items.Count; i++)
            {
                if (spaces.Items[i] is YamlTreeMapping item &&
                    item.Entries.Any(e => e.KeyText == "key" && e.Value is YamlTreeScalar s &&
                                          string.Equals(s.Value, spaceKey, StringComparison.OrdinalIgnoreCase)))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>The 1-based line holding the '-' of the list item whose content starts at <paramref name="contentLine"/>.</summary>
        private static int DashLine(IReadOnlyList<string> lines, int contentLine)
        {
            var line = contentLine;
            while (line > 1 && !lines[line - 1].TrimStart().StartsWith("-", StringComparison.Ordinal)) line--;
            return line;
        }

        /// <summary>Lines with their own line endings, so that joining them gives the text back exactly.</summary>
        private static List<string> SplitLines(string text)
        {
            var lines = new List<string>();
            var start = 0;
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    lines.Add(text.Substring(start, i - start + 1));
                    start = i + 1;
                }
            }

            if (start < text.Length) lines.Add(text.Substring(start));
            return lines;
        }

        private static int Indentation(string line) => line.Length - line.TrimStart(' ').Length;

        private static bool IsComment(string line) => line.TrimStart().StartsWith("#", StringComparison.Ordinal);

        private static bool IsBlankOrShallowComment(string line, int indent) =>
            line.Trim().Length == 0 || (IsComment(line) && Indentation(line) <= indent);

        private static SourceLocation Location(string file, TextPosition position) => new SourceLocation(file, position.Line, position.Column);

        private static ScopeException Error(string code, string message, SourceLocation location) =>
            new ScopeException(new[] { new ScopeError(code, message, location) });
    }
}
