using System;

namespace SpaceSync.Core.Sites
{
    public enum SiteEventLevel { Debug, Information, Warning }

    /// <summary>
    /// Something a site client wants the log to know (a retry, a capped Retry-After wait).
    /// Carries method and path only: never headers, query strings or bodies.
    /// </summary>
    public sealed record SiteEvent(
        SiteEventLevel Level,
        string Site,
        string Message,
        string Method,
        string Path,
        int? StatusCode = null,
        TimeSpan? Delay = null,
        int Attempt = 0)
    {
        public override string ToString() => $"[{Level}] {Site}: {Message}";
    }
}
