using System.Diagnostics;

namespace SpaceSync.Benchmarks;

/// <summary>What one phase cost. Memory, CPU time and allocations are this process's: the SpaceSync client alone.</summary>
public sealed record PhaseFigures
{
    public string Phase { get; init; } = "";
    /// <summary>Requests counted by the SpaceSync clients (what the run reports).</summary>
    public long ClientRequests { get; init; }
    /// <summary>Requests counted by the two emulators, the cross-check.</summary>
    public long EmulatorRequests { get; init; }
    public long DataCenterRequests { get; init; }
    public long CloudRequests { get; init; }
    /// <summary>Requests seen leaving this process (HttpClient's diagnostic events), the third count.</summary>
    public long ObservedRequests { get; init; }
    /// <summary>Of those, change queries (CQL lastmodified, Cloud v2 modified-date listings), pages of them included.</summary>
    public long ChangeQueryRequests { get; init; }
    public double WallMilliseconds { get; init; }
    /// <summary>CPU time of the client's process (user + system), all its threads.</summary>
    public double ClientCpuMilliseconds { get; init; }
    /// <summary>CPU time of the emulators' process during the phase: shows whether the emulators, not the client, set the pace.</summary>
    public double EmulatorCpuMilliseconds { get; init; }
    /// <summary>Bytes the client's process allocated during the phase.</summary>
    public long AllocatedBytes { get; init; }
    /// <summary>Peak resident set of the client's process during the phase (or since start where the OS cannot reset the peak).</summary>
    public long PeakWorkingSetBytes { get; init; }
    /// <summary>Resident set of the client's process when the phase began, after the previous phase's garbage was collected.</summary>
    public long StartWorkingSetBytes { get; init; }
    public string Detail { get; init; } = "";
    /// <summary>The emulators' requests per "SIDE METHOD route".</summary>
    public IReadOnlyDictionary<string, long> ByRoute { get; init; } = new Dictionary<string, long>();
}

public sealed record PhaseMeasure<T>(T Result, double Milliseconds, double CpuMilliseconds, long Allocated, long PeakWorkingSet, long StartWorkingSet);

/// <summary>Wall time, CPU time, allocations and peak memory of this process around one phase.</summary>
public static class PhaseMeter
{
    /// <summary>True once a peak reset worked: the peaks are then per phase rather than since the process started.</summary>
    public static bool PeakIsPerPhase { get; private set; }

    public static async Task<PhaseMeasure<T>> MeasureAsync<T>(Func<Task<T>> phase)
    {
        // Settle the previous phase's garbage so it is not charged to this one, and hand its memory back to the OS
        // (an aggressive collection decommits), so a phase's peak resident set is not the previous phase's leftover heap.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        PeakIsPerPhase = TryResetPeak();
        using var process = Process.GetCurrentProcess();
        var startWorkingSet = process.WorkingSet64;
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var result = await phase();
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        return new PhaseMeasure<T>(result, clock.Elapsed.TotalMilliseconds, cpu.TotalMilliseconds, allocated, process.PeakWorkingSet64, startWorkingSet);
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
