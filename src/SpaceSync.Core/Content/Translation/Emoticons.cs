using System;
using System.Collections.Generic;

namespace SpaceSync.Core.Content.Translation
{
    /// <summary>
    /// Data Center's emoticons (<c>ac:emoticon ac:name</c>) and the Cloud emoji that stand for each. Cloud keeps
    /// <c>ac:name</c> and adds <c>ac:emoji-id</c>, <c>ac:emoji-shortname</c>, <c>ac:emoji-fallback</c>; for an emoji
    /// with no emoticon of its own it writes <c>blue-star</c> as the name, which is why that name alone says nothing.
    /// </summary>
    internal static class Emoticons
    {
        /// <summary>Cloud's stand-in name for emoji that have no Data Center emoticon.</summary>
        public const string CloudDefaultName = "blue-star";

        // name, then the emoji ids and shortnames Cloud writes for it (Unicode ones and Atlassian's own glyphs)
        private static readonly (string Name, string[] Emoji)[] Table =
        {
            ("smile", new[] { "1f642", ":slight_smile:", ":smile:", "1f604" }),
            ("sad", new[] { "1f641", ":slight_frown:", ":frowning2:" }),
            ("cheeky", new[] { "1f61b", ":stuck_out_tongue:" }),
            ("laugh", new[] { "1f600", ":grinning:", ":laughing:", "1f606" }),
            ("wink", new[] { "1f609", ":wink:" }),
            ("thumbs-up", new[] { "1f44d", ":thumbsup:", ":+1:" }),
            ("thumbs-down", new[] { "1f44e", ":thumbsdown:", ":-1:" }),
            ("information", new[] { "2139", ":information_source:", "atlassian-info", ":info:" }),
            ("tick", new[] { "2705", ":white_check_mark:", "atlassian-check_mark", ":check_mark:" }),
            ("cross", new[] { "274c", ":x:", "atlassian-cross_mark", ":cross_mark:" }),
            ("warning", new[] { "26a0", ":warning:", "atlassian-warning" }),
            ("plus", new[] { "2795", ":heavy_plus_sign:", "atlassian-plus", ":plus:" }),
            ("minus", new[] { "2796", ":heavy_minus_sign:", "atlassian-minus", ":minus:" }),
            ("question", new[] { "2753", ":question:", "atlassian-question_mark", ":question_mark:" }),
            ("light-on", new[] { "1f4a1", ":bulb:", "atlassian-light_bulb_on", ":light_bulb_on:" }),
            ("light-off", new[] { "atlassian-light_bulb_off", ":light_bulb_off:" }),
            ("yellow-star", new[] { "2b50", ":star:", "atlassian-yellow_star", ":yellow_star:" }),
            ("red-star", new[] { "atlassian-red_star", ":red_star:" }),
            ("green-star", new[] { "atlassian-green_star", ":green_star:" }),
            ("blue-star", new[] { "atlassian-blue_star", ":blue_star:" }),
            ("heart", new[] { "2764", ":heart:" }),
            ("broken-heart", new[] { "1f494", ":broken_heart:" }),
        };

        private static readonly HashSet<string> Names = new HashSet<string>(StringComparer.Ordinal);
        private static readonly Dictionary<string, string> ByEmoji = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        static Emoticons()
        {
            foreach (var (name, emoji) in Table)
            {
                Names.Add(name);
                foreach (var e in emoji) ByEmoji.Add(e, name);
            }
        }

        public static bool IsDataCenterName(string? name) => name != null && Names.Contains(name);

        /// <summary>The Data Center emoticon for a Cloud emoji id or shortname, or null.</summary>
        public static string? ForEmoji(string? idOrShortname) =>
            idOrShortname != null && ByEmoji.TryGetValue(idOrShortname, out var name) ? name : null;
    }
}
