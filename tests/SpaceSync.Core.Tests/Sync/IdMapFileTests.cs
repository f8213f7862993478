using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

public class IdMapFileTests
{
    private static IdMap Csv(string text) => IdMapFile.Parse(text, "map.csv", IdMapFormat.Csv);
    private static IdMap Json(string text) => IdMapFile.Parse(text, "map.json", IdMapFormat.Json);
    private static string Pairs(IdMap map) => string.Join(" ", map.Entries.Select(e => $"{e.DataCenterId}>{e.CloudId}"));

    [Fact]
    public void Csv_with_a_header_in_any_spelling_quoted_fields_crlf_and_a_bom()
    {
        var map = Csv("\uFEFFTitle,Data Center ID,Cloud ID\r\n\"Home, the first\",101,9101\r\n\r\n\"Runbooks \"\"ops\"\"\", \"102\" ,9102\r\n");

        Assert.Equal("101>9101 102>9102", Pairs(map));
        Assert.Equal("map.csv:4", map.ForDataCenter("102")!.Location); // the blank line still counts
        Assert.Equal("101", map.ForCloud("9101")!.DataCenterId);
        Assert.Null(map.ForDataCenter("9101"));
        Assert.Equal("map.csv", map.Source);
    }

    [Theory]
    [InlineData("dataCenterId,cloudId")]
    [InlineData("server_id,cloud_page_id")]
    [InlineData("SOURCEPAGEID,TargetPageId")]
    [InlineData("dc-id,destination id")]
    public void Csv_headers_ccma_and_admins_write_are_understood(string header)
    {
        Assert.Equal("5>6", Pairs(Csv(header + "\n5,6\n")));
    }

    [Theory]
    [InlineData("pageId,cloudId\n1,2\n", "map.csv:1", "Data Center id column")]
    [InlineData("dataCenterId,serverId,cloudId\n1,1,2\n", "map.csv:1", "Data Center id column")]
    [InlineData("dataCenterId,cloudId\n1,2\n3,abc\n", "map.csv:3", "'abc' is not a page id")]
    [InlineData("dataCenterId,cloudId\n1,2\n\n3\n", "map.csv:4", "expected 2 columns, found 1")]
    [InlineData("dataCenterId,cloudId\n1,2\n1,3\n", "map.csv:3", "mapped to Cloud page 3 here and to 2 at map.csv:2")]
    [InlineData("dataCenterId,cloudId\n1,2\n4,2\n", "map.csv:3", "Cloud page 2 is mapped from Data Center page 4 here and from 1 at map.csv:2")]
    [InlineData("dataCenterId,cloudId\n1,\"2\n", "map.csv:2", "quoted field is not closed")]
    [InlineData("dataCenterId,cloudId\n0,2\n", "map.csv:2", "'0' is not a page id")]
    [InlineData("dataCenterId,cloudId\n1, \n", "map.csv:2", "the Cloud id (column 'cloudId') is empty")]
    [InlineData("dataCenterId,cloudId\n", "map.csv", "holds no page mapping")]
    [InlineData("\n\n", "map.csv", "the file is empty")]
    public void A_bad_csv_is_refused_with_its_line_and_why(string text, string location, string why)
    {
        var e = Assert.Throws<IdMapException>(() => Csv(text));
        Assert.Equal(location, e.Location);
        Assert.StartsWith(location + ": ", e.Message);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void The_same_line_twice_is_one_entry()
    {
        Assert.Equal("1>2", Pairs(Csv("dcId,cloudId\n1,2\n1,2\n")));
    }

    [Fact]
    public void Json_object_ccma_items_shape_and_arrays_of_records()
    {
        Assert.Equal("101>9101 102>9102", Pairs(Json("{ \"101\": \"9101\", \"102\": 9102 }")));

        var ccma = Json("{ \"meta\": { \"pageSize\": 5000, \"hasNext\": false }, \"items\": { \"101\": \"9101\" } }");
        Assert.Equal("101>9101", Pairs(ccma));
        Assert.Equal("map.json $.items['101']", ccma.Entries[0].Location);

        var records = Json("[ { \"dataCenterId\": 101, \"cloudId\": \"9101\", \"title\": \"Home\" }, { \"ServerPageId\": \"102\", \"cloud_page_id\": 9102 } ]");
        Assert.Equal("101>9101 102>9102", Pairs(records));
        Assert.Equal("map.json $[1]", records.Entries[1].Location);
    }

    [Theory]
    [InlineData("{ \"101\": \"9101\",\n  \"102\" 9102 }", "map.json:2", "not valid JSON")]
    [InlineData("{ \"101\": true }", "map.json $['101']", "the Cloud id must be a page id")]
    [InlineData("{ \"abc\": \"9101\" }", "map.json $['abc']", "'abc' is not a page id")]
    [InlineData("{ \"items\": { \"101\": null } }", "map.json $.items['101']", "found null")]
    [InlineData("[ { \"dataCenterId\": 101, \"cloudId\": 9101 }, { \"dataCenterId\": 102, \"cloudId\": 1.5 } ]", "map.json $[1].cloudId", "'1.5' is not a page id")]
    [InlineData("[ { \"dataCenterId\": 101 } ]", "map.json $[0]", "no Cloud id field")]
    [InlineData("[ 101 ]", "map.json $[0]", "expected an object")]
    [InlineData("\"101\"", "map.json $", "expected an object of Data Center id to Cloud id")]
    [InlineData("{ }", "map.json", "holds no page mapping")]
    [InlineData("{ \"101\": 9101, \"102\": 9101 }", "map.json $['102']", "Cloud page 9101 is mapped from Data Center page 102 here and from 101 at map.json $['101']")]
    public void A_bad_json_map_is_refused_with_its_path_and_why(string text, string location, string why)
    {
        var e = Assert.Throws<IdMapException>(() => Json(text));
        Assert.Equal(location, e.Location);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void Load_tells_the_format_by_extension_or_content_and_names_a_missing_file()
    {
        var folder = Path.Combine(Path.GetTempPath(), "spacesync-idmap-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "map.json"), "{ \"1\": \"2\" }");
            File.WriteAllText(Path.Combine(folder, "export.txt"), "[ { \"dcId\": 3, \"cloudId\": 4 } ]");
            File.WriteAllText(Path.Combine(folder, "ccma"), "dcId,cloudId\n5,6\n");
            Assert.Equal("1>2", Pairs(IdMapFile.Load(Path.Combine(folder, "map.json"))));
            Assert.Equal("3>4", Pairs(IdMapFile.Load(Path.Combine(folder, "export.txt"))));
            Assert.Equal("5>6", Pairs(IdMapFile.Load(Path.Combine(folder, "ccma"))));

            var missing = Path.Combine(folder, "nope.csv");
            var e = Assert.Throws<IdMapException>(() => IdMapFile.Load(missing));
            Assert.Equal(missing, e.Location);
            Assert.Contains("cannot read the id map", e.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
