namespace SpaceSync.Emulator.Tests.Conformance;

/// <summary>
/// The ways a site is served: a Cloud site (/wiki), a Data Center site at the root, a Data Center site below a
/// context path. Each served Data Center operation must be exercised in both Data Center variants, since every
/// URL the emulator builds (links, paging) depends on the context.
/// </summary>
public static class SiteVariant
{
    public const string Cloud = "cloud";
    public const string DataCenterRoot = "datacenter";
    public const string DataCenterContext = "datacenter-context";

    public static string Of(EmulatorFlavor flavor, Uri siteBase) =>
        flavor == EmulatorFlavor.Cloud ? Cloud
        : siteBase.AbsolutePath.Trim('/').Length == 0 ? DataCenterRoot
        : DataCenterContext;

    public static IReadOnlyList<string> For(string flavorName) => flavorName switch
    {
        "cloud" => new[] { Cloud },
        "datacenter" => new[] { DataCenterRoot, DataCenterContext },
        _ => throw new ArgumentException($"Unknown flavour '{flavorName}' (cloud, datacenter).", nameof(flavorName)),
    };
}
