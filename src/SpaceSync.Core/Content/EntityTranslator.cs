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
        private static readonly char[] Markup = { '<', '&' };

        public static string Translate(string body, out PositionMap map)
        {
            map = new PositionMap();
            // Built only once an entity is rewritten: a body without named entities comes back as it is, not copied.
            StringBuilder? sb = null;
            var copied = 0; // body[..copied] is in sb
            var position = new LineCounter(body);
            var i = 0;
            while (i < body.Length)
            {
                // only '<' and '&' need a look: the text between is kept as it is
                var next = body.IndexOfAny(Markup, i);
                if (next < 0) next = body.Length;
                i = next;
                if (i == body.Length) break;

                if (body[i] == '<')
                {
                    i = SkipUntouched(body, i, position);
                    continue;
                }

                var end = NameEnd(body, i + 1);
                if (end > i + 1 && end < body.Length && body[end] == ';')
                {
                    var name = body.Substring(i + 1, end - i - 1);
                    if (HtmlEntities.IsXmlPredefined(name))
                    {
                        // kept as written
                    }
                    else if (HtmlEntities.CodePoints.TryGetValue(name, out var codePoint))
                    {
                        var numeric = "&#" + codePoint.ToString(CultureInfo.InvariantCulture) + ";";
                        var (line, column) = position.At(i);
                        map.Add(line, column, numeric.Length, end + 1 - i);
                        sb ??= new StringBuilder(body.Length + 16);
                        sb.Append(body, copied, i - copied).Append(numeric);
                        copied = end + 1;
                    }
                    else
                    {
                        var (line, column) = position.At(i);
                        throw new StorageFormatException(line, column,
                            $"unknown entity '&{name};' (storage format allows the XHTML 1.0 named entities and numeric references)");
                    }
                    i = end + 1;
                }
                else if (IsCharacterReference(body, i))
                {
                    i++;
                }
                else
                {
                    var (line, column) = position.At(i);
                    throw new StorageFormatException(line, column,
                        "'&' does not start an entity or character reference (an ampersand in text is written &amp;)");
                }
            }
            return sb is null ? body : sb.Append(body, copied, body.Length - copied).ToString();
        }

        // Returns the index after a CDATA section, comment or processing instruction starting at i
        // (or the end of the body when it is unterminated: the XML parser then reports it), or i.
        // A plain '<' (a tag) is returned as a run of one.
        private static int SkipUntouched(string body, int i, LineCounter position)
        {
            if (At(body, i, "<![CDATA[")) return After(body, i, "]]>");
            if (At(body, i, "<!--")) return After(body, i, "-->");
            if (At(body, i, "<?")) return After(body, i, "?>");
            if (string.Compare(body, i, "<!DOCTYPE", 0, 9, StringComparison.OrdinalIgnoreCase) == 0 ||
                string.Compare(body, i, "<!ENTITY", 0, 8, StringComparison.OrdinalIgnoreCase) == 0)
            {
                var (line, column) = position.At(i);
                throw new StorageFormatException(line, column,
                    "a DOCTYPE or ENTITY declaration is not allowed in storage format (no DTD is ever processed)");
            }
            return i + 1;
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
    }

    /// <summary>Line and column (1-based) of an index, counted forward lazily: positions are asked in increasing order.</summary>
    internal sealed class LineCounter
    {
        private readonly string _text;
        private int _scanned;
        private int _line = 1;
        private int _lineStart;

        public LineCounter(string text) => _text = text;

        // Lines as XML counts them: CR LF, CR and LF each end one line.
        public (int Line, int Column) At(int index)
        {
            for (; _scanned < index; _scanned++)
            {
                var c = _text[_scanned];
                if (c == '\n' || c == '\r' && (_scanned + 1 >= _text.Length || _text[_scanned + 1] != '\n'))
                {
                    _line++;
                    _lineStart = _scanned + 1;
                }
            }
            return (_line, index - _lineStart + 1);
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
