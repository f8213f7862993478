using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;
using SpaceSync.Core.State;

namespace SpaceSync.Core.Sync
{
    /// <summary>
    /// A kind of page content that crosses beside the pages themselves, planned, written and kept in the state on its own:
    /// footer comments today (<see cref="Comments.CommentAspect"/>); page properties, labels, files and restrictions as they
    /// move over. The runners know an aspect only through this: <see cref="SyncRunner"/> runs each enabled one once the
    /// page actions are done (a page created by the run already has its pair), <see cref="BaselineRunner"/> once the pairs
    /// are recorded. Not to be confused with the planner's page aspects (body, title, parent).
    /// </summary>
    internal interface IContentAspect
    {
        /// <summary>Lower case, plural ("comments"): the baseline's count key and the prefix of what the aspect reports on a drift item.</summary>
        string Name { get; }

        /// <summary>Whether the space's scope turns the aspect on (its content.* switch).</summary>
        bool IsEnabled(ResolvedSpace space);

        /// <summary>
        /// Reads both sides, plans each page pair and, unless <see cref="AspectRun.PlanOnly"/>, writes: one pass, since an
        /// aspect's plan of one page does not depend on what it wrote on another. Failures of single writes are counted and
        /// added to <see cref="AspectRun.Errors"/>; the run goes on.
        /// </summary>
        /// <returns>What it found or did per page, folded into the run's plan items.</returns>
        Task<AspectDrift> SyncAsync(AspectRun run, CancellationToken ct);

        /// <summary>Pairs what both sides already hold on the pages the baseline paired (a migration copied it).</summary>
        /// <returns>The number of pairs recorded: the baseline's count under <see cref="Name"/>.</returns>
        Task<int> BaselineAsync(AspectBaseline baseline, CancellationToken ct);
    }

    /// <summary>The aspects a run iterates, in this order. A new aspect is one more entry.</summary>
    internal static class ContentAspects
    {
        public static IReadOnlyList<IContentAspect> All { get; } = new IContentAspect[] { new Comments.CommentAspect() };
    }

    /// <summary>What both runners hand an aspect: the two sites and spaces, the state, the space's scope, the run's translator.</summary>
    internal abstract class AspectContext
    {
        public IConfluenceSite DataCenter { get; init; } = null!;
        public IConfluenceSite Cloud { get; init; } = null!;
        /// <summary>The spaces as the run found them on each site.</summary>
        public SiteSpace DataCenterSpace { get; init; } = null!;
        public SiteSpace CloudSpace { get; init; } = null!;
        public StateStore State { get; init; } = null!;
        public ResolvedSpace Space { get; init; } = null!;
        public EngineLog Log { get; init; } = EngineLog.None;
        /// <summary>The run's translator: bodies an aspect carries share what it learns about users and pages.</summary>
        public IBodyTranslator Translator { get; init; } = null!;
    }

    /// <summary>What a sync run hands each aspect: built once, after the page actions (or, for -WhatIf, after the page plan).</summary>
    internal sealed class AspectRun : AspectContext
    {
        /// <summary>The run's counts: an aspect adds its own keys, and counts a failed write under "Failed" too.</summary>
        public Dictionary<string, int> Counts { get; init; } = null!;
        /// <summary>The run's errors, in the order they happened.</summary>
        public List<string> Errors { get; init; } = null!;
        /// <summary>The run's page plan: pages it reports Excluded, Restricted or Archived keep their content to themselves.</summary>
        public SyncPlan Plan { get; init; } = new SyncPlan();
        /// <summary>-WhatIf: read and plan, report drift, write nothing (not to the state either).</summary>
        public bool PlanOnly { get; init; }
        /// <summary>
        /// Where a side's change query started (the read mark, before the site's search lag) when the run read only
        /// changes there; null when it listed that side in full, so an aspect lists everything there too.
        /// </summary>
        public DateTimeOffset? DataCenterChangesSince { get; init; }
        public DateTimeOffset? CloudChangesSince { get; init; }
        /// <summary>
        /// Among these page pairs, those (by Data Center page id) that restrictedPages: skip keeps untouched, read now for
        /// pages whose restrictions the run did not read: for writes that reach a page without a new page version.
        /// </summary>
        public Func<IEnumerable<PairRecord>, CancellationToken, Task<ISet<string>>> RestrictedAmongUnjudged { get; init; } = null!;

        /// <summary>A write that failed: counted under the aspect's <paramref name="countKey"/> and the run's "Failed", kept as an error, logged.</summary>
        public void Fail(string countKey, string message)
        {
            Counts[countKey] = (Counts.TryGetValue(countKey, out var own) ? own : 0) + 1;
            Counts["Failed"] = (Counts.TryGetValue("Failed", out var failed) ? failed : 0) + 1;
            Errors.Add(message);
            Log.Warning("{Message}", message);
        }
    }

    /// <summary>What the baseline hands each aspect once its page pairs are recorded.</summary>
    internal sealed class AspectBaseline : AspectContext
    {
        /// <summary>The page pairs the baseline recorded.</summary>
        public IReadOnlyCollection<PairRecord> Pairs { get; init; } = Array.Empty<PairRecord>();
    }
}
