using System;
using System.IO;
using System.Text;
using SpaceSync.Core.Files;

namespace SpaceSync.Core.Reporting
{
    public enum ReportFormat { Html, Json, Csv }

    /// <summary>Writes a report to a file in one of the formats, atomically: a reader never sees half a report.</summary>
    public static class ReportFile
    {
        /// <summary>The format a file name asks for (.html/.htm, .json, .csv); null for any other extension.</summary>
        public static ReportFormat? FormatOf(string path)
        {
            switch (Path.GetExtension(path ?? "").ToLowerInvariant())
            {
                case ".html":
                case ".htm": return ReportFormat.Html;
                case ".json": return ReportFormat.Json;
                case ".csv": return ReportFormat.Csv;
                default: return null;
            }
        }

        /// <summary>
        /// Writes <paramref name="report"/> to <paramref name="path"/> through a temporary file in the same folder, then
        /// renames it into place. With <paramref name="noClobber"/> an existing file stays and an <see cref="IOException"/>
        /// says so; otherwise it is replaced.
        /// </summary>
        public static void Write(SyncReport report, string path, ReportFormat format, bool noClobber)
        {
            if (report is null) throw new ArgumentNullException(nameof(report));
            AtomicFile.Write(path, stream => WriteTo(report, stream, format), noClobber);
        }

        /// <summary>The report in a format, as bytes on a stream (UTF-8; CSV with a byte-order mark, see <see cref="ReportCsvWriter"/>).</summary>
        public static void WriteTo(SyncReport report, Stream stream, ReportFormat format)
        {
            switch (format)
            {
                case ReportFormat.Html:
                    using (var writer = new StreamWriter(stream, new UTF8Encoding(false), 65536, leaveOpen: true)) ReportHtmlWriter.Write(report, writer);
                    break;
                case ReportFormat.Json:
                    ReportJsonWriter.Write(report, stream);
                    break;
                case ReportFormat.Csv:
                    using (var writer = new StreamWriter(stream, new UTF8Encoding(true), 65536, leaveOpen: true)) ReportCsvWriter.Write(report, writer);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown report format.");
            }
        }
    }
}
