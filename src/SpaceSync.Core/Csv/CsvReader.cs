using System;
using System.Collections.Generic;
using System.Text;

namespace SpaceSync.Core.Csv
{
    /// <summary>One field of a record: its text (quotes removed, "" unescaped) and where it starts, 1-based.</summary>
    internal sealed record CsvField(string Value, int Line, int Column);

    /// <summary>One record and the line it starts on (a quoted field may span lines).</summary>
    internal sealed record CsvRecord(int Line, IReadOnlyList<CsvField> Fields)
    {
        /// <summary>True when every field is empty or spaces (a blank line, or only commas).</summary>
        public bool IsBlank
        {
            get
            {
                foreach (var item in Fields)
                {
                    if (item.Value.Trim().Length > 0) return false;
                }

                return true;
            }
        }
    }

    /// <summary>Text that is not RFC 4180 CSV; Line and Column (1-based) point at the offending character.</summary>
    internal sealed class CsvSyntaxException : Exception
    {
        public CsvSyntaxException(int line, int column, string problem)
            : base($"line {line}, column {column}: {problem}")
        {
            Line = line;
            Column = column;
            Problem = problem;
        }

        public int Line { get; }

        public int Column { get; }

        public string Problem { get; }
    }

    /// <summary>
    /// RFC 4180 records: fields separated by commas, records by CRLF, LF or CR; a quoted field may hold commas, line
    /// breaks and doubled quotes. Leniencies people's editors need: a leading BOM is skipped, and spaces around a quoted
    /// field are allowed. Text after a closing quote is an error, because guessing what was meant would change an id.
    /// </summary>
    internal static class CsvReader
    {
        public static IEnumerable<CsvRecord> Records(string text)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            var line = 1;
            var lineStart = 0;
            var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
            if (i == 1) lineStart = 1; // the BOM is not a column
            while (i < text.Length)
            {
                var recordLine = line;
                var fields = new List<CsvField>();
                var field = new StringBuilder();
                int fieldLine = line, fieldColumn = i - lineStart + 1;
                int quoteLine = 0, quoteColumn = 0;
                var quoted = false;
                var afterQuote = false;
                var endOfRecord = false;
                while (i < text.Length && !endOfRecord)
                {
                    var c = text[i];
                    var column = i - lineStart + 1;
                    i++;
                    if (quoted)
                    {
                        if (c == '"' && i < text.Length && text[i] == '"') { field.Append('"'); i++; }
                        else if (c == '"') { quoted = false; afterQuote = true; }
                        else
                        {
                            if (c == '\n' || (c == '\r' && !(i < text.Length && text[i] == '\n'))) { line++; lineStart = i; }
                            field.Append(c);
                        }
                    }
                    else if (c == ',')
                    {
                        fields.Add(new CsvField(field.ToString(), fieldLine, fieldColumn));
                        field.Clear();
                        afterQuote = false;
                        fieldLine = line;
                        fieldColumn = column + 1;
                    }
                    else if (c == '\r' && i < text.Length && text[i] == '\n') { /* the \n ends the record */ }
                    else if (c == '\n' || c == '\r') { line++; lineStart = i; endOfRecord = true; }
                    else if (afterQuote)
                    {
                        if (c != ' ' && c != '\t')
                            throw new CsvSyntaxException(line, column, $"expected ',' or the end of the line after the closing quote, found '{c}'.");
                    }
                    else if (c == '"' && field.ToString().Trim().Length == 0)
                    {
                        field.Clear();
                        quoted = true;
                        quoteLine = line;
                        quoteColumn = column;
                        fieldColumn = column;
                    }
                    else if (c == '"')
                    {
                        throw new CsvSyntaxException(line, column, "a quote inside an unquoted field; quote the whole field and double the quote (\"\").");
                    }
                    else field.Append(c);
                }

                if (quoted) throw new CsvSyntaxException(quoteLine, quoteColumn, "a quoted field is not closed.");
                fields.Add(new CsvField(field.ToString(), fieldLine, fieldColumn));
                yield return new CsvRecord(recordLine, fields);
            }
        }
    }
}
