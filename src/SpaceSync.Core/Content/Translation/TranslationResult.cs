using System;
using System.Collections.Generic;

namespace SpaceSync.Core.Content.Translation
{
    /// <summary>
    /// A translated body. When <see cref="Changed"/> is false, <see cref="Body"/> is the input string itself,
    /// byte for byte; otherwise it is the translated tree written by the storage writer (see
    /// <see cref="StorageTranslator"/> on what that rewrites besides the translation).
    /// </summary>
    public sealed class TranslationResult
    {
        public TranslationResult(string body, bool changed, IReadOnlyList<TranslationWarning> warnings)
        {
            Body = body ?? throw new ArgumentNullException(nameof(body));
            Changed = changed;
            Warnings = warnings ?? throw new ArgumentNullException(nameof(warnings));
        }

        public string Body { get; }

        public bool Changed { get; }

        /// <summary>In document order of first occurrence; repeats of one warning are reported once.</summary>
        public IReadOnlyList<TranslationWarning> Warnings { get; }
    }
}
