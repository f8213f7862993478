using SpaceSync.Core.Content;
using SpaceSync.Emulator;
using Xunit;

namespace SpaceSync.Core.Tests.Content;

/// <summary>
/// What a site holds after a body was written to it: Data Center stores the body as written; Cloud stores it converted
/// to its editor's format (local ids, table and macro attributes, attribute order, empty elements), which is the same
/// content as the product compares it (<see cref="ContentNormalizer"/>), never the same string.
/// </summary>
public static class StoredBody
{
    public static void AssertStored(EmulatorFlavor site, string written, string? stored)
    {
        if (site == EmulatorFlavor.DataCenter) Assert.Equal(written, stored);
        else AssertSameContent(written, stored);
    }

    public static void AssertSameContent(string expected, string? actual) =>
        Assert.Equal(ContentNormalizer.Normalize(expected), ContentNormalizer.Normalize(actual ?? throw new Xunit.Sdk.XunitException("No body.")));
}
