using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sites
{
    public sealed partial class DataCenterSite
    {
        // Data Center's documented page size for the user list; the server may cap it lower (it says so in its next link).
        private const int UserPageSize = 100;

        // A Data Center user object carries the e-mail only under details.personal, and only when asked for.
        private const string PersonalExpand = "&expand=details.personal";

        /// <summary>Why e-mails can be missing from a Data Center listing; <see cref="SiteUserReader.EmailNotice"/> once one is.</summary>
        internal const string EmailNotice =
            "Data Center gives a user's e-mail address only under expand=details.personal, and only to callers its 'User email " +
            "visibility' setting allows (with 'only visible to site administrators', Confluence administrators alone); a user " +
            "may also have no address. Sign in with an administrator account, or pair those users through rows in users.map.";

        public SiteUserReader ListUsers()
        {
            var listing = List("/user/list?limit=" + UserPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture) + PersonalExpand);
            SiteUserReader? reader = null;
            reader = new SiteUserReader(async cancellationToken =>
            {
                var items = await listing.NextPageAsync(cancellationToken).ConfigureAwait(false);
                if (items is null) return null;
                var users = new List<DirectoryUser>(items.Count);
                foreach (var item in items)
                {
                    var user = ReadUser(item);
                    if (user != null) users.Add(user);
                }

                if (users.Exists(u => u.Email is null)) reader!.EmailNotice = EmailNotice;
                return users;
            });
            return reader;
        }

        public Task<DirectoryUser?> GetUserAsync(string userId, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(userId)) throw new ArgumentException("A user key is required.", nameof(userId));
            return LookUpUserAsync("/user?key=" + Uri.EscapeDataString(userId) + PersonalExpand, cancellationToken);
        }

        public Task<DirectoryUser?> FindUserByUsernameAsync(string username, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(username)) throw new ArgumentException("A username is required.", nameof(username));
            return LookUpUserAsync("/user?username=" + Uri.EscapeDataString(username) + PersonalExpand, cancellationToken);
        }

        private async Task<DirectoryUser?> LookUpUserAsync(string pathAndQuery, CancellationToken cancellationToken)
        {
            using var document = await _rest.GetJsonOrNullAsync(Api(pathAndQuery), cancellationToken).ConfigureAwait(false);
            return document is null ? null : ReadUser(document.RootElement);
        }

        /// <summary>
        /// A Person of the user API. The 10.0.3 document lists only type, displayName and profilePicture, but servers send
        /// username and userKey (every mention needs them); the e-mail is taken when the server includes it: under
        /// details.personal (expand=details.personal, for callers allowed to see it), or top-level as some versions and
        /// proxies send it. Anonymous and key-less entries are not users to pair.
        /// </summary>
        internal static DirectoryUser? ReadUser(JsonElement item)
        {
            if (item.ValueKind != JsonValueKind.Object) return null;
            var key = JsonRead.String(item, "userKey");
            if (string.IsNullOrEmpty(key) || JsonRead.String(item, "type") == "anonymous") return null;
            var email = JsonRead.String(item, "email");
            if (string.IsNullOrWhiteSpace(email))
            {
                var details = JsonRead.Object(item, "details");
                var personal = details is null ? null : JsonRead.Object(details.Value, "personal");
                email = personal is null ? null : JsonRead.String(personal.Value, "email");
            }

            return new DirectoryUser(key!, JsonRead.String(item, "username"), JsonRead.String(item, "displayName"),
                string.IsNullOrWhiteSpace(email) ? null : email!.Trim(), EmailWithheld: false);
        }
    }
}
