using System.Globalization;
using System.Net;
using System.Text;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Emulator.Seeding;

/// <summary>
/// Fills a space with a realistic, reproducible page tree: the same seed gives the same ids, titles,
/// bodies, versions, labels, attachments, comments, blog posts, restrictions and timestamps. Bodies use the storage-format constructs a
/// syncer must handle (macros, links, mentions in the flavour's form, entities, Cloud-only markup).
/// </summary>
public static class Seeder
{
    private static readonly string[] Topics =
    {
        "Architecture", "Onboarding", "Release", "Deployment", "Incident", "Roadmap", "Runbook", "Security",
        "Testing", "Design", "Retrospective", "Meeting Notes", "API", "Database", "Monitoring", "Budget",
    };

    private static readonly string[] Kinds =
    {
        "Overview", "Guide", "Checklist", "Decisions", "FAQ", "Plan", "Notes", "Review", "Standards", "How-to",
    };

    private static readonly string[] LabelNames =
    {
        "draft", "approved", "howto", "architecture", "team-a", "team-b", "archive-candidate", "important", "q3", "ops",
    };

    private static readonly (string Name, string Email, string Zone)[] People =
    {
        ("Alice Anders", "alice@example.com", "Europe/Berlin"),
        ("Bob Brandt", "bob@example.com", "America/New_York"),
        ("Chen Chao", "chen@example.com", "Asia/Shanghai"),
        ("Dana Díaz", "dana@example.com", "Europe/Madrid"),
    };

    /// <summary>
    /// Seeds <paramref name="pageCount"/> pages below the home page of a new space <paramref name="spaceKey"/>, written
    /// and mentioning the four named people plus <paramref name="extraPeople"/> more ("Person 05", person05@example.com, …).
    /// On Cloud some of them hide their e-mail address (<see cref="User.EmailHidden"/>).
    /// Call it before the site takes requests: it swaps the state's clock while it runs. With
    /// <paramref name="inlineComments"/> (the default) about one page in six also gets an inline comment on the words
    /// "This page describes" (a marker in its body, no new version), some with a reply, some resolved: real spaces have
    /// them, and a syncer meets them in every comment listing. Turn it off only for a test about something else that
    /// needs bodies without markers.
    /// On Cloud, <paramref name="folders"/> (the default) then files a few pages into folders and below a whiteboard, as
    /// Cloud teams do (see <see cref="AddContainers"/>); pass false for a test about something else that needs a tree of
    /// pages only.
    /// </summary>
    /// <param name="bodies"><see cref="SeedBodies.Real"/> pads each page's body to a size drawn from a real space's spread
    /// (see <see cref="RealSized"/>); its own dice, so ids, titles and everything else stay as with small bodies.</param>
    public static Space Seed(EmulatorState state, string spaceKey, int pageCount, int seed, int extraPeople = 0, bool inlineComments = true, bool folders = true,
        SeedBodies bodies = SeedBodies.Small)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (pageCount < 0) throw new ArgumentOutOfRangeException(nameof(pageCount));
        if (extraPeople < 0) throw new ArgumentOutOfRangeException(nameof(extraPeople));
        var random = new Random(seed);
        var clock = new SteppingClock(new DateTimeOffset(2025, 6, 2, 7, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(97));
        var previousClock = state.Clock;
        state.Clock = clock;
        try
        {
            var users = new List<User> { state.Admin };
            var number = 0;
            foreach (var (name, email, zone) in People.Concat(ExtraPeople(extraPeople)))
            {
                var user = state.FindUserByEmail(email) ?? state.AddUser(name, email, timeZone: zone);
                users.Add(user);
                // Some Cloud people hide their e-mail address (profile visibility), as on real sites: Dana (number 4) and
                // every third extra person (Person 06, 09, …). Tests that pair people across the sites must cope (users.map).
                number++;
                if (state.Flavor == EmulatorFlavor.Cloud && (number == People.Length || (number > People.Length && number % 3 == 0)))
                    state.HideEmail(user);
            }

            var space = state.CreateSpace(spaceKey, $"{Topics[random.Next(Topics.Length)]} Space {spaceKey}", state.Admin,
                "Seeded by the SpaceSync emulator (seed " + seed.ToString(CultureInfo.InvariantCulture) + ").");
            var maxDepth = 3 + random.Next(4); // 3..6 levels below the home page
            var tree = new List<(Page Page, int Depth)>();
            var home = state.FindPage(space.HomepageId)!;
            for (var i = 0; i < pageCount; i++)
            {
                var (parent, depth) = ChooseParent(random, tree, home, maxDepth, i);
                var title = Title(random, i);
                var author = users[random.Next(users.Count)];
                var body = Body(state.Flavor, random, title, tree, users, i);
                if (bodies == SeedBodies.Real) body = RealSized(body, seed, i);
                var page = state.CreatePage(space.Id, title, body, parent.Id, author);
                tree.Add((page, depth));

                if (random.Next(3) == 0)
                {
                    var labels = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => ("global", LabelNames[random.Next(LabelNames.Length)])).ToList();
                    state.AddLabels(page.Id, labels);
                }
                if (random.Next(4) == 0)
                    AddAttachments(state, random, page, author, i);
                if (random.Next(5) == 0)
                {
                    var first = state.AddComment(page.Id, $"<p>Looks good, <ac:link>{Mention(state.Flavor, author)}</ac:link>.</p>", null, users[random.Next(users.Count)]);
                    if (random.Next(2) == 0)
                        state.AddComment(page.Id, "<p>Thanks&nbsp;for checking.</p>", first.Id, author);
                }
                // A few restricted pages: edit-only-by-admin, and read-only-for-two.
                if (i % 13 == 5)
                    state.SetRestriction(page.Id, "update", new[] { state.Admin }, Array.Empty<string>());
                if (i % 17 == 9)
                    state.SetRestriction(page.Id, "read", new[] { state.Admin, users[1 + random.Next(users.Count - 1)] }, new[] { "confluence-administrators" });
                var edits = random.Next(4) == 0 ? 1 + random.Next(3) : 0;
                for (var e = 0; e < edits; e++)
                {
                    var editor = users[random.Next(users.Count)];
                    var updated = page.Current.Body + $"<p>Update {e + 1} by <ac:link>{Mention(state.Flavor, editor)}</ac:link>.</p>";
                    state.UpdatePage(page.Id, new PageUpdate(page.Current.Number + 1, page.Title, updated, Message: $"Edit {e + 1}"), editor);
                }
            }
            // A few blog posts (one per ten pages), with the same markup, some labelled and commented.
            for (var b = 0; b < pageCount / 10; b++)
            {
                var author = users[random.Next(users.Count)];
                var title = $"Weekly update {b + 1}";
                var post = state.CreateBlogPost(space.Id, title, Body(state.Flavor, random, title, tree, users, pageCount + b), author);
                if (random.Next(2) == 0) state.AddLabels(post.Id, new[] { ("global", "weekly") });
                if (random.Next(3) == 0) state.AddComment(post.Id, "<p>Nice summary.</p>", null, users[random.Next(users.Count)]);
            }
            // Its own dice, so the rest of the seeded content is the same with or without inline comments.
            if (inlineComments) AddInlineComments(state, new Random(seed ^ 0x1C0), tree.Select(t => t.Page).ToList(), users);
            if (folders && state.Flavor == EmulatorFlavor.Cloud) AddContainers(state, space, home, tree.Select(t => t.Page).ToList());
            return space;
        }
        finally
        {
            state.Clock = previousClock;
        }
    }

    /// <summary>
    /// Cloud only, after everything else (so page, attachment and comment ids are the same with or without it): a folder
    /// "Shared notes" below the home page holding the second top section, a folder "Drafts" inside it holding the third,
    /// and a whiteboard "Planning board" below the first section holding that section's first child page. Each is placed
    /// where its pages already were, so the tree without them is the tree as seeded. No page gets a new version.
    /// </summary>
    private static void AddContainers(EmulatorState state, Space space, Page home, IReadOnlyList<Page> pages)
    {
        lock (state.Gate)
        {
            if (pages.Count > 1)
            {
                var shared = state.CreateContainer("folder", space.Id, "Shared notes", home.Id);
                state.PlaceBelow(pages[1], shared);
                if (pages.Count > 2)
                    state.PlaceBelow(pages[2], state.CreateContainer("folder", space.Id, "Drafts", shared.Id));
            }
            if (pages.Count > 0 && pages.Skip(1).FirstOrDefault(p => p.ParentId == pages[0].Id) is { } child)
                state.PlaceBelow(child, state.CreateContainer("whiteboard", space.Id, "Planning board", pages[0].Id));
        }
    }

    private static IEnumerable<(string Name, string Email, string Zone)> ExtraPeople(int count) =>
        Enumerable.Range(People.Length + 1, count).Select(n =>
        {
            var number = n.ToString("D2", CultureInfo.InvariantCulture);
            return ($"Person {number}", $"person{number}@example.com", n % 2 == 0 ? "Europe/London" : "America/Chicago");
        });

    private static (Page Parent, int Depth) ChooseParent(Random random, List<(Page Page, int Depth)> tree, Page home, int maxDepth, int index)
    {
        // A handful of top sections, then a tree that both deepens and widens.
        if (index < 4 || tree.Count == 0) return (home, 1);
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var (candidate, depth) = tree[random.Next(tree.Count)];
            if (depth < maxDepth) return (candidate, depth + 1);
        }
        return (home, 1);
    }

    private static string Title(Random random, int index)
    {
        var topic = Topics[random.Next(Topics.Length)];
        var kind = Kinds[random.Next(Kinds.Length)];
        var number = (index + 1).ToString(CultureInfo.InvariantCulture);
        return (index % 11) switch
        {
            3 => $"{topic} & {kind} {number}",
            7 => $"Über \"{topic}\" – {kind} {number}",
            _ => $"{topic} {kind} {number}",
        };
    }

    /// <summary>Cloud mentions by account id; Data Center by user key, or (older content) by username.</summary>
    private static string Mention(EmulatorFlavor flavor, User user, bool legacy = false) =>
        flavor == EmulatorFlavor.Cloud ? $"<ri:user ri:account-id=\"{user.AccountId}\" />"
        : legacy ? $"<ri:user ri:username=\"{user.Username}\" />"
        : $"<ri:user ri:userkey=\"{user.UserKey}\" />";

    private static string LocalId(EmulatorFlavor flavor, Random random) =>
        flavor == EmulatorFlavor.Cloud ? $" local-id=\"{random.Next():x8}-{random.Next(0xFFFF):x4}\"" : "";

    private static string Body(EmulatorFlavor flavor, Random random, string title, List<(Page Page, int Depth)> tree, List<User> users, int index)
    {
        var enc = (string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append($"<h1{LocalId(flavor, random)}>{enc(title)}</h1>");
        sb.Append($"<p{LocalId(flavor, random)}>This page describes <strong>{enc(title)}</strong>.&nbsp;Owner: <ac:link>{Mention(flavor, users[random.Next(users.Count)], legacy: random.Next(5) == 0)}</ac:link></p>");
        var blocks = 2 + random.Next(5);
        for (var b = 0; b < blocks; b++)
        {
            switch (random.Next(10))
            {
                case 0:
                    sb.Append("<h2>Steps</h2><ol>");
                    for (var i = 0; i < 2 + random.Next(4); i++) sb.Append($"<li><p>Step {i + 1}:&nbsp;check item {random.Next(100)}</p></li>");
                    sb.Append("</ol>");
                    break;
                case 1:
                    sb.Append("<ul>");
                    for (var i = 0; i < 2 + random.Next(3); i++) sb.Append($"<li>Point {i + 1} &amp; detail {random.Next(1000)}</li>");
                    sb.Append("</ul>");
                    break;
                case 2:
                    var tableAttrs = flavor == EmulatorFlavor.Cloud ? " data-layout=\"default\" data-table-width=\"760\"" + LocalId(flavor, random) : "";
                    sb.Append($"<table{tableAttrs}><tbody><tr><th><p>Key</p></th><th><p>Value</p></th></tr>");
                    for (var i = 0; i < 1 + random.Next(4); i++) sb.Append($"<tr><td><p>k{i}</p></td><td><p>{random.Next(10000)}</p></td></tr>");
                    sb.Append("</tbody></table>");
                    break;
                case 3:
                    sb.Append("<ac:structured-macro ac:name=\"code\" ac:schema-version=\"1\"><ac:parameter ac:name=\"language\">bash</ac:parameter>");
                    sb.Append($"<ac:plain-text-body><![CDATA[if [ $x -lt {random.Next(50)} ]; then echo \"<ok> & done\"; fi]]></ac:plain-text-body></ac:structured-macro>");
                    break;
                case 4:
                    sb.Append("<ac:structured-macro ac:name=\"info\" ac:schema-version=\"1\"><ac:rich-text-body><p>Remember to review this page quarterly.</p></ac:rich-text-body></ac:structured-macro>");
                    break;
                case 5:
                    sb.Append("<p><ac:structured-macro ac:name=\"toc\" ac:schema-version=\"1\" /></p>");
                    sb.Append($"<p><ac:structured-macro ac:name=\"jira\" ac:schema-version=\"1\"><ac:parameter ac:name=\"key\">OPS-{100 + random.Next(900)}</ac:parameter></ac:structured-macro></p>");
                    break;
                case 6 when tree.Count > 0:
                    var target = tree[random.Next(tree.Count)].Page;
                    sb.Append($"<p>See also <ac:link><ri:page ri:content-title=\"{enc(target.Title)}\" /></ac:link>");
                    sb.Append($" and <ac:link><ri:page ri:space-key=\"{target.Space.Key}\" ri:content-title=\"{enc(target.Title)}\" /><ac:plain-text-link-body><![CDATA[that page]]></ac:plain-text-link-body></ac:link>");
                    // Links that carry page ids: a syncer must rewrite them through its id map.
                    var byId = flavor == EmulatorFlavor.Cloud
                        ? $"/wiki/spaces/{target.Space.Key}/pages/{target.Id}"
                        : $"/pages/viewpage.action?pageId={target.Id}";
                    sb.Append($", or <a href=\"{byId}\">by id</a>.</p>");
                    break;
                case 7 when flavor == EmulatorFlavor.Cloud:
                    sb.Append("<p>Status <ac:emoticon ac:name=\"tick\" ac:emoji-shortname=\":check_mark:\" ac:emoji-id=\"atlassian-check_mark\" ac:emoji-fallback=\":check_mark:\" /> done.</p>");
                    sb.Append("<ac:adf-extension><ac:adf-node type=\"panel\"><ac:adf-attribute key=\"panel-type\">note</ac:adf-attribute>");
                    sb.Append("<ac:adf-content><p>A Cloud-only note panel.</p></ac:adf-content></ac:adf-node>");
                    sb.Append("<ac:adf-fallback><div class=\"panel\"><p>A Cloud-only note panel.</p></div></ac:adf-fallback></ac:adf-extension>");
                    break;
                case 8:
                    sb.Append("<ac:task-list>");
                    for (var t = 0; t < 1 + random.Next(3); t++)
                    {
                        var uuid = flavor == EmulatorFlavor.Cloud ? $"<ac:task-uuid>{EmulatorState.DeterministicGuid($"task:{index}:{b}:{t}")}</ac:task-uuid>" : "";
                        sb.Append($"<ac:task><ac:task-id>{t + 1}</ac:task-id>{uuid}<ac:task-status>{(random.Next(2) == 0 ? "complete" : "incomplete")}</ac:task-status><ac:task-body>Follow up {t + 1}</ac:task-body></ac:task>");
                    }
                    sb.Append("</ac:task-list>");
                    break;
                default:
                    sb.Append($"<p>Paragraph {b + 1} of page {index + 1}: quick&nbsp;notes, &lt;escaped&gt; text and “quotes”.</p>");
                    break;
            }
        }
        return sb.ToString();
    }

    private static readonly string[] Words =
    {
        "service", "deploy", "owner", "review", "budget", "window", "cluster", "latency", "backup", "restore", "ticket",
        "escalate", "release", "branch", "merge", "schema", "index", "queue", "retry", "timeout", "customer", "quarter",
        "metric", "alert", "runbook", "staging", "rollback", "capacity", "vendor", "contract", "audit", "access",
    };

    /// <summary>
    /// Pads a seeded body to a size drawn from a log-normal spread with a median of about 12 KB and a tail clipped at
    /// 300 KB, as pages of a long-lived space run: prose, wide tables, code and panel macros, lists. Deterministic by
    /// seed and page; its own dice, so the rest of the seeded content does not change.
    /// </summary>
    private static string RealSized(string body, int seed, int index)
    {
        var random = new Random(unchecked(seed * 7919 + index * 104_729 + 17));
        // Box-Muller: a standard normal from two uniforms; exp(mu + sigma z) with mu = ln 12 000 is the median 12 KB.
        var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var target = (int)Math.Clamp(Math.Exp(Math.Log(12_000) + 1.0 * z), 2_000, 300_000);
        var sb = new StringBuilder(body, target + 4_000);
        string Sentence()
        {
            var n = 8 + random.Next(14);
            var words = Enumerable.Range(0, n).Select(_ => Words[random.Next(Words.Length)]).ToArray();
            words[0] = char.ToUpperInvariant(words[0][0]) + words[0][1..];
            return string.Join(' ', words) + ".";
        }
        var section = 0;
        while (sb.Length < target)
        {
            switch (random.Next(8))
            {
                case 0:
                    sb.Append($"<h2>Section {++section}</h2>");
                    break;
                case 1:
                    var columns = 3 + random.Next(3);
                    sb.Append("<table><tbody><tr>");
                    for (var c = 0; c < columns; c++) sb.Append($"<th><p>Column {c + 1}</p></th>");
                    sb.Append("</tr>");
                    for (var r = 0; r < 5 + random.Next(36); r++)
                    {
                        sb.Append("<tr>");
                        for (var c = 0; c < columns; c++)
                            sb.Append(c == 0 ? $"<td><p>{Words[random.Next(Words.Length)]}-{random.Next(1000)}</p></td>" : $"<td><p>{random.Next(100_000)}</p></td>");
                        sb.Append("</tr>");
                    }
                    sb.Append("</tbody></table>");
                    break;
                case 2:
                    sb.Append("<ac:structured-macro ac:name=\"code\" ac:schema-version=\"1\"><ac:parameter ac:name=\"language\">bash</ac:parameter><ac:plain-text-body><![CDATA[");
                    for (var l = 0; l < 10 + random.Next(50); l++) sb.Append($"run --step {l} --target {Words[random.Next(Words.Length)]} && echo \"<ok> & {random.Next(1000)}\"\n");
                    sb.Append("]]></ac:plain-text-body></ac:structured-macro>");
                    break;
                case 3:
                    var panel = random.Next(3) switch { 0 => "info", 1 => "note", _ => "warning" };
                    sb.Append($"<ac:structured-macro ac:name=\"{panel}\" ac:schema-version=\"1\"><ac:rich-text-body><p>{Sentence()} {Sentence()}</p></ac:rich-text-body></ac:structured-macro>");
                    break;
                case 4:
                    sb.Append("<ul>");
                    for (var l = 0; l < 3 + random.Next(8); l++) sb.Append($"<li>{Sentence()}</li>");
                    sb.Append("</ul>");
                    break;
                default:
                    sb.Append("<p>");
                    for (var l = 0; l < 3 + random.Next(6); l++) sb.Append(l == 1 ? $"<strong>{Sentence()}</strong> " : Sentence() + " ");
                    sb.Append("&nbsp;&amp; more.</p>");
                    break;
            }
        }
        return sb.ToString();
    }

    private static void AddInlineComments(EmulatorState state, Random random, List<Page> pages, List<User> users)
    {
        foreach (var page in pages)
        {
            if (random.Next(6) != 0 || page.Status != "current") continue;
            var author = users[random.Next(users.Count)];
            var thread = state.AddInlineComment(page.Id, "This page describes", $"<p>Is this still accurate? <ac:link>{Mention(state.Flavor, author)}</ac:link></p>",
                users[random.Next(users.Count)]);
            if (random.Next(2) == 0) state.AddComment(page.Id, "<p>Yes, checked last week.</p>", thread.Id, author);
            if (random.Next(3) == 0) state.SetInlineResolution(thread.Id, resolved: true, author);
        }
    }

    private static void AddAttachments(EmulatorState state, Random random, Page page, User author, int index)
    {
        var count = 1 + random.Next(2);
        for (var a = 0; a < count; a++)
        {
            var isImage = random.Next(2) == 0;
            var name = isImage ? $"diagram-{index + 1}-{a + 1}.png" : $"notes-{index + 1}-{a + 1}.txt";
            var path = state.NewBlobPath();
            byte[] bytes;
            if (isImage)
            {
                bytes = new byte[64 + random.Next(512)];
                random.NextBytes(bytes);
                new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(bytes, 0);
            }
            else
            {
                bytes = Encoding.UTF8.GetBytes($"Notes for page {page.Title}\nline {random.Next(1000)}\n");
            }
            File.WriteAllBytes(path, bytes);
            var attachment = state.AddAttachment(page.Id, name, isImage ? "image/png" : "text/plain", path, "Seeded file", false, author);
            var reference = isImage
                ? $"<p><ac:image ac:height=\"150\"><ri:attachment ri:filename=\"{attachment.FileName}\" /></ac:image></p>"
                : $"<p>Notes: <ac:link><ri:attachment ri:filename=\"{attachment.FileName}\" /></ac:link></p>";
            state.UpdatePage(page.Id, new PageUpdate(page.Current.Number + 1, page.Title, page.Current.Body + reference, Message: "Add " + attachment.FileName), author);
        }
    }

    /// <summary>A clock that advances a fixed step on every read, so seeded timestamps are reproducible and distinct.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private DateTimeOffset _now;
        private readonly TimeSpan _step;

        public SteppingClock(DateTimeOffset start, TimeSpan step)
        {
            _now = start;
            _step = step;
        }

        public override DateTimeOffset GetUtcNow()
        {
            _now += _step;
            return _now;
        }
    }
}

/// <summary>How large seeded page bodies are: <see cref="Small"/> (a few hundred bytes, the default) or <see cref="Real"/>.</summary>
public enum SeedBodies
{
    Small,
    /// <summary>Median about 12 KB, a tail to 300 KB, with tables, code and panel macros (Seeder.RealSized).</summary>
    Real,
}
