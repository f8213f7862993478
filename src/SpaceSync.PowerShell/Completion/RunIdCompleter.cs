using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SpaceSync.Core.State;

namespace SpaceSync.PowerShell.Completion
{
    /// <summary>Completes -RunId from the runs in the state file, newest first; the tooltip gives the run's kind, time and outcome.</summary>
    public sealed class RunIdCompleter : IArgumentCompleter
    {
        // Enough to reach back over weeks of scheduled runs without a long list on every Tab press.
        private const int NewestRuns = 50;

        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var typed = CompletionSource.Typed(wordToComplete);
            return CompletionSource.FromState(fakeBoundParameters, (scope, state) => CompletionSource.SelectSpaces(scope, fakeBoundParameters)
                .SelectMany(s => state.ListRuns(s.Key, NewestRuns))
                .Where(r => r.Id.ToString(CultureInfo.InvariantCulture).StartsWith(typed, StringComparison.Ordinal))
                .OrderByDescending(r => r.Id)
                .Take(NewestRuns)
                .Select(r =>
                {
                    var id = r.Id.ToString(CultureInfo.InvariantCulture);
                    var when = r.StartedAt.ToLocalTime().ToString("g", CultureInfo.CurrentCulture);
                    var outcome = r.Outcome?.ToString() ?? "unfinished";
                    return new CompletionResult(id, $"{id} {r.Kind} {r.SpaceKey} {when}", CompletionResultType.ParameterValue,
                        $"{r.Kind} run of {r.SpaceKey}, {when}: {outcome}");
                }));
        }
    }
}
