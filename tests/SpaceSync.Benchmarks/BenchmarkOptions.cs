using System.Globalization;
using SpaceSync.Emulator.Seeding;

namespace SpaceSync.Benchmarks;

/// <summary>The command line: <c>[--pages N] [--bodies real|small] [--latency-ms MS] [--seed S] [--json PATH]</c>.</summary>
public sealed record BenchmarkOptions
{
    public const int DefaultPages = 1000;
    public const int DefaultLatencyMs = 20;

    public int Pages { get; init; } = DefaultPages;
    public string? JsonPath { get; init; }
    /// <summary>Real-sized bodies by default: the goals are stated for them.</summary>
    public SeedBodies Bodies { get; init; } = SeedBodies.Real;
    /// <summary>Delay the emulators add to every API request (not to the set-up); the figures are at 20 ms.</summary>
    public int LatencyMs { get; init; } = DefaultLatencyMs;
    public int Seed { get; init; } = 1;
    /// <summary>Internal: run as the emulators' process (see <see cref="EmulatorServer"/>).</summary>
    public bool ServeEmulators { get; init; }
    public bool Help { get; init; }

    public const string Usage =
        "SpaceSync.Benchmarks [--pages N] [--bodies real|small] [--latency-ms MS] [--seed S] [--json PATH]\n" +
        "  --pages N         pages below the home page of the seeded Data Center space (default 1000)\n" +
        "  --bodies KIND     real: median ~12 KB, tail to 300 KB, tables and macros (default); small: a few hundred bytes\n" +
        "  --latency-ms MS   delay the emulators add to each API request (default 20; 0 = none)\n" +
        "  --seed S          seed of the generated space (default 1)\n" +
        "  --json PATH       also write the figures and goals as JSON to PATH";

    /// <exception cref="ArgumentException">An unknown option or a bad value, with what was wrong.</exception>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            int Number(int min, string what)
            {
                var text = Value();
                if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n < min)
                    throw new ArgumentException($"{arg} must be a whole number of at least {min}{what}; got '{text}'.");
                return n;
            }
            switch (arg)
            {
                case "--pages":
                    options = options with { Pages = Number(20, " (the 10-change run edits 10 distinct leaves)") };
                    break;
                case "--bodies":
                    var kind = Value();
                    options = options with
                    {
                        Bodies = kind.ToLowerInvariant() switch
                        {
                            "real" => SeedBodies.Real,
                            "small" => SeedBodies.Small,
                            _ => throw new ArgumentException($"--bodies must be 'real' or 'small'; got '{kind}'."),
                        },
                    };
                    break;
                case "--latency-ms":
                    options = options with { LatencyMs = Number(0, "") };
                    break;
                case "--seed":
                    options = options with { Seed = Number(int.MinValue, "") };
                    break;
                case "--json":
                    options = options with { JsonPath = Value() };
                    break;
                case EmulatorServer.Mode:
                    options = options with { ServeEmulators = true };
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

    /// <summary>The arguments that make the emulators' process seed the same space.</summary>
    public IEnumerable<string> ServerArguments() => new[]
    {
        EmulatorServer.Mode, "--pages", Pages.ToString(CultureInfo.InvariantCulture), "--bodies", Bodies.ToString().ToLowerInvariant(),
        "--latency-ms", LatencyMs.ToString(CultureInfo.InvariantCulture), "--seed", Seed.ToString(CultureInfo.InvariantCulture),
    };
}
