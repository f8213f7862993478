using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SpaceSync.Core.Scope;

namespace SpaceSync.PowerShell.Completion
{
    /// <summary>Completes -SpaceKey from the spaces of the scope file the command would read; the tooltip gives the Cloud key and phase.</summary>
    public sealed class SpaceKeyCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var typed = CompletionSource.Typed(wordToComplete);
            return CompletionSource.FromScope(fakeBoundParameters, scope => scope.Spaces
                .Where(s => s.Key.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                .Select(s => new CompletionResult(CompletionSource.Quote(s.Key), s.Key, CompletionResultType.ParameterValue, Tooltip(s))));
        }

        private static string Tooltip(ResolvedSpace space)
        {
            var phase = space.Phase is MigrationPhase p ? "phase " + ScopeVocabulary.Phase.Word(p) : "no phase set";
            return $"{space.Key} → Cloud {space.CloudKey}, {phase} (owner {space.Owner})";
        }
    }
}
