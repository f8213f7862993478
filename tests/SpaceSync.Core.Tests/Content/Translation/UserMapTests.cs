using SpaceSync.Core.Content.Translation;
using Xunit;

namespace SpaceSync.Core.Tests.Content.Translation;

public class UserMapTests
{
    private static readonly DataCenterUser Ann = new("k-ann", "ann", "Ann@Example.com", "Ann A");
    private static readonly DataCenterUser Ben = new("k-ben", "ben", "ben@example.com", "Ben B");
    private static readonly CloudUser AnnCloud = new("a-ann", " ann@example.COM ", "Ann (Cloud)");
    private static readonly CloudUser BenCloud = new("a-ben", "ben@example.com", "Ben B");

    [Fact]
    public void Users_pair_by_email_whatever_its_case_both_ways()
    {
        var map = new UserMap(new[] { Ann, Ben }, new[] { AnnCloud, BenCloud });

        Assert.Equal(new UserMatch("a-ann", "Ann A"), map.ByDataCenterUserKey("k-ann"));
        Assert.Equal(new UserMatch("a-ann", "Ann A"), map.ByDataCenterUsername("ann"));
        Assert.Equal(new UserMatch("k-ann", "Ann (Cloud)"), map.ByCloudAccountId("a-ann"));
        Assert.Null(map.ByDataCenterUserKey("k-nobody"));
        Assert.Null(map.ByCloudAccountId("a-nobody"));
    }

    [Fact]
    public void An_override_wins_over_email_and_takes_the_account_away_from_the_email_match()
    {
        var map = new UserMap(new[] { Ann, Ben }, new[] { AnnCloud, BenCloud },
            new Dictionary<string, string> { ["k-ben"] = "a-ann" });

        Assert.Equal("a-ann", map.ByDataCenterUserKey("k-ben")!.CounterpartId);
        Assert.Equal("k-ben", map.ByCloudAccountId("a-ann")!.CounterpartId);
        Assert.Equal(new UserMatch(null, "Ann A"), map.ByDataCenterUserKey("k-ann")); // known, no counterpart
        Assert.Equal(new UserMatch(null, "Ben B"), map.ByCloudAccountId("a-ben"));
    }

    [Fact]
    public void An_override_to_an_account_not_listed_still_pairs()
    {
        var map = new UserMap(new[] { Ann }, Array.Empty<CloudUser>(), new Dictionary<string, string> { ["k-ann"] = "a-hidden" });

        Assert.Equal(new UserMatch("a-hidden", "Ann A"), map.ByDataCenterUserKey("k-ann"));
        Assert.Equal(new UserMatch("k-ann", "Ann A"), map.ByCloudAccountId("a-hidden"));
    }

    [Fact]
    public void An_email_shared_by_two_users_pairs_neither()
    {
        var twin = new DataCenterUser("k-ann2", "ann2", "ann@example.com", "Ann Two");

        var map = new UserMap(new[] { Ann, twin }, new[] { AnnCloud });

        Assert.Null(map.ByDataCenterUserKey("k-ann")!.CounterpartId);
        Assert.Null(map.ByDataCenterUserKey("k-ann2")!.CounterpartId);
        Assert.Null(map.ByCloudAccountId("a-ann")!.CounterpartId);
    }

    [Fact]
    public void Two_overrides_to_one_account_are_refused_by_name()
    {
        var ex = Assert.Throws<ArgumentException>(() => new UserMap(new[] { Ann, Ben }, new[] { AnnCloud },
            new Dictionary<string, string> { ["k-ann"] = "a-x", ["k-ben"] = "a-x" }));
        Assert.Contains("'k-ann'", ex.Message);
        Assert.Contains("'k-ben'", ex.Message);
    }

    [Fact]
    public void A_user_key_listed_twice_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new UserMap(new[] { Ann, Ann }, Array.Empty<CloudUser>()));
    }
}
