using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.State
{
    /// <summary>How values are spelled in the state file: stable words, not enum numbers, so a reordered enum cannot corrupt old files.</summary>
    internal static class StateText
    {
        private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

        public static string Time(DateTimeOffset value) =>
            value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

        public static object TimeOrNull(DateTimeOffset? value) => value is { } v ? Time(v) : DBNull.Value;

        public static DateTimeOffset ParseTime(string text) =>
            new DateTimeOffset(DateTime.SpecifyKind(
                DateTime.ParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None), DateTimeKind.Utc));

        public static readonly Words<SiteKind> Side = new Words<SiteKind>("site side",
            (SiteKind.Cloud, "cloud"), (SiteKind.DataCenter, "datacenter"));

        public static readonly Words<PairStatus> Status = new Words<PairStatus>("pair status",
            (PairStatus.Active, "active"), (PairStatus.TrashedOnCloud, "trashed-on-cloud"),
            (PairStatus.TrashedOnDataCenter, "trashed-on-datacenter"), (PairStatus.TrashedOnBoth, "trashed-on-both"));

        public static readonly Words<RunKind> Kind = new Words<RunKind>("run kind",
            (RunKind.Baseline, "baseline"), (RunKind.Sync, "sync"), (RunKind.Resolve, "resolve"));

        public static readonly Words<RunOutcome> Outcome = new Words<RunOutcome>("run outcome",
            (RunOutcome.Succeeded, "succeeded"), (RunOutcome.Failed, "failed"),
            (RunOutcome.Cancelled, "cancelled"), (RunOutcome.Refused, "refused"));

        public sealed class Words<T> where T : struct, Enum
        {
            private readonly string _what;
            private readonly Dictionary<T, string> _toWord;
            private readonly Dictionary<string, T> _fromWord;

            public Words(string what, params (T Value, string Word)[] words)
            {
                _what = what;
                _toWord = words.ToDictionary(w => w.Value, w => w.Word);
                _fromWord = words.ToDictionary(w => w.Word, w => w.Value, StringComparer.Ordinal);
            }

            public string this[T value] => _toWord[value];

            public T Parse(string word) =>
                _fromWord.TryGetValue(word, out var value)
                    ? value
                    : throw new StateStoreException(StateErrorKind.UnreadableValue,
                        $"The state holds the {_what} '{word}', which this SpaceSync does not know " +
                        $"(known: {string.Join(", ", _fromWord.Keys)}).");
        }
    }
}
