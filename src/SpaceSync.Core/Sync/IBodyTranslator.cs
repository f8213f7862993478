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

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// A translator that also crosses parsed bodies: the baseline hashes a body through a round trip of two or three
    /// crossings, and parsing is most of what a body costs, so the crossings share one parse. (Not on
    /// <see cref="IBodyTranslator"/> itself: netstandard2.0 has no default interface members for its other implementers.)
    /// </summary>
    internal interface INodeTranslator
    {
        /// <summary>
        /// The nodes as <see cref="IBodyTranslator.TranslateAsync"/> would translate their written form, in the shape a parse
        /// of its result gives; the same list when nothing changes. <paramref name="mentionsUsers"/>: whether the body the
        /// nodes came from names people (<see cref="RunTranslation.MentionsUsers"/>), so the user map is built as the
        /// string translation builds it.
        /// </summary>
        Task<System.Collections.Generic.IReadOnlyList<Content.StorageNode>> TranslateNodesAsync(
            System.Collections.Generic.IReadOnlyList<Content.StorageNode> nodes, bool mentionsUsers, SyncSide from, CancellationToken cancellationToken);
    }
}
