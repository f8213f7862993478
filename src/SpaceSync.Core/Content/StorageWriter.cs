using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace SpaceSync.Core.Content
{
    /// <summary>
    /// Writes nodes as storage format. One spelling per character, so equal trees give equal text:
    /// literal characters, except markup characters and invisible ones (no-break and other special
    /// spaces, format and control characters), which are written as decimal references so that they
    /// survive and stay visible in a diff.
    /// </summary>
    internal static class StorageWriter
    {
        public static string Write(IEnumerable<StorageNode> nodes)
        {
            var sb = new StringBuilder();
            foreach (var node in nodes)
                Write(node, sb);
            return sb.ToString();
        }

        private static void Write(StorageNode node, StringBuilder sb)
        {
            switch (node)
            {
                case StorageElement e:
                    sb.Append('<').Append(e.Name);
                    foreach (var a in e.Attributes)
                    {
                        sb.Append(' ').Append(a.Name).Append("=\"");
                        Escape(a.Value, sb, inAttribute: true);
                        sb.Append('"');
                    }
                    if (e.Children.Count == 0)
                    {
                        sb.Append(" />");
                        return;
                    }
                    sb.Append('>');
                    foreach (var child in e.Children)
                        Write(child, sb);
                    sb.Append("</").Append(e.Name).Append('>');
                    return;
                case StorageText t:
                    Escape(t.Text, sb, inAttribute: false);
                    return;
                case StorageCData c:
                    sb.Append("<![CDATA[").Append(c.Text).Append("]]>");
                    return;
                case StorageComment c:
                    sb.Append("<!--").Append(c.Text).Append("-->");
                    return;
                case StorageProcessingInstruction p:
                    sb.Append("<?").Append(p.Target);
                    if (p.Data.Length > 0) sb.Append(' ').Append(p.Data);
                    sb.Append("?>");
                    return;
            }
        }

        private static void Escape(string text, StringBuilder sb, bool inAttribute)
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                switch (c)
                {
                    case '&': sb.Append("&amp;"); continue;
                    case '<': sb.Append("&lt;"); continue;
                    case '>': sb.Append("&gt;"); continue;
                    case '"' when inAttribute: sb.Append("&quot;"); continue;
                    // Literal tabs and line feeds in an attribute would be read back as spaces.
                    case '\n' when !inAttribute:
                    case '\t' when !inAttribute:
                    case ' ':
                        sb.Append(c);
                        continue;
                }
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    if (IsInvisible(CharUnicodeInfo.GetUnicodeCategory(text, i)))
                        AppendReference(char.ConvertToUtf32(c, text[i + 1]), sb);
                    else
                        sb.Append(c).Append(text[i + 1]);
                    i++;
                    continue;
                }
                if (IsInvisible(CharUnicodeInfo.GetUnicodeCategory(c)))
                    AppendReference(c, sb);
                else
                    sb.Append(c);
            }
        }

        private static bool IsInvisible(UnicodeCategory category) =>
            category == UnicodeCategory.Control || category == UnicodeCategory.Format ||
            category == UnicodeCategory.SpaceSeparator || category == UnicodeCategory.LineSeparator ||
            category == UnicodeCategory.ParagraphSeparator;

        private static void AppendReference(int codePoint, StringBuilder sb) =>
            sb.Append("&#").Append(codePoint.ToString(CultureInfo.InvariantCulture)).Append(';');
    }
}
