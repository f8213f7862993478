using System.Globalization;
using System.Text.RegularExpressions;

namespace SpaceSync.Core.Sites
{
    /// <summary>Reads the page's current version out of a 409 message; neither product sends it as a field.</summary>
    internal static class VersionConflict
    {
        // Cloud v2: "Version must be incremented when updating a page. Current Version: [6]. Provided version: [5]"
        // Data Center: "Version must be incremented on update. Current version is: 6"
        private static readonly Regex Current = new Regex(
            @"current\s+version(?:\s+is)?\s*:?\s*\[?\s*(\d+)",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        public static int? CurrentVersionIn(string? serverMessage)
        {
            if (string.IsNullOrEmpty(serverMessage))
            {
                return null;
            }

            var match = Current.Match(serverMessage);
            return match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                ? number
                : (int?)null;
        }
    }
}
