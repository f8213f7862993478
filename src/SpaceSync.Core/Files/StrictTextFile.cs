using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace SpaceSync.Core.Files
{
    public enum TextFileProblemKind
    {
        /// <summary>The file is bigger than its kind of file ever needs to be.</summary>
        TooLarge,
        /// <summary>Bytes that are not UTF-8 (or UTF-16 after its byte order mark), or an encoding we do not read.</summary>
        InvalidEncoding,
        /// <summary>A control character other than tab, CR and LF (NUL, ESC, DEL, C1 controls, a stray byte order mark).</summary>
        ControlCharacter,
    }

    /// <summary>Why a hand-written or exported text file was not read, and where (1-based; the file alone is 1:1).</summary>
    public sealed record TextFileProblem(TextFileProblemKind Kind, int Line, int Column, string Message);

    /// <summary>
    /// Reads the text files people write or export for SpaceSync (the scope file, users.map, id maps) without guessing:
    /// a size limit checked before anything is read, UTF-8 decoded strictly (a UTF-8 BOM is skipped), UTF-16 only after
    /// its byte order mark (Windows PowerShell 5.1 writes it), and no control characters other than tab, CR and LF.
    /// <see cref="File.ReadAllText(string)"/> would turn an invalid byte into U+FFFD and keep NULs, so a damaged id or
    /// token reference would be used as if it had been written that way.
    /// </summary>
    /// <remarks>Columns count UTF-16 code units from 1, lines are ended by LF, CRLF or CR, as the YAML and CSV readers count them.</remarks>
    public static class StrictTextFile
    {
        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        /// <summary>Reads <paramref name="path"/>; null text and a problem when it is too large, not well-formed text, or holds control characters.</summary>
        /// <exception cref="IOException">The file cannot be read (as <see cref="File.ReadAllBytes(string)"/> throws).</exception>
        /// <exception cref="UnauthorizedAccessException">Access is denied.</exception>
        public static string? Read(string path, long maxBytes, out TextFileProblem? problem)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            var length = new FileInfo(path).Length;
            if (length > maxBytes)
            {
                problem = TooLarge(length, maxBytes);
                return null;
            }

            var bytes = File.ReadAllBytes(path);
            if (bytes.LongLength > maxBytes)
            {
                problem = TooLarge(bytes.LongLength, maxBytes); // grew while we looked
                return null;
            }

            var text = Decode(bytes, out problem);
            if (text == null) return null;
            problem = FindControlCharacter(text);
            return problem == null ? text : null;
        }

        /// <summary>The problem for a file of <paramref name="length"/> bytes (or characters) over <paramref name="maxBytes"/>.</summary>
        public static TextFileProblem TooLarge(long length, long maxBytes) => new TextFileProblem(TextFileProblemKind.TooLarge, 1, 1,
            $"the file is {Size(length)}, over the limit of {Size(maxBytes)} for this kind of file; nothing in it was read.");

        /// <summary>The text of <paramref name="bytes"/>, without its byte order mark; null and a problem at the first byte that is not well-formed.</summary>
        public static string? Decode(byte[] bytes, out TextFileProblem? problem)
        {
            if (bytes is null) throw new ArgumentNullException(nameof(bytes));
            problem = null;
            if (StartsWith(bytes, 0xFF, 0xFE, 0x00, 0x00) || StartsWith(bytes, 0x00, 0x00, 0xFE, 0xFF))
            {
                problem = new TextFileProblem(TextFileProblemKind.InvalidEncoding, 1, 1,
                    "the file is saved as UTF-32 (its byte order mark says so); expected UTF-8. Save it again as UTF-8.");
                return null;
            }

            if (StartsWith(bytes, 0xFF, 0xFE)) return DecodeUtf16(bytes, bigEndian: false, out problem);
            if (StartsWith(bytes, 0xFE, 0xFF)) return DecodeUtf16(bytes, bigEndian: true, out problem);

            var start = StartsWith(bytes, 0xEF, 0xBB, 0xBF) ? 3 : 0;
            var invalid = FirstInvalidUtf8(bytes, start);
            if (invalid >= 0)
            {
                var before = StrictUtf8.GetString(bytes, start, invalid - start);
                var (line, column) = PositionAfter(before);
                problem = new TextFileProblem(TextFileProblemKind.InvalidEncoding, line, column,
                    $"byte 0x{bytes[invalid]:X2} at offset {invalid} is not valid UTF-8; expected UTF-8 text. Save the file again as UTF-8 (the bytes here were probably written in another code page).");
                return null;
            }

            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }

        /// <summary>The first character other than tab, CR and LF that no text file of ours should hold; null when there is none.</summary>
        public static TextFileProblem? FindControlCharacter(string text)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            var line = 1;
            var lineStart = 0;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\n' || (c == '\r' && !(i + 1 < text.Length && text[i + 1] == '\n')))
                {
                    line++;
                    lineStart = i + 1;
                    continue;
                }

                if (c == '\t' || c == '\r') continue;
                if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\uFFFE' || c == '\uFFFF' || (c == '\uFEFF' && i > 0))
                {
                    var name = c == '\0' ? " (NUL)" : c == '\uFEFF' ? " (a byte order mark inside the text)" : c == '\x1B' ? " (ESC)" : c == '\x7F' ? " (DEL)" : "";
                    return new TextFileProblem(TextFileProblemKind.ControlCharacter, line, i - lineStart + 1,
                        $"the control character U+{(int)c:X4}{name} is not allowed; expected text (only tab, CR and LF among control characters). The file may be damaged or not a text file.");
                }
            }

            return null;
        }

        /// <summary>1-based line and column just after <paramref name="text"/>.</summary>
        public static (int Line, int Column) PositionAfter(string text)
        {
            var line = 1;
            var lineStart = 0;
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '\n' || (text[i] == '\r' && !(i + 1 < text.Length && text[i + 1] == '\n')))
                {
                    line++;
                    lineStart = i + 1;
                }
            }

            return (line, text.Length - lineStart + 1);
        }

        private static string? DecodeUtf16(byte[] bytes, bool bigEndian, out TextFileProblem? problem)
        {
            problem = null;
            var builder = new StringBuilder((bytes.Length - 2) / 2);
            for (var i = 2; i < bytes.Length; i += 2)
            {
                if (i + 1 >= bytes.Length)
                {
                    problem = Utf16Problem(builder, i, "the file ends in the middle of a character");
                    return null;
                }

                var unit = bigEndian ? (char)((bytes[i] << 8) | bytes[i + 1]) : (char)(bytes[i] | (bytes[i + 1] << 8));
                var expectLow = builder.Length > 0 && char.IsHighSurrogate(builder[builder.Length - 1]);
                if (expectLow != char.IsLowSurrogate(unit))
                {
                    problem = Utf16Problem(builder, i, expectLow ? "a character is cut in half (a high surrogate without its pair)" : "a low surrogate without its pair");
                    return null;
                }

                builder.Append(unit);
            }

            if (builder.Length > 0 && char.IsHighSurrogate(builder[builder.Length - 1]))
            {
                problem = Utf16Problem(builder, bytes.Length, "the file ends in the middle of a character");
                return null;
            }

            return builder.ToString();
        }

        private static TextFileProblem Utf16Problem(StringBuilder before, int offset, string what)
        {
            var text = before.ToString();
            if (text.Length > 0 && char.IsHighSurrogate(text[text.Length - 1])) text = text.Substring(0, text.Length - 1);
            var (line, column) = PositionAfter(text);
            return new TextFileProblem(TextFileProblemKind.InvalidEncoding, line, column,
                $"the file is UTF-16 (by its byte order mark) but is not well-formed at offset {offset}: {what}. Save the file again as UTF-8.");
        }

        /// <summary>Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (no overlongs, surrogates or values above U+10FFFF); -1 when all are.</summary>
        private static int FirstInvalidUtf8(byte[] bytes, int start)
        {
            var i = start;
            while (i < bytes.Length)
            {
                var b = bytes[i];
                if (b < 0x80) { i++; continue; }

                int length, min, max = 0xBF;
                if (b >= 0xC2 && b <= 0xDF) { length = 2; min = 0x80; }
                else if (b == 0xE0) { length = 3; min = 0xA0; }
                else if (b == 0xED) { length = 3; min = 0x80; max = 0x9F; } // not a surrogate
                else if (b >= 0xE1 && b <= 0xEF) { length = 3; min = 0x80; }
                else if (b == 0xF0) { length = 4; min = 0x90; }
                else if (b >= 0xF1 && b <= 0xF3) { length = 4; min = 0x80; }
                else if (b == 0xF4) { length = 4; min = 0x80; max = 0x8F; } // not above U+10FFFF
                else return i;

                if (i + 1 >= bytes.Length || bytes[i + 1] < min || bytes[i + 1] > max) return i;
                for (var k = 2; k < length; k++)
                {
                    if (i + k >= bytes.Length || bytes[i + k] < 0x80 || bytes[i + k] > 0xBF) return i;
                }

                i += length;
            }

            return -1;
        }

        private static bool StartsWith(byte[] bytes, params byte[] prefix)
        {
            if (bytes.Length < prefix.Length) return false;
            for (var i = 0; i < prefix.Length; i++)
            {
                if (bytes[i] != prefix[i]) return false;
            }

            return true;
        }

        private static string Size(long bytes) =>
            bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB"
            : bytes >= 1024 * 1024 ? ((bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + $" MiB ({bytes} bytes)")
            : $"{bytes} bytes";
    }
}
