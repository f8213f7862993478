using System;
using System.Net;

namespace SpaceSync.Core.Sites
{
    public enum SiteErrorKind
    {
        /// <summary>No answer: DNS, connection refused, TLS, timeout (idempotent requests, after retries).</summary>
        Unreachable,
        /// <summary>401: the credentials were refused.</summary>
        Unauthorized,
        /// <summary>403: signed in, but not allowed.</summary>
        Forbidden,
        /// <summary>404: missing, or (Confluence's way) not visible to this account.</summary>
        NotFound,
        /// <summary>
        /// 429 still answered after every allowed attempt; or the site (429, 503) asked for a wait longer than the client
        /// waits (SiteClientOptions.MaxRetryAfter): the request was not repeated, or, until that wait has passed, not sent.
        /// </summary>
        RateLimited,
        /// <summary>409: usually a stale version number; the server's message says which.</summary>
        Conflict,
        /// <summary>400: the server rejected the request (e.g. duplicate title).</summary>
        BadRequest,
        /// <summary>5xx.</summary>
        ServerError,
        /// <summary>A non-repeatable request (POST) lost its connection or timed out: it may or may not have taken effect.</summary>
        OutcomeUnknown,
        /// <summary>Something that is not Confluence's REST answer: a redirect, an HTML page, unreadable JSON.</summary>
        UnexpectedResponse,
        /// <summary>413, or a refusal naming the site's size limit: this request (an attachment) is larger than the site accepts. Repeating it cannot help.</summary>
        TooLarge,
    }

    /// <summary>
    /// A site request that failed. Names the method and path (no query string, which may carry
    /// search terms or cursors) and the server's own message; never headers or credentials.
    /// </summary>
    public sealed class SiteException : Exception
    {
        public SiteException(
            SiteErrorKind kind,
            string message,
            string method,
            string path,
            HttpStatusCode? statusCode = null,
            string? serverMessage = null,
            Exception? innerException = null,
            int? currentVersion = null)
            : base(message, innerException)
        {
            CurrentVersion = currentVersion;
            Kind = kind;
            Method = method;
            Path = path;
            StatusCode = statusCode;
            ServerMessage = serverMessage;
        }

        public SiteErrorKind Kind { get; }

        public HttpStatusCode? StatusCode { get; }

        /// <summary>The message from the server's error envelope (Cloud v2 errors[].title, v1/DC message), if any.</summary>
        public string? ServerMessage { get; }

        public string Method { get; }

        /// <summary>
        /// On a Conflict (stale version): the page's current version number as the server's message states it
        /// (Cloud "Current Version: [6]", Data Center "Current version is: 6"), or null when it does not say.
        /// </summary>
        public int? CurrentVersion { get; }

        /// <summary>The request path without its query string.</summary>
        public string Path { get; }

        /// <summary>
        /// The stable name of this failure (Site&lt;Kind&gt;; SiteTlsFailed for a refused certificate, which retrying or another
        /// network cannot mend): the hosts' error ids and the online check's findings use it.
        /// </summary>
        public string Code => Kind == SiteErrorKind.Unreachable && Http.RetryRules.IsCertificateFailure(this) ? "SiteTlsFailed" : CodeOf(Kind);

        /// <summary>The stable name of a kind of site failure: Site&lt;Kind&gt;.</summary>
        public static string CodeOf(SiteErrorKind kind) => "Site" + kind;
    }
}
