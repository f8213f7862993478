using System.Threading;
using System.Threading.Tasks;

namespace SpaceSync.Core.Sync
{
    // ---- progress: where a run is, for the host's progress bar (SyncRunOptions.RunProgress)
    public static partial class SyncRunner
    {
        private sealed partial class SyncRun
        {
            /// <summary>Drift until a writing run starts (RecordedAsync says which kind).</summary>
            private RunActivity _activity = RunActivity.Drift;
            private int _sidesRead;

            private void ReportProgress(string phase, int done, int? total, string? current = null) =>
                _options.RunProgress?.Report(new RunProgress
                {
                    Activity = _activity, SpaceKey = _space.Key, Phase = _round > 1 ? phase + " (pages edited during the run)" : phase,
                    Done = done, Total = total, Current = current,
                });

            /// <summary>One side read: counted, with how many pages it listed (both sides are read at once).</summary>
            private SideSnapshot SideRead(SideSnapshot read, SyncSide side)
            {
                var done = Interlocked.Increment(ref _sidesRead);
                ReportProgress(ReadingPhase, done, 2, $"{side.Label()}: {read.Snapshot.Pages.Count} page(s) listed");
                return read;
            }

            private const string ReadingPhase = "Reading both sites";

            private async Task<SideSnapshot> CountedAsync(Task<SideSnapshot> reading, SyncSide side) =>
                SideRead(await reading.ConfigureAwait(false), side);
        }
    }
}
