using SpaceSync.Core.Content.Translation;

namespace SpaceSync.Core.Tests.Content.Translation;

/// <summary>The two sites as the translation tests see them: users, paired pages and the ENG → ENG2 space key.</summary>
internal static class TranslationWorld
{
    public const string AliceKey = "8a7f808a5c1a2b3c015c1a2b3c4d0001";
    public const string AliceName = "alice";
    public const string AliceAccount = "5b10a2844c20165700ede21a";
    public const string BobKey = "8a7f808a5c1a2b3c015c1a2b3c4d0002";
    public const string BobAccount = "5b10a2844c20165700ede21b";
    /// <summary>On Data Center only (left before the migration).</summary>
    public const string CarolKey = "8a7f808a5c1a2b3c015c1a2b3c4d0003";
    /// <summary>On Cloud only (joined after the migration).</summary>
    public const string DaveAccount = "5b10a2844c20165700ede21d";

    public static UserMap Users { get; } = new(
        new[]
        {
            new DataCenterUser(AliceKey, AliceName, "Alice@Example.com", "Alice Anders"),
            new DataCenterUser(BobKey, "bob", "bob@example.com", "Bob Brandt"),
            new DataCenterUser(CarolKey, "carol", "carol@example.com", "Carol Chen"),
        },
        new[]
        {
            new CloudUser(AliceAccount, "alice@example.com", "Alice Anders"),
            new CloudUser(BobAccount, "bob@example.com", "Bob Brandt"),
            new CloudUser(DaveAccount, "dave@example.com", "Dave Dunn"),
        });

    public static PageMap Pages { get; } = new(new[]
    {
        new PagePair(new PageLocation("1001", "ENG"), new PageLocation("3145000001", "ENG2")),
        new PagePair(new PageLocation("1002", "ENG"), new PageLocation("3145000002", "ENG2")),
        new PagePair(new PageLocation("2001", "OPS"), new PageLocation("3145000101", "OPS")),
    });

    public static Dictionary<string, string> SpaceKeys { get; } = new() { ["ENG"] = "ENG2" };

    public static TranslationContext Context() => new(Users, Pages, SpaceKeys);

    public static TranslationResult ToCloud(string body, TranslationContext? context = null) =>
        new StorageTranslator(context ?? Context()).Translate(body, TranslationDirection.DataCenterToCloud);

    public static TranslationResult ToDataCenter(string body, TranslationContext? context = null) =>
        new StorageTranslator(context ?? Context()).Translate(body, TranslationDirection.CloudToDataCenter);

    /// <summary>A context over the users, pages and spaces a flavoured <see cref="BodyGenerator"/> refers to.</summary>
    public static TranslationContext For(BodyGenerator.LinkTargets targets) =>
        new(new UserMap(
                targets.Users.Select((u, i) => new DataCenterUser(u.UserKey, "user" + i, $"user{i}@example.com", "User " + i)),
                targets.Users.Select((u, i) => new CloudUser(u.AccountId, $"USER{i}@example.com", "User " + i))),
            new PageMap(targets.Pages.Select(p => new PagePair(new PageLocation(p.DataCenterId, targets.DataCenterSpace), new PageLocation(p.CloudId, targets.CloudSpace)))),
            new Dictionary<string, string> { [targets.DataCenterSpace] = targets.CloudSpace });
}
