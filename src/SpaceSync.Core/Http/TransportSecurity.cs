using System;
using System.Net;
using System.Runtime.InteropServices;

namespace SpaceSync.Core.Http
{
    /// <summary>
    /// TLS 1.2 for the module's requests on .NET Framework. Windows PowerShell 5.1 (powershell.exe) does not target
    /// .NET Framework 4.7+, so unless the machine's registry says otherwise its requests offer only SSL 3 and TLS 1.0,
    /// which Atlassian Cloud and most Data Center proxies refuse. The setting is process-wide on .NET Framework; it is
    /// only ever widened, and left alone when it already lets the operating system choose (which includes TLS 1.2 and
    /// 1.3). .NET (PowerShell 7) does not read it: its handlers let the operating system choose.
    /// </summary>
    internal static class TransportSecurity
    {
        // Not named in netstandard2.0's enum, which predates them.
        private const SecurityProtocolType SystemDefault = 0;

        public static void EnsureTls12()
        {
            if (!RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
            {
                return;
            }

            ServicePointManager.SecurityProtocol = Widened(ServicePointManager.SecurityProtocol);
        }

        /// <summary>The protocols to allow, given those allowed now: TLS 1.2 added unless the OS already chooses.</summary>
        internal static SecurityProtocolType Widened(SecurityProtocolType current) =>
            current == SystemDefault ? current : current | SecurityProtocolType.Tls12;
    }
}
