namespace SpaceSync.Emulator.Tests.Conformance;

/// <summary>Reads served-operations.txt: the operations the emulator serves, per flavour, one per line.</summary>
public static class ServedOperations
{
    public static IReadOnlyList<(string Flavor, OperationKey Operation)> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Conformance", "served-operations.txt");
        var result = new List<(string, OperationKey)>();
        var lineNumber = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0)
            {
                throw new FormatException($"served-operations.txt line {lineNumber}: '{raw}' is not '<flavour> <document> <METHOD> <path>'.");
            }

            var flavor = line[..space];
            _ = SiteVariant.For(flavor);
            result.Add((flavor, OperationKey.Parse(line[(space + 1)..].Trim())));
        }

        return result;
    }
}
