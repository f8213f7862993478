using Microsoft.AspNetCore.Http;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.Faults;

/// <summary>An edit by another user, armed to land just before the next write request to its page.</summary>
public sealed record ConcurrentEdit(long PageId, string Body, string? Title, User Author, string Message);

/// <summary>What became of an armed edit when a write to its page arrived.</summary>
public sealed record AppliedConcurrentEdit(long PageId, int Version, string? Error);

/// <summary>
/// Another user's edit that lands between a client's read and its write, deterministically: it is armed through
/// the control endpoint and applied as a normal new version immediately before the next non-GET API request whose
/// route names that page (route value <c>id</c> or <c>pageId</c>), so that request meets a version it did not plan
/// against (a PUT then answers 409, as on a real site).
/// </summary>
public sealed class ConcurrentEdits
{
    private readonly object _gate = new();
    private readonly Dictionary<long, ConcurrentEdit> _pending = new();
    private readonly List<AppliedConcurrentEdit> _applied = new();
    private readonly EmulatorState _state;

    public ConcurrentEdits(EmulatorState state) => _state = state;

    /// <summary>Arms an edit (replacing one already armed for that page). The page must exist and be current.</summary>
    public void Arm(ConcurrentEdit edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var page = _state.FindPage(edit.PageId) ?? throw new StoreException(StoreErrorKind.NotFound, $"No page {edit.PageId}.");
        if (page.Status != "current")
            throw new StoreException(StoreErrorKind.BadRequest, $"Page {edit.PageId} is {page.Status}; only a current page can be edited.");
        lock (_gate) _pending[edit.PageId] = edit;
    }

    public IReadOnlyList<ConcurrentEdit> Pending
    {
        get { lock (_gate) return _pending.Values.OrderBy(e => e.PageId).ToList(); }
    }

    public IReadOnlyList<AppliedConcurrentEdit> Applied
    {
        get { lock (_gate) return _applied.ToList(); }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _pending.Clear();
            _applied.Clear();
        }
    }

    /// <summary>Applies the edit armed for the page this request writes to, if any (once).</summary>
    internal void BeforeRequest(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            return;
        var routeValues = context.Request.RouteValues;
        var raw = (routeValues.TryGetValue("id", out var id) ? id : routeValues.TryGetValue("pageId", out var pageId) ? pageId : null) as string;
        if (raw is null || !long.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var target))
            return;

        ConcurrentEdit? edit;
        lock (_gate)
        {
            if (!_pending.Remove(target, out edit))
                return;
        }

        AppliedConcurrentEdit applied;
        try
        {
            lock (_state.Gate)
            {
                var page = _state.FindPage(target) ?? throw new StoreException(StoreErrorKind.NotFound, $"No page {target}.");
                // Made in Cloud's editor, the edit is stored in its form too (it cannot hold what Cloud would refuse).
                var body = Cloud.CloudEditorConversion.Store(_state, edit.Body, checkRefusals: false);
                var update = new PageUpdate(page.Current.Number + 1, edit.Title, body, Message: edit.Message);
                applied = new AppliedConcurrentEdit(target, _state.UpdatePage(target, update, edit.Author).Current.Number, null);
            }
        }
        catch (StoreException e)
        {
            // The page changed state since arming (trashed, title taken): the request goes on unaffected, and the
            // control endpoint reports why the edit did not land.
            applied = new AppliedConcurrentEdit(target, 0, e.Message);
        }
        lock (_gate) _applied.Add(applied);
    }
}
