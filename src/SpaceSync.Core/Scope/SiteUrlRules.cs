using System;
using System.Net;

namespace SpaceSync.Core.Scope
{
    /// <summary>
    /// What a site URL in the scope file must be: absolute http(s), no credentials, query or fragment,
    /// and https unless the host is a loopback address (localhost, 127.0.0.0/8, ::1) — the emulator
    /// and SSH tunnels run there; anything else would send tokens in clear text.
    /// </summary>
    public static class SiteUrlRules
    {
        /// <summary>
        /// Checks <paramref name="text"/>; on success <paramref name="url"/> is the URL without a trailing
        /// slash. On failure <paramref name="code"/> is ScopeInvalidUrl or ScopeInsecureUrl and
        /// <paramref name="problem"/> completes a sentence starting with the key's name.
        /// </summary>
        public static bool TryValidate(string text, out Uri? url, out string? code, out string? problem)
        {
            url = null;
            code = ScopeErrorCodes.InvalidUrl;
            var value = text.Trim();
            const string example = "e.g. https://acme.atlassian.net/wiki or https://wiki.acme.internal/confluence";

            // Checked before parsing: on Unix "/wiki" parses as the absolute file:///wiki.
            if (!value.Contains("://") || !Uri.TryCreate(value, UriKind.Absolute, out var parsed))
            {
                problem = $"must be an absolute URL with scheme and host ({example}), found '{ShownUrl(value)}'.";
                return false;
            }

            if (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp)
            {
                problem = $"must be an https:// URL ({example}); the scheme '{parsed.Scheme}' is not supported.";
                return false;
            }

            if (parsed.UserInfo.Length > 0)
            {
                // Never echo it: the part before '@' may be a password.
                problem = "must not carry a user name or password before '@'; put credentials under 'auth' as a token reference.";
                return false;
            }

            if (parsed.Query.Length > 0 || parsed.Fragment.Length > 0)
            {
                problem = $"must be the site's base URL without '?' query or '#' fragment ({example}).";
                return false;
            }

            if (parsed.Scheme == Uri.UriSchemeHttp && !IsLoopback(parsed))
            {
                code = ScopeErrorCodes.InsecureUrl;
                problem = $"uses http:// to '{parsed.Host}', which would send the token unencrypted; expected https:// (http is allowed only for localhost, 127.0.0.0/8 and ::1).";
                return false;
            }

            var path = parsed.AbsolutePath.TrimEnd('/');
            url = new Uri(parsed.GetLeftPart(UriPartial.Authority) + path);
            code = null;
            problem = null;
            return true;
        }

        /// <summary>localhost, 127.0.0.0/8 or ::1: traffic that never leaves the machine.</summary>
        public static bool IsLoopback(Uri url)
        {
            var host = url.Host.Trim('[', ']');
            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (!IPAddress.TryParse(host, out var address))
            {
                return false;
            }

            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
                ? address.GetAddressBytes()[0] == 127
                : address.Equals(IPAddress.IPv6Loopback);
        }

        private static string ShownUrl(string value) =>
            value.Contains("@") ? "(hidden: it contains '@')" : value.Length <= 60 ? value : value.Substring(0, 60) + "…";
    }
}
