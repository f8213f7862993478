using System.Collections.Concurrent;

namespace SpaceSync.Emulator.Tests.Conformance;

/// <summary>
/// Every (site variant, operation) that a <see cref="ConformanceClient"/> has checked successfully in this test run;
/// read by <see cref="ServedOperationsCoverageTests"/>, which runs after all other test collections.
/// </summary>
public static class ExercisedOperations
{
    private static readonly ConcurrentDictionary<(string Variant, OperationKey Operation), byte> Seen = new();

    public static void Record(string variant, OperationKey operation) => Seen.TryAdd((variant, operation), 0);

    public static IReadOnlyCollection<(string Variant, OperationKey Operation)> Snapshot() => Seen.Keys.ToList();
}
