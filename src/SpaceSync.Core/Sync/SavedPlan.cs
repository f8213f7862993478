using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// A plan written by <c>Get-SyncDrift -PlanPath</c> and applied by <c>Invoke-SpaceSync -PlanPath</c>: for each space, the
    /// actions with the page versions they were planned against, and what they were planned under (scope settings, state).
    /// </summary>
    public sealed record SavedPlan
    {
        /// <summary>The file format this build writes and reads.</summary>
        /// <remarks>2: the file carries <see cref="ContentHash"/>; a version-1 plan (none) is refused as of another format.</remarks>
        public const int CurrentFormat = 2;

        /// <summary>An older plan is refused: what it was planned against has most likely moved on.</summary>
        public static readonly TimeSpan MaxAge = TimeSpan.FromHours(24);

        public int FormatVersion { get; init; } = CurrentFormat;
        public DateTimeOffset CreatedAt { get; init; }
        /// <summary>Full path of the scope file the plan was made under.</summary>
        public string ScopePath { get; init; } = "";
        /// <summary>One entry per collection planned (a space's pages, and its blog posts as <c>KEY:blogposts</c>).</summary>
        public IReadOnlyList<SavedSpacePlan> Spaces { get; init; } = Array.Empty<SavedSpacePlan>();

        /// <summary>
        /// Hash of everything else in the file (<see cref="SavedPlanJson.ContentHashOf"/>): the plan is applied exactly as it was
        /// made and reviewed, so a file edited since (an action added, a guard's refusal removed, a date moved) is refused.
        /// Not a signature: it tells an edit from the original, not a trusted author from another.
        /// </summary>
        public string ContentHash { get; init; } = "";

        /// <summary>The entry of a collection (state key, e.g. <c>ENG</c> or <c>ENG:blogposts</c>); null when the plan has none.</summary>
        public SavedSpacePlan? SpaceOf(string key) => Spaces.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.Ordinal));

        /// <summary>
        /// Refuses a plan that must not be applied as a whole: another format, made under another scope file, older than
        /// <see cref="MaxAge"/> (or dated in the future, a clock that cannot be trusted).
        /// </summary>
        public void CheckUsable(string scopePath, DateTimeOffset now)
        {
            if (FormatVersion != CurrentFormat)
            {
                throw new SavedPlanException(SavedPlanException.Format,
                    $"The plan has format version {FormatVersion}; this SpaceSync reads version {CurrentFormat}. Make a new plan with Get-SyncDrift -PlanPath.");
            }

            if (!SamePath(ScopePath, scopePath))
            {
                throw new SavedPlanException(SavedPlanException.OtherScope,
                    $"The plan was made for scope file '{ScopePath}', not '{scopePath}'. Apply it with -ScopePath '{ScopePath}', or make a new plan.");
            }

            var age = now - CreatedAt;
            if (age > MaxAge)
            {
                throw new SavedPlanException(SavedPlanException.TooOld,
                    $"The plan was made at {CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC, {(int)age.TotalHours} hours ago; plans older than " +
                    $"{(int)MaxAge.TotalHours} hours are refused. Make a new plan with Get-SyncDrift -PlanPath.");
            }

            if (age < TimeSpan.FromMinutes(-5))
            {
                throw new SavedPlanException(SavedPlanException.TooOld,
                    $"The plan is dated {CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC, in the future of this machine's clock; make a new plan.");
            }
        }

        private static bool SamePath(string a, string b)
        {
            if (string.IsNullOrEmpty(a) || string.IsNullOrEmpty(b)) return false;
            var comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            return string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), comparison);
        }
    }

    /// <summary>One collection's saved plan.</summary>
    public sealed record SavedSpacePlan
    {
        /// <summary>The state key: the Data Center space key, or <c>KEY:blogposts</c> for its blog posts.</summary>
        public string Key { get; init; } = "";
        public string CloudKey { get; init; } = "";
        /// <summary>The scope settings that shape the plan, as resolved when it was made (see <see cref="SavedPlanSettings"/>).</summary>
        public SavedPlanSettings Settings { get; init; } = new SavedPlanSettings();
        /// <summary>
        /// Hash of <see cref="Settings"/>: checked against the settings block when the file is read (an edited block is refused),
        /// and against the scope's settings when the space is applied (a plan made under other settings is refused). The plan
        /// thus runs under the scope's current settings, which must be those it was made and reviewed with.
        /// </summary>
        public string SettingsHash { get; init; } = "";
        /// <summary>Hash of the space's pairs in the state file: a plan made before another run changed them is refused.</summary>
        public string StateHash { get; init; } = "";
        /// <summary>The guard that refused the plan when it was made (applying it then needs -Force when the guard allows it).</summary>
        public PlanRefusal? Refusal { get; init; }
        public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
        /// <summary>The pages that were not in sync, as Get-SyncDrift showed them.</summary>
        public IReadOnlyList<DriftItem> Items { get; init; } = Array.Empty<DriftItem>();
        /// <summary>The actions in execution order.</summary>
        public IReadOnlyList<SavedAction> Actions { get; init; } = Array.Empty<SavedAction>();
    }

    /// <summary>One planned action as saved: the action itself, in words, and the pages it was planned against.</summary>
    public sealed record SavedAction
    {
        /// <summary>What the action does, for a person reading the file ("update Cloud page 123 from v4 to v5: ...").</summary>
        public string Text { get; init; } = "";
        /// <summary>The pages the action touches, at the versions the plan saw: any other version now refuses the action.</summary>
        public IReadOnlyList<PlannedPage> Pages { get; init; } = Array.Empty<PlannedPage>();
        /// <summary>The action exactly as planned (every member, so an applied plan runs what was saved).</summary>
        public SyncAction Action { get; init; } = new SyncAction();
    }

    /// <summary>A page as the plan saw it.</summary>
    public sealed record PlannedPage
    {
        public SyncSide Side { get; init; }
        public string Id { get; init; } = "";
        public int Version { get; init; }
        public PageStatus Status { get; init; } = PageStatus.Current;
        public string Title { get; init; } = "";
    }

    /// <summary>The resolved scope settings that decide what a space's plan does.</summary>
    public sealed record SavedPlanSettings
    {
        public ContentKind Collection { get; init; }
        public string CloudKey { get; init; } = "";
        public SyncDirection Direction { get; init; }
        public ConflictPolicy Conflicts { get; init; }
        public int MaxDeletePercent { get; init; }
        public bool Labels { get; init; }
        public bool Attachments { get; init; }
        public bool Comments { get; init; }
        public bool Blogposts { get; init; }
        public RestrictedPagesMode RestrictedPages { get; init; }
        public string? IncludeSubtree { get; init; }
        public IReadOnlyList<string> ExcludeTitles { get; init; } = Array.Empty<string>();
        public IReadOnlyList<string> ExcludeLabels { get; init; } = Array.Empty<string>();

        public static SavedPlanSettings Of(ResolvedSpace space)
        {
            if (space is null) throw new ArgumentNullException(nameof(space));
            return new SavedPlanSettings
            {
                Collection = space.Collection,
                CloudKey = space.CloudKey,
                Direction = space.Direction,
                Conflicts = space.Conflicts,
                MaxDeletePercent = space.MaxDeletePercent,
                Labels = space.Content?.Labels ?? false,
                Attachments = space.Content?.Attachments ?? false,
                Comments = space.Content?.Comments ?? false,
                Blogposts = space.Content?.Blogposts ?? false,
                RestrictedPages = space.RestrictedPages,
                IncludeSubtree = space.IncludeSubtree,
                ExcludeTitles = space.ExcludeTitles.ToList(),
                ExcludeLabels = space.ExcludeLabels.ToList(),
            };
        }

        /// <summary>The settings' names whose values differ, with both values ("direction: Both → ToCloud").</summary>
        public IReadOnlyList<string> DifferencesFrom(SavedPlanSettings other)
        {
            if (other is null) throw new ArgumentNullException(nameof(other));
            var differences = new List<string>();
            foreach (var property in typeof(SavedPlanSettings).GetProperties())
            {
                var mine = SavedPlanJson.ValueText(property.GetValue(this));
                var theirs = SavedPlanJson.ValueText(property.GetValue(other));
                if (!string.Equals(mine, theirs, StringComparison.Ordinal))
                {
                    differences.Add($"{char.ToLowerInvariant(property.Name[0])}{property.Name.Substring(1)}: {mine} → {theirs}");
                }
            }

            return differences;
        }
    }

    /// <summary>Why a saved plan (or one space of it) cannot be applied.</summary>
    public sealed class SavedPlanException : Exception
    {
        public const string Format = "SavedPlanFormat";
        public const string Unreadable = "SavedPlanUnreadable";
        /// <summary>Well formed, but not as Get-SyncDrift wrote it: its settings or its content do not match their hashes.</summary>
        public const string Edited = "SavedPlanEdited";
        public const string OtherScope = "SavedPlanOtherScope";
        public const string TooOld = "SavedPlanTooOld";
        public const string SettingsChanged = "SavedPlanSettingsChanged";
        public const string StateChanged = "SavedPlanStateChanged";

        public SavedPlanException(string code, string message, Exception? inner = null) : base(message, inner) => Code = code;

        public string Code { get; }
    }
}
