using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Scope
{
    /// <summary>One problem in a scope file: where it is, what is wrong and what was expected.</summary>
    public sealed record ScopeError(string Code, string Message, SourceLocation Location)
    {
        public override string ToString() => $"{Location}: {Message}";
    }

    /// <summary>The scope file cannot be used. Carries every error found, in file order.</summary>
    public sealed class ScopeException : Exception
    {
        public ScopeException(IReadOnlyList<ScopeError> errors)
            : base(Format(errors))
        {
            Errors = errors;
        }

        public IReadOnlyList<ScopeError> Errors { get; }

        private static string Format(IReadOnlyList<ScopeError> errors) =>
            errors.Count == 1
                ? errors[0].ToString()
                : $"{errors.Count} errors in scope file:" + Environment.NewLine +
                  string.Join(Environment.NewLine, errors.Select(e => "  " + e));
    }
}
