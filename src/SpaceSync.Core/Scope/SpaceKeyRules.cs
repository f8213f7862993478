using System.Text.RegularExpressions;

namespace SpaceSync.Core.Scope
{
    /// <summary>
    /// What a Confluence space key may be. Site (global) spaces: letters A–Z and digits, up to 255
    /// characters. Confluence matches keys without regard to case, and both products show site keys
    /// upper case, so the scope file requires upper case: `eng` and `ENG` can then never be two entries.
    /// Personal spaces: `~` and the user name (Data Center) or the account-derived key (Cloud); allowed on
    /// both sides, since personal spaces migrate too.
    /// </summary>
    public static class SpaceKeyRules
    {
        public const int MaxLength = 255;

        private static readonly Regex SiteKey = new Regex(@"^[A-Z0-9]+$", RegexOptions.CultureInvariant);
        private static readonly Regex AnyCaseKey = new Regex(@"^[A-Za-z0-9]+$", RegexOptions.CultureInvariant);
        private static readonly Regex PersonalKey = new Regex(@"^~[A-Za-z0-9._@+\-]+$", RegexOptions.CultureInvariant);

        /// <summary>Null when <paramref name="key"/> is valid; otherwise what is wrong, as a sentence end.</summary>
        public static string? Check(string key)
        {
            if (key.Length > MaxLength)
            {
                return $"is {key.Length} characters long; Confluence space keys have at most {MaxLength}.";
            }

            if (SiteKey.IsMatch(key) || PersonalKey.IsMatch(key))
            {
                return null;
            }

            if (AnyCaseKey.IsMatch(key))
            {
                return $"must be upper case, as Confluence shows site space keys: did you mean '{key.ToUpperInvariant()}'?";
            }

            if (key.StartsWith("~"))
            {
                return "is not a valid personal space key: expected '~' followed by the user name (letters, digits, '.', '_', '@', '+', '-').";
            }

            return "is not a valid space key: expected upper-case letters A–Z and digits only (e.g. ENG), or ~username for a personal space.";
        }
    }
}
