using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace SpaceSync.Core.Logging
{
    /// <summary>
    /// Hides secrets in text that leaves the engine: every form a known secret takes on the wire (the raw value, the
    /// Base64 of the value and of "user:value" as a Basic header carries it, padded or not, and their URL-encoded forms),
    /// plus whatever follows "Bearer " or "Basic " when it looks like a credential, known or not — a server or proxy that
    /// echoes the request's Authorization header repeats exactly those forms. Thread-safe; secrets may be added at any time.
    /// </summary>
    public sealed class SecretRedactor
    {
        public const string Mask = "***";

        /// <summary>How much server-supplied text a message quotes: enough for any real error, not a whole echoed request.</summary>
        public const int MaxQuotedLength = 300;

        // A value after Bearer/Basic that is credential-shaped: long enough, and not a plain word ("Basic authentication").
        private static readonly Regex SchemeValue = new Regex(
            @"\b(Bearer|Basic)(\s+|%20|\+)([A-Za-z0-9._~+/=%-]{8,})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private readonly object _gate = new object();
        private string[] _forms = Array.Empty<string>();

        /// <summary>
        /// Registers <paramref name="secret"/> (a token or password) and, when it is sent as Basic, the
        /// <paramref name="user"/> it is paired with, so that the Base64 of "user:secret" is hidden too.
        /// Values under 4 characters are ignored: masking them would hide ordinary words.
        /// </summary>
        public void Add(string? secret, string? user = null)
        {
            if (string.IsNullOrEmpty(secret) || secret!.Length < 4) return;
            var forms = new List<string>(FormsOf(secret));
            if (!string.IsNullOrEmpty(user)) forms.AddRange(FormsOf(Base64(user + ":" + secret), encoded: true));
            lock (_gate)
            {
                // Longest first, so that a form containing another is hidden whole.
                _forms = _forms.Concat(forms).Where(f => f.Length >= 4).Distinct(StringComparer.Ordinal)
                    .OrderByDescending(f => f.Length).ToArray();
            }
        }

        /// <summary>True when no secret is registered (the Bearer/Basic rule still applies in <see cref="Redact"/>).</summary>
        public bool IsEmpty => _forms.Length == 0;

        /// <summary><paramref name="text"/> with every registered form, and every credential after Bearer/Basic, replaced by <see cref="Mask"/>.</summary>
        public string Redact(string text)
        {
            if (string.IsNullOrEmpty(text)) return text;
            foreach (var form in _forms)
            {
                if (text.IndexOf(form, StringComparison.Ordinal) >= 0)
                {
                    text = text.Replace(form, Mask);
                }
            }

            return SchemeValue.Replace(text, m => LooksLikeCredential(m.Groups[1].Value, m.Groups[3].Value)
                ? m.Groups[1].Value + m.Groups[2].Value + Mask
                : m.Value);
        }

        /// <summary>Null stays null.</summary>
        public string? RedactOrNull(string? text) => text is null ? null : Redact(text);

        /// <summary>
        /// Server-supplied <paramref name="text"/> as a message may quote it: at most <paramref name="max"/> characters,
        /// with an ellipsis and how much was cut. Redact first: a cut must not leave half a secret behind unmasked.
        /// </summary>
        public static string Bound(string text, int max = MaxQuotedLength)
        {
            if (text is null || text.Length <= max) return text!;
            return text.Substring(0, max) + $"… ({text.Length - max} more characters cut)";
        }

        /// <summary>The wire forms of one secret: as is, its Base64 (Basic without a user), and URL-encoded forms of both.</summary>
        private static IEnumerable<string> FormsOf(string value, bool encoded = false)
        {
            var raw = encoded ? value : null;
            if (raw is null)
            {
                yield return value;
                yield return Uri.EscapeDataString(value);
                raw = Base64(value);
            }

            yield return raw;
            yield return raw.TrimEnd('=');
            yield return Uri.EscapeDataString(raw);
            yield return raw.TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }

        private static string Base64(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));

        /// <summary>
        /// Bearer values are opaque: anything with a digit or a token's punctuation counts. A Basic value counts when it is
        /// Base64 of "user:secret" (what the header carries); a word such as "authentication" is left alone.
        /// </summary>
        private static bool LooksLikeCredential(string scheme, string value)
        {
            if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            {
                return value.Any(c => char.IsDigit(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' || c == '=');
            }

            try
            {
                var candidate = Uri.UnescapeDataString(value);
                candidate = candidate.PadRight(candidate.Length + (4 - candidate.Length % 4) % 4, '=');
                return Encoding.UTF8.GetString(Convert.FromBase64String(candidate)).IndexOf(':') > 0;
            }
            catch (FormatException)
            {
                return false;
            }
        }
    }
}
