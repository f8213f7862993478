using System.Net.Http;
using System.Threading.Tasks;

namespace SpaceSync.Core.Http
{
    /// <summary>Whether a request's body can be sent a second time, and making small bodies so.</summary>
    internal static class RequestReplay
    {
        /// <summary>Bodies up to this size are buffered so that a retry can resend them.</summary>
        public const long MaxBufferedBody = 4 * 1024 * 1024;

        /// <summary>
        /// True when the body can be sent again: none; a byte array (string/JSON/form); a body of known
        /// length (HttpContent only knows the length of a stream when the stream is seekable, and
        /// StreamContent rewinds seekable streams itself); multipart of such parts. Small bodies of
        /// known length are buffered first so that nothing has to be rewound.
        /// </summary>
        public static async Task<bool> PrepareAsync(HttpContent? content)
        {
            if (content is null || content is ByteArrayContent)
            {
                return true;
            }

            if (content is MultipartContent multipart)
            {
                foreach (var part in multipart)
                {
                    if (!await PrepareAsync(part).ConfigureAwait(false))
                    {
                        return false;
                    }
                }

                return true;
            }

            var length = content.Headers.ContentLength;
            if (length is null)
            {
                return false;
            }

            if (length.Value <= MaxBufferedBody)
            {
                await content.LoadIntoBufferAsync().ConfigureAwait(false);
            }

            return true;
        }
    }
}
