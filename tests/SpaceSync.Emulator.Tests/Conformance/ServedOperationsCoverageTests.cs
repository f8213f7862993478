using Xunit;
using Xunit.Abstractions;

[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: TestCollectionOrderer("SpaceSync.Emulator.Tests.Conformance.CoverageLastOrderer", "SpaceSync.Emulator.Tests")]

namespace SpaceSync.Emulator.Tests.Conformance;

/// <summary>
/// The list in served-operations.txt and the conformance tests must agree: a served operation that no test checked
/// (in every site variant of its flavour) fails here, and so does a checked operation missing from the list.
/// Runs last (see <see cref="CoverageLastOrderer"/>), after every conformance test of this run.
/// </summary>
[Collection(CollectionName)]
public sealed class ServedOperationsCoverageTests
{
    public const string CollectionName = "Served operations coverage (runs last)";

    [Fact]
    public void Every_served_operation_was_checked_by_a_conformance_test_and_every_checked_one_is_listed()
    {
        var served = ServedOperations.Load();
        var exercised = ExercisedOperations.Snapshot();
        if (served.Count > 0 && exercised.Count == 0)
        {
            Assert.Fail("No conformance test ran in this process: run the whole test project, not this test alone.");
        }

        var expected = served
            .SelectMany(s => SiteVariant.For(s.Flavor).Select(v => (Variant: v, s.Operation)))
            .ToHashSet();
        var missing = expected.Except(exercised).Select(m => $"  {m.Variant,-20} {m.Operation}").OrderBy(x => x, StringComparer.Ordinal).ToList();
        var unlisted = exercised.Except(expected).Select(m => $"  {m.Variant,-20} {m.Operation}").OrderBy(x => x, StringComparer.Ordinal).ToList();

        var problems = new List<string>();
        if (missing.Count > 0)
        {
            problems.Add("Served but not checked by any conformance test (write one):" + Environment.NewLine + string.Join(Environment.NewLine, missing));
        }

        if (unlisted.Count > 0)
        {
            problems.Add("Checked but missing from Conformance/served-operations.txt (add the line):" + Environment.NewLine + string.Join(Environment.NewLine, unlisted));
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}

/// <summary>Runs the coverage collection after all others (test parallelization is off for this assembly).</summary>
public sealed class CoverageLastOrderer : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections
            .OrderBy(c => c.DisplayName == ServedOperationsCoverageTests.CollectionName ? 1 : 0)
            .ThenBy(c => c.DisplayName, StringComparer.Ordinal);
}
