namespace SpaceSync.Emulator.Tests.Conformance;

/// <summary>One documented operation: document, upper-case method, path template exactly as the document spells it.</summary>
public sealed record OperationKey(ApiDocument Document, string Method, string PathTemplate)
{
    public override string ToString() => $"{ApiDocuments.ShortName(Document)} {Method} {PathTemplate}";

    /// <summary>Parses "cloud-v2 GET /pages/{id}" (the served-operations.txt line format).</summary>
    public static OperationKey Parse(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3)
        {
            throw new FormatException($"'{line}' is not '<document> <METHOD> <path template>'.");
        }

        return new OperationKey(ApiDocuments.FromShortName(parts[0]), parts[1].ToUpperInvariant(), parts[2]);
    }
}
