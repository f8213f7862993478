using System.Runtime.InteropServices;
using SpaceSync.Emulator;

// Command-line host: parse flags, start, print the one "Listening on" line, run until Ctrl+C or SIGTERM.
EmulatorOptions options;
try
{
    options = EmulatorOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("spacesync-emulator: " + e.Message);
    return 2;
}

await using var emulator = await EmulatorHost.StartAsync(options);
Console.Out.WriteLine("Listening on " + emulator.SiteUrl);
Console.Out.Flush();

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
{
    ctx.Cancel = true;
    stop.TrySetResult();
});
await stop.Task;
return 0;

/// <summary>Visible to WebApplicationFactory-style tests.</summary>
public partial class Program
{
}
