using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Content.Translation;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// Rewrites a storage body written on one site into the other site's dialect for the duration of one run (mentions,
    /// page-id links, space keys, Cloud-only markup). Page bodies and comment bodies both cross through it, so what a
    /// run learns about users and pages is looked up once.
    /// </summary>
    public interface IBodyTranslator
    {
        /// <summary>
        /// <paramref name="storageBody"/> as written on <paramref name="from"/>, in the dialect of the other site, with the
        /// warnings the crossing raised (people without an account there, Cloud-only markup dropped, missing macros).
        /// </summary>
        Task<TranslationResult> TranslateAsync(string storageBody, SyncSide from, CancellationToken cancellationToken);
    }
}
