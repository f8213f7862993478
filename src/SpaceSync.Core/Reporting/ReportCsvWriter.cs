using System;
using System.Globalization;
using System.IO;
using System.Linq;
using SpaceSync.Core.Sync;

namespace SpaceSync.Core.Reporting
{
    /// <summary>
    /// The drift table as CSV (RFC 4180): a header row, one row per drift item with its space, CRLF line ends, a field
    /// quoted when it holds a comma, quote, line break or edge space, quotes doubled. Files are written UTF-8 with a
    /// byte-order mark (<see cref="ReportFile"/>): without it Excel reads the file in the ANSI code page and mangles
    /// non-ASCII titles; Import-Csv and other readers skip the mark.
    /// </summary>
    public static class ReportCsvWriter
    {
        public static readonly string[] Columns =
        {
            "SpaceKey", "Status", "Title", "DataCenterId", "CloudId", "DataCenterVersion", "CloudVersion",
            "DataCenterChanges", "CloudChanges", "Action", "Warnings", "DataCenterUrl", "CloudUrl",
        };

        public static void Write(SyncReport report, TextWriter writer)
        {
            if (report is null) throw new ArgumentNullException(nameof(report));
            var links = new ReportPageLinks(report);
            WriteRow(writer, Columns);
            foreach (var item in report.Drift)
            {
                WriteRow(writer, new[]
                {
                    item.SpaceKey,
                    item.Status.ToString(),
                    item.Title,
                    item.DataCenterId ?? "",
                    item.CloudId ?? "",
                    Number(item.DataCenterVersion),
                    Number(item.CloudVersion),
                    Changes(item.DataCenterChanges),
                    Changes(item.CloudChanges),
                    item.Action,
                    string.Join("; ", item.Warnings),
                    links.DataCenter(item.DataCenterId) ?? "",
                    links.Cloud(item.SpaceKey, item.CloudId) ?? "",
                });
            }
        }

        /// <summary>One field as RFC 4180 wants it.</summary>
        public static string Field(string value)
        {
            value ??= "";
            var quote = value.IndexOfAny(new[] { ',', '"', '\r', '\n' }) >= 0 ||
                        (value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[value.Length - 1])));
            return quote ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
        }

        private static void WriteRow(TextWriter writer, string[] fields)
        {
            writer.Write(string.Join(",", fields.Select(Field)));
            writer.Write("\r\n");
        }

        private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

        // "Body, Title": the flag names as .NET writes them; nothing changed = empty.
        private static string Changes(PageChanges changes) => changes == PageChanges.None ? "" : changes.ToString();
    }
}
