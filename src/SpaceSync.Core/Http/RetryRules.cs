using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Polly.Timeout;

namespace SpaceSync.Core.Http
{
    /// <summary>Which failures are worth another attempt, and for which requests.</summary>
    internal static class RetryRules
    {
        /// <summary>Methods whose repetition cannot do more than the first request did (RFC 9110 §9.2.2).</summary>
        public static bool IsIdempotent(HttpMethod method) =>
            method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put ||
            method == HttpMethod.Delete || method == HttpMethod.Options || method == HttpMethod.Trace;

        /// <summary>429 and 503: the server refused to process the request; Retry-After says when to come back.</summary>
        public static bool IsThrottled(HttpStatusCode status) =>
            (int)status == 429 || status == HttpStatusCode.ServiceUnavailable;

        /// <summary>Answers that may well differ next time, but after which the request may have been processed.</summary>
        public static bool IsTransientFailure(HttpStatusCode status) =>
            status == HttpStatusCode.RequestTimeout || status == HttpStatusCode.InternalServerError ||
            status == HttpStatusCode.BadGateway || status == HttpStatusCode.GatewayTimeout;

        public static bool IsTransportFailure(Exception exception) =>
            exception is HttpRequestException || exception is IOException || exception is TimeoutRejectedException;

        /// <summary>A TLS handshake that failed (untrusted or mismatched certificate) fails the same way every time.</summary>
        public static bool IsCertificateFailure(Exception exception)
        {
            for (var e = exception; e != null; e = e.InnerException)
            {
                if (e is System.Security.Authentication.AuthenticationException)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when the request never reached the server (no connection could be made), so even a POST
        /// is safe to send again. A failure after the connection was made says nothing of the sort.
        /// </summary>
        public static bool NeverReachedServer(Exception exception)
        {
            for (var e = exception; e != null; e = e.InnerException)
            {
                if (e is SocketException socket)
                {
                    switch (socket.SocketErrorCode)
                    {
                        case SocketError.ConnectionRefused:
                        case SocketError.HostNotFound:
                        case SocketError.HostUnreachable:
                        case SocketError.NetworkUnreachable:
                        case SocketError.NoData:
                        case SocketError.TryAgain:
                        case SocketError.AddressNotAvailable:
                            return true;
                    }
                }
            }

            return false;
        }

        public static bool ShouldRetry(HttpMethod method, bool bodyReplayable, HttpResponseMessage? response, Exception? exception)
        {
            if (!bodyReplayable)
            {
                return false;
            }

            if (response != null)
            {
                return IsThrottled(response.StatusCode) || (IsTransientFailure(response.StatusCode) && IsIdempotent(method));
            }

            if (exception is null || !IsTransportFailure(exception) || IsCertificateFailure(exception))
            {
                // Cancellation by the caller, programming errors and refused certificates are final.
                return false;
            }

            return IsIdempotent(method) || NeverReachedServer(exception);
        }
    }
}
