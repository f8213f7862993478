using System.Text;
using SpaceSync.Core.Content;
using Xunit;

namespace SpaceSync.Core.Tests.Content;

/// <summary>Damaged bodies: either they still parse (and normalize stably) or the error says where; nothing else escapes.</summary>
public class StorageFuzzTests
{
    private static readonly string[] Fragments = { "<", ">", "&", ";", "/", "\"", "]]>", "<![CDATA[", "<!--", "-->", "&nbsp;", "&bogus;", "&#0;", "&#x110000;", "ac:", "\r\n", "\u0001", "\uD800", "<?", "xmlns:ac=\"u\"" };

    [Fact]
    public void Damaged_bodies_parse_or_fail_with_a_position_inside_the_body()
    {
        var random = new Random(20261125);
        var samples = new[] { StorageSamples.DataCenterPage, StorageSamples.CloudPage };
        int parsed = 0, refused = 0;
        for (var n = 0; n < 1500; n++)
        {
            var body = Damage(samples[n % 2], random);
            try
            {
                var once = ContentNormalizer.Normalize(body);
                Assert.True(once == ContentNormalizer.Normalize(once), $"not idempotent after damage #{n}: {body}");
                parsed++;
            }
            catch (StorageFormatException ex)
            {
                var lines = body.Replace("\r\n", "\n").Split('\n', '\r');
                Assert.InRange(ex.Line, 1, lines.Length);
                Assert.InRange(ex.Column, 1, lines[ex.Line - 1].Length + 1);
                Assert.False(string.IsNullOrWhiteSpace(ex.Reason));
                refused++;
            }
        }
        Assert.True(parsed > 50 && refused > 50, $"parsed {parsed}, refused {refused}: the damage is not varied enough");
    }

    private static string Damage(string body, Random random)
    {
        var sb = new StringBuilder(body);
        for (var k = 1 + random.Next(3); k > 0; k--)
        {
            var at = random.Next(sb.Length);
            switch (random.Next(3))
            {
                case 0: sb.Remove(at, Math.Min(1 + random.Next(8), sb.Length - at)); break;
                case 1: sb.Insert(at, Fragments[random.Next(Fragments.Length)]); break;
                default: sb.Insert(at, " \n\t"[random.Next(3)]); break;
            }
        }
        return sb.ToString();
    }
}
