using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using SpaceSync.Core.Sync;

namespace SpaceSync.Core.Reporting
{
    /// <summary>
    /// The report as indented JSON with fixed camelCase property names written one by one (renaming a C# property does
    /// not change the file), enums as their names, flag sets as arrays of names, times as ISO 8601, absent values null.
    /// </summary>
    public static class ReportJsonWriter
    {
        /// <summary>Raised when the shape changes incompatibly, so readers can tell.</summary>
        public const int SchemaVersion = 1;

        // Non-ASCII titles stay readable; the HTML-sensitive characters are still escaped (\u003C), which is harmless.
        private static readonly JsonWriterOptions Options = new JsonWriterOptions
        {
            Indented = true,
            Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        };

        public static void Write(SyncReport report, Stream stream)
        {
            if (report is null) throw new ArgumentNullException(nameof(report));
            var links = new ReportPageLinks(report);
            using var json = new Utf8JsonWriter(stream, Options);
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", SchemaVersion);
            json.WriteString("generatedAt", report.GeneratedAt);
            json.WriteString("scopePath", report.ScopePath);
            // Added in schema 1 (readers of 1 ignore unknown names): the sites and each page's web UI address.
            NullableString(json, "dataCenterSite", ReportLinks.Site(report.DataCenterUrl));
            NullableString(json, "cloudSite", ReportLinks.Site(report.CloudUrl));
            json.WriteBoolean("sitesRead", report.SitesRead);
            json.WriteBoolean("includesInSync", report.IncludesInSync);

            json.WriteStartArray("spaces");
            foreach (var s in report.Spaces)
            {
                json.WriteStartObject();
                json.WriteString("spaceKey", s.SpaceKey);
                json.WriteString("cloudKey", s.CloudKey);
                json.WriteString("owner", s.Owner);
                NullableString(json, "phase", s.Phase?.ToString());
                json.WriteString("direction", s.Direction.ToString());
                json.WriteString("conflictPolicy", s.Conflicts.ToString());
                NullableTime(json, "baselineAt", s.BaselineAt);
                NullableTime(json, "lastRunAt", s.LastRunAt);
                NullableString(json, "lastRunOutcome", s.LastRunOutcome?.ToString());
                json.WriteNumber("pairedPages", s.PairedPages);
                json.WriteNumber("openConflicts", s.OpenConflicts);
                NullableNumber(json, "pendingToCloud", s.PendingToCloud);
                NullableNumber(json, "pendingToDataCenter", s.PendingToDataCenter);
                NullableNumber(json, "pendingConflicts", s.PendingConflicts);
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartArray("conflicts");
            foreach (var c in report.Conflicts)
            {
                json.WriteStartObject();
                json.WriteNumber("conflictId", c.ConflictId);
                json.WriteString("spaceKey", c.SpaceKey);
                json.WriteString("title", c.Title);
                json.WriteString("dataCenterId", c.DataCenterId);
                json.WriteString("cloudId", c.CloudId);
                json.WriteNumber("dataCenterVersion", c.DataCenterVersion);
                json.WriteNumber("cloudVersion", c.CloudVersion);
                json.WriteNumber("baseDataCenterVersion", c.BaseDataCenterVersion);
                json.WriteNumber("baseCloudVersion", c.BaseCloudVersion);
                json.WriteString("reason", c.Reason);
                json.WriteString("detectedAt", c.DetectedAt);
                NullableString(json, "dataCenterUrl", links.DataCenter(c.DataCenterId));
                NullableString(json, "cloudUrl", links.Cloud(c.SpaceKey, c.CloudId));
                NullableString(json, "dataCenterVersionUrl", links.DataCenter(c.DataCenterId, c.DataCenterVersion));
                NullableString(json, "cloudVersionUrl", links.Cloud(c.SpaceKey, c.CloudId, c.CloudVersion));
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartArray("drift");
            foreach (var d in report.Drift)
            {
                json.WriteStartObject();
                json.WriteString("spaceKey", d.SpaceKey);
                json.WriteString("status", d.Status.ToString());
                json.WriteString("title", d.Title);
                NullableString(json, "dataCenterId", d.DataCenterId);
                NullableString(json, "cloudId", d.CloudId);
                NullableNumber(json, "dataCenterVersion", d.DataCenterVersion);
                NullableNumber(json, "cloudVersion", d.CloudVersion);
                Strings(json, "dataCenterChanges", ChangeNames(d.DataCenterChanges));
                Strings(json, "cloudChanges", ChangeNames(d.CloudChanges));
                json.WriteString("action", d.Action);
                Strings(json, "warnings", d.Warnings);
                NullableString(json, "dataCenterUrl", links.DataCenter(d.DataCenterId));
                NullableString(json, "cloudUrl", links.Cloud(d.SpaceKey, d.CloudId));
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartArray("warnings");
            foreach (var w in report.Warnings)
            {
                json.WriteStartObject();
                json.WriteString("spaceKey", w.SpaceKey);
                NullableString(json, "title", w.Title);
                json.WriteString("text", w.Text);
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteEndObject();
        }

        /// <summary>The single flags set in <paramref name="changes"/>, by name, in flag order.</summary>
        internal static IEnumerable<string> ChangeNames(PageChanges changes) =>
            Enum.GetValues(typeof(PageChanges)).Cast<PageChanges>()
                .Where(flag => flag != PageChanges.None && (changes & flag) == flag)
                .Select(flag => flag.ToString());

        private static void Strings(Utf8JsonWriter json, string name, IEnumerable<string> values)
        {
            json.WriteStartArray(name);
            foreach (var value in values) json.WriteStringValue(value);
            json.WriteEndArray();
        }

        private static void NullableString(Utf8JsonWriter json, string name, string? value)
        {
            if (value is null) json.WriteNull(name);
            else json.WriteString(name, value);
        }

        private static void NullableNumber(Utf8JsonWriter json, string name, int? value)
        {
            if (value is int number) json.WriteNumber(name, number);
            else json.WriteNull(name);
        }

        private static void NullableTime(Utf8JsonWriter json, string name, DateTimeOffset? value)
        {
            if (value is DateTimeOffset time) json.WriteString(name, time);
            else json.WriteNull(name);
        }
    }
}
