using System.Text;
using Xunit;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Tests.Scope;

/// <summary>
/// Damaged and hostile scope files, read from disk as the cmdlets read them: each is refused with exactly one error,
/// at the place of the offence, before anything else is read. Lines 15-16 of <see cref="ScopeFixtures.Minimal"/> are
/// the first space's key and owner.
/// </summary>
public sealed class ScopeHostileFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "spacesync-hostile-" + Guid.NewGuid().ToString("N"));

    public ScopeHostileFileTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static string Owner(string value) => ScopeFixtures.Minimal("  - key: ENG\n    owner: " + value + "\n");

    private static readonly string Before = ScopeFixtures.Minimal("  - key: ENG\n    owner: eng");
    private const string After = "@acme.com\n";

    /// <summary>Two-level alias expansion grows ten-fold per line: 11, 111, 1111, ... nodes.</summary>
    private static string AliasBomb()
    {
        var lines = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level <= 6; level++)
        {
            lines.Append($"a{level}: &a{level} [").Append(string.Join(", ", Enumerable.Repeat($"*a{level - 1}", 10))).Append("]\n");
        }

        return ScopeFixtures.Minimal(extra: lines.ToString());
    }

    public static TheoryData<string, Func<byte[]>, string, int, int, string> Cases => new()
    {
        // Invalid UTF-8 is no longer replaced by U+FFFD: the first bad byte is named at its line and column.
        { "lone 0xFF", () => Concat(Utf8(Before), new byte[] { 0xFF }, Utf8(After)), ScopeErrorCodes.InvalidEncoding, 16, 15, "byte 0xFF at offset" },
        { "Latin-1 é after a UTF-8 é", () => Concat(Utf8(Before + "é"), new byte[] { 0xE9 }, Utf8(After)), ScopeErrorCodes.InvalidEncoding, 16, 16, "byte 0xE9" },
        { "overlong NUL", () => Concat(Utf8(Before), new byte[] { 0xC0, 0x80 }, Utf8(After)), ScopeErrorCodes.InvalidEncoding, 16, 15, "not valid UTF-8" },
        { "UTF-8 surrogate", () => Concat(Utf8(Before), new byte[] { 0xED, 0xA0, 0x80 }, Utf8(After)), ScopeErrorCodes.InvalidEncoding, 16, 15, "not valid UTF-8" },
        { "truncated at the end", () => Concat(Utf8(Owner("eng@acme.com")), new byte[] { 0xE2, 0x82 }), ScopeErrorCodes.InvalidEncoding, 17, 1, "not valid UTF-8" },
        { "UTF-32", () => Concat(new byte[] { 0xFF, 0xFE, 0, 0 }, new UTF32Encoding(false, false).GetBytes(Owner("x@acme.com"))), ScopeErrorCodes.InvalidEncoding, 1, 1, "UTF-32" },
        { "UTF-16 with a lone surrogate", () => Concat(new byte[] { 0xFF, 0xFE }, new UnicodeEncoding(false, false).GetBytes(Before), new byte[] { 0x00, 0xD8, 0x41, 0x00 }), ScopeErrorCodes.InvalidEncoding, 16, 15, "UTF-16" },

        // Control characters.
        { "NUL", () => Utf8(Owner("eng\0@acme.com")), ScopeErrorCodes.ControlCharacter, 16, 15, "U+0000 (NUL)" },
        { "ESC in a comment", () => Utf8(Owner("eng@acme.com # \u001b[31mred")), ScopeErrorCodes.ControlCharacter, 16, 27, "U+001B (ESC)" },
        { "C1 control", () => Utf8(Owner("eng\u0085@acme.com")), ScopeErrorCodes.ControlCharacter, 16, 15, "U+0085" },
        { "BOM inside the text", () => Utf8(Owner("\uFEFFeng@acme.com")), ScopeErrorCodes.ControlCharacter, 16, 12, "byte order mark" },

        // Sizes: the file before it is read, a value while parsing.
        { "20 MB scalar", () => Utf8(Owner(new string('a', 20 * 1024 * 1024))), ScopeErrorCodes.FileTooLarge, 1, 1, "over the limit of 1 MiB" },
        { "2 MB of comments", () => Utf8(string.Concat(Enumerable.Repeat("# padding padding padding padding padding padding\n", 40_000)) + Owner("eng@acme.com")), ScopeErrorCodes.FileTooLarge, 1, 1, "over the limit of 1 MiB" },
        { "100 KB scalar", () => Utf8(Owner(new string('a', 100 * 1024))), ScopeErrorCodes.ValueTooLong, 16, 12, "102400 characters long; a scope file value may be at most 8192" },
        { "100 KB explicit key", () => Utf8(ScopeFixtures.Minimal(extra: "? " + new string('k', 100 * 1024) + "\n: 1\n")), ScopeErrorCodes.ValueTooLong, 14, 3, "at most 8192" },

        // Tags: none has a use in a scope file.
        { "!!binary", () => Utf8(Owner("!!binary aGVsbG8=")), ScopeErrorCodes.TagNotAllowed, 16, 12, "'tag:yaml.org,2002:binary' is not allowed" },
        { "!!str", () => Utf8(ScopeFixtures.Minimal("  - key: !!str ENG\n    owner: eng@acme.com\n")), ScopeErrorCodes.TagNotAllowed, 15, 10, "not allowed" },
        { "!custom on a mapping", () => Utf8(ScopeFixtures.Minimal("  - key: ENG\n    owner: eng@acme.com\n    content: !custom { labels: true }\n")), ScopeErrorCodes.TagNotAllowed, 17, 14, "'!custom'" },
        { "non-specific !", () => Utf8(Owner("! eng@acme.com")), ScopeErrorCodes.TagNotAllowed, 16, 12, "'!'" },
        { "verbatim tag on a list", () => Utf8(ScopeFixtures.Minimal("  - key: ENG\n    owner: eng@acme.com\n    exclude: { titles: !<tag:example.com,2024:t> [a] }\n")), ScopeErrorCodes.TagNotAllowed, 17, 24, "not allowed" },

        // Structure.
        { "alias bomb", () => Utf8(AliasBomb()), ScopeErrorCodes.AliasExpansion, 18, 45, "more than 100000 values once aliases are expanded" },
        { "deep nesting", () => Utf8(ScopeFixtures.Minimal(extra: "x: " + new string('[', 200) + new string(']', 200) + "\n")), ScopeErrorCodes.YamlSyntax, 14, 68, "Nesting deeper than 64" },
        { "duplicate key", () => Utf8(Owner("eng@acme.com\n    owner: ops@acme.com")), ScopeErrorCodes.DuplicateKey, 17, 5, "Duplicate key 'owner'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_hostile_file_gets_one_error_at_its_place(string name, Func<byte[]> content, string code, int line, int column, string message)
    {
        var path = Path.Combine(_folder, "spacesync.yaml");
        File.WriteAllBytes(path, content());

        var ex = Assert.Throws<ScopeException>(() => ScopeParser.Load(path));
        var error = Assert.Single(ex.Errors);
        Assert.True(code == error.Code, $"{name}: expected {code}, got {error.Code}: {error}");
        Assert.Equal((path, line, column), (error.Location.File, error.Location.Line, error.Location.Column));
        Assert.Contains(message, error.Message);
        Assert.Contains($"{path}:{line}:{column}", ex.Message);
        Assert.True(ex.Message.Length < 1000, "the message quotes none of a huge value");

        // Test-SyncScope offline reports the same single error as a finding, and nothing else.
        var finding = Assert.Single(ScopeValidator.Check(path, _ => "set"));
        Assert.Equal((FindingSeverity.Error, code, line, column), (finding.Severity, finding.Code, finding.Location!.Line, finding.Location.Column));
    }

    [Theory]
    [InlineData("utf-8 BOM")]
    [InlineData("utf-16 LE")]
    [InlineData("utf-16 BE")]
    public void A_byte_order_mark_for_UTF8_or_UTF16_is_read(string encoding)
    {
        var text = ScopeFixtures.Minimal("  - key: ENG\n    owner: zoë@acme.com\n");
        var bytes = encoding switch
        {
            "utf-8 BOM" => new UTF8Encoding(true).GetPreamble().Concat(Utf8(text)).ToArray(),
            "utf-16 LE" => new UnicodeEncoding(false, true).GetPreamble().Concat(new UnicodeEncoding(false, true).GetBytes(text)).ToArray(),
            _ => new UnicodeEncoding(true, true).GetPreamble().Concat(new UnicodeEncoding(true, true).GetBytes(text)).ToArray(),
        };
        var path = Path.Combine(_folder, "spacesync.yaml");
        File.WriteAllBytes(path, bytes);

        Assert.Equal("zoë@acme.com", Assert.Single(ScopeParser.Load(path).Spaces).Owner);
    }

    [Fact]
    public void Anchors_within_the_limit_are_still_followed()
    {
        var path = Path.Combine(_folder, "spacesync.yaml");
        var spaces = string.Concat(Enumerable.Range(0, 200).Select(i =>
            $"  - key: S{i}\n    owner: o@acme.com\n    content: {(i == 0 ? "&rich " : "*rich")}{(i == 0 ? "{ comments: true, blogposts: true }" : "")}\n"));
        File.WriteAllText(path, ScopeFixtures.Minimal(spaces));

        Assert.All(ScopeParser.Load(path).Spaces, s => Assert.True(s.Overrides.Content!.Comments));
    }
}
