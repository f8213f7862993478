using System.Globalization;
using System.Text;

namespace SpaceSync.Emulator.Cql;

/// <summary>A CQL text the emulator cannot run; rendered as a 400 naming the problem.</summary>
public sealed class CqlException : Exception
{
    public CqlException(string message) : base(message) { }
}

internal enum TokenKind { Word, String, Operator, LParen, RParen, Comma, End }

internal readonly record struct Token(TokenKind Kind, string Text, int Position);

/// <summary>Splits CQL into words, quoted strings, operators and punctuation.</summary>
internal static class CqlTokenizer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            var start = i;
            switch (c)
            {
                case '(': tokens.Add(new Token(TokenKind.LParen, "(", i++)); continue;
                case ')': tokens.Add(new Token(TokenKind.RParen, ")", i++)); continue;
                case ',': tokens.Add(new Token(TokenKind.Comma, ",", i++)); continue;
                case '"' or '\'':
                    var sb = new StringBuilder();
                    i++;
                    while (true)
                    {
                        if (i >= text.Length) throw new CqlException($"Unterminated string starting at position {start}.");
                        if (text[i] == '\\' && i + 1 < text.Length) { sb.Append(text[i + 1]); i += 2; continue; }
                        if (text[i] == c) { i++; break; }
                        sb.Append(text[i++]);
                    }
                    tokens.Add(new Token(TokenKind.String, sb.ToString(), start));
                    continue;
                case '=' or '~':
                    tokens.Add(new Token(TokenKind.Operator, c.ToString(), i++));
                    continue;
                case '!' when i + 1 < text.Length && (text[i + 1] == '=' || text[i + 1] == '~'):
                    tokens.Add(new Token(TokenKind.Operator, text.Substring(i, 2), i));
                    i += 2;
                    continue;
                case '>' or '<':
                    var op = i + 1 < text.Length && text[i + 1] == '=' ? text.Substring(i, 2) : c.ToString();
                    tokens.Add(new Token(TokenKind.Operator, op, i));
                    i += op.Length;
                    continue;
            }
            if (char.IsLetterOrDigit(c) || c is '.' or '_' or '-' or '/' or ':')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '.' or '_' or '-' or '/' or ':')) i++;
                tokens.Add(new Token(TokenKind.Word, text[start..i], start));
                continue;
            }
            throw new CqlException($"Unexpected character '{c}' at position {i}.");
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length));
        return tokens;
    }
}

/// <summary>What a clause can test on a piece of content.</summary>
internal interface ICqlSubject
{
    long Id { get; }
    string Type { get; }
    string Title { get; }
    string SpaceKey { get; }
    DateTimeOffset LastModified { get; }
    DateTimeOffset Created { get; }
    long? ParentId { get; }
    IEnumerable<long> AncestorIds { get; }
    IEnumerable<string> Labels { get; }

    /// <summary>For user subjects (user search); null for content.</summary>
    string? UserAccountId { get; }

    string? UserFullName { get; }
}

internal abstract record CqlNode
{
    public abstract bool Matches(ICqlSubject s, TimeZoneInfo zone);
}

internal sealed record AndNode(CqlNode Left, CqlNode Right) : CqlNode
{
    public override bool Matches(ICqlSubject s, TimeZoneInfo zone) => Left.Matches(s, zone) && Right.Matches(s, zone);
}

internal sealed record OrNode(CqlNode Left, CqlNode Right) : CqlNode
{
    public override bool Matches(ICqlSubject s, TimeZoneInfo zone) => Left.Matches(s, zone) || Right.Matches(s, zone);
}

internal sealed record NotNode(CqlNode Inner) : CqlNode
{
    public override bool Matches(ICqlSubject s, TimeZoneInfo zone) => !Inner.Matches(s, zone);
}

internal sealed record ClauseNode(string Field, string Operator, IReadOnlyList<string> Values) : CqlNode
{
    // Parsed once per query, not once per piece of content tested: `id in (200 ids)` over a large space would otherwise
    // parse 200 numbers for every page it looks at.
    private long[]? _numbers;
    private HashSet<long>? _numberSet;
    private DateTime[]? _dates;
    private HashSet<string>? _lowered;

    private long[] Numbers => _numbers ??= Values.Select(v => CqlQuery.ParseLong(Field, v)).ToArray();
    private HashSet<long> NumberSet => _numberSet ??= Numbers.ToHashSet();
    private DateTime[] Dates => _dates ??= Values.Select(v => CqlQuery.ParseDate(v)).ToArray();
    private HashSet<string> Lowered => _lowered ??= Values.Select(v => v.ToLowerInvariant()).ToHashSet();

    /// <summary>The ids this clause confines a match to (<c>id/content = x</c> or <c>in (...)</c>), else null.</summary>
    internal IReadOnlySet<long>? ConfinedIds => Field is "id" or "content" && Operator is "=" or "in" ? NumberSet : null;

    public override bool Matches(ICqlSubject s, TimeZoneInfo zone)
    {
        switch (Field)
        {
            case "lastmodified":
            case "created":
                var time = Field == "created" ? s.Created : s.LastModified;
                // Confluence indexes these at minute resolution in the caller's zone.
                var local = TimeZoneInfo.ConvertTime(time, zone);
                var minute = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0);
                return Compare(Dates, minute);
            case "id":
            case "content":
                return Operator is "in" or "not in" ? NumberSet.Contains(s.Id) == (Operator == "in") : Compare(Numbers, s.Id);
            case "parent":
                return s.ParentId is long p && (Operator is "in" or "not in" ? NumberSet.Contains(p) == (Operator == "in") : Compare(Numbers, p));
            case "ancestor":
                var any = s.AncestorIds.Any(NumberSet.Contains);
                return Operator is "!=" or "not in" ? !any : any;
            case "label":
                var has = s.Labels.Any(Lowered.Contains);
                return Operator is "!=" or "not in" ? !has : has;
            case "space":
            case "space.key":
                return CompareText(Values, s.SpaceKey, StringComparison.OrdinalIgnoreCase);
            case "user":
            case "user.accountid":
                return s.UserAccountId is { } accountId && CompareText(Values, accountId, StringComparison.Ordinal);
            case "user.fullname":
                if (s.UserFullName is not { } fullName) return false;
                if (Operator is "~" or "!~")
                {
                    var contains = Values.Any(v => fullName.Contains(v.Trim('*'), StringComparison.OrdinalIgnoreCase));
                    return Operator == "~" ? contains : !contains;
                }
                return CompareText(Values, fullName, StringComparison.OrdinalIgnoreCase);
            case "type":
                return CompareText(Values, s.Type, StringComparison.OrdinalIgnoreCase);
            case "title":
                if (Operator is "~" or "!~")
                {
                    var contains = Values.Any(v => s.Title.Contains(v.Trim('*'), StringComparison.OrdinalIgnoreCase));
                    return Operator == "~" ? contains : !contains;
                }
                return CompareText(Values, s.Title, StringComparison.OrdinalIgnoreCase);
            default:
                throw new CqlException($"Field '{Field}' is not supported.");
        }
    }

    private bool CompareText(IReadOnlyList<string> values, string actual, StringComparison comparison)
    {
        var hit = values.Any(v => string.Equals(v, actual, comparison));
        return Operator switch
        {
            "=" or "in" => hit,
            "!=" or "not in" => !hit,
            _ => throw new CqlException($"Operator '{Operator}' cannot be used with field '{Field}'."),
        };
    }

    private bool Compare<T>(IReadOnlyList<T> list, T actual) where T : IComparable<T>
    {
        return Operator switch
        {
            "=" => actual.CompareTo(list[0]) == 0,
            "!=" => actual.CompareTo(list[0]) != 0,
            ">" => actual.CompareTo(list[0]) > 0,
            ">=" => actual.CompareTo(list[0]) >= 0,
            "<" => actual.CompareTo(list[0]) < 0,
            "<=" => actual.CompareTo(list[0]) <= 0,
            "in" => list.Any(v => actual.CompareTo(v) == 0),
            "not in" => list.All(v => actual.CompareTo(v) != 0),
            _ => throw new CqlException($"Operator '{Operator}' cannot be used with field '{Field}'."),
        };
    }
}

internal readonly record struct CqlOrder(string Field, bool Descending);

/// <summary>A parsed CQL query: a filter plus an optional ORDER BY.</summary>
internal sealed class CqlQuery
{
    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal)
    {
        "space", "space.key", "type", "lastmodified", "created", "id", "content", "title", "parent", "ancestor", "label",
        "user", "user.accountid", "user.fullname",
    };

    private static readonly string[] DateFormats =
    {
        "yyyy/MM/dd HH:mm", "yyyy-MM-dd HH:mm", "yyyy/MM/dd", "yyyy-MM-dd",
    };

    private readonly List<Token> _tokens;
    private int _position;

    private CqlQuery(string text)
    {
        Text = text;
        _tokens = CqlTokenizer.Tokenize(text);
    }

    public string Text { get; }
    public CqlNode? Filter { get; private set; }
    public List<CqlOrder> Order { get; } = new();

    public static CqlQuery Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new CqlException("The cql parameter is required.");
        var query = new CqlQuery(text);
        query.ParseAll();
        return query;
    }

    public bool Matches(ICqlSubject subject, TimeZoneInfo zone) => Filter is null || Filter.Matches(subject, zone);

    /// <summary>
    /// The only ids that can match, when the filter confines them (an <c>id in (...)</c> or <c>id = x</c> conjunct, or
    /// an OR of such); null when any content may match. A search then looks up those ids instead of testing every
    /// page of the index, so a batch read by id costs the emulator its batch, not the whole space.
    /// </summary>
    public IReadOnlySet<long>? CandidateIds() => Filter is null ? null : Confined(Filter);

    private static IReadOnlySet<long>? Confined(CqlNode node) => node switch
    {
        ClauseNode clause => clause.ConfinedIds,
        AndNode and => (Confined(and.Left), Confined(and.Right)) switch
        {
            (null, var right) => right,
            (var left, null) => left,
            (var left, var right) => left.Where(right.Contains).ToHashSet(),
        },
        OrNode or => Confined(or.Left) is { } left && Confined(or.Right) is { } right ? left.Concat(right).ToHashSet() : null,
        _ => null,
    };

    public IEnumerable<T> Sort<T>(IEnumerable<T> items) where T : ICqlSubject
    {
        IOrderedEnumerable<T>? sorted = null;
        foreach (var (field, descending) in Order)
        {
            Func<T, IComparable> key = field switch
            {
                "lastmodified" => s => s.LastModified,
                "created" => s => s.Created,
                "title" => s => s.Title.ToLowerInvariant(),
                "id" => s => s.Id,
                _ => throw new CqlException($"Cannot order by '{field}'."),
            };
            sorted = sorted is null
                ? (descending ? items.OrderByDescending(key) : items.OrderBy(key))
                : (descending ? sorted.ThenByDescending(key) : sorted.ThenBy(key));
        }
        return sorted is null ? items.OrderBy(s => s.Id) : sorted.ThenBy(s => s.Id);
    }

    internal static DateTime ParseDate(string value)
    {
        if (DateTime.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        throw new CqlException($"'{value}' is not a valid date: use \"yyyy/MM/dd HH:mm\", \"yyyy-MM-dd HH:mm\", \"yyyy/MM/dd\" or \"yyyy-MM-dd\".");
    }

    internal static long ParseLong(string field, string value)
    {
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        throw new CqlException($"Field '{field}' needs a numeric id, not '{value}'.");
    }

    private Token Peek => _tokens[_position];

    private bool IsWord(string word) => Peek.Kind == TokenKind.Word && string.Equals(Peek.Text, word, StringComparison.OrdinalIgnoreCase);

    private void ParseAll()
    {
        if (!IsWord("order")) Filter = ParseOr();
        if (IsWord("order"))
        {
            _position++;
            if (!IsWord("by")) throw new CqlException($"Expected BY after ORDER at position {Peek.Position}.");
            _position++;
            do
            {
                if (Peek.Kind == TokenKind.Comma) _position++;
                if (Peek.Kind != TokenKind.Word) throw new CqlException($"Expected a field to order by at position {Peek.Position}.");
                var field = Peek.Text.ToLowerInvariant();
                if (field is not ("lastmodified" or "created" or "title" or "id"))
                    throw new CqlException($"Ordering by '{Peek.Text}' is not supported (lastmodified, created, title, id).");
                _position++;
                var descending = false;
                if (IsWord("desc")) { descending = true; _position++; }
                else if (IsWord("asc")) _position++;
                Order.Add(new CqlOrder(field, descending));
            }
            while (Peek.Kind == TokenKind.Comma);
        }
        if (Peek.Kind != TokenKind.End)
            throw new CqlException($"Unexpected '{Peek.Text}' at position {Peek.Position}.");
    }

    private CqlNode ParseOr()
    {
        var left = ParseAnd();
        while (IsWord("or"))
        {
            _position++;
            left = new OrNode(left, ParseAnd());
        }
        return left;
    }

    private CqlNode ParseAnd()
    {
        var left = ParseUnary();
        while (IsWord("and"))
        {
            _position++;
            left = new AndNode(left, ParseUnary());
        }
        return left;
    }

    private CqlNode ParseUnary()
    {
        if (IsWord("not"))
        {
            _position++;
            return new NotNode(ParseUnary());
        }
        if (Peek.Kind == TokenKind.LParen)
        {
            _position++;
            var inner = ParseOr();
            Expect(TokenKind.RParen, ")");
            return inner;
        }
        return ParseClause();
    }

    private CqlNode ParseClause()
    {
        var fieldToken = Peek;
        if (fieldToken.Kind != TokenKind.Word)
            throw new CqlException($"Expected a field name at position {fieldToken.Position}, found '{fieldToken.Text}'.");
        var field = fieldToken.Text.ToLowerInvariant();
        if (!Fields.Contains(field))
            throw new CqlException($"Field '{fieldToken.Text}' is not supported by this emulator (supported: {string.Join(", ", Fields)}).");
        _position++;

        string op;
        if (Peek.Kind == TokenKind.Operator) { op = Peek.Text; _position++; }
        else if (IsWord("in")) { op = "in"; _position++; }
        else if (IsWord("not"))
        {
            _position++;
            if (!IsWord("in")) throw new CqlException($"Expected IN after NOT at position {Peek.Position}.");
            _position++;
            op = "not in";
        }
        else throw new CqlException($"Expected an operator after '{fieldToken.Text}' at position {Peek.Position}.");

        var values = new List<string>();
        if (op is "in" or "not in")
        {
            Expect(TokenKind.LParen, "(");
            values.Add(ParseValue());
            while (Peek.Kind == TokenKind.Comma)
            {
                _position++;
                values.Add(ParseValue());
            }
            Expect(TokenKind.RParen, ")");
        }
        else values.Add(ParseValue());

        var clause = new ClauseNode(field, op, values);
        ValidateClause(clause);
        return clause;
    }

    private static void ValidateClause(ClauseNode clause)
    {
        var ordered = clause.Operator is ">" or ">=" or "<" or "<=";
        var fuzzy = clause.Operator is "~" or "!~";
        switch (clause.Field)
        {
            case "lastmodified" or "created":
                if (fuzzy) throw new CqlException($"Operator '{clause.Operator}' cannot be used with field '{clause.Field}'.");
                foreach (var v in clause.Values) ParseDate(v);
                break;
            case "id" or "content" or "parent":
                if (fuzzy) throw new CqlException($"Operator '{clause.Operator}' cannot be used with field '{clause.Field}'.");
                foreach (var v in clause.Values) ParseLong(clause.Field, v);
                break;
            case "ancestor":
                if (ordered || fuzzy) throw new CqlException($"Operator '{clause.Operator}' cannot be used with field 'ancestor'.");
                foreach (var v in clause.Values) ParseLong(clause.Field, v);
                break;
            case "title" or "user.fullname":
                if (ordered) throw new CqlException($"Operator '{clause.Operator}' cannot be used with field '{clause.Field}'.");
                break;
            default:
                if (ordered || fuzzy) throw new CqlException($"Operator '{clause.Operator}' cannot be used with field '{clause.Field}'.");
                break;
        }
    }

    private string ParseValue()
    {
        var token = Peek;
        if (token.Kind is TokenKind.String or TokenKind.Word)
        {
            _position++;
            if (token.Kind == TokenKind.Word && Peek.Kind == TokenKind.LParen)
                throw new CqlException($"CQL functions such as {token.Text}() are not supported by this emulator; use literal values.");
            return token.Text;
        }
        throw new CqlException($"Expected a value at position {token.Position}, found '{token.Text}'.");
    }

    private void Expect(TokenKind kind, string text)
    {
        if (Peek.Kind != kind) throw new CqlException($"Expected '{text}' at position {Peek.Position}, found '{Peek.Text}'.");
        _position++;
    }
}
