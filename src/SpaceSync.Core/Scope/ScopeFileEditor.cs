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

            var root = (YamlTreeMapping)YamlTreeReader.Read(text).Root!;
            var spacesEntry = root.Entries.First(e => e.KeyText == "spaces");
            if (spacesEntry.Value is not YamlTreeSequence spaces || spaces.Items.Count == 0)
            {
                throw Error(SpaceNotInFile, $"Space '{spaceKey}' is not in the scope file: its spaces list is empty.",
                    Location(filePath, spacesEntry.Key.Position));
            }

            if (spaces.Position.Line == spacesEntry.Key.Position.Line)
            {
                throw Error(EditUnsupported,
                    "'spaces' is written as a flow list ('[...]'); SpaceSync edits only block lists ('- key: ...' lines). " +
                    "Rewrite it as a block list, or remove the space by hand.",
                    Location(filePath, spaces.Position));
            }

            var index = IndexOfSpace(spaces, spaceKey);
            if (index < 0)
            {
                throw Error(SpaceNotInFile, $"Space '{spaceKey}' is not in the scope file; it holds {string.Join(", ", before.Spaces.Select(s => s.Key))}.",
                    Location(filePath, spacesEntry.Key.Position));
            }

            var lines = SplitLines(text);
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
