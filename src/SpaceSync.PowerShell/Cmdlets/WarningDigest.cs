using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using SpaceSync.Core.Scope;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>
    /// Per-page warnings of a kind that recurs every run (issue 15: a demo run printed ~70 "restricted page left untouched"
    /// lines) counted per space, so the run shows one summary line per kind and the pages go to Verbose. The engine and
    /// the drift keep every page's text; only the PowerShell warning stream is summarised. Text of no known kind passes.
    /// The count is of the restricted pages the run planned: a structural or -Full listing plans every pair, a change-query
    /// run only the pairs around what changed (SyncRunner.PairsToPlan), so it counts fewer (demo: 70 against 43, and 0 in a
    /// quiet run). Making them equal needs the engine to carry the last full listing's restricted pairs (Core, not here).
    /// </summary>
    internal sealed class WarningDigest
    {
        // The planner's texts for a page restrictions keep off (SyncPlanner.Restrictions): a pair left alone, or a page
        // not created. "is not created on X yet:" (archived parent) and "It is not created" (unreadable) are other kinds.
        private static readonly Regex Restricted = new Regex(
            @"\) is left untouched on both sites: |\(new on [^,]+, page [^)]+\) is not created on (Data Center|Cloud): ",
            RegexOptions.CultureInvariant | RegexOptions.Compiled);

        private int _restricted;

        /// <summary>True when the text is of a summarised kind: counted, and the caller writes it to Verbose only.</summary>
        public bool Absorb(string text)
        {
            if (!Restricted.IsMatch(text)) return false;
            _restricted++;
            return true;
        }

        /// <summary>One line per kind seen since the last call, for that space; the counts start again.</summary>
        public IReadOnlyList<string> Summarise(ResolvedSpace space)
        {
            var lines = new List<string>();
            if (_restricted > 0)
            {
                var mode = space.RestrictedPages.ToString().ToLowerInvariant();
                var pages = _restricted == 1 ? "1 restricted page" : $"{_restricted} restricted pages";
                lines.Add($"Space {space.Key}: {pages} left alone (restrictedPages: {mode}); " +
                          $"Get-SyncDrift -SpaceKey {space.Key} | Where-Object Status -eq Restricted lists them (and -Verbose, each page).");
            }

            _restricted = 0;
            return lines;
        }
    }
}
