using System;
using System.Globalization;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// One attempt of one HTTP request as it went on the wire (retries are attempts of their own), for a -Debug line.
    /// Carries the path and the names of the query's parameters only: a query value may be a token or a CQL with user
    /// text, and the site's host is said once by <see cref="Site"/>, never as a URL.
    /// </summary>
    public sealed record SiteRequestTrace(
        string Site,
        string Method,
        string Path,
        int? StatusCode,
        TimeSpan Elapsed,
        int Attempt,
        string? PreviousOutcome,
        string? Failure = null,
        string? Run = null)
    {
        /// <summary>
        /// E.g. <c>ENG: Cloud GET /wiki/api/v2/pages?limit&amp;cursor: 200 in 35 ms (retry 2 after 429)</c>; the space (the
        /// run's <see cref="RunCounters.Label"/>) leads when the request was made by a run.
        /// </summary>
        public override string ToString()
        {
            var outcome = StatusCode is int code ? code.ToString(CultureInfo.InvariantCulture) : "failed (" + (Failure ?? "no answer") + ")";
            var ms = Math.Round(Elapsed.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            var retry = Attempt > 1 ? $" (retry {Attempt - 1} after {PreviousOutcome ?? "a failure"})" : "";
            return $"{(Run is null ? "" : Run + ": ")}{Site} {Method} {Path}: {outcome} in {ms} ms{retry}";
        }
    }
}
