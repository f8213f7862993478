using System;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Sites
{
    /// <summary>
    /// One Confluence site (Cloud or Data Center) as SpaceSync uses it. Every call may throw
    /// <see cref="SiteException"/> and honours its cancellation token on every request it makes.
    /// </summary>
    public interface IConfluenceSite : IDisposable
    {
        SiteKind Kind { get; }

        /// <summary>The site URL as configured (Cloud: https://x.atlassian.net/wiki; DC with its context path).</summary>
        Uri BaseUrl { get; }

        SiteRequestCounters Counters { get; }

        /// <summary>Who the credentials sign in as. Throws SiteException Unauthorized when refused (or anonymous).</summary>
        Task<SiteUser> GetCurrentUserAsync(CancellationToken cancellationToken);

        /// <summary>The space with this key (Cloud: the Cloud key), or null when missing or invisible to the account.</summary>
        Task<SiteSpace?> FindSpaceAsync(string spaceKey, CancellationToken cancellationToken);

        /// <summary>Whether the user may create pages in the space.</summary>
        Task<WriteAccessResult> CheckWriteAccessAsync(SiteSpace space, SiteUser user, CancellationToken cancellationToken);
    }
}
