using System;
using System.Globalization;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// The CQL literal for "lastmodified &gt;= instant". Confluence reads the literal at minute resolution in the
    /// calling user's time zone. The literal is only a pre-filter: callers drop hits older than the instant by
    /// their exact (offset-carrying) timestamps, so erring early costs a few extra hits, never a missed change.
    /// </summary>
    internal static class CqlTime
    {
        /// <summary>Offsets in use range from −12:00 to +14:00; reading the literal as UTC−12 is early enough for any zone.</summary>
        private static readonly TimeSpan WestmostOffset = TimeSpan.FromHours(-12);

        public static string Literal(DateTimeOffset instant, TimeZoneInfo? zone)
        {
            DateTime local;
            if (zone is null)
            {
                local = instant.UtcDateTime + WestmostOffset;
            }
            else
            {
                local = TimeZoneInfo.ConvertTime(instant, zone).DateTime;
                if (zone.IsAmbiguousTime(local))
                {
                    // In the repeated hour after a DST change the server may take the later reading.
                    local = local.AddHours(-1);
                }
            }

            // Round down to the minute: the server compares minutes.
            local = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0);
            return local.ToString("yyyy/MM/dd HH:mm", CultureInfo.InvariantCulture);
        }

        /// <summary>The zone for an IANA (or Windows) id, or null when this machine does not know it.</summary>
        public static TimeZoneInfo? FindZone(string? id)
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                return null;
            }

            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(id!);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException || e is InvalidTimeZoneException)
            {
                return null;
            }
        }

        /// <summary>A CQL string literal: double quotes, with backslash and quote escaped.</summary>
        public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}
