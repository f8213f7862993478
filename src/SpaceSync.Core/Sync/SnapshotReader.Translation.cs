using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Content;
using SpaceSync.Core.Logging;

namespace SpaceSync.Core.Sync
{
    public static partial class SnapshotReader
    {
        /// <summary>
        /// The hash a body is compared by, the same for both sides: the hash of the body as Data Center holds it once it has
        /// crossed. A Cloud body is hashed as its translation to Data Center (account ids → user keys, the twin's page ids,
        /// Cloud-only markup as Data Center gets it); a Data Center body as its translation to Cloud and back (which spells
        /// legacy username mentions as user keys, and a person without a Cloud account as the name the copy shows). So a
        /// Data Center body and its Cloud copy hash alike by construction, a page that crossed and came back unedited is no
        /// change, and the same edit made on both sides compares equal. Without a translator (or for a body the parser
        /// refuses) it is <see cref="HashOf"/> of the body as read.
        /// </summary>
        public static async Task<string> CanonicalHashAsync(string body, SyncSide side, string pageId, IBodyTranslator? translator, EngineLog log,
            CancellationToken cancellationToken)
        {
            if (translator is null) return HashOf(body, side, pageId, log);
            var inDataCenterDialect = body;
            try
            {
                if (side == SyncSide.DataCenter)
                    inDataCenterDialect = (await translator.TranslateAsync(body, SyncSide.DataCenter, cancellationToken).ConfigureAwait(false)).Body;
                inDataCenterDialect = (await translator.TranslateAsync(inDataCenterDialect, SyncSide.Cloud, cancellationToken).ConfigureAwait(false)).Body;
            }
            catch (StorageFormatException)
            {
                inDataCenterDialect = body; // hashed raw, and logged, below
            }

            return HashOf(inDataCenterDialect, side, pageId, log);
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
