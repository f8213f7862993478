using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Content;
using SpaceSync.Core.Logging;

namespace SpaceSync.Core.Sync
{
    public static partial class SnapshotReader
    {
        /// <summary>
        /// The hash a body is compared by, the same for both sides: the hash of the body in the Data Center dialect as it
        /// stands after a crossing to Cloud and back. A Cloud body is first translated to Data Center (account ids → user keys,
        /// the twin's page ids, Cloud-only markup as Data Center gets it). The round trip spells what both dialects can hold
        /// one way (legacy username mentions as user keys; a person without a Cloud account as the name the copy shows), so a
        /// Data Center body and its Cloud copy hash alike by construction — also when a copy kept Data Center markup — a page
        /// that crossed and came back unedited is no change, and the same edit made on both sides compares equal. Without a
        /// translator (or for a body the parser refuses) it is <see cref="HashOf"/> of the body as read.
        /// </summary>
        public static async Task<string> CanonicalHashAsync(string body, SyncSide side, string pageId, IBodyTranslator? translator, EngineLog log,
            CancellationToken cancellationToken) =>
            HashOf(await CanonicalBodyAsync(body, side, translator, cancellationToken).ConfigureAwait(false), side, pageId, log);

        /// <summary>
        /// The body in the form <see cref="CanonicalHashAsync"/> hashes (Data Center dialect after a crossing to Cloud and back);
        /// as read when there is no translator or the parser refuses it. Three-way merges compare blocks in this form, so a
        /// block that only crossed is never taken for an edit.
        /// </summary>
        public static async Task<string> CanonicalBodyAsync(string body, SyncSide side, IBodyTranslator? translator, CancellationToken cancellationToken)
        {
            if (translator is null) return body;
            var canonical = body;
            try
            {
                if (side == SyncSide.Cloud) canonical = await TranslatedAsync(canonical, SyncSide.Cloud).ConfigureAwait(false);
                canonical = await TranslatedAsync(canonical, SyncSide.DataCenter).ConfigureAwait(false);
                return await TranslatedAsync(canonical, SyncSide.Cloud).ConfigureAwait(false);
            }
            catch (StorageFormatException)
            {
                return body; // hashed raw (and logged) by HashOf
            }

            async Task<string> TranslatedAsync(string text, SyncSide from) =>
                (await translator.TranslateAsync(text, from, cancellationToken).ConfigureAwait(false)).Body;
        }

        /// <summary>
        /// <see cref="CanonicalHashAsync"/> of a body and, when <paramref name="withBase"/>, <see cref="NormalizedOrRaw"/> of it
        /// (a Data Center body is stored as a pair's base), from one parse: with a translator that crosses parsed bodies
        /// (<see cref="INodeTranslator"/>) the round trip's crossings share the parse, and the normalized tree is written once
        /// when the round trip changed nothing. Same results as the two calls; another translator takes that path. A body the
        /// parser refuses is hashed raw (and logged) by <see cref="HashOf"/>, and is its own base.
        /// </summary>
        internal static async Task<(string Hash, string? Base)> DigestAsync(string body, SyncSide side, string pageId, IBodyTranslator? translator,
            bool withBase, EngineLog log, CancellationToken cancellationToken)
        {
            if (translator != null && !(translator is INodeTranslator))
            {
                var hash = await CanonicalHashAsync(body, side, pageId, translator, log, cancellationToken).ConfigureAwait(false);
                return (hash, withBase ? NormalizedOrRaw(body) : null);
            }

            var input = DigestInput.Parse(body);
            if (input.Parsed is null) return RefusedDigest(input, side, pageId, withBase, log);
            var canonical = await CrossForDigestAsync(input, side, translator as INodeTranslator, cancellationToken).ConfigureAwait(false);
            return FinishDigest(input, canonical, withBase);
        }

        /// <summary>
        /// A body parsed for <see cref="DigestAsync"/>. Parsing needs nothing but the body (no translator, no log, no shared
        /// state), so it may run on any thread: a baseline parses the next pair's bodies on a worker while this pair crosses.
        /// </summary>
        internal sealed class DigestInput
        {
            private DigestInput(string body, StorageDocument? parsed, bool mentionsUsers)
            {
                Body = body;
                Parsed = parsed;
                MentionsUsers = mentionsUsers;
            }

            public string Body { get; }

            /// <summary>Null when the parser refused the body (see <see cref="RefusedDigest"/>).</summary>
            public StorageDocument? Parsed { get; }

            public bool MentionsUsers { get; }

            public static DigestInput Parse(string body)
            {
                try
                {
                    return new DigestInput(body, StorageDocument.Parse(body), RunTranslation.MentionsUsers(body));
                }
                catch (StorageFormatException)
                {
                    return new DigestInput(body, null, false);
                }
            }
        }

        /// <summary>A refused body's digest: hashed raw and logged by <see cref="HashOf"/> (so on the caller's flow), its own base.</summary>
        internal static (string Hash, string? Base) RefusedDigest(DigestInput input, SyncSide side, string pageId, bool withBase, EngineLog log) =>
            (HashOf(input.Body, side, pageId, log), withBase ? input.Body : null);

        /// <summary>
        /// The round trip of <see cref="CanonicalBodyAsync"/> on a parsed body (none without a node translator). This is the part
        /// of a digest that uses the translator (its user map, its page lookups): it runs where the translator's one caller is.
        /// </summary>
        internal static async Task<IReadOnlyList<StorageNode>> CrossForDigestAsync(DigestInput input, SyncSide side, INodeTranslator? nodes,
            CancellationToken cancellationToken)
        {
            var canonical = input.Parsed!.Nodes;
            if (nodes is null) return canonical;
            if (side == SyncSide.Cloud)
                canonical = await nodes.TranslateNodesAsync(canonical, input.MentionsUsers, SyncSide.Cloud, cancellationToken).ConfigureAwait(false);
            canonical = await nodes.TranslateNodesAsync(canonical, input.MentionsUsers, SyncSide.DataCenter, cancellationToken).ConfigureAwait(false);
            return await nodes.TranslateNodesAsync(canonical, input.MentionsUsers, SyncSide.Cloud, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The hash of the crossed tree and, when <paramref name="withBase"/>, the normalized body as parsed (the crossed tree's
        /// text when the round trip changed nothing). Pure (trees are immutable): may run on any thread.
        /// </summary>
        internal static (string Hash, string? Base) FinishDigest(DigestInput input, IReadOnlyList<StorageNode> canonical, bool withBase)
        {
            var parsed = input.Parsed!;
            var normalized = ContentNormalizer.Canonicalize(new StorageDocument(canonical)).ToStorageFormat();
            string? baseBody = null;
            if (withBase)
                baseBody = ReferenceEquals(canonical, parsed.Nodes) ? normalized : ContentNormalizer.Canonicalize(parsed).ToStorageFormat();
            return (ContentHash.Of(normalized), baseBody);
        }

        /// <summary>
        /// The body as Data Center holds it: the dialect a pair's base body is stored in. A body the parser refuses cannot be
        /// translated and is returned as it is (its hash is then the raw one, see <see cref="HashOf"/>).
        /// </summary>
        public static async Task<string> DataCenterDialectAsync(string body, SyncSide side, IBodyTranslator? translator, CancellationToken cancellationToken)
        {
            if (translator is null || side == SyncSide.DataCenter) return body;
            try
            {
                return (await translator.TranslateAsync(body, SyncSide.Cloud, cancellationToken).ConfigureAwait(false)).Body;
            }
            catch (StorageFormatException)
            {
                return body;
            }
        }
    }
}
