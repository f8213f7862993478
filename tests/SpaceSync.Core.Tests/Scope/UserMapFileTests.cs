using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Scope;

public sealed class UserMapFileTests
{
    private static string Pairs(UserMapOverrides map) =>
        string.Join(" ", map.Rows.Select(r => $"{r.DataCenterUserKey}>{r.CloudAccountId}@{r.Location}"));

    [Fact]
    public void Reads_the_spec_header_with_a_BOM_CRLF_quotes_and_blank_lines()
    {
        var map = UserMapFile.Parse(
            "\uFEFFdataCenterUserKey,cloudAccountId\r\n8a7f80826b1a,557058:f1e2\r\n\r\n  \r\n\"ff80818c\" , \"712020:9ab-cd\"\r\n", "users.csv");

        Assert.Equal("8a7f80826b1a>557058:f1e2@users.csv:2 ff80818c>712020:9ab-cd@users.csv:5", Pairs(map));
        Assert.Equal("557058:f1e2", map.ByUserKey["8a7f80826b1a"]);
        Assert.Equal("users.csv", map.Source);
    }

    [Fact]
    public void Columns_may_come_in_any_order_and_case_beside_columns_for_the_reader()
    {
        var map = UserMapFile.Parse("Name,CLOUDACCOUNTID,datacenteruserkey\n\"Doe, Jane\",acc-1,key-1\nBob,acc-2,key-2", "u.csv");

        Assert.Equal("key-1>acc-1@u.csv:2 key-2>acc-2@u.csv:3", Pairs(map));
    }

    [Fact]
    public void A_header_alone_is_an_empty_map_and_a_quoted_line_break_keeps_line_numbers_right()
    {
        Assert.Empty(UserMapFile.Parse("dataCenterUserKey,cloudAccountId\n\n", "u.csv").Rows);

        var map = UserMapFile.Parse("note,dataCenterUserKey,cloudAccountId\n\"two\nlines\",k1,a1\nx,k2,a2\n", "u.csv");
        Assert.Equal("k1>a1@u.csv:2 k2>a2@u.csv:4", Pairs(map));
    }

    [Theory]
    [InlineData("", "u.csv:1:1", "the file is empty; expected the header row 'dataCenterUserKey,cloudAccountId'")]
    [InlineData("\n\n  \n", "u.csv:1:1", "the file is empty")]
    [InlineData("dataCenterId,cloudId\nk,a\n", "u.csv:1:1", "there is no 'dataCenterUserKey' column (found 'dataCenterId', 'cloudId')")]
    [InlineData("\n\n dataCenterUserKey,accountId\n", "u.csv:3:1", "there is no 'cloudAccountId' column")]
    [InlineData("dataCenterUserKey,cloudAccountId,DataCenterUserKey\n", "u.csv:1:34", "names the 'dataCenterUserKey' column twice")]
    [InlineData("dataCenterUserKey,cloudAccountId\nk1,a1\nk2\n", "u.csv:3:3", "expected 2 fields like the header, found 1")]
    [InlineData("dataCenterUserKey,cloudAccountId\nk1,a1,extra\n", "u.csv:2:7", "expected 2 fields like the header, found 3")]
    [InlineData("dataCenterUserKey,cloudAccountId\nk1,a1\n  ,a2\n", "u.csv:3:1", "expected a Data Center user key (column 'dataCenterUserKey'), found an empty field")]
    [InlineData("dataCenterUserKey,cloudAccountId\nk1,\"\"\n", "u.csv:2:4", "expected a Cloud account id (column 'cloudAccountId'), found an empty field")]
    [InlineData("dataCenterUserKey,cloudAccountId\nk1,acc one\n", "u.csv:2:4", "found a value with spaces or line breaks inside")]
    [InlineData("dataCenterUserKey,cloudAccountId\nk1,a1\nk2,a2\nk1,a3\n", "u.csv:4:1", "Data Center user key 'k1' is mapped again (first at line 2)")]
    [InlineData("dataCenterUserKey,cloudAccountId\nk1,a1\n\nk2,a1\n", "u.csv:4:4", "Cloud account 'a1' is mapped again (first at line 2, from another user key)")]
    [InlineData("dataCenterUserKey,cloudAccountId\nk1,\"a1\n", "u.csv:2:4", "a quoted field is not closed")]
    [InlineData("dataCenterUserKey,cloudAccountId\nk1,\"a1\"x\n", "u.csv:2:8", "expected ',' or the end of the line after the closing quote, found 'x'")]
    [InlineData("dataCenterUserKey,cloudAccountId\nk\"1,a1\n", "u.csv:2:2", "a quote inside an unquoted field")]
    [InlineData("\uFEFFdataCenterUserKey,cloudAccountId\n\"multi\nline\",\"a\"b\n", "u.csv:3:10", "after the closing quote, found 'b'")]
    public void A_malformed_file_names_the_line_and_column_and_what_was_expected(string text, string location, string problem)
    {
        var e = Assert.Throws<UserMapFileException>(() => UserMapFile.Parse(text, "u.csv"));

        Assert.Equal(location, e.Location);
        Assert.StartsWith(location + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_cannot_be_read_names_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "spacesync-no-such-folder-" + Guid.NewGuid().ToString("N"), "users.csv");

        var e = Assert.Throws<UserMapFileException>(() => UserMapFile.Load(path));

        Assert.Equal(path, e.Location);
        Assert.Contains("cannot read the user map", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reads_the_file_and_reports_locations_by_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "spacesync-users-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, "dataCenterUserKey,cloudAccountId\nk1,a1\n");
        try
        {
            Assert.Equal($"k1>a1@{path}:2", Pairs(UserMapFile.Load(path)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_id_map_reads_CSV_with_the_same_reader_and_keeps_its_line_messages()
    {
        var e = Assert.Throws<IdMapException>(() => IdMapFile.Parse("dataCenterId,cloudId\n1,\"2\"3\n", "map.csv", IdMapFormat.Csv));

        Assert.Equal("map.csv:2", e.Location);
        Assert.Contains("column 6: expected ',' or the end of the line after the closing quote", e.Message, StringComparison.Ordinal);
    }
}
