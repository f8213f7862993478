namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// The signed-in account. Cloud fills AccountId, Email, TimeZone; Data Center fills UserKey, UserName.
    /// </summary>
    public sealed record SiteUser
    {
        public string DisplayName { get; init; } = "";
        public string? AccountId { get; init; }
        public string? Email { get; init; }
        /// <summary>The user's time zone (Cloud): CQL lastmodified is evaluated in it.</summary>
        public string? TimeZone { get; init; }
        public string? UserKey { get; init; }
        public string? UserName { get; init; }

        /// <summary>The id the site uses for this user: accountId on Cloud, userKey on Data Center.</summary>
        public string Id => AccountId ?? UserKey ?? UserName ?? "";

        public override string ToString() =>
            AccountId != null ? $"{DisplayName} (accountId {AccountId})"
            : $"{DisplayName} ({UserName ?? "?"}, userKey {UserKey ?? "?"})";
    }

    /// <summary>A space as either site reports it. Ids are strings on both (Data Center's integer id is rendered).</summary>
    public sealed record SiteSpace
    {
        public string Id { get; init; } = "";
        public string Key { get; init; } = "";
        public string Name { get; init; } = "";
        public string? HomepageId { get; init; }
    }

    public enum WriteAccess
    {
        /// <summary>The account may create pages in the space.</summary>
        Allowed,
        /// <summary>The site says the account may not create pages.</summary>
        Denied,
        /// <summary>The permission could not be read (e.g. Data Center lets only space admins read permissions).</summary>
        Unknown,
    }

    public sealed record WriteAccessResult(WriteAccess Access, string Message);
}
