using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SpaceSync.Core.Csv;

namespace SpaceSync.Core.Scope
{
    /// <summary>One row of users.map: this Data Center user is this Cloud account, whatever the e-mails say.</summary>
    /// <param name="Location">Where the row is written, for messages: <c>users.csv:4</c>.</param>
    public sealed record UserMapRow(string DataCenterUserKey, string CloudAccountId, string Location);

    /// <summary>The rows of a users.map file; each user key and each account id appears once.</summary>
    public sealed class UserMapOverrides
    {
        internal UserMapOverrides(string source, IReadOnlyList<UserMapRow> rows)
        {
            Source = source;
            Rows = rows;
            ByUserKey = rows.ToDictionary(r => r.DataCenterUserKey, r => r.CloudAccountId, StringComparer.Ordinal);
        }

        /// <summary>The file the rows were read from, as given.</summary>
        public string Source { get; }

        public IReadOnlyList<UserMapRow> Rows { get; }

        /// <summary>Data Center user key → Cloud account id, the shape <c>UserMap</c> takes as its overrides.</summary>
        public IReadOnlyDictionary<string, string> ByUserKey { get; }
    }

    /// <summary>A users.map file that cannot be used; Location is <c>file:line:column</c> (or the file alone when unreadable).</summary>
    public sealed class UserMapFileException : Exception
    {
        public UserMapFileException(string location, string problem, Exception? inner = null)
            : base($"{location}: {problem}", inner)
        {
            Location = location;
        }

        public string Location { get; }
    }

    /// <summary>
    /// Reads the scope file's <c>users.map</c> (SPEC §1): RFC 4180 CSV whose header names the columns
    /// <c>dataCenterUserKey</c> and <c>cloudAccountId</c> (any order, case ignored; other columns, e.g. a name for the
    /// reader, are ignored). A leading BOM and blank lines are fine. A user key or account id listed twice is an error:
    /// which row was meant cannot be guessed, and a wrong pair would mention the wrong person.
    /// </summary>
    public static class UserMapFile
    {
        public const string UserKeyColumn = "dataCenterUserKey";
        public const string AccountIdColumn = "cloudAccountId";

        /// <exception cref="UserMapFileException">The file is missing, unreadable or not a usable map.</exception>
        public static UserMapOverrides Load(string path)
        {
            if (string.IsNullOrEmpty(path)) throw new ArgumentException("A users.map path is required.", nameof(path));
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
            {
                throw new UserMapFileException(path, "cannot read the user map: " + e.Message, e);
            }

            return Parse(text, path);
        }

        /// <param name="source">The file name used in messages.</param>
        /// <exception cref="UserMapFileException">The text is not a usable map.</exception>
        public static UserMapOverrides Parse(string text, string source)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            if (source is null) throw new ArgumentNullException(nameof(source));
            List<CsvRecord> records;
            try
            {
                records = CsvReader.Records(text).Where(r => !r.IsBlank).ToList();
            }
            catch (CsvSyntaxException e)
            {
                throw new UserMapFileException($"{source}:{e.Line}:{e.Column}", e.Problem, e);
            }

            var expectedHeader = $"'{UserKeyColumn},{AccountIdColumn}'";
            if (records.Count == 0)
                throw new UserMapFileException($"{source}:1:1", $"the file is empty; expected the header row {expectedHeader}.");

            var header = records[0];
            var keyColumn = Column(header, UserKeyColumn, source);
            var accountColumn = Column(header, AccountIdColumn, source);
            if (keyColumn < 0 || accountColumn < 0)
            {
                var missing = keyColumn < 0 ? UserKeyColumn : AccountIdColumn;
                throw new UserMapFileException($"{source}:{header.Line}:{header.Fields[0].Column}",
                    $"expected the header row {expectedHeader}; there is no '{missing}' column (found " +
                    string.Join(", ", header.Fields.Select(f => "'" + f.Value.Trim() + "'")) + ").");
            }

            var rows = new List<UserMapRow>();
            var keyRows = new Dictionary<string, CsvRecord>(StringComparer.Ordinal);
            var accountRows = new Dictionary<string, CsvRecord>(StringComparer.Ordinal);
            foreach (var record in records.Skip(1))
            {
                if (record.Fields.Count != header.Fields.Count)
                {
                    var at = record.Fields.Count > header.Fields.Count
                        ? record.Fields[header.Fields.Count]
                        : record.Fields[record.Fields.Count - 1];
                    var column = record.Fields.Count > header.Fields.Count ? at.Column : at.Column + at.Value.Length;
                    throw new UserMapFileException($"{source}:{at.Line}:{column}",
                        $"expected {header.Fields.Count} fields like the header, found {record.Fields.Count}.");
                }

                var key = Value(record.Fields[keyColumn], source, $"a Data Center user key (column '{UserKeyColumn}')");
                var account = Value(record.Fields[accountColumn], source, $"a Cloud account id (column '{AccountIdColumn}')");
                if (keyRows.TryGetValue(key, out var earlier))
                {
                    var f = record.Fields[keyColumn];
                    throw new UserMapFileException($"{source}:{f.Line}:{f.Column}",
                        $"Data Center user key '{key}' is mapped again (first at line {earlier.Line}); each user key may appear once.");
                }

                if (accountRows.TryGetValue(account, out earlier))
                {
                    var f = record.Fields[accountColumn];
                    throw new UserMapFileException($"{source}:{f.Line}:{f.Column}",
                        $"Cloud account '{account}' is mapped again (first at line {earlier.Line}, from another user key); each account id may appear once.");
                }

                keyRows.Add(key, record);
                accountRows.Add(account, record);
                rows.Add(new UserMapRow(key, account, $"{source}:{record.Line}"));
            }

            return new UserMapOverrides(source, rows);
        }

        private static int Column(CsvRecord header, string name, string source)
        {
            var found = -1;
            for (var i = 0; i < header.Fields.Count; i++)
            {
                if (!string.Equals(header.Fields[i].Value.Trim(), name, StringComparison.OrdinalIgnoreCase)) continue;
                if (found >= 0)
                {
                    throw new UserMapFileException($"{source}:{header.Fields[i].Line}:{header.Fields[i].Column}",
                        $"the header names the '{name}' column twice.");
                }

                found = i;
            }

            return found;
        }

        private static string Value(CsvField field, string source, string expected)
        {
            var value = field.Value.Trim();
            if (value.Length == 0)
                throw new UserMapFileException($"{source}:{field.Line}:{field.Column}", $"expected {expected}, found an empty field.");
            for (var i = 0; i < value.Length; i++)
            {
                if (char.IsWhiteSpace(value[i]) || char.IsControl(value[i]))
                {
                    // Neither user keys nor account ids hold spaces or line breaks; such a value is a pasting mistake.
                    throw new UserMapFileException($"{source}:{field.Line}:{field.Column}",
                        $"expected {expected}, found a value with spaces or line breaks inside.");
                }
            }

            return value;
        }
    }
}
