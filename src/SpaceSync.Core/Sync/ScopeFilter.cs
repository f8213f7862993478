using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Sync
{
    /// <summary>One page on a path from the space's top level down: its title, and its labels when they were read (null = unknown).</summary>
    public sealed record ScopePathEntry(string Title, IReadOnlyCollection<string>? Labels = null);

    public enum ScopeVerdict
    {
        /// <summary>The page is synced.</summary>
        In,
        /// <summary>The page (or an ancestor) is excluded, or it lies outside include.subtree: never written on either side.</summary>
        Out,
        /// <summary>Part of the page's path is not known (a change query did not list an unpaired ancestor) and no known part excludes it.</summary>
        Unknown,
    }

    /// <summary>Whether one page is in scope, and why not (or why it cannot be decided).</summary>
    public sealed record ScopeDecision(ScopeVerdict Verdict, string? Reason, bool LabelsUnknown)
    {
        public bool IsOut => Verdict == ScopeVerdict.Out;
    }

    /// <summary>
    /// A space's include/exclude settings (SPEC §1), decided per page from its path of titles from the space's top level.
    /// <list type="bullet">
    /// <item><c>include.subtree</c> ("Engineering Home/Runbooks"): the page at that path and every page below it; the path's
    /// titles compare without regard to case, as Confluence keeps titles unique per space that way. Pages above or beside it are out.</item>
    /// <item><c>exclude.titles</c>: globs over the whole title (anchored), <c>*</c> = any run of characters, <c>?</c> = one
    /// character, case-insensitive. A page whose title matches is out, and so is everything below it: an admin excluding
    /// "Archive*" means the archive's children too.</item>
    /// <item><c>exclude.labels</c>: a page carrying one of these labels (compared lower case, as Confluence stores labels)
    /// is out, with everything below it. Labels not read (null) cannot decide: such a page counts as in scope, and the
    /// decision says so (<see cref="ScopeDecision.LabelsUnknown"/>).</item>
    /// </list>
    /// </summary>
    public sealed class ScopeFilter
    {
        private readonly IReadOnlyList<(string Glob, Regex Pattern)> _titles;
        private readonly HashSet<string> _labels;

        /// <summary>No filter: every page is in scope.</summary>
        public static ScopeFilter All { get; } = new ScopeFilter(null, Array.Empty<string>(), Array.Empty<string>());

        public ScopeFilter(string? includeSubtree, IEnumerable<string>? excludeTitles, IEnumerable<string>? excludeLabels)
        {
            IncludeSubtree = string.IsNullOrWhiteSpace(includeSubtree)
                ? null
                : string.Join("/", includeSubtree!.Split('/').Select(t => t.Trim())); // as the scope parser normalizes it
            _titles = (excludeTitles ?? Array.Empty<string>())
                .Where(g => !string.IsNullOrEmpty(g))
                .Select(g => (g, GlobPattern(g)))
                .ToList();
            _labels = new HashSet<string>((excludeLabels ?? Array.Empty<string>()).Select(l => l.Trim().ToLowerInvariant()), StringComparer.Ordinal);
        }

        /// <summary>The filter a resolved space's scope file entry describes.</summary>
        public static ScopeFilter For(ResolvedSpace space)
        {
            if (space is null) throw new ArgumentNullException(nameof(space));
            return new ScopeFilter(space.IncludeSubtree, space.ExcludeTitles, space.ExcludeLabels);
        }

        public string? IncludeSubtree { get; }
        public IReadOnlyList<string> ExcludeTitles => _titles.Select(t => t.Glob).ToList();
        public IReadOnlyCollection<string> ExcludeLabels => _labels;

        /// <summary>True when the filter lets every page through.</summary>
        public bool IsEverything => IncludeSubtree is null && _titles.Count == 0 && _labels.Count == 0;

        public bool FiltersLabels => _labels.Count > 0;

        /// <summary>
        /// Decides one page. <paramref name="path"/> runs from the space's top level down to the page (the last entry).
        /// <paramref name="pathComplete"/> false = the first entries are missing (an ancestor is not known): exclusions
        /// found on the known part still decide; otherwise the verdict is Unknown, as the missing part may be excluded.
        /// </summary>
        public ScopeDecision Decide(IReadOnlyList<ScopePathEntry> path, bool pathComplete = true)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            if (path.Count == 0) throw new ArgumentException("A page's path holds at least the page itself.", nameof(path));

            var labelsUnknown = false;
            for (var i = 0; i < path.Count; i++)
            {
                var entry = path[i];
                var glob = _titles.FirstOrDefault(t => t.Pattern.IsMatch(entry.Title)).Glob;
                var below = i == path.Count - 1 ? "" : " (an ancestor)";
                if (glob != null)
                {
                    return new ScopeDecision(ScopeVerdict.Out, $"\"{entry.Title}\"{below} matches exclude.titles \"{glob}\"", false);
                }

                if (_labels.Count == 0) continue;
                if (entry.Labels is null)
                {
                    labelsUnknown = true;
                    continue;
                }

                var label = entry.Labels.Select(l => l.ToLowerInvariant()).FirstOrDefault(_labels.Contains);
                if (label != null)
                {
                    return new ScopeDecision(ScopeVerdict.Out, $"\"{entry.Title}\"{below} carries the excluded label '{label}'", false);
                }
            }

            if (!pathComplete && !IsEverything)
            {
                // The unknown ancestors may be excluded, or lie outside include.subtree.
                return new ScopeDecision(ScopeVerdict.Unknown, $"the path of \"{path[path.Count - 1].Title}\" is not fully known, so the scope filters cannot decide", labelsUnknown);
            }

            if (IncludeSubtree is null) return new ScopeDecision(ScopeVerdict.In, null, labelsUnknown);

            return UnderInclude(path)
                ? new ScopeDecision(ScopeVerdict.In, null, labelsUnknown)
                : new ScopeDecision(ScopeVerdict.Out, $"\"{string.Join("/", path.Select(p => p.Title))}\" is not within include.subtree \"{IncludeSubtree}\"", false);
        }

        /// <summary>Whether <paramref name="title"/> matches the glob: whole title, * and ?, without regard to case.</summary>
        public static bool GlobMatches(string glob, string title)
        {
            if (glob is null) throw new ArgumentNullException(nameof(glob));
            return GlobPattern(glob).IsMatch(title ?? "");
        }

        /// <summary>
        /// Some leading part of the path, its titles joined with '/', equals the include path. Joining rather than comparing
        /// title by title keeps a title that itself holds a '/' reachable.
        /// </summary>
        private bool UnderInclude(IReadOnlyList<ScopePathEntry> path)
        {
            var joined = "";
            for (var i = 0; i < path.Count; i++)
            {
                joined = i == 0 ? path[i].Title.Trim() : joined + "/" + path[i].Title.Trim();
                if (joined.Length > IncludeSubtree!.Length) return false;
                if (string.Equals(joined, IncludeSubtree, StringComparison.OrdinalIgnoreCase)) return true;
            }

            return false;
        }

        private static Regex GlobPattern(string glob)
        {
            var pattern = "^" + Regex.Escape(glob).Replace("\\*", ".*").Replace("\\?", ".") + "$";
            return new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
        }
    }
}
