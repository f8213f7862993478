using SpaceSync.Core.Scope;
using Xunit;

namespace SpaceSync.Core.Tests.Scope;

public class ScopeFileEditorTests
{
    private const string Head = """
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
