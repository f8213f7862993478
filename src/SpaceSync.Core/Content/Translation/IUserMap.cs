namespace SpaceSync.Core.Content.Translation
{
    /// <summary>
    /// What a lookup knows about a mentioned person: <see cref="CounterpartId"/> is their id on the other site
    /// (Cloud account id for a Data Center user, Data Center user key for a Cloud account), null when the person
    /// is known but has no counterpart; <see cref="DisplayName"/> is what a mention that cannot cross becomes.
    /// </summary>
    public sealed record UserMatch(string? CounterpartId, string? DisplayName);

    /// <summary>
    /// Pairs users across the sites for mentions. Each method returns null when the id is unknown altogether.
    /// The pairing must be one-to-one (a user key and an account id belong to each other both ways), or a page
    /// that crosses and comes back would not be the page that left. <see cref="UserMap"/> is the in-memory
    /// implementation: e-mail matching with per-user overrides.
    /// </summary>
    public interface IUserMap
    {
        /// <summary>A Data Center user key (<c>ri:userkey</c>) to the Cloud account id.</summary>
        UserMatch? ByDataCenterUserKey(string userKey);

        /// <summary>A Data Center username (<c>ri:username</c>, older content) to the Cloud account id.</summary>
        UserMatch? ByDataCenterUsername(string username);

        /// <summary>A Cloud account id (<c>ri:account-id</c>) to the Data Center user key.</summary>
        UserMatch? ByCloudAccountId(string accountId);
    }
}
