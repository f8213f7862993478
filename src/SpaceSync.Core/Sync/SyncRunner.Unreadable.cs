using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.Sync
{
    public static partial class SyncRunner
    {
        private sealed partial class SyncRun
        {
            /// <summary>Pages the plan left alone because a body does not parse (DriftStatus.Unreadable): each a failure of the run.</summary>
            private int _unreadablePages;

            /// <summary>
            /// Each Unreadable item of <paramref name="plan"/> (only <paramref name="onlyPairs"/>' in a re-plan) fails on its own: its
            /// reason (page, space, site, the parser's words) joins the run's errors, the log and the page's history, and counts as
            /// failed. Nothing was written for it and its pair keeps its base; the item is unsettled, so the next run reads it again.
            /// </summary>
            private void FailUnreadable(SyncPlan plan, ISet<string>? onlyPairs = null)
            {
                foreach (var item in plan.Items.Where(i => i.Status == DriftStatus.Unreadable))
                {
                    if (onlyPairs != null && (item.DataCenterId is null || !onlyPairs.Contains(item.DataCenterId))) continue;
                    var message = string.Join(" ", item.Warnings);
                    _errors.Add(message);
                    _unreadablePages++;
                    _log.WarnOfPage(new PageWarning(PageWarningKind.UnreadableBody, _space.Key, item.DataCenterId, item.CloudId, item.Title, message),
                        "{Space:l}: {Message:l}", _space.Key, message);
                    _state.AddHistory(History("unreadable", item.DataCenterId, item.CloudId, item.Title, item.DataCenterVersion, item.DataCenterVersion,
                        item.CloudVersion, item.CloudVersion, message));
                }
            }
        }
    }
}
