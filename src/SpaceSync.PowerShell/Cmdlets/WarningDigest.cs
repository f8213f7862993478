using System;
using System.Collections.Generic;
using System.Linq;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;

namespace SpaceSync.PowerShell.Cmdlets
{
    /// <summary>
    /// Page warnings of a kind that recurs every run (issue 15: a demo run printed ~70 "restricted page left untouched"
    /// lines) counted per space and kind, so the run shows one summary line per kind and the pages go to Verbose. The engine
    /// and the drift keep every page's text; only the PowerShell warning stream is summarised. A kind with no summary here
    /// (a new one, or one that wants each page seen) passes as its own warning. Pages are counted once however often a run
    /// names them (a re-plan, a page the state remembers as restricted and the plan finds again).
    /// </summary>
    internal sealed class WarningDigest
    {
        private delegate string Summary(ResolvedSpace space, int count);

        private static readonly IReadOnlyDictionary<PageWarningKind, Summary> Summaries = new Dictionary<PageWarningKind, Summary>
        {
            [PageWarningKind.RestrictedSkipped] = (space, count) =>
                $"Space {space.Key}: {Pages(count, "restricted page")} left alone (restrictedPages: {space.RestrictedPages.ToString().ToLowerInvariant()}); " +
                $"Get-SyncDrift -SpaceKey {space.Key} -Full | Where-Object Status -eq Restricted lists them (and -Verbose, each page).",
            [PageWarningKind.ArchivedLeftAlone] = (space, count) =>
                $"Space {space.Key}: {Pages(count, "archived page")} left alone (Confluence takes no writes to archived pages; their edits wait until " +
                $"they are restored); Get-SyncDrift -SpaceKey {space.Key} | Where-Object Status -eq Archived lists them (and -Verbose, each page).",
            [PageWarningKind.TitleCollision] = (space, count) =>
                $"Space {space.Key}: {Pages(count, "page")} not copied because the other site has a page of the same title (rename one, make " +
                "their content equal, or pair them with Start-SpaceBaseline -IdMapPath); " +
                $"Get-SyncDrift -SpaceKey {space.Key} | Where-Object Action -eq '{SyncPlanner.TitleCollision}' lists them with what to do (and -Verbose, each page).",
        };

        private readonly Dictionary<(string Space, PageWarningKind Kind), HashSet<string>> _pages =
            new Dictionary<(string, PageWarningKind), HashSet<string>>();

        /// <summary>True when the warning is of a summarised kind: counted, and the caller writes it to Verbose only.</summary>
        public bool Absorb(PageWarning warning)
        {
            if (!Summaries.ContainsKey(warning.Kind)) return false;
            var key = (warning.SpaceKey.ToUpperInvariant(), warning.Kind);
            if (!_pages.TryGetValue(key, out var pages)) _pages[key] = pages = new HashSet<string>(StringComparer.Ordinal);
            pages.Add(warning.PageKey);
            return true;
        }

        /// <summary>One line per kind seen for that space since the last call, in the kinds' order; its counts start again.</summary>
        public IReadOnlyList<string> Summarise(ResolvedSpace space)
        {
            var mine = _pages.Keys.Where(k => k.Space == space.Key.ToUpperInvariant()).OrderBy(k => k.Kind).ToList();
            var lines = mine.Select(k => Summaries[k.Kind](space, _pages[k].Count)).ToList();
            foreach (var key in mine) _pages.Remove(key);
            return lines;
        }

        private static string Pages(int count, string what) => count == 1 ? $"1 {what}" : $"{count} {what}s";
    }
}
