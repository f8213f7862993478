using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// Raw bodies by page id. Plain, or compact: each body deflated as it comes in and inflated when asked for. A baseline
    /// keeps, past the batch it hashed them in, the bodies of the differing pairs an -Authority will write (the source and
    /// the target's inline comment anchors) until the writes; storage format deflates several times over, and such a body
    /// is asked for once or twice, so compact trades a little CPU for most of that memory.
    /// </summary>
    internal sealed class BodyStore : IReadOnlyDictionary<string, string>
    {
        // Throws on a lone surrogate: such a body stays a string, so what comes back is always the text that went in.
        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        private readonly Dictionary<string, string> _plain;
        private readonly Dictionary<string, byte[]>? _packed;

        public BodyStore(bool compact)
        {
            _plain = new Dictionary<string, string>(StringComparer.Ordinal);
            _packed = compact ? new Dictionary<string, byte[]>(StringComparer.Ordinal) : null;
        }

        private BodyStore(BodyStore other)
        {
            _plain = new Dictionary<string, string>(other._plain, StringComparer.Ordinal);
            _packed = other._packed is null ? null : new Dictionary<string, byte[]>(other._packed, StringComparer.Ordinal);
        }

        public bool Compact => _packed != null;

        /// <summary>A store of its own with the same bodies (packed bodies are shared: they never change).</summary>
        public BodyStore Copy() => new BodyStore(this);

        public string this[string key] => TryGetValue(key, out var body) ? body : throw new KeyNotFoundException(key);

        public void Set(string pageId, string body)
        {
            if (_packed != null && Pack(body) is { } packed)
            {
                _packed[pageId] = packed;
                _plain.Remove(pageId);
                return;
            }

            _plain[pageId] = body;
            _packed?.Remove(pageId);
        }

        /// <summary>Forgets a body nothing will ask for again.</summary>
        public void Remove(string pageId)
        {
            _plain.Remove(pageId);
            _packed?.Remove(pageId);
        }

        public bool TryGetValue(string key, out string value)
        {
            if (_plain.TryGetValue(key, out value!)) return true;
            if (_packed != null && _packed.TryGetValue(key, out var packed))
            {
                value = Unpack(packed);
                return true;
            }

            value = null!;
            return false;
        }

        public bool ContainsKey(string key) => _plain.ContainsKey(key) || _packed != null && _packed.ContainsKey(key);

        public int Count => _plain.Count + (_packed?.Count ?? 0);

        public IEnumerable<string> Keys
        {
            get
            {
                foreach (var key in _plain.Keys) yield return key;
                if (_packed != null)
                    foreach (var key in _packed.Keys) yield return key;
            }
        }

        public IEnumerable<string> Values
        {
            get
            {
                foreach (var entry in this) yield return entry.Value;
            }
        }

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
        {
            foreach (var entry in _plain) yield return entry;
            if (_packed != null)
                foreach (var entry in _packed) yield return new KeyValuePair<string, string>(entry.Key, Unpack(entry.Value));
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        // Reused by every Pack on the thread: only the packed copy is new.
        [ThreadStatic] private static byte[]? _utf8;
        [ThreadStatic] private static MemoryStream? _packing;

        private static byte[]? Pack(string body)
        {
            var max = StrictUtf8.GetMaxByteCount(body.Length);
            if (_utf8 is null || _utf8.Length < max) _utf8 = new byte[Math.Max(max, 64 * 1024)];
            int length;
            try
            {
                length = StrictUtf8.GetBytes(body, 0, body.Length, _utf8, 0);
            }
            catch (EncoderFallbackException)
            {
                return null;
            }

            var packed = _packing ??= new MemoryStream();
            packed.SetLength(0);
            packed.Write(BitConverter.GetBytes(length), 0, 4);
            using (var deflate = new DeflateStream(packed, CompressionLevel.Fastest, leaveOpen: true))
                deflate.Write(_utf8, 0, length);
            return packed.ToArray();
        }

        private static string Unpack(byte[] packed)
        {
            var bytes = new byte[BitConverter.ToInt32(packed, 0)];
            using (var deflate = new DeflateStream(new MemoryStream(packed, 4, packed.Length - 4), CompressionMode.Decompress))
            {
                var read = 0;
                while (read < bytes.Length)
                {
                    var n = deflate.Read(bytes, read, bytes.Length - read);
                    if (n == 0) throw new InvalidDataException("A kept page body is cut short.");
                    read += n;
                }
            }

            return StrictUtf8.GetString(bytes);
        }
    }
}
