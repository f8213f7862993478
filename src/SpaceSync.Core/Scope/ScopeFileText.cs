using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace SpaceSync.Core.Scope
{
    /// <summary>
    /// A scope file's text as read, with the encoding and byte order mark it was written in, so that an edit
    /// (<see cref="ScopeFileEditor"/>) is written back the same way. Writes go to a file beside it first and replace
    /// it in one rename, so a reader sees the old file or the new one, never half of one.
    /// </summary>
    public sealed class ScopeFileText
    {
        public const string EditInvalid = "ScopeEditInvalid";

        private ScopeFileText(string path, Encoding encoding, string text)
        {
            Path = path;
            Encoding = encoding;
            Text = text;
        }

        public string Path { get; }
        public Encoding Encoding { get; }
        public string Text { get; }

        public static ScopeFileText Read(string path)
        {
            var bytes = File.ReadAllBytes(path);
            var encoding = EncodingOf(bytes);
            var preamble = encoding.GetPreamble();
            return new ScopeFileText(path, encoding, encoding.GetString(bytes, preamble.Length, bytes.Length - preamble.Length));
        }

        /// <summary>
        /// Writes <paramref name="text"/> into a new file in the scope file's folder (so that the final replace is a rename
        /// on one volume), in the scope file's encoding and byte order mark; returns its path.
        /// </summary>
        public string WriteBeside(string text)
        {
            var folder = System.IO.Path.GetDirectoryName(Path) ?? ".";
            var prepared = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
            using (var stream = new FileStream(prepared, FileMode.CreateNew, FileAccess.Write))
            {
                var preamble = Encoding.GetPreamble();
                stream.Write(preamble, 0, preamble.Length);
                var body = Encoding.GetBytes(text);
                stream.Write(body, 0, body.Length);
                stream.Flush(flushToDisk: true);
            }

            return prepared;
        }

        /// <summary>
        /// Replaces the scope file with <paramref name="text"/> once the written copy passes Test-SyncScope's offline check
        /// (<see cref="ScopeValidator"/>: the file as a run would read it, with its companion files). An error the old file
        /// did not have already stops it: the copy is deleted and the scope file left as it was. Returns the warnings the
        /// edit brings that the old file did not have (e.g. a space's own direction now overriding its new phase).
        /// </summary>
        /// <exception cref="ScopeException">The edited file would not validate (<see cref="EditInvalid"/>, each error listed).</exception>
        public IReadOnlyList<ScopeFinding> ReplaceValidated(string text)
        {
            var old = ScopeValidator.Check(Path);
            var prepared = WriteBeside(text);
            try
            {
                var found = ScopeValidator.Check(prepared);
                // The findings name the copy: compare and report them as the scope file's.
                string Key(ScopeFinding f) => f.Severity + "|" + f.Code + "|" + f.Message.Replace(prepared, Path);
                var known = new HashSet<string>(old.Select(Key));
                var fresh = found.Where(f => !known.Contains(Key(f))).ToList();
                var errors = fresh.Where(f => f.Severity == FindingSeverity.Error).ToList();
                if (errors.Count > 0)
                {
                    throw new ScopeException(errors.Select(f => new ScopeError(EditInvalid,
                        "The edited scope file would not validate, so it was not changed: " + f.Message.Replace(prepared, Path) + (f.Code is null ? "" : $" ({f.Code})"),
                        f.Location is null ? new SourceLocation(Path, 1, 1) : f.Location with { File = Path })).ToList());
                }

                File.Replace(prepared, Path, destinationBackupFileName: null);
                return fresh.Where(f => f.Severity == FindingSeverity.Warning)
                    .Select(f => f with { Message = f.Message.Replace(prepared, Path), Location = f.Location is null ? null : f.Location with { File = Path } })
                    .ToList();
            }
            catch
            {
                TryDelete(prepared);
                throw;
            }
        }

        /// <summary>Deletes a prepared copy that will not be used; a stray temp file beside the scope file is harmless.</summary>
        public static void TryDelete(string path)
        {
            try { File.Delete(path); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { /* see summary */ }
        }

        /// <summary>The encoding the file was written in, judged by its byte order mark (none: UTF-8, which YAML defaults to).</summary>
        private static Encoding EncodingOf(byte[] bytes)
        {
            if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) return new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
            if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE) return new UnicodeEncoding(bigEndian: false, byteOrderMark: true);
            if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF) return new UnicodeEncoding(bigEndian: true, byteOrderMark: true);
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        }
    }
}
