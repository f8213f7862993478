using System;
using System.Text.RegularExpressions;

namespace SpaceSync.Core.Scope
{
    public enum SecretSource { Environment, Vault, Prompt }

    /// <summary>How a token text reads: a usable reference, a reference written wrongly, or a secret itself.</summary>
    public enum SecretReferenceKind { Valid, Malformed, PlainText }

    /// <summary>
    /// Where a credential lives — never the credential itself. `env:NAME`, `secret:VAULT/NAME`, `prompt`.
    /// `secret:NAME` (no vault) is also accepted: SecretManagement then searches the default vault first.
    /// </summary>
    public sealed record SecretReference(SecretSource Source, string? Name, string? Vault)
    {
        // Portable environment variable names: what every shell and runbook can set.
        private static readonly Regex EnvironmentName = new Regex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

        public override string ToString() => Source switch
        {
            SecretSource.Environment => "env:" + Name,
            SecretSource.Vault => Vault == null ? "secret:" + Name : "secret:" + Vault + "/" + Name,
            _ => "prompt",
        };

        /// <summary>Parses a token reference; the exception message never contains the text.</summary>
        /// <exception cref="FormatException">The text is not a valid reference.</exception>
        public static SecretReference Parse(string text)
        {
            var kind = Classify(text, out var reference, out var problem);
            return kind == SecretReferenceKind.Valid
                ? reference!
                : throw new FormatException(problem);
        }

        public static bool TryParse(string? text, out SecretReference? reference) =>
            Classify(text, out reference, out _) == SecretReferenceKind.Valid;

        /// <summary>
        /// Tells a valid reference from a malformed one (it starts like a reference: fix the spelling)
        /// and from plain text (it is probably the secret itself: remove it). <paramref name="problem"/>
        /// explains what was expected and never repeats the text.
        /// </summary>
        public static SecretReferenceKind Classify(string? text, out SecretReference? reference, out string? problem)
        {
            reference = null;
            problem = null;
            var value = (text ?? "").Trim();
            const string expected = "env:NAME, secret:VAULT/NAME or prompt";

            if (value.Length == 0)
            {
                problem = "is empty; expected " + expected + ".";
                return SecretReferenceKind.Malformed;
            }

            if (value == "prompt")
            {
                reference = new SecretReference(SecretSource.Prompt, null, null);
                return SecretReferenceKind.Valid;
            }

            if (string.Equals(value, "prompt", StringComparison.OrdinalIgnoreCase) ||
                value.StartsWith("prompt:", StringComparison.OrdinalIgnoreCase))
            {
                problem = "must be written exactly 'prompt' (lower case, nothing after it) to ask for the token at run time.";
                return SecretReferenceKind.Malformed;
            }

            if (value.StartsWith("$env:", StringComparison.OrdinalIgnoreCase) ||
                value.StartsWith("${", StringComparison.Ordinal) ||
                (value.StartsWith("%", StringComparison.Ordinal) && value.EndsWith("%", StringComparison.Ordinal) && value.Length > 2))
            {
                problem = "names an environment variable in shell syntax; write env:NAME (no '$', braces or '%').";
                return SecretReferenceKind.Malformed;
            }

            if (HasPrefix(value, "env"))
            {
                if (!value.StartsWith("env:", StringComparison.Ordinal))
                {
                    problem = "must start with 'env:' in lower case.";
                    return SecretReferenceKind.Malformed;
                }

                var name = value.Substring(4);
                if (!EnvironmentName.IsMatch(name))
                {
                    problem = "needs an environment variable name after 'env:' made of letters, digits and '_' (not starting with a digit), e.g. env:SPACESYNC_CLOUD_TOKEN.";
                    return SecretReferenceKind.Malformed;
                }

                reference = new SecretReference(SecretSource.Environment, name, null);
                return SecretReferenceKind.Valid;
            }

            if (HasPrefix(value, "secret"))
            {
                if (!value.StartsWith("secret:", StringComparison.Ordinal))
                {
                    problem = "must start with 'secret:' in lower case.";
                    return SecretReferenceKind.Malformed;
                }

                var rest = value.Substring(7);
                var slash = rest.IndexOf('/');
                var vault = slash < 0 ? null : rest.Substring(0, slash).Trim();
                var name = (slash < 0 ? rest : rest.Substring(slash + 1)).Trim();
                if (name.Length == 0 || (vault != null && vault.Length == 0))
                {
                    problem = "needs a SecretManagement vault and secret name: secret:VAULT/NAME (or secret:NAME for the default vault).";
                    return SecretReferenceKind.Malformed;
                }

                reference = new SecretReference(SecretSource.Vault, name, vault);
                return SecretReferenceKind.Valid;
            }

            problem = "holds what looks like the secret itself; the scope file may only say where the token lives: " + expected + ".";
            return SecretReferenceKind.PlainText;
        }

        /// <summary>"env:", "ENV:", "env :" or bare "env": someone meant a reference.</summary>
        private static bool HasPrefix(string value, string word)
        {
            if (!value.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            var rest = value.Substring(word.Length).TrimStart();
            return rest.Length == 0 || rest[0] == ':';
        }
    }
}
