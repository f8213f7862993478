using System.Globalization;

namespace SpaceSync.Emulator;

/// <summary>Which Confluence product the emulator impersonates.</summary>
public enum EmulatorFlavor { Cloud, DataCenter }

/// <summary>Start-up settings of one emulator instance (flags of Program, or built in-process by tests).</summary>
public sealed class EmulatorOptions
{
    public EmulatorFlavor Flavor { get; set; } = EmulatorFlavor.Cloud;

    /// <summary>Kestrel listen address; port 0 picks a free port.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:0";

    /// <summary>Data Center only: the servlet context such as "/confluence" ("" = served at the root).</summary>
    public string ContextPath { get; set; } = "";

    /// <summary>Key of a space to create and fill at start, or null to start empty.</summary>
    public string? SeedSpace { get; set; }

    public int SeedPages { get; set; }

    /// <summary>
    /// Whether the seeded space has inline comments too (markers in page bodies, as real spaces have). Default on; flag
    /// --no-seed-inline-comments turns them off, only for a test about something else.
    /// </summary>
    public bool SeedInlineComments { get; set; } = true;

    /// <summary>
    /// Cloud only: whether seeding files a few pages into folders and below a whiteboard (see Seeder.Seed), as real Cloud
    /// spaces have them. On by default; --seed-no-folders seeds a tree of pages only, for a test about something else.
    /// </summary>
    public bool SeedFolders { get; set; } = true;

    /// <summary>Size of seeded page bodies: small (default) or real (median ~12 KB, tail to 300 KB). Flag --seed-bodies.</summary>
    public Seeding.SeedBodies SeedBodies { get; set; } = Seeding.SeedBodies.Small;

    /// <summary>Drives seeded content and fault randomness, so runs reproduce.</summary>
    public int Seed { get; set; } = 1;

    public int LatencyMs { get; set; }

    /// <summary>Requests allowed per window; 0 = no rate limit.</summary>
    public int RateLimit { get; set; }

    public int RateLimitWindowSeconds { get; set; } = 1;

    /// <summary>What a refused request carries: retryAfter (default), resetOnly or none (see <see cref="Faults.RateLimitSettings.Signal"/>).</summary>
    public string RateLimitSignal { get; set; } = Faults.RateLimitSettings.SignalRetryAfter;

    /// <summary>Above 0: a refusal opens a penalty of this many seconds and asks for it (a long Retry-After); 0 = the rest of the window.</summary>
    public int RateLimitRetryAfterSeconds { get; set; }

    /// <summary>Cloud: X-RateLimit-NearLimit: true while fewer than this percentage of the window remains; 0 = never.</summary>
    public double NearLimitPercent { get; set; } = 20;

    /// <summary>Percentage (0-100) of API requests answered 503 (+ Retry-After, see <see cref="FailRetryAfterSeconds"/>).</summary>
    public double FailPercent { get; set; }

    /// <summary>Retry-After (seconds) on the injected 503s; 0 = none.</summary>
    public int FailRetryAfterSeconds { get; set; } = 1;

    /// <summary>Percentage (0-100) of API requests whose connection is aborted without an answer.</summary>
    public double DropPercent { get; set; }

    /// <summary>Percentage (0-100) of API requests that take effect but whose answer is lost (aborted afterwards).</summary>
    public double DropAfterPercent { get; set; }

    /// <summary>Largest attachment upload accepted, in bytes (413 above it); 0 = no limit.</summary>
    public long MaxAttachmentBytes { get; set; }

    /// <summary>
    /// Cloud only: serve attachment bytes from the legacy servlet /wiki/download/attachments/... to API-token Basic auth,
    /// as Cloud did before Atlassian deprecated it for API use. Off by default: the servlet answers 401, as real Cloud
    /// does, and bytes come from the REST download's redirect to the media host. Only for a test about something else
    /// that reads files the old way.
    /// </summary>
    public bool CloudDownloadServlet { get; set; }

    /// <summary>
    /// Cloud only: how long the token in a REST download's redirect stays valid. Real media links carry a JWT valid for
    /// about an hour at most (exp − nbf of 48 to 56 minutes in links seen in the wild); the default is the shortest seen.
    /// </summary>
    public TimeSpan MediaTokenLifetime { get; set; } = TimeSpan.FromMinutes(48);

    /// <summary>
    /// Cloud only: store page and blog-post bodies converted as Cloud's editor does (default true, the real behaviour).
    /// <c>--body-rewrite off</c> stores them as written, for a test about something else.
    /// </summary>
    public bool CloudBodyRewrite { get; set; } = true;

    /// <summary>
    /// Cloud only: what a page or blog-post write is refused for with 400 "Content body cannot be converted to new editor
    /// format" (<c>--refuse-constructs "table table;macro:section"</c>, <c>none</c> = nothing). Default: a table inside a table.
    /// </summary>
    public IReadOnlyList<string> CloudRefusedConstructs { get; set; } = Cloud.CloudEditorConversion.DefaultRefusedConstructs;

    /// <summary>
    /// A hostile-server simulation, off by default because real Confluence never does it: every error body (401, 403, 404,
    /// 409, 429, 5xx, in each API's shape) quotes the request's Authorization header as received, as a misbehaving proxy
    /// or debug build may. The client must not repeat it anywhere. Flag --echo-authorization.
    /// </summary>
    public bool EchoAuthorization { get; set; }

    /// <summary>
    /// One more credential the default admin signs in with, beside the fixed ones: a Cloud API token or a Data Center
    /// personal access token (users hold several). The Pester suite signs in with canary values this way.
    /// Flag --admin-token.
    /// </summary>
    public string? AdminToken { get; set; }

    /// <summary>Time zone of the default admin (CQL minute windows are read in it). IANA id.</summary>
    public string AdminTimeZone { get; set; } = "Europe/Berlin";

    /// <summary>Data Center only: the server's zone, whose offset `version.when` carries. IANA id.</summary>
    public string ServerTimeZone { get; set; } = "Europe/Berlin";

    /// <summary>
    /// Whether the sync account (the admin) administers the spaces. Both products let only space admins purge from the
    /// trash; false makes a purge by it refused as each product's document says (404 on both). Flag --not-space-admin.
    /// </summary>
    public bool SpaceAdmin { get; set; } = true;

    /// <summary>
    /// How long a write takes to reach the search index: CQL search (both flavours) and Cloud v2 listings sorted by
    /// modification date show it only this much later, at the state indexed then. Reads by id and the other listings are
    /// never lagged. Measured on the state's clock (<c>State.Clock</c>), so tests move time rather than sleep.
    /// Flag --index-lag-seconds; at run time PUT /__emulator/index-lag or <c>State.IndexLag</c>.
    /// </summary>
    public TimeSpan IndexLag { get; set; } = DefaultIndexLag;

    /// <summary>
    /// Data Center's index queue is "regularly processed in batches (as often as every 5 seconds)" (Content Index
    /// Administration), Cloud's trails by seconds: a write is searchable within about this long on a quiet site.
    /// </summary>
    public static readonly TimeSpan DefaultIndexLag = TimeSpan.FromSeconds(5);

    /// <summary>Parses Program's command line; throws <see cref="ArgumentException"/> naming the bad flag.</summary>
    public static EmulatorOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new EmulatorOptions();
        var flavorGiven = false;
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            string Value()
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new ArgumentException($"Flag {flag} needs a value.");
                return args[++i];
            }
            switch (flag)
            {
                case "--flavor":
                    var flavor = Value();
                    options.Flavor = flavor.ToLowerInvariant() switch
                    {
                        "cloud" => EmulatorFlavor.Cloud,
                        "datacenter" or "data-center" or "dc" => EmulatorFlavor.DataCenter,
                        _ => throw new ArgumentException($"--flavor must be 'cloud' or 'datacenter', not '{flavor}'."),
                    };
                    flavorGiven = true;
                    break;
                case "--urls":
                    options.Urls = Value();
                    if (!Uri.TryCreate(options.Urls.Split(';')[0], UriKind.Absolute, out _))
                        throw new ArgumentException($"--urls must be an absolute URL such as http://127.0.0.1:8090, not '{options.Urls}'.");
                    break;
                case "--context-path":
                    options.ContextPath = NormalizeContextPath(Value());
                    break;
                case "--seed-space":
                    options.SeedSpace = Value();
                    break;
                case "--seed-pages":
                    options.SeedPages = Int(flag, Value(), 0, 100_000);
                    break;
                case "--seed":
                    options.Seed = Int(flag, Value(), int.MinValue, int.MaxValue);
                    break;
                case "--seed-bodies":
                    var size = Value();
                    options.SeedBodies = size.ToLowerInvariant() switch
                    {
                        "small" => Seeding.SeedBodies.Small,
                        "real" => Seeding.SeedBodies.Real,
                        _ => throw new ArgumentException($"--seed-bodies must be 'small' or 'real', not '{size}'."),
                    };
                    break;
                case "--seed-no-folders":
                    options.SeedFolders = false;
                    break;
                case "--latency-ms":
                    options.LatencyMs = Int(flag, Value(), 0, 600_000);
                    break;
                case "--rate-limit":
                    var rate = Value();
                    var parts = rate.Split('/');
                    if (parts.Length != 2)
                        throw new ArgumentException($"--rate-limit must look like N/SECONDS (e.g. 10/1), not '{rate}'.");
                    options.RateLimit = Int(flag, parts[0], 1, int.MaxValue);
                    options.RateLimitWindowSeconds = Int(flag, parts[1], 1, 86_400);
                    break;
                case "--rate-limit-signal":
                    var signal = Value();
                    options.RateLimitSignal = signal.ToLowerInvariant() switch
                    {
                        "retry-after" or "retryafter" => Faults.RateLimitSettings.SignalRetryAfter,
                        "reset-only" or "resetonly" => Faults.RateLimitSettings.SignalResetOnly,
                        "none" => Faults.RateLimitSettings.SignalNone,
                        _ => throw new ArgumentException($"--rate-limit-signal must be 'retry-after', 'reset-only' or 'none', not '{signal}'."),
                    };
                    break;
                case "--rate-limit-retry-after":
                    options.RateLimitRetryAfterSeconds = Int(flag, Value(), 0, 86_400);
                    break;
                case "--near-limit-percent":
                    options.NearLimitPercent = Percent(flag, Value());
                    break;
                case "--fail-percent":
                    options.FailPercent = Percent(flag, Value());
                    break;
                case "--fail-retry-after":
                    options.FailRetryAfterSeconds = Int(flag, Value(), 0, 86_400);
                    break;
                case "--drop-percent":
                    options.DropPercent = Percent(flag, Value());
                    break;
                case "--drop-after-percent":
                    options.DropAfterPercent = Percent(flag, Value());
                    break;
                case "--max-attachment-bytes":
                    var max = Value();
                    if (!long.TryParse(max, NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes) || bytes < 0)
                        throw new ArgumentException($"--max-attachment-bytes must be a whole number of bytes (0 = no limit), not '{max}'.");
                    options.MaxAttachmentBytes = bytes;
                    break;
                case "--cloud-download-servlet":
                    options.CloudDownloadServlet = true;
                    break;
                case "--media-token-seconds":
                    options.MediaTokenLifetime = TimeSpan.FromSeconds(Int(flag, Value(), 1, 86_400));
                    break;
                case "--body-rewrite":
                    var rewrite = Value();
                    options.CloudBodyRewrite = rewrite.ToLowerInvariant() switch
                    {
                        "on" => true,
                        "off" => false,
                        _ => throw new ArgumentException($"--body-rewrite must be 'on' or 'off', not '{rewrite}'."),
                    };
                    break;
                case "--refuse-constructs":
                    var constructs = Value();
                    options.CloudRefusedConstructs = constructs.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)
                        ? Array.Empty<string>()
                        : constructs.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    foreach (var construct in options.CloudRefusedConstructs) Cloud.CloudEditorConversion.Validate(construct);
                    break;
                case "--admin-time-zone":
                    options.AdminTimeZone = Value();
                    break;
                case "--server-time-zone":
                    options.ServerTimeZone = Value();
                    break;
                case "--not-space-admin":
                    options.SpaceAdmin = false;
                    break;
                case "--index-lag-seconds":
                    var lag = Value();
                    if (!double.TryParse(lag, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds < 0 || seconds > 86_400)
                        throw new ArgumentException($"--index-lag-seconds must be a number of seconds between 0 and 86400 (0 = indexed at once), not '{lag}'.");
                    options.IndexLag = TimeSpan.FromSeconds(seconds);
                    break;
                case "--no-seed-inline-comments":
                    options.SeedInlineComments = false;
                    break;
                case "--echo-authorization":
                    options.EchoAuthorization = true;
                    break;
                case "--admin-token":
                    options.AdminToken = Value();
                    if (options.AdminToken.Length < 8 || options.AdminToken.Any(char.IsWhiteSpace))
                        throw new ArgumentException("--admin-token must be at least 8 characters without spaces.");
                    break;
                default:
                    throw new ArgumentException($"Unknown flag '{flag}'. Known: --flavor, --urls, --context-path, --seed-space, --seed-pages, --seed, --seed-bodies, --seed-no-folders, --index-lag-seconds, --latency-ms, --rate-limit, --rate-limit-signal, --rate-limit-retry-after, --near-limit-percent, --fail-percent, --fail-retry-after, --drop-percent, --drop-after-percent, --max-attachment-bytes, --cloud-download-servlet, --media-token-seconds, --body-rewrite, --refuse-constructs, --admin-time-zone, --server-time-zone, --not-space-admin, --no-seed-inline-comments, --echo-authorization, --admin-token.");
            }
        }
        if (!flavorGiven)
            throw new ArgumentException("--flavor cloud|datacenter is required.");
        options.Validate();
        return options;
    }

    internal void Validate()
    {
        if (Flavor == EmulatorFlavor.Cloud && ContextPath.Length > 0)
            throw new ArgumentException("--context-path applies to the datacenter flavor only (Cloud is always served under /wiki).");
        if (SeedPages > 0 && string.IsNullOrWhiteSpace(SeedSpace))
            throw new ArgumentException("--seed-pages needs --seed-space KEY.");
        if (SeedSpace is not null && !Store.EmulatorState.IsValidSpaceKey(SeedSpace))
            throw new ArgumentException($"--seed-space '{SeedSpace}' is not a valid space key (letters and digits only).");
        if (MediaTokenLifetime <= TimeSpan.Zero)
            throw new ArgumentException("The media token lifetime must be positive.");
        if (IndexLag < TimeSpan.Zero)
            throw new ArgumentException("The index lag cannot be negative.");
        TimeZones.Find(AdminTimeZone);
        TimeZones.Find(ServerTimeZone);
    }

    internal static string NormalizeContextPath(string value)
    {
        var trimmed = value.Trim().TrimEnd('/');
        if (trimmed.Length == 0) return "";
        if (!trimmed.StartsWith('/')) trimmed = "/" + trimmed;
        if (trimmed.Contains('?') || trimmed.Contains('#') || trimmed.Contains(' '))
            throw new ArgumentException($"--context-path must be a plain path such as /confluence, not '{value}'.");
        return trimmed;
    }

    private static int Int(string flag, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new ArgumentException($"{flag} must be an integer between {min} and {max}, not '{value}'.");
        return n;
    }

    private static double Percent(string flag, string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || p < 0 || p > 100)
            throw new ArgumentException($"{flag} must be a number between 0 and 100, not '{value}'.");
        return p;
    }
}

/// <summary>Resolves IANA ids; a clear error instead of TimeZoneNotFoundException deep in a request.</summary>
internal static class TimeZones
{
    public static TimeZoneInfo Find(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"Unknown time zone '{id}' (use an IANA id such as Europe/Berlin).", e);
        }
    }
}
