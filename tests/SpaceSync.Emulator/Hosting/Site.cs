namespace SpaceSync.Emulator;

/// <summary>Per-instance facts endpoints need to render links and times.</summary>
internal sealed class Site
{
    public Site(EmulatorOptions options)
    {
        Flavor = options.Flavor;
        ContextPath = options.Flavor == EmulatorFlavor.DataCenter ? options.ContextPath : "";
        ServerZone = TimeZones.Find(options.ServerTimeZone);
        EchoAuthorization = options.EchoAuthorization;
    }

    /// <summary>Error bodies quote the request's Authorization header (<see cref="EmulatorOptions.EchoAuthorization"/>).</summary>
    public bool EchoAuthorization { get; }

    public EmulatorFlavor Flavor { get; }

    /// <summary>DC servlet context ("" or "/confluence"); Cloud always "".</summary>
    public string ContextPath { get; }

    public TimeZoneInfo ServerZone { get; }

    public bool IsCloud => Flavor == EmulatorFlavor.Cloud;
}
