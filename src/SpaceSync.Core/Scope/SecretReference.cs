namespace SpaceSync.Core.Scope
{
    public enum SecretSource { Environment, Vault, Prompt }

    /// <summary>
    /// Where a credential lives — never the credential itself. `env:NAME`, `secret:VAULT/NAME`, `prompt`.
    /// </summary>
    public sealed record SecretReference(SecretSource Source, string? Name, string? Vault)
    {
        public override string ToString() => Source switch
        {
            SecretSource.Environment => "env:" + Name,
            SecretSource.Vault => "secret:" + Vault + "/" + Name,
            _ => "prompt",
        };
    }
}
