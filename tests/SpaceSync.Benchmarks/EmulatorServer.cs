using SpaceSync.Core.Sites;
using SpaceSync.Emulator;
using SpaceSync.Emulator.Faults;
using SpaceSync.Emulator.Seeding;
using SpaceSync.Emulator.Store;
using SpaceSync.Tests.Shared;

namespace SpaceSync.Benchmarks;

/// <summary>
/// The benchmark's second process: both emulators, the seeded Data Center space and its CCMA-like copy on Cloud, so the
/// measuring process holds only the SpaceSync client (its memory, CPU time and allocations are the client's alone).
/// Talks to its parent by lines: it prints <c>READY dcUrl cloudUrl</c>, then answers each command on stdin with
/// <c>OK</c> or <c>ERR message</c>: <c>edit K</c> (K edits on distinct unrestricted leaves, half on each side),
/// <c>conflict</c> (one leaf edited on both sides), <c>index</c> (the search indexes catch up, as by a scheduled run's
/// time), <c>ratelimit N</c> / <c>ratelimit off</c> (both sites admit N requests a second, answering 429 with
/// Retry-After and their rate-limit headers beyond), <c>quit</c>.
/// Request counters are read over HTTP from each emulator's own /__emulator/stats.
/// </summary>
public static class EmulatorServer
{
    public const string Mode = "--serve-emulators";
    public const string Key = "ENG";

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        await using var dc = await EmulatorHost.StartAsync(new EmulatorOptions { Flavor = EmulatorFlavor.DataCenter, ContextPath = "/confluence" });
        await using var cloud = await EmulatorHost.StartAsync(new EmulatorOptions { Flavor = EmulatorFlavor.Cloud });
        Seeder.Seed(dc.State, Key, options.Pages, seed: options.Seed, bodies: options.Bodies);
        IReadOnlyDictionary<string, string> pairs;
        using (var dcSite = EmulatedPair.DataCenterClient(dc.BaseUrl, new SiteClientOptions()))
        using (var cloudSite = EmulatedPair.CloudClient(cloud.BaseUrl, new SiteClientOptions()))
        {
            // The migration happened days before SpaceSync starts: pages copied a minute ago would all fall inside the
            // change queries' overlap window and make the first incremental runs read them again.
            var clock = cloud.State.Clock;
            cloud.State.Clock = new ShiftedClock(TimeSpan.FromDays(-3));
            try
            {
                pairs = await EmulatedPair.CopyLikeCcmaAsync(dc.State, cloud.State, dcSite, cloudSite, Key);
            }
            finally
            {
                cloud.State.Clock = clock;
            }
        }
        // Latency only from now on: the set-up is not what is measured.
        foreach (var emulator in new[] { dc, cloud })
            emulator.Faults.Apply(new FaultSettings { LatencyMs = options.LatencyMs });

        var editor = new Editor(dc.State, cloud.State, pairs);
        Console.Out.WriteLine($"READY {dc.SiteUrl} {cloud.SiteUrl}");
        Console.Out.Flush();
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            try
            {
                switch (words.FirstOrDefault())
                {
                    case "quit":
                        return 0;
                    case "index":
                        dc.State.IndexEverythingQueued();
                        cloud.State.IndexEverythingQueued();
                        Console.Out.WriteLine("OK");
                        break;
                    case "edit" when words.Length == 2 && int.TryParse(words[1], out var count):
                        editor.Edit(count);
                        Console.Out.WriteLine("OK");
                        break;
                    case "conflict":
                        editor.EditBothSides();
                        Console.Out.WriteLine("OK");
                        break;
                    case "ratelimit" when words.Length == 2 && (words[1] == "off" || int.TryParse(words[1], out _)):
                        var limit = words[1] == "off" ? null : new RateLimitSettings { Limit = int.Parse(words[1]), WindowSeconds = 1 };
                        foreach (var emulator in new[] { dc, cloud })
                            emulator.Faults.Apply(new FaultSettings { LatencyMs = options.LatencyMs, RateLimit = limit });
                        Console.Out.WriteLine("OK");
                        break;
                    default:
                        Console.Out.WriteLine("ERR unknown command '" + line + "'");
                        break;
                }
            }
            catch (Exception e) when (e is InvalidOperationException or StoreException)
            {
                Console.Out.WriteLine("ERR " + e.Message.ReplaceLineEndings(" "));
            }
            Console.Out.Flush();
        }
        return 0;
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }

    /// <summary>Edits leaf pages, each once per process (a page edited in one run is not picked again).</summary>
    private sealed class Editor(EmulatorState dc, EmulatorState cloud, IReadOnlyDictionary<string, string> pairs)
    {
        private readonly HashSet<long> _taken = new();
        private int _round;

        public void Edit(int count)
        {
            _round++;
            var leaves = Leaves().Take(count).ToList();
            if (leaves.Count < count)
                throw new InvalidOperationException($"only {leaves.Count} unedited unrestricted leaves are left for {count} edits.");
            for (var i = 0; i < count; i++)
            {
                _taken.Add(leaves[i].Id);
                // Half on each side; an edit appends to the body, so the page keeps its real size.
                if (i % 2 == 0)
                {
                    Append(dc, leaves[i], $"<p>Data Center change {_round}.{i}.</p>");
                    continue;
                }
                var cloudId = pairs.TryGetValue(leaves[i].Id.ToString(), out var id)
                    ? long.Parse(id)
                    : throw new InvalidOperationException($"Data Center page {leaves[i].Id} was not copied to Cloud.");
                Append(cloud, cloud.FindPage(cloudId)!, $"<p>Cloud change {_round}.{i}.</p>");
            }
        }

        /// <summary>One leaf edited on both sides: under the manual policy the next run leaves it an open conflict.</summary>
        public void EditBothSides()
        {
            _round++;
            // An edited leaf was synced, so both sides are equal again: it serves when a small space has no other left.
            var leaf = Leaves().FirstOrDefault() ?? Leaves(includeEdited: true).FirstOrDefault()
                ?? throw new InvalidOperationException("the space has no unrestricted leaf.");
            _taken.Add(leaf.Id);
            Append(dc, leaf, $"<p>Data Center side of conflict {_round}.</p>");
            Append(cloud, cloud.FindPage(long.Parse(pairs[leaf.Id.ToString()]))!, $"<p>Cloud side of conflict {_round}.</p>");
        }

        private IEnumerable<Page> Leaves(bool includeEdited = false)
        {
            var current = dc.GetPages(Key).Where(p => !p.IsBlogPost && p.Status == "current").ToList();
            var parents = current.Where(p => p.ParentId != null).Select(p => p.ParentId!.Value).ToHashSet();
            // Not a restricted page (nor below a view-restricted one): restrictedPages: skip leaves those alone.
            return current.Where(p => p.ParentId != null && (includeEdited || !_taken.Contains(p.Id)) && !parents.Contains(p.Id) && !Restricted(p));
        }

        private bool Restricted(Page page)
        {
            if (page.Restrictions.Count > 0) return true;
            for (var up = page.ParentId is long id ? dc.FindPage(id) : null; up != null; up = up.ParentId is long next ? dc.FindPage(next) : null)
                if (up.Restrictions.ContainsKey("read")) return true;
            return false;
        }

        private static void Append(EmulatorState state, Page page, string paragraph) =>
            state.UpdatePage(page.Id, new PageUpdate(page.Current.Number + 1, null, page.Current.Body + paragraph));
    }
}
