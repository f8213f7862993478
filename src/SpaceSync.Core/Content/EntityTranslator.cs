using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace SpaceSync.Core.Content
{
    /// <summary>
    /// Rewrites HTML named references (<c>&amp;eacute;</c>) as numeric ones (<c>&amp;#233;</c>) so that
    /// an XML parser without a DTD accepts the body. CDATA sections, comments and processing
    /// instructions are copied untouched (references are not references there). A DOCTYPE is
    /// refused outright: storage format never has one, and a DTD is how entity-expansion and
    /// external-entity attacks get in.
    /// </summary>
    internal static class EntityTranslator
    {
        public static string Translate(string body, out PositionMap map)
        {
            map = new PositionMap();
            var sb = new StringBuilder(body.Length + 16);
            int line = 1, column = 1, i = 0;
            while (i < body.Length)
            {
                var c = body[i];
                if (c == '<')
                {
                    var skipTo = SkipUntouched(body, i, line, column);
                    if (skipTo > i)
                    {
                        for (; i < skipTo; i++)
                        {
                            sb.Append(body[i]);
                            Advance(body, i, ref line, ref column);
                        }
                        continue;
                    }
                }
                else if (c == '&')
                {
                    var end = NameEnd(body, i + 1);
                    if (end > i + 1 && end < body.Length && body[end] == ';')
                    {
                        var name = body.Substring(i + 1, end - i - 1);
                        if (!HtmlEntities.IsXmlPredefined(name))
                        {
                            if (!HtmlEntities.CodePoints.TryGetValue(name, out var codePoint))
                                throw new StorageFormatException(line, column,
                                    $"unknown entity '&{name};' (storage format allows the XHTML 1.0 named entities and numeric references)");
                            var numeric = "&#" + codePoint.ToString(CultureInfo.InvariantCulture) + ";";
                            map.Add(line, column, numeric.Length, end + 1 - i);
                            sb.Append(numeric);
                            column += end + 1 - i;
                            i = end + 1;
                            continue;
                        }
                    }
                    else if (!IsCharacterReference(body, i))
                    {
                        throw new StorageFormatException(line, column,
                            "'&' does not start an entity or character reference (an ampersand in text is written &amp;)");
                    }
                }
                sb.Append(c);
                Advance(body, i, ref line, ref column);
                i++;
            }
            return sb.ToString();
        }

        // Returns the index after a CDATA section, comment or processing instruction starting at i
        // (or the end of the body when it is unterminated: the XML parser then reports it), or i.
        private static int SkipUntouched(string body, int i, int line, int column)
        {
            if (At(body, i, "<![CDATA[")) return After(body, i, "]]>");
            if (At(body, i, "<!--")) return After(body, i, "-->");
            if (At(body, i, "<?")) return After(body, i, "?>");
            if (string.Compare(body, i, "<!DOCTYPE", 0, 9, StringComparison.OrdinalIgnoreCase) == 0 ||
                string.Compare(body, i, "<!ENTITY", 0, 8, StringComparison.OrdinalIgnoreCase) == 0)
                throw new StorageFormatException(line, column,
                    "a DOCTYPE or ENTITY declaration is not allowed in storage format (no DTD is ever processed)");
            return i;
        }

        private static bool At(string s, int i, string token) => string.CompareOrdinal(s, i, token, 0, token.Length) == 0;

        private static int After(string s, int i, string terminator)
        {
            var end = s.IndexOf(terminator, i, StringComparison.Ordinal);
            return end < 0 ? s.Length : end + terminator.Length;
        }

        private static bool IsCharacterReference(string s, int i)
        {
            var j = i + 1;
            if (j >= s.Length || s[j] != '#') return false;
            j++;
            var hex = j < s.Length && s[j] == 'x';
            if (hex) j++;
            var digitsStart = j;
            while (j < s.Length && (s[j] >= '0' && s[j] <= '9' || hex && (s[j] >= 'a' && s[j] <= 'f' || s[j] >= 'A' && s[j] <= 'F')))
                j++;
            return j > digitsStart && j < s.Length && s[j] == ';';
        }

        private static int NameEnd(string s, int i)
        {
            while (i < s.Length && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9'))
                i++;
            return i;
        }

        // Lines as XML counts them: CR LF, CR and LF each end one line.
        private static void Advance(string s, int i, ref int line, ref int column)
        {
            var c = s[i];
            if (c == '\n' || c == '\r' && (i + 1 >= s.Length || s[i + 1] != '\n'))
            {
                line++;
                column = 1;
            }
            else if (c != '\r')
            {
                column++;
            }
        }
    }

    /// <summary>Maps a column in the translated text back to the body as given (lines never change).</summary>
    internal sealed class PositionMap
    {
        private readonly List<(int Line, int TranslatedColumn, int TranslatedLength, int OriginalLength)> _replacements =
            new List<(int, int, int, int)>();

        private readonly Dictionary<int, int> _shiftBeforeLine = new Dictionary<int, int>();

        public void Add(int line, int originalColumn, int translatedLength, int originalLength)
        {
            _shiftBeforeLine.TryGetValue(line, out var shift);
            _replacements.Add((line, originalColumn + shift, translatedLength, originalLength));
            _shiftBeforeLine[line] = shift + translatedLength - originalLength;
        }

        public int OriginalColumn(int line, int translatedColumn)
        {
            var shift = 0;
            foreach (var r in _replacements)
            {
                if (r.Line != line || r.TranslatedColumn > translatedColumn) continue;
                if (translatedColumn < r.TranslatedColumn + r.TranslatedLength)
                    return r.TranslatedColumn - shift; // inside a rewritten reference: point at its '&'
                shift += r.TranslatedLength - r.OriginalLength;
            }
            return translatedColumn - shift;
        }
    }
}
