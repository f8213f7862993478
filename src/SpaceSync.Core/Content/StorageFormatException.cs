using System;

namespace SpaceSync.Core.Content
{
    /// <summary>
    /// A page body is not well-formed storage format. <see cref="Line"/> and <see cref="Column"/>
    /// (both 1-based) point into the body as given, so the message can be acted on.
    /// </summary>
    public sealed class StorageFormatException : FormatException
    {
        /// <summary>The most characters of a reason kept: the parser quotes the body, which may be huge or hostile.</summary>
        public const int MaxReasonLength = 300;

        public StorageFormatException(int line, int column, string reason, Exception? inner = null)
            : base($"Storage format is not well-formed at line {line}, column {column}: {Bounded(reason)}", inner)
        {
            Line = line;
            Column = column;
            Reason = Bounded(reason);
        }

        private static string Bounded(string reason) =>
            reason is null ? "" : reason.Length <= MaxReasonLength ? reason : reason.Substring(0, MaxReasonLength) + "…";

        public int Line { get; }

        public int Column { get; }

        /// <summary>What is wrong, without the position.</summary>
        public string Reason { get; }
    }
}
