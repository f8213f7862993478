using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Scope
{
    /// <summary>
    /// Turns a SecretReference into the secret. The host provides it: the PowerShell layer
    /// resolves vault secrets through SecretManagement and prompts through the PS host.
    /// Implementations must never log the value.
    /// </summary>
    public interface ISecretResolver
    {
        Task<string> ResolveAsync(SecretReference reference, SiteKind site, CancellationToken cancellationToken);
    }
}
