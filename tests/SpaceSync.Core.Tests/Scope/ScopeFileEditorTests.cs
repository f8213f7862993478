using System.Text;
using SpaceSync.Core.Scope;
using Xunit;

namespace SpaceSync.Core.Tests.Scope;

public class ScopeFileEditorTests
{
    internal const string Head = """
        # Acme's SpaceSync scope
        version: 1
        sites:
          cloud:
            url: https://acme.atlassian.net/wiki
            auth: { type: basic, user: bot@acme.com, token: env:CLOUD }   # API token
          datacenter:
            url: https://wiki.acme.internal
            auth:
              type: bearer
              token: env:DC
        spaces:

        """;

    private const string Eng = """
          # Engineering: merged both ways
          - key: ENG
            cloudKey: ENG2     # CCMA renamed it
            owner: eng@acme.com
            # still dual-write until Q3
            phase: dual-write

        """;

    private const string Hr = """
          - key: HR
            owner: "people@acme.com"
        """;

    private const string Ops = """
          # Operations
          - key: OPS
            owner: ops@acme.com

        """;

    private const string Tail = """
        # where state lives
        state:
          path: spacesync.db
        """;

    private static string Remove(string text, string key) => ScopeFileEditor.RemoveSpace(text, key, "/x/spacesync.yaml");

    [Fact]
    public void Removes_a_middle_space_and_leaves_every_other_byte()
    {
        var text = Head + Eng + Hr + "\n" + Ops + Tail;
        Assert.Equal(Head + Eng + Ops + Tail, Remove(text, "HR"));
    }

    [Fact]
    public void Removes_the_first_space_with_the_comment_above_it()
    {
        var text = Head + Eng + Hr + "\n" + Ops + Tail;
        Assert.Equal(Head + Hr + "\n" + Ops + Tail, Remove(text, "eng"));
    }

    [Fact]
    public void Removes_the_last_space_and_keeps_the_comment_of_the_next_section()
    {
        var text = Head + Eng + Hr + "\n" + Ops + Tail;
        Assert.Equal(Head + Eng + Hr + "\n" + Tail, Remove(text, "OPS"));
    }

    [Fact]
    public void Keeps_windows_line_endings()
    {
        var text = (Head + Eng + Hr + "\n" + Ops + Tail).Replace("\n", "\r\n");
        Assert.Equal((Head + Eng + Ops + Tail).Replace("\n", "\r\n"), Remove(text, "HR"));
    }

    [Fact]
    public void The_only_space_leaves_an_empty_list_that_still_parses()
    {
        var text = Head + Hr + "\n" + Tail;
        var result = Remove(text, "HR");
        Assert.Empty(ScopeParser.Parse(result, "/x/spacesync.yaml").Spaces);
        Assert.EndsWith(Tail, result);
    }

    [Fact]
    public void A_space_that_is_not_there_is_a_clear_error()
    {
        var e = Assert.Throws<ScopeException>(() => Remove(Head + Eng + Tail, "NOPE"));
        Assert.Equal(ScopeFileEditor.SpaceNotInFile, e.Errors.Single().Code);
        Assert.Contains("ENG", e.Message);
    }

    [Fact]
    public void A_flow_list_is_refused_not_rewritten()
    {
        var text = Head.Replace("spaces:\n", "spaces: [{ key: ENG, owner: a@b.c }, { key: HR, owner: a@b.c }]\n") + Tail;
        var e = Assert.Throws<ScopeException>(() => Remove(text, "HR"));
        Assert.Equal(ScopeFileEditor.EditUnsupported, e.Errors.Single().Code);
    }

    [Fact]
    public void An_invalid_file_is_refused_with_its_own_errors()
    {
        var e = Assert.Throws<ScopeException>(() => Remove(Head + Eng.Replace("owner", "ownr") + Tail, "ENG"));
        Assert.Contains(e.Errors, x => x.Code == ScopeErrorCodes.UnknownKey);
    }
}

public class ScopeFileEditorSetAndAddTests
{
    private const string Path = "/x/spacesync.yaml";

    private const string Head = ScopeFileEditorTests.Head; // the same sites, comments and `spaces:` line

    private const string Eng = """
          # Engineering: merged both ways
          - key: ENG
            cloudKey: ENG2     # CCMA renamed it
            owner: eng@acme.com
            # still dual-write until Q3
            phase: 'dual-write'   # quoted on purpose

        """;

    private const string Hr = """
          - key: HR
            owner: "people@acme.com"
            exclude: { labels: [no-sync] }
        """;

    private const string Tail = """

        # where state lives
        state:
          path: spacesync.db
        """;

    private static string Set(string text, string key, params (string Key, string Word)[] values) =>
        ScopeFileEditor.SetSpaceValues(text, key, values.Select(v => new KeyValuePair<string, string>(v.Key, v.Word)).ToList(), Path);

    [Fact]
    public void Rewrites_a_value_in_place_keeping_its_quotes_and_comment()
    {
        var text = Head + Eng + Hr + Tail;
        var result = Set(text, "ENG", ("phase", "cloud-primary"));
        Assert.Equal(Head + Eng.Replace("'dual-write'", "'cloud-primary'") + Hr + Tail, result);
        Assert.Equal(MigrationPhase.CloudPrimary, ScopeParser.Parse(result, Path).Spaces[0].Phase);
    }

    [Fact]
    public void Adds_a_missing_key_below_the_identity_lines_at_the_entry_indentation()
    {
        var text = Head + Eng + Hr + Tail;
        var result = Set(text, "hr", ("phase", "frozen"), ("conflicts", "prefer-cloud"));
        var expected = Hr.Replace("    owner: \"people@acme.com\"\n", "    owner: \"people@acme.com\"\n    phase: frozen\n    conflicts: prefer-cloud\n");
        Assert.Equal(Head + Eng + expected + Tail, result);
    }

    [Fact]
    public void Keeps_windows_line_endings_when_adding_a_line()
    {
        var text = (Head + Eng + Hr + Tail).Replace("\n", "\r\n");
        var result = Set(text, "HR", ("direction", "to-cloud"));
        Assert.Equal((Head + Eng + Hr.Replace("\"people@acme.com\"\n", "\"people@acme.com\"\n    direction: to-cloud\n") + Tail).Replace("\n", "\r\n"), result);
    }

    [Fact]
    public void A_space_that_is_not_there_is_an_error_naming_the_file()
    {
        var e = Assert.Throws<ScopeException>(() => Set(Head + Eng + Tail, "NOPE", ("phase", "frozen")));
        Assert.Equal(ScopeFileEditor.SpaceNotInFile, e.Errors.Single().Code);
        Assert.Contains(Path, e.Message);
    }

    [Fact]
    public void A_flow_mapping_entry_is_refused_not_rewritten()
    {
        var e = Assert.Throws<ScopeException>(() => Set(Head + "  - { key: OPS, owner: ops@acme.com }\n" + Tail, "OPS", ("phase", "frozen")));
        Assert.Equal(ScopeFileEditor.EditUnsupported, e.Errors.Single().Code);
    }

    [Fact]
    public void A_word_the_scope_file_does_not_know_fails_with_the_parsers_error()
    {
        var e = Assert.Throws<ScopeException>(() => Set(Head + Eng + Tail, "ENG", ("phase", "sideways")));
        Assert.Contains(e.Errors, x => x.Code == ScopeErrorCodes.InvalidEnum);
    }

    [Fact]
    public void Adds_a_space_after_the_last_one_in_the_files_indentation()
    {
        var text = Head + Eng + Hr + Tail;
        var result = ScopeFileEditor.AddSpace(text, "OPS", "OPS2", "ops@acme.com", "datacenter-primary", Path);
        Assert.Equal(Head + Eng + Hr + "\n  - key: OPS\n    cloudKey: OPS2\n    owner: ops@acme.com\n    phase: datacenter-primary" + Tail, result);
    }

    [Fact]
    public void Adds_a_space_with_windows_line_endings_to_a_file_without_a_last_newline()
    {
        var text = (Head + Eng + Hr).Replace("\n", "\r\n");
        var result = ScopeFileEditor.AddSpace(text, "OPS", null, "ops@acme.com", null, Path);
        Assert.Equal(text + "\r\n  - key: OPS\r\n    owner: ops@acme.com\r\n", result);
    }

    [Fact]
    public void A_missing_key_goes_below_a_phase_written_after_a_nested_block()
    {
        var entry = "  - key: WEB\n    owner: web@acme.com\n    exclude:\n      titles: [Archive*]\n    phase: frozen   # parked\n";
        var result = Set(Head + entry + Tail, "WEB", ("direction", "none"), ("phase", "dual-write"));
        Assert.Equal(Head + entry.Replace("phase: frozen   # parked\n", "phase: dual-write   # parked\n    direction: none\n") + Tail, result);
    }

    [Fact]
    public void Adds_the_first_space_to_an_empty_list_and_quotes_what_needs_it()
    {
        var text = Head.Replace("spaces:\n", "spaces: []   # none yet\n") + Tail;
        var result = ScopeFileEditor.AddSpace(text, "~alice", null, "Alice O'Neil", null, Path);
        Assert.Equal(Head.Replace("spaces:\n", "spaces:   # none yet\n  - key: ~alice\n    owner: 'Alice O''Neil'\n") + Tail, result);
        Assert.Equal("Alice O'Neil", ScopeParser.Parse(result, Path).Spaces.Single().Owner);
    }

    [Fact]
    public void A_key_already_there_is_an_error_as_a_key_or_as_a_cloud_key()
    {
        var text = Head + Eng + Hr + Tail;
        Assert.Equal(ScopeFileEditor.SpaceAlreadyInFile,
            Assert.Throws<ScopeException>(() => ScopeFileEditor.AddSpace(text, "hr", null, "o@acme.com", null, Path)).Errors.Single().Code);
        Assert.Equal(ScopeFileEditor.SpaceAlreadyInFile,
            Assert.Throws<ScopeException>(() => ScopeFileEditor.AddSpace(text, "ENG2", null, "o@acme.com", null, Path)).Errors.Single().Code);
    }

    [Fact]
    public void A_key_confluence_would_refuse_fails_with_the_parsers_error()
    {
        var e = Assert.Throws<ScopeException>(() => ScopeFileEditor.AddSpace(Head + Eng + Tail, "ops", null, "o@acme.com", null, Path));
        Assert.Contains(e.Errors, x => x.Code == ScopeErrorCodes.InvalidSpaceKey);
    }

    [Fact]
    public void The_diff_shows_the_changed_line_with_context_and_line_numbers()
    {
        var text = Head + Eng + Hr + Tail;
        var diff = ScopeTextDiff.Unified(text, Set(text, "ENG", ("phase", "frozen")), Path);
        var lines = diff.Split('\n');
        Assert.Equal("--- " + Path, lines[0]);
        Assert.Equal("@@ -15,7 +15,7 @@", lines[2]);
        Assert.Contains("-    phase: 'dual-write'   # quoted on purpose", lines);
        Assert.Equal("+    phase: 'frozen'   # quoted on purpose", lines[Array.IndexOf(lines, "-    phase: 'dual-write'   # quoted on purpose") + 1]);
        Assert.Equal(2, lines.Count(l => l.StartsWith("-", StringComparison.Ordinal) || l.StartsWith("+", StringComparison.Ordinal)) - 2);
        Assert.Equal("", ScopeTextDiff.Unified(text, text, Path));
    }

    [Fact]
    public void An_added_line_diff_names_the_line_before()
    {
        var diff = ScopeTextDiff.Unified("a\nb\n", "a\nb\nc\n", Path);
        Assert.Contains("@@ -1,2 +1,3 @@", diff);
        Assert.EndsWith(" a\n b\n+c\n", diff);
        Assert.Contains("@@ -0,0 +1 @@", ScopeTextDiff.Unified("", "x\n", Path));
    }
}

public class ScopeFileTextTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scopefiletext").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string Valid = """
        version: 1
        sites:
          cloud:
            url: https://acme.atlassian.net/wiki
            auth: { type: basic, user: bot@acme.com, token: env:CLOUD }
          datacenter:
            url: https://wiki.acme.internal
            auth: { type: bearer, token: env:DC }
        spaces:
          - key: ENG
            owner: eng@acme.com
        """;

    [Fact]
    public void Writes_back_in_the_files_encoding_and_leaves_no_temp_file()
    {
        var path = System.IO.Path.Combine(_folder, "spacesync.yaml");
        File.WriteAllText(path, Valid, new UnicodeEncoding(bigEndian: false, byteOrderMark: true));
        var file = ScopeFileText.Read(path);
        file.ReplaceValidated(file.Text.Replace("eng@acme.com", "docs@acme.com"));
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0xFF, 0xFE }, bytes.Take(2));
        Assert.Equal(Valid.Replace("eng@acme.com", "docs@acme.com"), Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public void An_error_the_old_file_had_already_does_not_block_an_edit()
    {
        // A users.map row that pairs with an e-mail instead of an account id: Test-SyncScope's error, in both files.
        var path = System.IO.Path.Combine(_folder, "spacesync.yaml");
        File.WriteAllText(path, Valid.Replace("spaces:", "users:\n  map: users.csv\nspaces:"));
        File.WriteAllText(System.IO.Path.Combine(_folder, "users.csv"), "dataCenterUserKey,cloudAccountId\nalice,alice@acme.com\n");
        Assert.Contains(ScopeValidator.Check(path), f => f.Severity == FindingSeverity.Error);
        var file = ScopeFileText.Read(path);
        file.ReplaceValidated(file.Text.Replace("eng@acme.com", "docs@acme.com"));
        Assert.Contains("docs@acme.com", File.ReadAllText(path));
    }

    [Fact]
    public void A_file_that_would_not_validate_is_not_written()
    {
        var path = System.IO.Path.Combine(_folder, "spacesync.yaml");
        File.WriteAllText(path, Valid);
        var before = File.ReadAllBytes(path);
        var file = ScopeFileText.Read(path);
        var e = Assert.Throws<ScopeException>(() => file.ReplaceValidated(file.Text.Replace("owner:", "ownr:")));
        Assert.Equal(ScopeFileText.EditInvalid, e.Errors[0].Code);
        Assert.Contains("ScopeUnknownKey", e.Message);
        Assert.Equal(path, e.Errors[0].Location.File);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_folder));
    }
}
