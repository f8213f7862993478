using System;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using SpaceSync.Core.Content;

namespace SpaceSync.Core.Sync.Comments
{
    /// <summary>
    /// The sync account posts every copied comment, so the copy opens with a paragraph saying who wrote the original and
    /// when: <c>&lt;p&gt;&lt;strong&gt;Jane Doe&lt;/strong&gt; wrote on 2026-11-20 (Data Center):&lt;/p&gt;</c>, or with a
    /// mention of the author instead of the bold name when the author has an account on the copy's site. The paragraph
    /// belongs to the copy only: it is stripped before a copy's edit crosses back to the original, and before bodies are
    /// compared, so it never comes back doubled.
    /// </summary>
    public static class CommentAttribution
    {
        // Lenient on what an editor may add when the copy is edited by hand (attributes on <p>, local ids on the mention,
        // whitespace), strict on the sentence itself, so a comment that merely starts in bold is never mistaken for it.
        private static readonly Regex Leading = new Regex(
            @"^\s*<p(?:\s[^>]*)?>\s*(?:<strong>[^<]*</strong>|<ac:link(?:\s[^>]*)?>\s*<ri:user\b[^>]*/>\s*</ac:link>)\s+wrote on \d{4}-\d{2}-\d{2} \((?:Data Center|Cloud)\):\s*</p>",
            RegexOptions.CultureInvariant);

        private static readonly Regex Mention = new Regex(@"<ac:link(?:\s[^>]*)?>\s*<ri:user\b[^>]*/>\s*</ac:link>", RegexOptions.CultureInvariant);

        /// <summary>The attribution paragraph: <paramref name="mention"/> (target-dialect mention markup) when the author has an account there, else the name in bold.</summary>
        public static string Paragraph(string? mention, string? authorName, DateTimeOffset written, SyncSide writtenOn)
        {
            var who = !string.IsNullOrEmpty(mention) && Mention.IsMatch(mention!)
                ? Mention.Match(mention!).Value
                : "<strong>" + WebUtility.HtmlEncode(string.IsNullOrWhiteSpace(authorName) ? "Unknown user" : authorName!.Trim()) + "</strong>";
            var day = written == DateTimeOffset.MinValue ? "0001-01-01" : written.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return "<p>" + who + " wrote on " + day + " (" + writtenOn.Label() + "):</p>";
        }

        /// <summary>A Data Center (user key) or Cloud (account id) mention of a user, in the dialect of <paramref name="side"/>.</summary>
        public static string MentionOf(string userId, SyncSide side) =>
            "<ac:link><ri:user " + (side == SyncSide.DataCenter ? "ri:userkey" : "ri:account-id") + "=\"" + WebUtility.HtmlEncode(userId) + "\" /></ac:link>";

        /// <summary>The first mention in a (translated) body, or null.</summary>
        public static string? FirstMention(string body) => Mention.Match(body ?? "") is { Success: true } m ? m.Value : null;

        public static bool HasAttribution(string body) => Leading.IsMatch(body ?? "");

        /// <summary>The body without its leading attribution paragraph (unchanged when it has none).</summary>
        public static string Strip(string body)
        {
            if (body is null) throw new ArgumentNullException(nameof(body));
            var match = Leading.Match(body);
            return match.Success ? body.Substring(match.Length) : body;
        }

        /// <summary>The attribution paragraph followed by the body.</summary>
        public static string Prepend(string paragraph, string body) => paragraph + (body ?? "");

        /// <summary>The fingerprint of a comment's own words: attribution stripped, normalized, hashed (raw text when it is not storage XHTML).</summary>
        /// <summary>
        /// The hash a comment is recognised by when it has no pair yet: its words without attribution, in the Data Center
        /// dialect, so a twin on the other site (a migration's copy, or the same words written there) hashes alike.
        /// </summary>
        public static async System.Threading.Tasks.Task<string> MatchHashAsync(string body, SyncSide side, IBodyTranslator translator,
            System.Threading.CancellationToken cancellationToken)
        {
            var words = Strip(body ?? "");
            if (side == SyncSide.Cloud) words = (await translator.TranslateAsync(words, side, cancellationToken).ConfigureAwait(false)).Body;
            return ContentHashOf(words);
        }

        public static string ContentHashOf(string body)
        {
            var content = Strip(body ?? "");
            try
            {
                return ContentHash.OfBody(content);
            }
            catch (StorageFormatException)
            {
                return ContentHash.Of(content);
            }
        }
    }
}
