using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace SpaceSync.Core.Content.Translation
{
    /// <summary>
    /// Rewrites a storage-format body from one site's dialect to the other's. Pure: everything it knows about
    /// the sites comes from the <see cref="TranslationContext"/>.
    /// <list type="bullet">
    /// <item>Mentions: <c>ri:userkey</c> / <c>ri:username</c> ↔ <c>ri:account-id</c> through <see cref="IUserMap"/>;
    /// a person with no counterpart becomes their name as plain text, never a mention that points at nobody.</item>
    /// <item>Links that carry page ids (<c>ri:content-id</c>, <c>viewpage.action?pageId=</c>, Cloud
    /// <c>/wiki/spaces/KEY/pages/ID</c> in <c>href</c> and <c>ri:url</c>) through <see cref="IPageMap"/>; space keys
    /// (<c>ri:space-key</c>) through the space key map.</item>
    /// <item>To Data Center only: <c>ac:adf-extension</c> becomes its <c>ac:adf-fallback</c>; emoji become the nearest
    /// emoticon or their text; <c>local-id</c>s, <c>data-layout</c>, <c>data-table-width</c>, <c>ac:breakout-*</c> and
    /// <c>ac:task-uuid</c> are dropped.</item>
    /// <item>Macros the target lacks are reported and kept.</item>
    /// <item>Both ways: inline comment markers (<c>ac:inline-comment-marker</c>) are dropped, their text kept: each names a
    /// comment of the source site only (no warning: inline comments do not cross, and the run reports them).</item>
    /// </list>
    /// A body that needs nothing comes back as the same string. Otherwise the tree is written out again, which
    /// also respells what the writer spells its own way (entities as characters or numeric references, empty
    /// elements as <c>&lt;x /&gt;</c>, attribute quoting): never a difference for <see cref="ContentNormalizer"/>.
    /// Translating the same body twice the same way changes nothing the second time: the URL forms say which site
    /// they belong to, and a bare <c>ri:content-id</c> that is already one of the target's paired pages is left alone
    /// (this relies on the two sites' page ids being distinct, as they are after a migration). A body that crosses
    /// and comes back unedited is the body that left, in normalized form; only people and pages missing on the
    /// target and Cloud-only markup make it lose anything, each reported, and after that first crossing it is
    /// stable. Legacy <c>ri:username</c> mentions come back as <c>ri:userkey</c>, as Data Center itself saves them.
    /// </summary>
    public sealed class StorageTranslator
    {
        private const int MaxElementText = 200;

        private readonly TranslationContext _context;
        private readonly PageUrls _urls;

        public StorageTranslator(TranslationContext context)
        {
            _context = context ?? throw new ArgumentNullException(nameof(context));
            _urls = new PageUrls(context.DataCenterBaseUrl, context.CloudBaseUrl);
        }

        /// <exception cref="StorageFormatException">The body is not well-formed storage format.</exception>
        public TranslationResult Translate(string storageBody, TranslationDirection direction)
        {
            if (storageBody == null) throw new ArgumentNullException(nameof(storageBody));
            if (direction != TranslationDirection.DataCenterToCloud && direction != TranslationDirection.CloudToDataCenter)
                throw new ArgumentOutOfRangeException(nameof(direction), direction, "Not a translation direction.");
            var document = StorageDocument.Parse(storageBody);
            var run = new Run(this, direction);
            var nodes = run.Walk(document.Nodes);
            var body = run.Changed ? StorageWriter.Write(nodes) : storageBody;
            return new TranslationResult(body, run.Changed, run.Finish());
        }

        /// <summary>
        /// <see cref="Translate"/> on a parsed body, without writing it out: the nodes as parsing the written translation
        /// would give them back (<see cref="StorageTree.AsParsed"/>), or <paramref name="nodes"/> itself when nothing changed.
        /// Lets a caller chain crossings on one parse (the baseline's hash is a body's round trip); warnings are not kept.
        /// </summary>
        internal IReadOnlyList<StorageNode> TranslateNodes(IReadOnlyList<StorageNode> nodes, TranslationDirection direction)
        {
            if (nodes == null) throw new ArgumentNullException(nameof(nodes));
            if (direction != TranslationDirection.DataCenterToCloud && direction != TranslationDirection.CloudToDataCenter)
                throw new ArgumentOutOfRangeException(nameof(direction), direction, "Not a translation direction.");
            var run = new Run(this, direction);
            var translated = run.Walk(nodes);
            return run.Changed ? StorageTree.AsParsed(translated) : nodes;
        }

        private sealed class Run
        {
            private readonly StorageTranslator _owner;
            private readonly TranslationDirection _direction;
            private readonly bool _toCloud;
            private readonly List<TranslationWarning> _warnings = new List<TranslationWarning>();
            private readonly HashSet<(string, string)> _reported = new HashSet<(string, string)>();
            // attributes dropped in bulk are summed up, not reported per element
            private readonly Dictionary<string, int> _droppedAttributes = new Dictionary<string, int>(StringComparer.Ordinal);
            private int _droppedLocalIds;
            private int _droppedTaskUuids;

            public Run(StorageTranslator owner, TranslationDirection direction)
            {
                _owner = owner;
                _direction = direction;
                _toCloud = direction == TranslationDirection.DataCenterToCloud;
            }

            public bool Changed { get; private set; }

            private TranslationContext Context => _owner._context;

            private string Target => _toCloud ? "Cloud" : "Data Center";

            // What elements translate to, before Walk takes it: one list for the run, used as a stack (a nested Walk is
            // done, and has taken its part off, before the element around it adds its own).
            private readonly List<StorageNode> _produced = new List<StorageNode>();

            /// <summary>The nodes translated: <paramref name="nodes"/> itself when none changes (most of a body), else a new list.</summary>
            public IReadOnlyList<StorageNode> Walk(IReadOnlyList<StorageNode> nodes)
            {
                List<StorageNode>? result = null;
                for (var i = 0; i < nodes.Count; i++)
                {
                    var node = nodes[i];
                    if (!(node is StorageElement e))
                    {
                        result?.Add(node);
                        continue;
                    }

                    var mark = _produced.Count;
                    TranslateElement(e, _produced);
                    var produced = _produced.Count - mark;
                    if (result == null)
                    {
                        if (produced == 1 && ReferenceEquals(_produced[mark], node))
                        {
                            _produced.RemoveAt(mark);
                            continue;
                        }
                        result = new List<StorageNode>(nodes.Count + produced);
                        for (var j = 0; j < i; j++) result.Add(nodes[j]);
                    }
                    for (var k = mark; k < _produced.Count; k++) result.Add(_produced[k]);
                    _produced.RemoveRange(mark, produced);
                }
                return result ?? nodes;
            }

            public IReadOnlyList<TranslationWarning> Finish()
            {
                if (_droppedLocalIds > 0)
                    _warnings.Add(new TranslationWarning(TranslationWarningCodes.LocalIdsDropped, "local-id",
                        $"Dropped {Count(_droppedLocalIds, "local-id attribute")}: Cloud's editor bookkeeping, unknown to Data Center."));
                foreach (var pair in _droppedAttributes.OrderBy(p => p.Key, StringComparer.Ordinal))
                    _warnings.Add(new TranslationWarning(TranslationWarningCodes.CloudAttributeDropped, pair.Key,
                        $"Dropped {Count(pair.Value, pair.Key + " attribute")}: Cloud-only presentation that Data Center does not have."));
                if (_droppedTaskUuids > 0)
                    _warnings.Add(new TranslationWarning(TranslationWarningCodes.TaskUuidDropped, "ac:task-uuid",
                        $"Dropped {Count(_droppedTaskUuids, "ac:task-uuid")} from task lists: Data Center identifies tasks by ac:task-id only."));
                return _warnings.AsReadOnly();
            }

            private void TranslateElement(StorageElement e, List<StorageNode> output)
            {
                switch (e.Name)
                {
                    case "ac:link":
                        var user = e.Children.OfType<StorageElement>().FirstOrDefault(c => c.Name == "ri:user");
                        if (user != null && MentionFallback(user, e) is string name)
                        {
                            output.Add(new StorageText(name));
                            Changed = true;
                            return;
                        }
                        break;
                    case "ri:user":
                        if (MentionFallback(e, null) is string text)
                        {
                            output.Add(new StorageText(text));
                            Changed = true;
                            return;
                        }
                        output.Add(TranslateUser(e));
                        return;
                    case "ac:adf-extension" when !_toCloud:
                        ReplaceAdfExtension(e, output);
                        return;
                    case "ac:task-uuid" when !_toCloud:
                        _droppedTaskUuids++;
                        Changed = true;
                        return;
                    case "ac:emoticon" when !_toCloud && e.Attributes.Any(a => IsEmojiAttribute(a.Name)):
                        output.Add(EmojiToEmoticon(e));
                        Changed = true;
                        return;
                    case StorageVocabulary.InlineCommentMarker:
                        // The anchor of one of the source site's inline comments: the target has no comment of that ref.
                        // The text stays; the target's own anchors are put back where the body is written (InlineMarkers.Keep).
                        output.AddRange(Walk(e.Children));
                        Changed = true;
                        return;
                    case "ac:structured-macro":
                    case "ac:macro":
                        CheckMacro(e);
                        break;
                }
                output.Add(Rebuild(e, TranslateAttributes(e), Walk(e.Children)));
            }

            private StorageElement Rebuild(StorageElement original, List<StorageAttribute>? attributes, IReadOnlyList<StorageNode> children)
            {
                var sameChildren = SameNodes(children, original.Children);
                if (attributes == null && sameChildren) return original;
                Changed = true;
                return new StorageElement(original.Name, attributes ?? (IReadOnlyList<StorageAttribute>)original.Attributes, children);
            }

            // A loop, not Zip/All: every element of every body passes here.
            private static bool SameNodes(IReadOnlyList<StorageNode> children, IReadOnlyList<StorageNode> original)
            {
                if (ReferenceEquals(children, original)) return true;
                if (children.Count != original.Count) return false;
                for (var i = 0; i < children.Count; i++)
                    if (!ReferenceEquals(children[i], original[i])) return false;
                return true;
            }

            // ---- mentions ----

            /// <summary>The text a mention becomes when the person cannot be mentioned on the target; null when they can (or it is already in the target's form).</summary>
            private string? MentionFallback(StorageElement user, StorageElement? link)
            {
                var (id, match) = LookUpUser(user);
                if (id == null || match?.CounterpartId != null) return null;
                var name = NonEmpty(match?.DisplayName) ?? NonEmpty(LinkText(link)) ?? id;
                Report(TranslationWarningCodes.UserNotMapped, link ?? user,
                    $"User '{id}' has no account on {Target}; the mention became the text \"{name}\".");
                return name;
            }

            private StorageElement TranslateUser(StorageElement user)
            {
                var (id, match) = LookUpUser(user);
                var translated = TranslateAttributes(user);
                if (id != null && match?.CounterpartId != null)
                {
                    var attributes = translated ?? user.Attributes.ToList();
                    var sourceNames = _toCloud ? new[] { "ri:userkey", "ri:username" } : new[] { "ri:account-id" };
                    var targetName = _toCloud ? "ri:account-id" : "ri:userkey";
                    var index = attributes.FindIndex(a => sourceNames.Contains(a.Name));
                    attributes.RemoveAll(a => sourceNames.Contains(a.Name) || a.Name == targetName);
                    attributes.Insert(Math.Min(index, attributes.Count), new StorageAttribute(targetName, match.CounterpartId));
                    Changed = true;
                    return new StorageElement(user.Name, attributes, user.Children);
                }
                return Rebuild(user, translated, Walk(user.Children));
            }

            /// <summary>The source-side id a <c>ri:user</c> carries and what the map knows of it; (null, null) when it is already in the target's form.</summary>
            private (string? Id, UserMatch? Match) LookUpUser(StorageElement user)
            {
                var users = Context.Users;
                if (_toCloud)
                {
                    var key = user.Attribute("ri:userkey");
                    if (!string.IsNullOrEmpty(key)) return (key, users.ByDataCenterUserKey(key!));
                    var username = user.Attribute("ri:username");
                    if (!string.IsNullOrEmpty(username)) return (username, users.ByDataCenterUsername(username!));
                    return (null, null);
                }
                var account = user.Attribute("ri:account-id");
                return string.IsNullOrEmpty(account) ? (null, null) : (account, users.ByCloudAccountId(account!));
            }

            private static string? LinkText(StorageElement? link)
            {
                if (link == null) return null;
                var sb = new StringBuilder();
                foreach (var body in link.Children.OfType<StorageElement>())
                    if (body.Name == "ac:plain-text-link-body" || body.Name == "ac:link-body") AppendText(body, sb);
                return sb.ToString().Trim();
            }

            private static void AppendText(StorageElement e, StringBuilder sb)
            {
                foreach (var child in e.Children)
                {
                    switch (child)
                    {
                        case StorageText t: sb.Append(t.Text); break;
                        case StorageCData c: sb.Append(c.Text); break;
                        case StorageElement inner: AppendText(inner, sb); break;
                    }
                }
            }

            // ---- attributes: page ids, space keys, Cloud-only presentation ----

            /// <summary>The element's attributes translated, or null when none changes.</summary>
            private List<StorageAttribute>? TranslateAttributes(StorageElement e)
            {
                List<StorageAttribute>? result = null;
                for (var i = 0; i < e.Attributes.Count; i++)
                {
                    var a = e.Attributes[i];
                    var replacement = TranslateAttribute(e, a);
                    if (ReferenceEquals(replacement, a) && result == null) continue;
                    result ??= e.Attributes.Take(i).ToList();
                    if (replacement != null) result.Add(replacement);
                }
                return result;
            }

            /// <summary>The attribute as the target should have it: itself, a new one, or null to drop it.</summary>
            private StorageAttribute? TranslateAttribute(StorageElement e, StorageAttribute a)
            {
                if (!_toCloud)
                {
                    if (IsLocalId(a.Name))
                    {
                        _droppedLocalIds++;
                        return null;
                    }
                    if (IsCloudPresentation(a.Name))
                    {
                        // Cloud's editor writes its defaults on every table: dropping them loses nothing worth a warning.
                        if (!IsCloudEditorDefault(a))
                            _droppedAttributes[a.Name] = _droppedAttributes.TryGetValue(a.Name, out var n) ? n + 1 : 1;
                        return null;
                    }
                }
                switch (a.Name)
                {
                    case "ri:space-key":
                        var key = Context.MapSpaceKey(a.Value, _direction);
                        return key == null ? a : new StorageAttribute(a.Name, key);
                    case "ri:content-id":
                        var page = PageFor(a.Value);
                        if (page != null) return new StorageAttribute(a.Name, page.PageId);
                        // a bare id does not say which site it is from: one of the target's paired pages is already translated
                        if (IsTargetPage(a.Value)) return a;
                        if (!string.IsNullOrEmpty(e.Attribute("ri:content-title")))
                        {
                            Report(TranslationWarningCodes.PageNotPaired, e,
                                $"Page {a.Value} is not paired; the link now names it by title, \"{e.Attribute("ri:content-title")}\".");
                            return null;
                        }
                        Report(TranslationWarningCodes.PageNotPaired, e, $"Page {a.Value} is not paired; its id is kept and will not resolve on {Target}.");
                        return a;
                    case "href" when e.Name == "a":
                    case "ri:value" when e.Name == "ri:url":
                        return TranslateUrl(e, a);
                }
                return a;
            }

            private StorageAttribute TranslateUrl(StorageElement e, StorageAttribute a)
            {
                var link = _owner._urls.Parse(a.Value, _direction);
                if (link == null) return a;
                var page = PageFor(link.PageId);
                if (page == null)
                {
                    Report(TranslationWarningCodes.PageNotPaired, e, $"Page {link.PageId} is not paired; the link is kept and points at {(_toCloud ? "Data Center" : "Cloud")}.");
                    return a;
                }
                var url = _owner._urls.Format(link, page, _direction);
                return url == a.Value ? a : new StorageAttribute(a.Name, url);
            }

            private bool IsTargetPage(string pageId) =>
                (_toCloud ? Context.Pages.DataCenterPageFor(pageId) : Context.Pages.CloudPageFor(pageId)) != null;

            private PageLocation? PageFor(string pageId) =>
                _toCloud ? Context.Pages.CloudPageFor(pageId) : Context.Pages.DataCenterPageFor(pageId);

            private static bool IsLocalId(string name)
            {
                var colon = name.IndexOf(':');
                return (colon < 0 ? name : name.Substring(colon + 1)) == "local-id";
            }

            private static bool IsCloudPresentation(string name) =>
                name == "data-layout" || name == "data-table-width" || name == "ac:breakout-mode" || name == "ac:breakout-width";

            // What Cloud's editor gives every table and layout it stores (a fixed width of 760 and the default layout).
            private static bool IsCloudEditorDefault(StorageAttribute a) =>
                a.Name == "data-layout" && a.Value == "default" || a.Name == "data-table-width" && a.Value == "760" ||
                a.Name == "ac:breakout-mode" && a.Value == "default";

            private static bool IsEmojiAttribute(string name) => name.StartsWith("ac:emoji-", StringComparison.Ordinal);

            // ---- Cloud-only elements ----

            private void ReplaceAdfExtension(StorageElement e, List<StorageNode> output)
            {
                var fallback = e.Children.OfType<StorageElement>().FirstOrDefault(c => c.Name == "ac:adf-fallback");
                var type = e.Children.OfType<StorageElement>().FirstOrDefault(c => c.Name == "ac:adf-node")?.Attribute("type");
                var what = type == null ? "A Cloud-only element" : $"A Cloud-only '{type}' element";
                if (fallback == null)
                {
                    Report(TranslationWarningCodes.AdfExtensionWithoutFallback, e, $"{what} has no fallback; it is kept and Data Center will not show it.");
                    output.Add(e);
                    return;
                }
                Report(TranslationWarningCodes.AdfExtensionReplaced, e, $"{what} became its fallback content for Data Center.");
                output.AddRange(Walk(fallback.Children));
                Changed = true;
            }

            private StorageNode EmojiToEmoticon(StorageElement e)
            {
                var name = e.Attribute("ac:name");
                var id = e.Attribute("ac:emoji-id");
                var shortname = e.Attribute("ac:emoji-shortname");
                var nearest = Emoticons.ForEmoji(id) ?? Emoticons.ForEmoji(shortname);
                if (nearest == null && Emoticons.IsDataCenterName(name) && name != Emoticons.CloudDefaultName)
                    nearest = name;
                var emoji = NonEmpty(shortname) ?? NonEmpty(id) ?? "emoji";
                if (nearest != null)
                {
                    // the same emoticon under its Data Center name is no loss worth a warning
                    if (nearest != name)
                        Report(TranslationWarningCodes.EmojiReplaced, e, $"Emoji {emoji} became the Data Center emoticon '{nearest}'.");
                    var attributes = new List<StorageAttribute>();
                    foreach (var a in e.Attributes)
                    {
                        if (IsEmojiAttribute(a.Name)) continue;
                        if (a.Name == "ac:name") attributes.Add(new StorageAttribute("ac:name", nearest));
                        else if (TranslateAttribute(e, a) is StorageAttribute kept) attributes.Add(kept);
                    }
                    if (!attributes.Any(a => a.Name == "ac:name")) attributes.Insert(0, new StorageAttribute("ac:name", nearest));
                    return new StorageElement(e.Name, attributes, Array.Empty<StorageNode>());
                }
                var fallback = e.Attribute("ac:emoji-fallback");
                var text = NonEmpty(fallback) ?? NonEmpty(shortname) ?? NonEmpty(id) ?? "";
                Report(TranslationWarningCodes.EmojiReplaced, e, $"Emoji {emoji} has no Data Center emoticon; it became the text \"{text}\".");
                foreach (var a in e.Attributes) TranslateAttribute(e, a); // counts the dropped local-id
                return new StorageText(text);
            }

            // ---- macros ----

            private void CheckMacro(StorageElement e)
            {
                var known = _toCloud ? Context.CloudMacros : Context.DataCenterMacros;
                var name = e.Attribute("ac:name");
                if (known == null || string.IsNullOrEmpty(name) || known.Contains(name!)) return;
                var element = $"<{e.Name} ac:name=\"{name}\">";
                if (!_reported.Add((TranslationWarningCodes.MacroMissingOnTarget, element))) return;
                _warnings.Add(new TranslationWarning(TranslationWarningCodes.MacroMissingOnTarget, element,
                    $"Macro '{name}' does not exist on {Target}; the markup is kept and the page will show an unknown-macro error there."));
            }

            // ---- warnings ----

            private void Report(string code, StorageElement element, string message)
            {
                var text = StorageWriter.Write(new[] { element });
                if (text.Length > MaxElementText) text = text.Substring(0, MaxElementText) + "…";
                if (_reported.Add((code, text))) _warnings.Add(new TranslationWarning(code, text, message));
            }

            private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s!.Trim();

            private static string Count(int n, string what) =>
                n.ToString(CultureInfo.InvariantCulture) + " " + what + (n == 1 ? "" : "s");
        }
    }
}
