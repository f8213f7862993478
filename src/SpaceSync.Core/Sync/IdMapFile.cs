using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using SpaceSync.Core.Csv;
using SpaceSync.Core.Files;

namespace SpaceSync.Core.Sync
{
    /// <summary>One line of an id map: a Data Center page and the Cloud page CCMA made of it.</summary>
    /// <param name="Location">Where the entry is written, for messages: <c>map.csv:12</c> or <c>map.json $['123']</c>.</param>
    public sealed record IdMapEntry(string DataCenterId, string CloudId, string Location);

    /// <summary>
    /// The migration assistant's mapping of Data Center page ids to Cloud page ids (one transfer may cover several
    /// spaces; a baseline uses the entries of its own space). Each id appears once on each side.
    /// </summary>
    public sealed class IdMap
    {
        private readonly Dictionary<string, IdMapEntry> _byDataCenter;
        private readonly Dictionary<string, IdMapEntry> _byCloud;

        internal IdMap(string source, IReadOnlyList<IdMapEntry> entries)
        {
            Source = source;
            Entries = entries;
            _byDataCenter = entries.ToDictionary(e => e.DataCenterId, StringComparer.Ordinal);
            _byCloud = entries.ToDictionary(e => e.CloudId, StringComparer.Ordinal);
        }

        /// <summary>The file the map was read from, as given.</summary>
        public string Source { get; }

        public IReadOnlyList<IdMapEntry> Entries { get; }

        public IdMapEntry? ForDataCenter(string pageId) => _byDataCenter.TryGetValue(pageId, out var entry) ? entry : null;

        public IdMapEntry? ForCloud(string pageId) => _byCloud.TryGetValue(pageId, out var entry) ? entry : null;
    }

    public enum IdMapFormat { Csv, Json }

    /// <summary>One thing wrong in an id map: where (file:line, or the JSON path) and what.</summary>
    public sealed record IdMapProblem(string Location, string Message)
    {
        public override string ToString() => $"{Location}: {Message}";
    }

    /// <summary>
    /// An id map file that cannot be used; the message says where (file:line, or the JSON path) and why, for the first
    /// problem; <see cref="Problems"/> holds every problem found (one per bad entry), in file order.
    /// </summary>
    public sealed class IdMapException : Exception
    {
        public IdMapException(string location, string problem, Exception? inner = null)
            : this(new[] { new IdMapProblem(location, problem) }, inner)
        {
        }

        public IdMapException(IReadOnlyList<IdMapProblem> problems, Exception? inner = null)
            : base(problems[0] + (problems.Count > 1 ? $" ({problems.Count - 1} more problem{(problems.Count == 2 ? "" : "s")} in the file.)" : ""), inner)
        {
            Location = problems[0].Location;
            Problems = problems;
        }

        public string Location { get; }

        public IReadOnlyList<IdMapProblem> Problems { get; }
    }

    /// <summary>
    /// Reads an id map. CSV: a header row naming a Data Center id column and a Cloud id column (e.g. <c>dataCenterId,cloudId</c>;
    /// case, spaces, '_' and '-' do not matter; other columns are ignored). JSON: an object <c>{"dcId": "cloudId"}</c>, the
    /// same under <c>"items"</c> (the shape of CCMA's mapping API), or an array of objects with the two id fields.
    /// </summary>
    /// <remarks>
    /// Read strictly (<see cref="StrictTextFile"/>): invalid UTF-8, control characters and a file over
    /// <see cref="MaxFileBytes"/> are refused with their line and column. Every bad entry is reported, not just the first.
    /// </remarks>
    public static class IdMapFile
    {
        /// <summary>256 MiB: a CSV line is about 25 bytes and a JSON entry about 30, so this holds millions of pages.</summary>
        public const long MaxFileBytes = 256L * 1024 * 1024;

        // Header and field names, compared after lower-casing and dropping everything but letters and digits.
        private static readonly string[] DataCenterNames =
        {
            "datacenterid", "datacenterpageid", "dcid", "dcpageid", "serverid", "serverpageid", "sourceid", "sourcepageid", "oldid", "oldpageid",
        };

        private static readonly string[] CloudNames =
        {
            "cloudid", "cloudpageid", "destinationid", "destinationpageid", "targetid", "targetpageid", "newid", "newpageid",
        };

        /// <exception cref="IdMapException">The file is missing, unreadable or not a usable map.</exception>
        public static IdMap Load(string path)
        {
            if (string.IsNullOrEmpty(path)) throw new ArgumentException("An id map path is required.", nameof(path));
            string? text;
            TextFileProblem? problem;
            try
            {
                text = StrictTextFile.Read(path, MaxFileBytes, out problem);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
            {
                throw new IdMapException(path, "cannot read the id map: " + e.Message, e);
            }

            if (text == null) throw new IdMapException($"{path}:{problem!.Line}", $"column {problem.Column}: {problem.Message}");
            return Parse(text, path, FormatOf(path, text));
        }

        /// <summary>By extension (.csv, .json), else by the first character: '{' or '[' is JSON.</summary>
        public static IdMapFormat FormatOf(string path, string text)
        {
            var extension = Path.GetExtension(path ?? "");
            if (extension.Equals(".csv", StringComparison.OrdinalIgnoreCase)) return IdMapFormat.Csv;
            if (extension.Equals(".json", StringComparison.OrdinalIgnoreCase)) return IdMapFormat.Json;
            var first = (text ?? "").TrimStart('\uFEFF', ' ', '\t', '\r', '\n').FirstOrDefault();
            return first is '{' or '[' ? IdMapFormat.Json : IdMapFormat.Csv;
        }

        /// <param name="source">The file name used in messages.</param>
        /// <exception cref="IdMapException">The text is not a usable map.</exception>
        public static IdMap Parse(string text, string source, IdMapFormat format)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            var textProblem = text.Length > MaxFileBytes ? StrictTextFile.TooLarge(text.Length, MaxFileBytes) : StrictTextFile.FindControlCharacter(text);
            if (textProblem != null) throw new IdMapException($"{source}:{textProblem.Line}", $"column {textProblem.Column}: {textProblem.Message}");
            var collector = new Collector(source);
            if (format == IdMapFormat.Csv) ReadCsv(text, source, collector);
            else ReadJson(text, source, collector);
            return collector.Build();
        }

        private static string NameKey(string name) =>
            new string(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

        private static void ReadCsv(string text, string source, Collector collector)
        {
            var records = CsvRecords(text, source).Where(r => r.Fields.Any(f => f.Trim().Length > 0)).ToList();
            if (records.Count == 0) throw new IdMapException(source, "the file is empty; expected a header row such as 'dataCenterId,cloudId'.");

            var header = records[0];
            var keys = header.Fields.Select(NameKey).ToList();
            var dcColumn = Column(keys, DataCenterNames);
            var cloudColumn = Column(keys, CloudNames);
            if (dcColumn < 0 || cloudColumn < 0)
            {
                throw new IdMapException($"{source}:{header.Line}",
                    $"the header row must name a Data Center id column ({string.Join(", ", DataCenterNames.Take(4))}, ...) and a Cloud id column " +
                    $"({string.Join(", ", CloudNames.Take(4))}, ...); found {string.Join(", ", header.Fields.Select(f => "'" + f.Trim() + "'"))}.");
            }

            foreach (var record in records.Skip(1))
            {
                var location = $"{source}:{record.Line}";
                collector.Entry(() =>
                {
                    if (record.Fields.Count <= Math.Max(dcColumn, cloudColumn))
                        throw new IdMapException(location, $"expected {header.Fields.Count} columns, found {record.Fields.Count}.");
                    collector.Add(PageId(record.Fields[dcColumn], location, $"the Data Center id (column '{header.Fields[dcColumn].Trim()}')"),
                        PageId(record.Fields[cloudColumn], location, $"the Cloud id (column '{header.Fields[cloudColumn].Trim()}')"), location);
                });
            }
        }

        private static int Column(IReadOnlyList<string> keys, string[] names)
        {
            var found = keys.Select((k, i) => (k, i)).Where(c => names.Contains(c.k)).Select(c => c.i).ToList();
            return found.Count == 1 ? found[0] : -1;
        }

        /// <summary>RFC 4180 records (quoted fields may hold commas, quotes and line breaks) with the line each starts on.</summary>
        private static IEnumerable<(int Line, List<string> Fields)> CsvRecords(string text, string source)
        {
            var records = new List<(int, List<string>)>();
            try
            {
                foreach (var record in CsvReader.Records(text))
                    records.Add((record.Line, record.Fields.Select(f => f.Value).ToList()));
            }
            catch (CsvSyntaxException e)
            {
                throw new IdMapException($"{source}:{e.Line}", $"column {e.Column}: {e.Problem}", e);
            }

            return records;
        }

        private static void ReadJson(string text, string source, Collector collector)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            }
            catch (JsonException e)
            {
                var line = (e.LineNumber ?? 0) + 1;
                throw new IdMapException($"{source}:{line}", "not valid JSON: " + e.Message, e);
            }

            using (document)
            {
                var root = document.RootElement;
                var where = source + " $";
                if (root.ValueKind == JsonValueKind.Object && TryItems(root, out var items))
                {
                    root = items;
                    where += ".items";
                }

                if (root.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in root.EnumerateObject())
                    {
                        var location = $"{where}['{property.Name}']";
                        collector.Entry(() => collector.Add(PageId(property.Name, location, "the Data Center id"), JsonPageId(property.Value, location, "the Cloud id"), location));
                    }
                }
                else if (root.ValueKind == JsonValueKind.Array)
                {
                    var index = 0;
                    foreach (var element in root.EnumerateArray())
                    {
                        var location = $"{where}[{index++}]";
                        collector.Entry(() =>
                        {
                            if (element.ValueKind != JsonValueKind.Object)
                                throw new IdMapException(location, $"expected an object with a Data Center id and a Cloud id, found {Describe(element)}.");
                            var dc = Field(element, DataCenterNames, location, "Data Center id");
                            var cloud = Field(element, CloudNames, location, "Cloud id");
                            collector.Add(JsonPageId(dc.Value, $"{location}.{dc.Name}", "the Data Center id"),
                                JsonPageId(cloud.Value, $"{location}.{cloud.Name}", "the Cloud id"), location);
                        });
                    }
                }
                else
                {
                    throw new IdMapException(where, $"expected an object of Data Center id to Cloud id, or an array of such records; found {Describe(root)}.");
                }
            }
        }

        // CCMA's mapping API answers {"meta": {...}, "items": {"dcId": "cloudId"}}.
        private static bool TryItems(JsonElement root, out JsonElement items)
        {
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name.Equals("items", StringComparison.OrdinalIgnoreCase) &&
                    property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                {
                    items = property.Value;
                    return true;
                }
            }
            items = default;
            return false;
        }

        private static (string Name, JsonElement Value) Field(JsonElement record, string[] names, string location, string what)
        {
            var found = record.EnumerateObject().Where(p => names.Contains(NameKey(p.Name))).ToList();
            if (found.Count == 1) return (found[0].Name, found[0].Value);
            throw new IdMapException(location, found.Count == 0
                ? $"no {what} field (expected one of {string.Join(", ", names.Take(4))}, ...)."
                : $"more than one {what} field ({string.Join(", ", found.Select(p => p.Name))}).");
        }

        private static string JsonPageId(JsonElement value, string location, string what) => value.ValueKind switch
        {
            JsonValueKind.String => PageId(value.GetString()!, location, what),
            JsonValueKind.Number => PageId(value.GetRawText(), location, what),
            _ => throw new IdMapException(location, $"{what} must be a page id (a number or a string of digits), found {Describe(value)}."),
        };

        private static string Describe(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => $"the string \"{value.GetString()}\"",
            JsonValueKind.Null => "null",
            _ => value.GetRawText(),
        };

        // Confluence page ids are positive whole numbers on both products.
        private static string PageId(string text, string location, string what)
        {
            var id = text.Trim();
            if (id.Length == 0 || id.Length > 19 || !id.All(c => c >= '0' && c <= '9') ||
                !long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0)
            {
                throw new IdMapException(location, id.Length == 0
                    ? $"{what} is empty."
                    : $"{what} '{id}' is not a page id (page ids are positive whole numbers).");
            }
            return number.ToString(CultureInfo.InvariantCulture);
        }

        private sealed class Collector
        {
            private readonly string _source;
            private readonly List<IdMapEntry> _entries = new List<IdMapEntry>();
            private readonly Dictionary<string, IdMapEntry> _byDataCenter = new Dictionary<string, IdMapEntry>(StringComparer.Ordinal);
            private readonly Dictionary<string, IdMapEntry> _byCloud = new Dictionary<string, IdMapEntry>(StringComparer.Ordinal);

            private readonly List<IdMapProblem> _problems = new List<IdMapProblem>();

            public Collector(string source) => _source = source;

            /// <summary>Reads one entry; a bad one is kept as a problem and the next is read.</summary>
            public void Entry(Action read)
            {
                try
                {
                    read();
                }
                catch (IdMapException e)
                {
                    _problems.AddRange(e.Problems);
                }
            }

            public void Add(string dataCenterId, string cloudId, string location)
            {
                if (_byDataCenter.TryGetValue(dataCenterId, out var earlier))
                {
                    if (earlier.CloudId == cloudId) return; // the same line twice says nothing new
                    throw new IdMapException(location,
                        $"Data Center page {dataCenterId} is mapped to Cloud page {cloudId} here and to {earlier.CloudId} at {earlier.Location}.");
                }
                if (_byCloud.TryGetValue(cloudId, out var other))
                {
                    throw new IdMapException(location,
                        $"Cloud page {cloudId} is mapped from Data Center page {dataCenterId} here and from {other.DataCenterId} at {other.Location}.");
                }

                var entry = new IdMapEntry(dataCenterId, cloudId, location);
                _entries.Add(entry);
                _byDataCenter[dataCenterId] = entry;
                _byCloud[cloudId] = entry;
            }

            public IdMap Build()
            {
                if (_problems.Count > 0) throw new IdMapException(_problems);
                if (_entries.Count == 0) throw new IdMapException(_source, "the id map holds no page mapping.");
                return new IdMap(_source, _entries);
            }
        }
    }
}
