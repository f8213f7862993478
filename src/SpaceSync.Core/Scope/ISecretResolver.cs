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
        Task<ResolvedSecret> ResolveAsync(SecretReference reference, SiteKind site, CancellationToken cancellationToken);
    }

    /// <summary>
    /// A secret as the host's store gave it, with the account the store keeps beside it when it keeps one (a vault's
    /// PSCredential, a prompt's user name): Basic auth signs in as that account where the scope file names none.
    /// </summary>
    public sealed class ResolvedSecret
    {
        public ResolvedSecret(string secret, string? user = null)
        {
            Secret = secret;
            User = string.IsNullOrWhiteSpace(user) ? null : user;
        }

        public string Secret { get; }

        public string? User { get; }

        /// <summary>Never the secret.</summary>
        public override string ToString() => User is null ? "(secret hidden)" : $"{User} (secret hidden)";
    }
}
