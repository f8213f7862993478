using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Reporting;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;

namespace SpaceSync.PowerShell.Cmdlets
{
    // Parameter types live in this assembly: PowerShell reflects them at import, before Core's load context is reachable.

    /// <summary>-Keep of Resolve-SyncConflict (SpaceSync.Core.Reporting.ConflictKeep).</summary>
    public enum ResolveKeep { Cloud, DataCenter, Merged, Both }

    /// <summary>-Winner of Resolve-SyncConflict -Keep Both.</summary>
    public enum ResolveWinner { Cloud, DataCenter }

    /// <summary>
    /// Settles open conflicts: the kept version is written through the ordinary planner and executor, in one run per space
    /// that writes only the resolved pages. Conflicts arriving on the pipeline are collected and resolved together at the end.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Resolve, "SyncConflict", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ById)]
    [OutputType(typeof(ConflictResolutionResult))]
    public sealed class ResolveSyncConflictCommand : SpaceRunCmdlet
    {
        private const string ById = "ById";
        private const string ByPage = "ByPage";
        private const string BlogPostsSuffix = ":blogposts";

        private readonly List<Pending> _pending = new List<Pending>();
        private List<Pending> _batch = new List<Pending>();
        private bool _whatIf;
        private bool _confirmAsked;

        /// <summary>The conflict's id (Get-SyncConflict's ConflictId).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(Completion.ConflictIdCompleter))]
        [ValidateRange(1, long.MaxValue)]
        public long ConflictId { get; set; }

        /// <summary>The conflicted page by its id on either site.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByPage)]
        [ValidateNotNullOrEmpty]
        public string? PageId { get; set; }

        [Parameter(Mandatory = true)]
        public ResolveKeep Keep { get; set; }

        /// <summary>-Keep Both: the side whose version overwrites the page (default: the newer edit).</summary>
        [Parameter]
        public ResolveWinner? Winner { get; set; }

        protected override void ProcessRecord()
        {
            if (Winner != null && Keep != ResolveKeep.Both)
            {
                WriteError(new ErrorRecord(new ArgumentException($"-Winner goes with -Keep Both only (here -Keep {Keep} names the kept side itself)."),
                    "WinnerWithoutKeepBoth", ErrorCategory.InvalidArgument, Winner));
                return;
            }

            _pending.Add(new Pending
            {
                ConflictId = ParameterSetName == ById ? ConflictId : (long?)null,
                PageId = ParameterSetName == ByPage ? PageId : null,
                SpaceKeys = SpaceKey is { Length: > 0 } ? SpaceKey.ToArray() : null,
                ScopePath = ScopePath,
                Keep = Keep switch
                {
                    ResolveKeep.Cloud => ConflictKeep.Cloud,
                    ResolveKeep.DataCenter => ConflictKeep.DataCenter,
                    ResolveKeep.Merged => ConflictKeep.Merged,
                    _ => ConflictKeep.Both,
                },
                Winner = Winner switch
                {
                    ResolveWinner.Cloud => SyncSide.Cloud,
                    ResolveWinner.DataCenter => SyncSide.DataCenter,
                    _ => (SyncSide?)null,
                },
            });
        }

        protected override void EndProcessing()
        {
            _whatIf = Switch("WhatIf") ?? WhatIfPreference();
            _confirmAsked = Switch("Confirm") == true;
            // One run per space and scope file: the pipeline's conflicts are grouped here, the base class runs each space.
            foreach (var group in _pending.GroupBy(p => p.ScopePath ?? "", StringComparer.Ordinal))
            {
                ScopePath = group.Key.Length == 0 ? null : group.Key;
                _batch = group.ToList();
                SpaceKey = _batch.Any(p => p.SpaceKeys is null)
                    ? null
                    : _batch.SelectMany(p => p.SpaceKeys!).Select(BaseKey).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
                var scope = ScopeResolver.Resolve(LoadScope());
                if (StateStores.MayHoldState(scope.State)) base.ProcessRecord();
                foreach (var unmatched in _batch.Where(p => !p.Matched))
                {
                    var where = unmatched.SpaceKeys is null ? $"any space of '{scope.Path}'" : "space " + string.Join(", ", unmatched.SpaceKeys.Select(k => $"'{k}'"));
                    var what = unmatched.PageId != null ? $"No synced page {unmatched.PageId}" : $"No conflict {unmatched.ConflictId}";
                    WriteError(new ErrorRecord(new ArgumentException($"{what} in {where} (see Get-SyncConflict); nothing written."),
                        "ConflictNotOpen", ErrorCategory.ObjectNotFound, (object?)unmatched.PageId ?? unmatched.ConflictId));
                }
            }
        }

        internal override async Task RunSpaceAsync(SpaceRun run, CancellationToken cancellationToken)
        {
            var mine = _batch.Where(p => !p.Matched && p.Covers(run.Space.Key)).ToList();
            if (mine.Count == 0) return;
            var conflicts = run.State.ListConflicts(run.Space.Key, includeResolved: true).ToDictionary(c => c.Id);
            var pairs = run.State.ListPairs(run.Space.Key).ToDictionary(p => p.Id);
            var asked = new List<(ConflictResolutionRequest Request, string Target, string Action)>();
            foreach (var pending in mine)
            {
                ConflictRecord? conflict;
                if (pending.PageId != null)
                {
                    var pair = pairs.Values.FirstOrDefault(p => p.DataCenterPageId == pending.PageId || p.CloudPageId == pending.PageId);
                    if (pair is null) continue; // maybe the space's other collection (blog posts)
                    pending.Matched = true;
                    conflict = run.State.GetOpenConflict(pair.Id);
                    if (conflict is null)
                    {
                        run.Error(new InvalidOperationException($"Page {pending.PageId} (\"{pair.Title}\") of space '{run.Space.Key}' has no open conflict; nothing written."),
                            "ConflictNotOpen", ErrorCategory.ObjectNotFound);
                        continue;
                    }
                }
                else if (!conflicts.TryGetValue(pending.ConflictId!.Value, out conflict))
                {
                    continue;
                }

                pending.Matched = true;
                pairs.TryGetValue(conflict.PairId, out var conflicted);
                var request = new ConflictResolutionRequest(conflict.Id, pending.Keep) { Winner = pending.Winner };
                var target = $"conflict {conflict.Id}: \"{conflicted?.Title}\" (Data Center page {conflicted?.DataCenterPageId} v{conflict.DataCenterVersion}, " +
                             $"Cloud page {conflicted?.CloudPageId} v{conflict.CloudVersion}) in space {run.Space.Key}";
                asked.Add((request, target, Describe(request)));
            }

            if (asked.Count == 0) return;
            var options = run.Observed(new SyncRunOptions { WhatIf = _whatIf, Translation = run.Translation });
            if (_whatIf)
            {
                var preview = await SyncRunner.ResolveAsync(run.DataCenter, run.Cloud, run.State, run.Space, asked.Select(a => a.Request).ToList(), options,
                    run.Log, cancellationToken).ConfigureAwait(false);
                foreach (var result in preview.Conflicts)
                {
                    if (result.Outcome == ResolutionOutcome.NotOpen) NotOpen(run, result);
                    else run.ShouldProcess(asked.First(a => a.Request.ConflictId == result.ConflictId).Target, $"Keep {result.Keep}: {result.Message}");
                }

                return;
            }

            // A merge loses nothing, so it asks only when -Confirm says so; the others overwrite a side (its text stays in the page history).
            var approved = asked.Where(a => (a.Request.Keep == ConflictKeep.Merged && !_confirmAsked) || run.ShouldProcess(a.Target, a.Action))
                .Select(a => a.Request).ToList();
            if (approved.Count == 0) return;
            var resolved = await SyncRunner.ResolveAsync(run.DataCenter, run.Cloud, run.State, run.Space, approved, options, run.Log, cancellationToken)
                .ConfigureAwait(false);
            if (resolved.Run?.Refusal is PlanRefusal refusal)
            {
                run.Error(new InvalidOperationException(refusal.Message), "ResolveRefused" + refusal.Code, ErrorCategory.LimitsExceeded);
            }

            foreach (var error in resolved.Run?.Errors ?? Array.Empty<string>()) run.Warning($"Space {run.Space.Key}: {error}");
            foreach (var result in resolved.Conflicts)
            {
                if (result.Outcome == ResolutionOutcome.NotOpen)
                {
                    NotOpen(run, result);
                    continue;
                }

                if (result.Outcome == ResolutionOutcome.Open) run.Warning($"Space {run.Space.Key}, conflict {result.ConflictId} \"{result.Title}\": {result.Message}");
                run.Output(result);
            }
        }

        private static void NotOpen(SpaceRun run, ConflictResolutionResult result) =>
            run.Error(new InvalidOperationException(result.Message), "ConflictNotOpen", ErrorCategory.ObjectNotFound);

        private static string Describe(ConflictResolutionRequest request) => request.Keep switch
        {
            ConflictKeep.Cloud => "Keep the Cloud version: overwrite the Data Center page (its text stays in that page's history)",
            ConflictKeep.DataCenter => "Keep the Data Center version: overwrite the Cloud page (its text stays in that page's history)",
            ConflictKeep.Merged => "Merge the two edits and write the result to both sites",
            _ => request.Winner is SyncSide winner
                ? $"Keep both: save the {winner.Other().Label()} version as a new page beside it, then overwrite it with the {winner.Label()} version"
                : "Keep both: save the older edit as a new page beside it on its site, then overwrite it with the newer edit",
        };

        private bool? Switch(string name) =>
            MyInvocation.BoundParameters.TryGetValue(name, out var value) && value is SwitchParameter s ? s.IsPresent : (bool?)null;

        private bool WhatIfPreference()
        {
            var preference = GetVariableValue("WhatIfPreference");
            return preference is SwitchParameter s ? s.IsPresent : preference is bool b && b;
        }

        private static string BaseKey(string key) =>
            key.EndsWith(BlogPostsSuffix, StringComparison.OrdinalIgnoreCase) ? key.Substring(0, key.Length - BlogPostsSuffix.Length) : key;

        /// <summary>One conflict asked for; Matched once a space's run has found it (or its page).</summary>
        private sealed class Pending
        {
            public long? ConflictId;
            public string? PageId;
            public string[]? SpaceKeys;
            public string? ScopePath;
            public ConflictKeep Keep;
            public SyncSide? Winner;
            public bool Matched;

            /// <summary>A key names the space's pages and blog posts; KEY:blogposts only the blog posts.</summary>
            public bool Covers(string collectionKey) =>
                SpaceKeys is null || SpaceKeys.Any(k => string.Equals(k, collectionKey, StringComparison.OrdinalIgnoreCase) ||
                                                        string.Equals(BaseKey(collectionKey), k, StringComparison.OrdinalIgnoreCase));
        }
    }
}
