using System;
using System.Globalization;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// CQL literals for "lastmodified &gt;= instant". Confluence reads a date literal at minute resolution in the calling
    /// user's time zone, which a client cannot always learn. Written as if that zone were the westmost in use, the
    /// literal is early enough whatever the zone (and across DST changes); callers then cut hits older than the instant
    /// by their exact, offset-carrying timestamps, so the literal is only a pre-filter.
    /// </summary>
    internal static class CqlTime
    {
        /// <summary>Offsets in use range from −12:00 to +14:00: a literal read at UTC−12 names the latest local time that is not after the instant anywhere.</summary>
        private static readonly TimeSpan WestmostOffset = TimeSpan.FromHours(-12);

        public static string EarliestLiteral(DateTimeOffset instant)
        {
            var local = instant.UtcDateTime + WestmostOffset;
            // Round down to the minute: the server compares minutes.
            local = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0);
            return local.ToString("yyyy/MM/dd HH:mm", CultureInfo.InvariantCulture);
        }

        /// <summary>A CQL string literal: double quotes, with backslash and quote escaped.</summary>
        public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}
