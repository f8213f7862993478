using System;
using System.Security.Cryptography;
using System.Text;

namespace SpaceSync.Core.Content
{
    /// <summary>The fingerprint of a canonical body: lowercase hex SHA-256 of its UTF-8 bytes.</summary>
    public static class ContentHash
    {
        // Throws on a lone surrogate instead of mapping it to U+FFFD, so distinct strings never share bytes.
        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        /// <summary>Hash of a body already in canonical form (the output of <see cref="ContentNormalizer.Normalize"/>).</summary>
        public static string Of(string normalized)
        {
            if (normalized == null) throw new ArgumentNullException(nameof(normalized));
            using var sha = SHA256.Create();
            var digest = sha.ComputeHash(StrictUtf8.GetBytes(normalized));
            var hex = new StringBuilder(digest.Length * 2);
            foreach (var b in digest)
                hex.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return hex.ToString();
        }

        /// <summary>Normalizes a raw body and hashes it.</summary>
        public static string OfBody(string storageXhtml) => Of(ContentNormalizer.Normalize(storageXhtml));
    }
}
