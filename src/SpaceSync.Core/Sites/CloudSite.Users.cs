using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    public sealed partial class CloudSite
    {
        // search/user pages (the site may cap it lower; its next link says where to go on).
        private const int UserPageSize = 100;

        // Account ids per /user/email/bulk request: the ids travel in the query string (accountId=a,b,...), so a batch
        // stays well below URL length limits (account ids are up to ~50 characters).
        private const int EmailBatchSize = 50;

        public SiteUserReader ListUsers()
        {
            var listing = _rest.List(
                V1("/search/user?cql=" + Uri.EscapeDataString("type=user") + "&limit=" + UserPageSize.ToString(CultureInfo.InvariantCulture)),
                PagingStyle.BaseRelative);
            SiteUserReader? reader = null;
            var emailApiRefused = false;
            reader = new SiteUserReader(async cancellationToken =>
            {
                var items = await listing.NextPageAsync(cancellationToken).ConfigureAwait(false);
                if (items is null) return null;
                var users = new List<DirectoryUser>(items.Count);
                foreach (var item in items)
                {
                    var user = JsonRead.Object(item, "user");
                    var read = user is null ? null : ReadUser(user.Value);
                    if (read != null) users.Add(read);
                }

                var hidden = users.Where(u => u.Email is null).Select(u => u.Id).ToList();
                if (hidden.Count == 0 || emailApiRefused) return Withhold(users, hidden);

                var found = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var batch in Batches(hidden, EmailBatchSize))
                {
                    var refusal = await ReadEmailsAsync(batch, found, cancellationToken).ConfigureAwait(false);
                    if (refusal != null)
                    {
                        emailApiRefused = true;
                        reader!.EmailNotice = refusal;
                        break;
                    }
                }

                var filled = users.Select(u => u.Email is null && found.TryGetValue(u.Id, out var email) ? u with { Email = email } : u).ToList();
                return Withhold(filled, hidden);
            });
            return reader;
        }

        public async Task<DirectoryUser?> GetUserAsync(string userId, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(userId)) throw new ArgumentException("An account id is required.", nameof(userId));
            using var document = await _rest.GetJsonOrNullAsync(V1("/user?accountId=" + Uri.EscapeDataString(userId)), cancellationToken)
                .ConfigureAwait(false);
            var user = document is null ? null : ReadUser(document.RootElement);
            if (user is null || user.Email != null) return user;

            var url = V1("/user/email?accountId=" + Uri.EscapeDataString(user.Id));
            try
            {
                using var email = await _rest.GetJsonOrNullAsync(url, cancellationToken).ConfigureAwait(false);
                var address = email is null ? null : JsonRead.String(email.RootElement, "email");
                return string.IsNullOrWhiteSpace(address) ? user with { EmailWithheld = true } : user with { Email = address!.Trim() };
            }
            catch (SiteException e) when (IsEmailApiRefusal(e))
            {
                return user with { EmailWithheld = true };
            }
        }

        /// <summary>Cloud removed usernames from its APIs (privacy changes); mentions there carry account ids only.</summary>
        public Task<DirectoryUser?> FindUserByUsernameAsync(string username, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(username)) throw new ArgumentException("A username is required.", nameof(username));
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult<DirectoryUser?>(null);
        }

        /// <summary>
        /// Adds the e-mails /user/email/bulk returns for <paramref name="accountIds"/> (accounts it does not return stay
        /// without). Returns why the site refused the API, or null when it answered.
        /// </summary>
        private async Task<string?> ReadEmailsAsync(IReadOnlyList<string> accountIds, Dictionary<string, string> found,
            CancellationToken cancellationToken)
        {
            // The document declares accountId as style=form, explode=false: one parameter, comma-separated ids.
            var url = V1("/user/email/bulk?accountId=" + string.Join(",", accountIds.Select(Uri.EscapeDataString)));
            JsonDocument document;
            try
            {
                document = await _rest.GetJsonAsync(url, cancellationToken).ConfigureAwait(false);
            }
            catch (SiteException e) when (IsEmailApiRefusal(e))
            {
                var status = e.StatusCode.HasValue ? ((int)e.StatusCode.Value).ToString(CultureInfo.InvariantCulture) : e.Kind.ToString();
                return $"Cloud hides some users' e-mail addresses (their profile visibility), and GET {url.AbsolutePath} was refused " +
                       $"({status}{(e.ServerMessage != null ? ": " + e.ServerMessage : "")}); Atlassian opens that API only to approved apps. " +
                       "Those users can be paired only by rows in users.map.";
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Array)
                {
                    throw new SiteException(SiteErrorKind.UnexpectedResponse,
                        $"GET {url.AbsolutePath} on the Cloud site: expected an array of {{accountId, email}} records.", "GET", url.AbsolutePath);
                }

                foreach (var record in root.EnumerateArray())
                {
                    var id = JsonRead.String(record, "accountId");
                    var email = JsonRead.String(record, "email");
                    if (!string.IsNullOrEmpty(id) && !string.IsNullOrWhiteSpace(email)) found[id!] = email!.Trim();
                }
            }

            return null;
        }

        // 400: the caller is not an approved app; 403/404: not allowed or not there for this account; 501: the API is off.
        private static bool IsEmailApiRefusal(SiteException e) =>
            e.Kind is SiteErrorKind.BadRequest or SiteErrorKind.Forbidden or SiteErrorKind.NotFound ||
            e.StatusCode == HttpStatusCode.NotImplemented;

        private static List<DirectoryUser> Withhold(List<DirectoryUser> users, List<string> hidden)
        {
            if (hidden.Count == 0) return users;
            var asked = new HashSet<string>(hidden, StringComparer.Ordinal);
            return users.Select(u => u.Email is null && asked.Contains(u.Id) ? u with { EmailWithheld = true } : u).ToList();
        }

        private static IEnumerable<List<string>> Batches(List<string> ids, int size)
        {
            for (var i = 0; i < ids.Count; i += size) yield return ids.GetRange(i, Math.Min(size, ids.Count - i));
        }

        /// <summary>
        /// A v1 User. Cloud sends email "" (or null) when the profile hides it. Anonymous entries are not users; app
        /// (bot) accounts are kept, they simply never pair by e-mail.
        /// </summary>
        internal static DirectoryUser? ReadUser(JsonElement user)
        {
            if (user.ValueKind != JsonValueKind.Object) return null;
            var accountId = JsonRead.String(user, "accountId");
            if (string.IsNullOrEmpty(accountId) || JsonRead.String(user, "type") == "anonymous") return null;
            var email = JsonRead.String(user, "email");
            var name = JsonRead.String(user, "displayName");
            return new DirectoryUser(accountId!, null, string.IsNullOrEmpty(name) ? JsonRead.String(user, "publicName") : name,
                string.IsNullOrWhiteSpace(email) ? null : email!.Trim(), EmailWithheld: false);
        }
    }
}
