using System;
using System.Collections.Generic;

namespace SpaceSync.Core.Content.Translation
{
    /// <summary>
    /// Something in a body that the target site cannot show as the source did. <see cref="Code"/> is stable
    /// (one of <see cref="TranslationWarningCodes"/>), <see cref="Element"/> is the source markup concerned (as the storage
    /// writer spells it, shortened when long; for attributes dropped in bulk, the attribute name), <see cref="Message"/> says what happened, for a person.
    /// </summary>
    public sealed record TranslationWarning(string Code, string Element, string Message)
    {
        public override string ToString() => Code + ": " + Message;
    }

    /// <summary>The codes a <see cref="TranslationWarning"/> can carry.</summary>
    public static class TranslationWarningCodes
    {
        /// <summary>A mentioned user has no counterpart on the target; the mention became the person's name as text.</summary>
        public const string UserNotMapped = "UserNotMapped";

        /// <summary>A link names a page by id and the page is not paired; it was kept by title, or left as it was.</summary>
        public const string PageNotPaired = "PageNotPaired";

        /// <summary>A macro the target does not have; the markup is kept as it is.</summary>
        public const string MacroMissingOnTarget = "MacroMissingOnTarget";

        /// <summary>A Cloud-only <c>ac:adf-extension</c> was replaced by its <c>ac:adf-fallback</c> content for Data Center.</summary>
        public const string AdfExtensionReplaced = "AdfExtensionReplaced";

        /// <summary>A Cloud-only <c>ac:adf-extension</c> without a fallback: kept, Data Center will not show it.</summary>
        public const string AdfExtensionWithoutFallback = "AdfExtensionWithoutFallback";

        /// <summary>A Cloud emoji became a Data Center emoticon (the nearest one) or its text.</summary>
        public const string EmojiReplaced = "EmojiReplaced";

        /// <summary>Cloud-only presentation attributes (<c>data-layout</c>, <c>data-table-width</c>, <c>ac:breakout-*</c>) were dropped for Data Center.</summary>
        public const string CloudAttributeDropped = "CloudAttributeDropped";

        /// <summary>Cloud's <c>local-id</c> bookkeeping attributes were dropped for Data Center (cosmetic: they never count as a change).</summary>
        public const string LocalIdsDropped = "LocalIdsDropped";

        /// <summary>Cloud task identifiers (<c>ac:task-uuid</c>) were dropped for Data Center.</summary>
        public const string TaskUuidDropped = "TaskUuidDropped";

        /// <summary>
        /// Inline comments of the target were anchored to text the write changed or removed: their markers could not be put
        /// back, and the target shows those comments unanchored (Cloud: dangling; Data Center: resolved).
        /// </summary>
        public const string InlineAnchorsLost = "InlineAnchorsLost";

        public static IReadOnlyList<string> All { get; } = Array.AsReadOnly(new[]
        {
            UserNotMapped, PageNotPaired, MacroMissingOnTarget, AdfExtensionReplaced, AdfExtensionWithoutFallback,
            EmojiReplaced, CloudAttributeDropped, LocalIdsDropped, TaskUuidDropped, InlineAnchorsLost,
        });
    }
}
