using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Emulator;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>An emulator of one flavour (DC under /confluence) with a seeded space, and a real site client signed in to it.</summary>
public sealed class EmulatedSite : IAsyncDisposable
{
    public const string SpaceKey = "ENG";

    private EmulatedSite(RunningEmulator emulator, IConfluenceSite client)
    {
        Emulator = emulator;
        Client = client;
    }

    public RunningEmulator Emulator { get; }
    public EmulatorState State => Emulator.State;
    public IConfluenceSite Client { get; }
    public SiteSpace Space { get; private set; } = new();

    public static async Task<EmulatedSite> StartAsync(EmulatorFlavor flavor, int pageCount, string adminTimeZone = "Europe/Berlin",
        string serverTimeZone = "Europe/Berlin")
    {
        var emulator = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            Flavor = flavor,
            ContextPath = flavor == EmulatorFlavor.DataCenter ? "/confluence" : "",
            AdminTimeZone = adminTimeZone,
            ServerTimeZone = serverTimeZone,
        });
        Seeder.Seed(emulator.State, SpaceKey, pageCount, seed: 1);
        var cloud = flavor == EmulatorFlavor.Cloud;
        var settings = new SiteSettings
        {
            Kind = cloud ? SiteKind.Cloud : SiteKind.DataCenter,
            Url = emulator.BaseUrl,
            Auth = cloud
                ? new AuthSettings { Type = AuthType.Basic, User = "admin@example.com", Token = new SecretReference(SecretSource.Environment, "SPACESYNC_CLOUD_TOKEN", null) }
                : new AuthSettings { Type = AuthType.Bearer, Token = new SecretReference(SecretSource.Environment, "SPACESYNC_DC_TOKEN", null) },
        };
        var credential = cloud ? SiteCredential.Basic("admin@example.com", "emulator-token") : SiteCredential.Bearer("emulator-pat");
        var client = SiteClientFactory.Create(settings, credential, new SiteClientOptions { MaxAttempts = 2 });
        var site = new EmulatedSite(emulator, client);
        site.Space = await client.FindSpaceAsync(SpaceKey, CancellationToken.None) ?? throw new InvalidOperationException("The seeded space is missing.");
        return site;
    }

    /// <summary>Current pages of the seeded space as the store has them (the truth to compare with).</summary>
    public List<Page> StorePages(bool includeTrashed = false) =>
        State.GetPages(SpaceKey).Where(p => !p.IsBlogPost && (includeTrashed || p.Status == "current")).ToList();

    public Page StorePage(string id) => State.FindPage(long.Parse(id)) ?? throw new InvalidOperationException($"No page {id} in the store.");

    /// <summary>A seeded page below the homepage that nobody but the admin is restricted to, and that has no children.</summary>
    public Page LeafPage(int skip = 0) =>
        StorePages().Where(p => p.Id != Space_HomepageId && p.ParentId != null && p.Restrictions.Count == 0 &&
                                StorePages().All(c => c.ParentId != p.Id))
            .Skip(skip).First();

    private long Space_HomepageId => long.Parse(Space.HomepageId!);

    /// <summary>
    /// The site's search index takes in every write made so far, as the emulator's index lag would a few seconds on
    /// (tests of what a search answers once it has caught up; the lag itself is tested apart).
    /// </summary>
    public void SearchCaughtUp() => State.IndexEverythingQueued();

    /// <summary>Makes the store stamp the next changes at <paramref name="when"/> (for edits "a minute ago").</summary>
    public IDisposable StoreClockAt(DateTimeOffset when)
    {
        var previous = State.Clock;
        State.Clock = new FixedClock(when);
        return new Restore(() => State.Clock = previous);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class Restore(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
