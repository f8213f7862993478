using System.Globalization;

namespace SpaceSync.Benchmarks;

/// <summary>The command line: <c>[--pages N] [--json PATH]</c>.</summary>
public sealed record BenchmarkOptions
{
    public const int DefaultPages = 1000;

    public int Pages { get; init; } = DefaultPages;
    public string? JsonPath { get; init; }
    public bool Help { get; init; }

    public const string Usage =
        "SpaceSync.Benchmarks [--pages N] [--json PATH]\n" +
        "  --pages N    pages below the home page of the seeded Data Center space (default 1000)\n" +
        "  --json PATH  also write the figures as JSON to PATH";

    /// <exception cref="ArgumentException">An unknown option or a bad value, with what was wrong.</exception>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            switch (arg)
            {
                case "--pages":
                    var text = Value();
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pages) || pages < 20)
                        throw new ArgumentException($"--pages must be a whole number of at least 20 (the 10-change run edits 10 distinct leaves); got '{text}'.");
                    options = options with { Pages = pages };
                    break;
                case "--json":
                    options = options with { JsonPath = Value() };
                    break;
                case "-h" or "--help" or "-?":
                    options = options with { Help = true };
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{arg}'.");
            }
        }
        return options;
    }
}
