using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

/// <summary>The throttle between the runners' progress reports and a host, and what a record says.</summary>
public sealed class RunProgressTests
{
    private sealed class Collect : IProgress<RunProgress>
    {
        public List<RunProgress> Passed { get; } = new();

        public void Report(RunProgress value) => Passed.Add(value);
    }

    private static RunProgress At(string phase, int done, int? total = 10) =>
        new() { Activity = RunActivity.Sync, SpaceKey = "ENG", Phase = phase, Done = done, Total = total };

    [Fact]
    public void Lets_through_a_phase_s_first_and_last_records_and_one_per_interval_between()
    {
        var now = DateTimeOffset.Parse("2026-12-07T20:00:00Z");
        var host = new Collect();
        var throttle = new ThrottledProgress(host, TimeSpan.FromMilliseconds(250), () => now);

        throttle.Report(At("Running actions", 0));   // first: passes
        throttle.Report(At("Running actions", 1));   // same instant: dropped
        now += TimeSpan.FromMilliseconds(100);
        throttle.Report(At("Running actions", 2));   // within the interval: dropped
        now += TimeSpan.FromMilliseconds(200);
        throttle.Report(At("Running actions", 3));   // 300 ms after the last that passed
        throttle.Report(At("Running actions", 10));  // the phase's end, at once
        throttle.Report(At("Planning", 0, null));    // a new phase, at once
        throttle.Report(new RunProgress { SpaceKey = "ENG", Completed = true });

        Assert.Equal(new[] { "Running actions: 0 of 10", "Running actions: 3 of 10", "Running actions: 10 of 10", "Planning", "Done" },
            host.Passed.Select(p => p.Status));
        Assert.Equal(new int?[] { 0, 30, 100, null, 100 }, host.Passed.Select(p => p.Percent));
    }

    [Fact]
    public void Many_reports_in_one_instant_reach_the_host_as_the_first_and_the_last()
    {
        var host = new Collect();
        var throttle = new ThrottledProgress(host, TimeSpan.FromSeconds(1), () => DateTimeOffset.UnixEpoch);
        for (var done = 0; done <= 10_000; done++) throttle.Report(At("Hashing", done, 10_000));

        Assert.Equal(new[] { 0, 10_000 }, host.Passed.Select(p => p.Done));
    }

    [Fact]
    public void A_phase_of_nothing_is_whole_and_an_unknown_total_has_no_percent()
    {
        Assert.Equal(100, At("Running actions", 0, 0).Percent);
        Assert.Null(At("Listing", 40, null).Percent);
        Assert.Equal("Listing: 40", At("Listing", 40, null).Status);
    }
}
