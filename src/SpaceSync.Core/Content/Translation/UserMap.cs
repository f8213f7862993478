using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Content.Translation
{
    /// <summary>A Data Center user as its user directory lists them.</summary>
    public sealed record DataCenterUser(string UserKey, string? Username, string? Email, string? DisplayName);

    /// <summary>A Cloud user as the site lists them (e-mail is null when the profile hides it).</summary>
    public sealed record CloudUser(string AccountId, string? Email, string? DisplayName);

    /// <summary>
    /// The scope file's <c>users</c> section made concrete: users are paired by e-mail (case does not matter),
    /// and the override list (<c>users.map</c>: Data Center user key → Cloud account id) wins over e-mail. An
    /// e-mail held by more than one user on a site pairs nobody, because a guess would mention the wrong person.
    /// </summary>
    public sealed class UserMap : IUserMap
    {
        private readonly Dictionary<string, DataCenterUser> _dcByKey = new Dictionary<string, DataCenterUser>(StringComparer.Ordinal);
        private readonly Dictionary<string, DataCenterUser> _dcByUsername = new Dictionary<string, DataCenterUser>(StringComparer.Ordinal);
        private readonly Dictionary<string, CloudUser> _cloudById = new Dictionary<string, CloudUser>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _keyToAccount = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _accountToKey = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <param name="overrides">Data Center user key → Cloud account id; the account need not be in <paramref name="cloudUsers"/>.</param>
        /// <exception cref="ArgumentException">A user key or account id is listed twice, or two overrides name one account.</exception>
        public UserMap(IEnumerable<DataCenterUser> dataCenterUsers, IEnumerable<CloudUser> cloudUsers,
            IReadOnlyDictionary<string, string>? overrides = null)
        {
            if (dataCenterUsers == null) throw new ArgumentNullException(nameof(dataCenterUsers));
            if (cloudUsers == null) throw new ArgumentNullException(nameof(cloudUsers));
            foreach (var u in dataCenterUsers)
            {
                if (u == null || string.IsNullOrEmpty(u.UserKey)) throw new ArgumentException("A Data Center user has no user key.", nameof(dataCenterUsers));
                if (_dcByKey.ContainsKey(u.UserKey)) throw new ArgumentException($"Data Center user key '{u.UserKey}' is listed twice.", nameof(dataCenterUsers));
                _dcByKey.Add(u.UserKey, u);
                if (!string.IsNullOrEmpty(u.Username)) _dcByUsername[u.Username!] = u;
            }
            foreach (var u in cloudUsers)
            {
                if (u == null || string.IsNullOrEmpty(u.AccountId)) throw new ArgumentException("A Cloud user has no account id.", nameof(cloudUsers));
                if (_cloudById.ContainsKey(u.AccountId)) throw new ArgumentException($"Cloud account id '{u.AccountId}' is listed twice.", nameof(cloudUsers));
                _cloudById.Add(u.AccountId, u);
            }

            if (overrides != null)
            {
                foreach (var pair in overrides.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (string.IsNullOrEmpty(pair.Key) || string.IsNullOrEmpty(pair.Value))
                        throw new ArgumentException("A user override has an empty user key or account id.", nameof(overrides));
                    if (_accountToKey.TryGetValue(pair.Value, out var other))
                        throw new ArgumentException($"User overrides map both '{other}' and '{pair.Key}' to Cloud account '{pair.Value}'.", nameof(overrides));
                    _keyToAccount.Add(pair.Key, pair.Value);
                    _accountToKey.Add(pair.Value, pair.Key);
                }
            }

            var cloudByEmail = UniqueByEmail(_cloudById.Values, u => u.Email);
            foreach (var byEmail in UniqueByEmail(_dcByKey.Values, u => u.Email))
            {
                var email = byEmail.Key;
                var dc = byEmail.Value;
                if (_keyToAccount.ContainsKey(dc.UserKey)) continue;
                if (!cloudByEmail.TryGetValue(email, out var cloud) || _accountToKey.ContainsKey(cloud.AccountId)) continue;
                _keyToAccount.Add(dc.UserKey, cloud.AccountId);
                _accountToKey.Add(cloud.AccountId, dc.UserKey);
            }
        }

        public UserMatch? ByDataCenterUserKey(string userKey)
        {
            if (userKey == null) throw new ArgumentNullException(nameof(userKey));
            _dcByKey.TryGetValue(userKey, out var user);
            var paired = _keyToAccount.TryGetValue(userKey, out var account);
            if (user == null && !paired) return null;
            return new UserMatch(paired ? account : null, user?.DisplayName ?? CloudName(account));
        }

        public UserMatch? ByDataCenterUsername(string username)
        {
            if (username == null) throw new ArgumentNullException(nameof(username));
            return _dcByUsername.TryGetValue(username, out var user) ? ByDataCenterUserKey(user.UserKey) : null;
        }

        public UserMatch? ByCloudAccountId(string accountId)
        {
            if (accountId == null) throw new ArgumentNullException(nameof(accountId));
            _cloudById.TryGetValue(accountId, out var user);
            var paired = _accountToKey.TryGetValue(accountId, out var key);
            if (user == null && !paired) return null;
            return new UserMatch(paired ? key : null, user?.DisplayName ?? DataCenterName(key));
        }

        private string? CloudName(string? accountId) =>
            accountId != null && _cloudById.TryGetValue(accountId, out var u) ? u.DisplayName : null;

        private string? DataCenterName(string? userKey) =>
            userKey != null && _dcByKey.TryGetValue(userKey, out var u) ? u.DisplayName : null;

        private static Dictionary<string, T> UniqueByEmail<T>(IEnumerable<T> users, Func<T, string?> email)
        {
            var result = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
            var clashing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var u in users)
            {
                var e = email(u)?.Trim();
                if (string.IsNullOrEmpty(e)) continue;
                if (result.ContainsKey(e!)) clashing.Add(e!);
                else result.Add(e!, u);
            }
            foreach (var e in clashing) result.Remove(e);
            return result;
        }
    }
}
