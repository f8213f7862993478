using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace SpaceSync.Core.State
{
    /// <summary>
    /// Who holds a space's run lock: "machine/pid/process start (UTC ticks)/guid". The parts let the next run on the
    /// same machine see that the holder's process is gone (killed, crashed, machine restarted) and take the lock at
    /// once instead of waiting out the lease. A holder on another machine cannot be checked: its lease decides.
    /// </summary>
    public static class LockOwner
    {
        public static string NewId()
        {
            using var self = Process.GetCurrentProcess();
            return string.Join("/", Environment.MachineName, self.Id.ToString(CultureInfo.InvariantCulture),
                StartTicks(self)?.ToString(CultureInfo.InvariantCulture) ?? "-", Guid.NewGuid().ToString("N"));
        }

        /// <summary>
        /// True only when the id names this machine and its process no longer runs (no such pid, or the pid now
        /// belongs to a process started at another time). Anything unclear counts as alive: taking a live run's lock
        /// would let two runs write the same pages.
        /// </summary>
        /// <remarks>Containers that share a state file must not share a host name, or their pids are confused.</remarks>
        public static bool IsGoneFromThisMachine(string ownerId)
        {
            if (string.IsNullOrEmpty(ownerId)) return false;
            var parts = ownerId.Split('/');
            if (parts.Length < 3) return false;
            if (!string.Equals(parts[0], Environment.MachineName, StringComparison.OrdinalIgnoreCase)) return false;
            if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return false;
            // Ids written before the start time was recorded have three parts: machine/pid/guid.
            long? recordedStart = parts.Length >= 4 && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                ? ticks : (long?)null;

            Process process;
            try
            {
                process = Process.GetProcessById(pid);
            }
            catch (ArgumentException)
            {
                return true; // no process with that id
            }
            catch (InvalidOperationException)
            {
                return false;
            }

            using (process)
            {
                if (IsZombie(pid)) return true;
                if (recordedStart is null) return false;
                var start = StartTicks(process);
                return start != null && start.Value != recordedStart.Value;
            }
        }

        /// <summary>
        /// Linux keeps a killed process as a zombie until its parent reaps it, and a container without an init process
        /// may never do so: the pid still answers, but nothing runs. /proc/PID/stat's state after the name says so.
        /// </summary>
        private static bool IsZombie(int pid)
        {
            try
            {
                var path = "/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat";
                if (!File.Exists(path)) return false;
                var stat = File.ReadAllText(path);
                var afterName = stat.LastIndexOf(')');
                if (afterName < 0 || afterName + 2 >= stat.Length) return false;
                var state = stat[afterName + 2];
                return state == 'Z' || state == 'X';
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return false;
            }
        }

        private static long? StartTicks(Process process)
        {
            try
            {
                // Whole seconds: the start time is read from different sources on some systems and its fraction wobbles.
                var utc = process.StartTime.ToUniversalTime();
                return utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond);
            }
            catch (Exception e) when (e is InvalidOperationException || e is System.ComponentModel.Win32Exception || e is NotSupportedException)
            {
                return null;
            }
        }
    }
}
