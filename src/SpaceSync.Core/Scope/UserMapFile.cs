using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SpaceSync.Core.Csv;
using SpaceSync.Core.Files;

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

    /// <summary>One thing wrong in a users.map file: where (<c>file:line:column</c>, or the file alone) and what.</summary>
    public sealed record UserMapProblem(string Location, string Message)
    {
        public override string ToString() => $"{Location}: {Message}";
    }

    /// <summary>
    /// A users.map file that cannot be used. Location and the message are the first problem (<c>file:line:column</c>,
    /// or the file alone when unreadable); <see cref="Problems"/> holds every problem found, in file order.
    /// </summary>
    public sealed class UserMapFileException : Exception
    {
        public UserMapFileException(string location, string problem, Exception? inner = null)
            : this(new[] { new UserMapProblem(location, problem) }, inner)
        {
        }

        public UserMapFileException(IReadOnlyList<UserMapProblem> problems, Exception? inner = null)
            : base(problems[0] + (problems.Count > 1 ? $" ({problems.Count - 1} more problem{(problems.Count == 2 ? "" : "s")} in the file.)" : ""), inner)
        {
            Location = problems[0].Location;
            Problems = problems;
        }

        public string Location { get; }

        public IReadOnlyList<UserMapProblem> Problems { get; }
    }

    /// <summary>
    /// Reads the scope file's <c>users.map</c> (SPEC §1): RFC 4180 CSV whose header names the columns
    /// <c>dataCenterUserKey</c> and <c>cloudAccountId</c> (any order, case ignored; other columns, e.g. a name for the
    /// reader, are ignored). A leading BOM and blank lines are fine. A user key or account id listed twice is an error:
    /// which row was meant cannot be guessed, and a wrong pair would mention the wrong person. The file is read
    /// strictly (<see cref="StrictTextFile"/>): invalid UTF-8, control characters and a file over
    /// <see cref="MaxFileBytes"/> are refused with their place; every bad row is reported, not just the first.
    /// </summary>
    public static class UserMapFile
    {
        public const string UserKeyColumn = "dataCenterUserKey";
        public const string AccountIdColumn = "cloudAccountId";

        /// <summary>64 MiB: a row is under 200 bytes, so this holds a few hundred thousand users, more than any site has.</summary>
        public const long MaxFileBytes = 64L * 1024 * 1024;

        /// <summary>Confluence stores a user key in a 255-character column.</summary>
        public const int MaxUserKeyLength = 255;

        /// <summary>Real account ids are 24 hex digits, or a number, ':' and a UUID (about 45); Atlassian documents no maximum, so 128 leaves room.</summary>
        public const int MaxAccountIdLength = 128;

        /// <exception cref="UserMapFileException">The file is missing, unreadable or not a usable map.</exception>
        public static UserMapOverrides Load(string path)
        {
            if (string.IsNullOrEmpty(path)) throw new ArgumentException("A users.map path is required.", nameof(path));
            string? text;
            TextFileProblem? problem;
            try
            {
                text = StrictTextFile.Read(path, MaxFileBytes, out problem);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
            {
                throw new UserMapFileException(path, "cannot read the user map: " + e.Message, e);
            }

            if (text == null) throw new UserMapFileException($"{path}:{problem!.Line}:{problem.Column}", problem.Message);
            return Parse(text, path);
        }

        /// <param name="source">The file name used in messages.</param>
        /// <exception cref="UserMapFileException">The text is not a usable map.</exception>
        public static UserMapOverrides Parse(string text, string source)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            if (source is null) throw new ArgumentNullException(nameof(source));
            var textProblem = text.Length > MaxFileBytes ? StrictTextFile.TooLarge(text.Length, MaxFileBytes) : StrictTextFile.FindControlCharacter(text);
            if (textProblem != null) throw new UserMapFileException($"{source}:{textProblem.Line}:{textProblem.Column}", textProblem.Message);
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
            var problems = new List<UserMapProblem>();
            void Problem(CsvField at, int column, string message) => problems.Add(new UserMapProblem($"{source}:{at.Line}:{column}", message));
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
                    Problem(at, column, $"expected {header.Fields.Count} fields like the header, found {record.Fields.Count}.");
                    continue;
                }

                var keyField = record.Fields[keyColumn];
                var accountField = record.Fields[accountColumn];
                var keyProblem = UserKeyProblem(keyField.Value.Trim());
                var accountProblem = AccountIdProblem(accountField.Value.Trim());
                if (keyProblem != null) Problem(keyField, keyField.Column, $"expected a Data Center user key (column '{UserKeyColumn}'), found {keyProblem}.");
                if (accountProblem != null) Problem(accountField, accountField.Column, $"expected a Cloud account id (column '{AccountIdColumn}'), found {accountProblem}.");
                if (keyProblem != null || accountProblem != null) continue;

                var key = keyField.Value.Trim();
                var account = accountField.Value.Trim();
                if (keyRows.TryGetValue(key, out var earlier))
                {
                    Problem(keyField, keyField.Column, $"Data Center user key '{key}' is mapped again (first at line {earlier.Line}); each user key may appear once.");
                    continue;
                }

                if (accountRows.TryGetValue(account, out earlier))
                {
                    Problem(accountField, accountField.Column, $"Cloud account '{account}' is mapped again (first at line {earlier.Line}, from another user key); each account id may appear once.");
                    continue;
                }

                keyRows.Add(key, record);
                accountRows.Add(account, record);
                rows.Add(new UserMapRow(key, account, $"{source}:{record.Line}"));
            }

            if (problems.Count > 0) throw new UserMapFileException(problems);
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

        /// <summary>Why <paramref name="value"/> cannot be a user key or account id ("an empty field", ...); null when it can.</summary>
        private static string? CommonProblem(string value, int maxLength)
        {
            if (value.Length == 0) return "an empty field";
            if (value.Length > maxLength) return $"a value of {value.Length} characters (at most {maxLength})";
            // Neither user keys nor account ids hold spaces or line breaks; such a value is a pasting mistake.
            if (value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return "a value with spaces or line breaks inside";
            return null;
        }

        private static string? UserKeyProblem(string value) => CommonProblem(value, MaxUserKeyLength);

        private static string? AccountIdProblem(string value)
        {
            var problem = CommonProblem(value, MaxAccountIdLength);
            if (problem != null) return problem;
            if (value.Contains("@")) return $"an e-mail address ('{value}'); the map pairs by account id, and users with the same e-mail pair without a row";
            var bad = value.FirstOrDefault(c => !(c < 128 && (char.IsLetterOrDigit(c) || c == ':' || c == '-' || c == '_')));
            return bad == default(char) ? null : $"'{value}', which holds '{bad}' (account ids are letters, digits, ':', '-' and '_')";
        }
    }
}
