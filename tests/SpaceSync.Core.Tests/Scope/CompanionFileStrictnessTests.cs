using System.Text;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Scope;

/// <summary>
/// users.map and id maps are read as strictly as the scope file (bytes, control characters, size, every bad row), and
/// Test-SyncScope offline reads their content, not just whether users.csv exists.
/// </summary>
public sealed class CompanionFileStrictnessTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "spacesync-companion-" + Guid.NewGuid().ToString("N"));

    public CompanionFileStrictnessTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private string Sparse(string name, long length)
    {
        var path = Path.Combine(_folder, name);
        using var stream = new FileStream(path, FileMode.Create);
        stream.SetLength(length);
        return path;
    }

    public static TheoryData<string, Func<byte[]>, int, int, string> UserMapBytes => new()
    {
        { "invalid UTF-8", () => Concat(Utf8("dataCenterUserKey,cloudAccountId,name\nk1,a1,Jos"), new byte[] { 0xE9 }, Utf8("\n")), 2, 10, "byte 0xE9 at offset" },
        { "NUL in a column nobody reads", () => Utf8("dataCenterUserKey,cloudAccountId,name\nk1,a1,A\0n\n"), 2, 8, "U+0000 (NUL)" },
        { "UTF-16 without its BOM", () => new UnicodeEncoding(false, false).GetBytes("dataCenterUserKey,cloudAccountId\n"), 1, 2, "U+0000 (NUL)" },
    };

    [Theory]
    [MemberData(nameof(UserMapBytes))]
    public void A_damaged_user_map_is_refused_at_its_line_and_column(string name, Func<byte[]> bytes, int line, int column, string why)
    {
        var path = Write("users.csv", bytes());

        var e = Assert.Throws<UserMapFileException>(() => UserMapFile.Load(path));

        Assert.True($"{path}:{line}:{column}" == e.Location, $"{name}: {e.Message}");
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void A_user_map_over_64_MiB_is_refused_before_it_is_read()
    {
        var path = Sparse("users.csv", UserMapFile.MaxFileBytes + 1);

        var e = Assert.Throws<UserMapFileException>(() => UserMapFile.Load(path));

        Assert.Equal($"{path}:1:1", e.Location);
        Assert.Contains("over the limit of 64 MiB", e.Message);
    }

    [Theory]
    [InlineData("k1,ann@acme.com", "u.csv:2:4", "found an e-mail address ('ann@acme.com')")]
    [InlineData("k1,acc/1", "u.csv:2:4", "holds '/' (account ids are letters, digits")]
    [InlineData("k1,557058:f58131cb-b67d-43c7-b30d-6b58d40bd077", null, null)]
    [InlineData("k1,5b10ac8d82e05b22cc7d4ef5", null, null)]
    public void Account_ids_are_checked_for_their_shape(string row, string? location, string? why)
    {
        var text = "dataCenterUserKey,cloudAccountId\n" + row + "\n";
        if (location == null)
        {
            Assert.Single(UserMapFile.Parse(text, "u.csv").Rows);
            return;
        }

        var e = Assert.Throws<UserMapFileException>(() => UserMapFile.Parse(text, "u.csv"));
        Assert.Equal(location, e.Location);
        Assert.Contains(why!, e.Message);
    }

    [Fact]
    public void Every_bad_row_of_a_user_map_is_reported_in_file_order()
    {
        var text = "dataCenterUserKey,cloudAccountId\n" +
                   "k1,a1\n" +
                   new string('k', 300) + ",a2\n" +
                   "k1,a3\n" +
                   "k4,a1\n" +
                   "k5,\n";

        var e = Assert.Throws<UserMapFileException>(() => UserMapFile.Parse(text, "u.csv"));

        Assert.Equal(new[] { "u.csv:3:1", "u.csv:4:1", "u.csv:5:4", "u.csv:6:4" }, e.Problems.Select(p => p.Location));
        Assert.Contains("a value of 300 characters (at most 255)", e.Problems[0].Message);
        Assert.Contains("(3 more problems in the file.)", e.Message);
    }

    [Fact]
    public void A_damaged_id_map_is_refused_at_its_line()
    {
        var csv = Write("map.csv", Concat(Utf8("dataCenterId,cloudId,title\n1,2,Home\n3,4,Caf"), new byte[] { 0xE9 }, Utf8("\n")));
        var e = Assert.Throws<IdMapException>(() => IdMapFile.Load(csv));
        Assert.Equal($"{csv}:3", e.Location);
        Assert.Contains("column 8: byte 0xE9", e.Message);

        var nul = Write("nul.csv", Utf8("dataCenterId,cloudId,title\n1,2,Ho\0me\n"));
        e = Assert.Throws<IdMapException>(() => IdMapFile.Load(nul));
        Assert.Equal($"{nul}:2", e.Location);
        Assert.Contains("column 7: the control character U+0000 (NUL)", e.Message);

        var huge = Sparse("huge.json", IdMapFile.MaxFileBytes + 1);
        e = Assert.Throws<IdMapException>(() => IdMapFile.Load(huge));
        Assert.Equal($"{huge}:1", e.Location);
        Assert.Contains("over the limit of 256 MiB", e.Message);
    }

    [Fact]
    public void Every_bad_entry_of_an_id_map_is_reported()
    {
        var e = Assert.Throws<IdMapException>(() => IdMapFile.Parse("dataCenterId,cloudId\n1,2\nx,3\n4,2\n5,6\n7\n", "map.csv", IdMapFormat.Csv));
        Assert.Equal(new[] { "map.csv:3", "map.csv:4", "map.csv:6" }, e.Problems.Select(p => p.Location));

        e = Assert.Throws<IdMapException>(() => IdMapFile.Parse("{\"1\": \"2\", \"a\": \"3\", \"4\": true}", "map.json", IdMapFormat.Json));
        Assert.Equal(new[] { "map.json $['a']", "map.json $['4']" }, e.Problems.Select(p => p.Location));
    }

    private string Scope(string usersMap = "users.csv")
    {
        var path = Path.Combine(_folder, "spacesync.yaml");
        File.WriteAllText(path, ScopeFixtures.Minimal(extra: $"users:\n  map: {usersMap}\n"));
        return path;
    }

    [Fact]
    public void Test_SyncScope_offline_reports_each_problem_of_users_map_at_its_place()
    {
        var scope = Scope();
        var users = Write("users.csv", Utf8("dataCenterUserKey,cloudAccountId\nk1,a1\nk2,ann@acme.com\nk1,a3\n"));

        var findings = ScopeValidator.Check(scope, _ => "set");

        Assert.Equal(
            new[] { $"{users}:3:4", $"{users}:4:1" },
            findings.Where(f => f.Severity == FindingSeverity.Error).Select(f => $"{f.Location}"));
        Assert.All(findings.Where(f => f.Severity == FindingSeverity.Error), f => Assert.Equal(ScopeErrorCodes.UserMapInvalid, f.Code));
        Assert.Contains(findings, f => f.Message.Contains("found an e-mail address", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.Code == ScopeErrorCodes.Valid);
    }

    [Fact]
    public void Test_SyncScope_offline_lists_twenty_problems_and_counts_the_rest()
    {
        var scope = Scope();
        var rows = string.Concat(Enumerable.Range(0, 30).Select(i => $"k{i},bad/{i}\n"));
        Write("users.csv", Utf8("dataCenterUserKey,cloudAccountId\n" + rows));

        var errors = ScopeValidator.Check(scope, _ => "set").Where(f => f.Severity == FindingSeverity.Error).ToList();

        Assert.Equal(ScopeValidator.MaxFindingsPerFile + 1, errors.Count);
        Assert.Contains("10 more problems than the 20 listed", errors[^1].Message);
    }

    [Fact]
    public void Test_SyncScope_offline_reads_the_id_map_it_is_given()
    {
        var scope = Scope();
        Write("users.csv", Utf8("dataCenterUserKey,cloudAccountId\nk1,a1\n"));
        var map = Write("map.csv", Utf8("dataCenterId,cloudId\n1,2\n3,x\n"));

        var findings = ScopeValidator.Check(scope, _ => "set", map);

        var error = Assert.Single(findings, f => f.Severity == FindingSeverity.Error);
        Assert.Equal((ScopeErrorCodes.IdMapInvalid, map, 3), (error.Code, error.Location!.File, error.Location.Line));
        Assert.Contains("'x' is not a page id", error.Message);

        var good = Write("good.csv", Utf8("dataCenterId,cloudId\n1,2\n"));
        Assert.Contains(ScopeValidator.Check(scope, _ => "set", good), f => f.Code == ScopeErrorCodes.Valid);
    }
}
