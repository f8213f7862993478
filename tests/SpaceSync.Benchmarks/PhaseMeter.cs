using System.Diagnostics;

namespace SpaceSync.Benchmarks;

/// <summary>What one phase cost.</summary>
public sealed record PhaseFigures
{
    public string Phase { get; init; } = "";
    /// <summary>Requests counted by the SpaceSync clients (what the run reports).</summary>
    public long ClientRequests { get; init; }
    /// <summary>Requests counted by the two emulators, the cross-check.</summary>
    public long EmulatorRequests { get; init; }
    public long DataCenterRequests { get; init; }
    public long CloudRequests { get; init; }
    public double WallMilliseconds { get; init; }
    /// <summary>Bytes allocated by the whole process during the phase: the emulators run in-process, so their share is in it.</summary>
    public long AllocatedBytes { get; init; }
    /// <summary>Peak resident set during the phase (or since start where the OS cannot reset the peak).</summary>
    public long PeakWorkingSetBytes { get; init; }
    public string Detail { get; init; } = "";
}

/// <summary>Wall time, allocations and peak memory around one phase.</summary>
public static class PhaseMeter
{
    /// <summary>True once a peak reset worked: the peaks are then per phase rather than since the process started.</summary>
    public static bool PeakIsPerPhase { get; private set; }

    public static async Task<(T Result, double Milliseconds, long Allocated, long PeakWorkingSet)> MeasureAsync<T>(Func<Task<T>> phase)
    {
        // Settle the previous phase's garbage so it is not charged to this one.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        PeakIsPerPhase = TryResetPeak();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var result = await phase();
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return (result, clock.Elapsed.TotalMilliseconds, allocated, process.PeakWorkingSet64);
    }

    // Linux keeps the peak resident set (VmHWM) until "5" is written to clear_refs; elsewhere the peak is the process's.
    private static bool TryResetPeak()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
