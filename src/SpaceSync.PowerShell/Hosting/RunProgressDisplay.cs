using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SpaceSync.Core.Sync;

namespace SpaceSync.PowerShell.Hosting
{
    /// <summary>
    /// Write-Progress for a command that runs spaces: one activity for the whole command (spaces done of all) and, under
    /// it, one per space (the runner's phase, counts and current page). Pipeline thread only; the runner's reports arrive
    /// through <see cref="PipelineQueue"/>. Silent where nobody can watch: a pwsh started with -NonInteractive (runbooks,
    /// scheduled tasks), where progress records only cost time; $ProgressPreference = SilentlyContinue is PowerShell's own.
    /// </summary>
    internal sealed class RunProgressDisplay
    {
        private const int CommandActivityId = 1;

        private readonly Action<ProgressRecord> _write;
        private readonly string _command;
        private readonly int _spaces;
        private readonly bool _quiet;
        private readonly Func<string, string> _redact;
        private readonly RunActivity? _activity;
        /// <summary>Each open space's activity id and name.</summary>
        private readonly Dictionary<string, (int Id, string Activity)> _open = new Dictionary<string, (int Id, string Activity)>(StringComparer.Ordinal);
        private int _nextId = CommandActivityId + 1;
        private int _spacesDone;
        private bool _commandShown;
        private string? _commandStatus;

        /// <param name="activity">What the command calls its work; null = what each runner says it does.</param>
        public RunProgressDisplay(Action<ProgressRecord> write, string command, int spaces, bool quiet, Func<string, string> redact,
            RunActivity? activity = null)
        {
            _write = write;
            _command = command;
            _spaces = spaces;
            _quiet = quiet;
            _redact = redact;
            _activity = activity;
        }

        /// <summary>
        /// Where one space's runner reports, from any thread: a few records a second pass (<see cref="ThrottledProgress"/>) and
        /// are drawn on the pipeline thread through <paramref name="queue"/>; under -NonInteractive nothing is posted at all.
        /// </summary>
        public IProgress<RunProgress> SinkFor(PipelineQueue queue) =>
            _quiet ? (IProgress<RunProgress>)new Relay(_ => { }) : new ThrottledProgress(new Relay(p => queue.Post(() => Show(p))));

        /// <summary>A runner's report: the space's activity is drawn (opened on its first report), the command's kept current.</summary>
        public void Show(RunProgress progress)
        {
            if (_quiet) return;
            if (progress.Completed)
            {
                SpaceDone(progress.SpaceKey);
                return;
            }

            if (!_open.TryGetValue(progress.SpaceKey, out var space))
            {
                space = (_nextId++, $"{_activity ?? progress.Activity} of space {progress.SpaceKey}");
                _open[progress.SpaceKey] = space;
            }

            ShowCommand(progress.SpaceKey);

            // A new record each time: a host may keep the records it was given (a runspace's Streams.Progress does).
            _write(new ProgressRecord(space.Id, space.Activity, _redact(progress.Status))
            {
                ParentActivityId = CommandActivityId,
                PercentComplete = progress.Percent ?? -1,
                CurrentOperation = progress.Current is null ? null : _redact(progress.Current),
            });
        }

        /// <summary>A space's run ended (however): its activity is closed, the command's moves on.</summary>
        public void SpaceDone(string spaceKey)
        {
            if (_quiet) return;
            _spacesDone++;
            if (_open.TryGetValue(spaceKey, out var space))
            {
                _open.Remove(spaceKey);
                _write(Completed(space.Id, space.Activity, CommandActivityId));
            }

            ShowCommand(null);
        }

        /// <summary>The command ended (also by failure or Ctrl+C): every activity still open is closed, the command's last.</summary>
        public void Complete()
        {
            if (_quiet || !_commandShown) return;
            try
            {
                foreach (var space in _open.Values) _write(Completed(space.Id, space.Activity, CommandActivityId));
                _write(Completed(CommandActivityId, _command, -1));
            }
            catch (PipelineStoppedException)
            {
                // Ctrl+C: the host clears the bars of a stopped pipeline itself, and the stop must not be replaced by this.
            }

            _open.Clear();
        }

        private void ShowCommand(string? running)
        {
            // Several spaces at once (-ThrottleLimit): the count done and which are running, in the order they began.
            var status = running is null || _open.Count > 1
                ? $"{Math.Min(_spacesDone, _spaces)} of {_spaces} space(s) done" + (_open.Count > 0 ? "; running " + string.Join(", ", RunningKeys()) : "")
                : $"Space {running}: {Math.Min(_spacesDone + 1, _spaces)} of {_spaces}";
            // Drawn again only when it says something new: the spaces' records come many times a second.
            if (_commandShown && status == _commandStatus) return;
            _commandShown = true;
            _commandStatus = status;
            _write(new ProgressRecord(CommandActivityId, _command, status)
            {
                PercentComplete = _spaces > 0 ? Math.Min(100, _spacesDone * 100 / _spaces) : -1,
            });
        }
    
        private IEnumerable<string> RunningKeys() => _open.OrderBy(o => o.Value.Id).Select(o => o.Key);

        private static ProgressRecord Completed(int id, string activity, int parent) => new ProgressRecord(id, activity, "Done")
        {
            ParentActivityId = parent,
            PercentComplete = 100,
            RecordType = ProgressRecordType.Completed,
        };

        private sealed class Relay : IProgress<RunProgress>
        {
            private readonly Action<RunProgress> _report;

            public Relay(Action<RunProgress> report) => _report = report;

            public void Report(RunProgress value) => _report(value);
        }
    }
}
