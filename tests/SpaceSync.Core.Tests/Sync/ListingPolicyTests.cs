using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Sync;

public sealed class ListingPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static ReadMarks Marks(TimeSpan? structuralAgo) => new()
    {
        DataCenterChangesSince = Now.AddMinutes(-20),
        CloudChangesSince = Now.AddMinutes(-20),
        StructuralAt = structuralAgo is { } ago ? Now - ago : null,
    };

    [Fact]
    public void Changes_only_while_the_last_structural_listing_is_recent()
    {
        Assert.Equal(ListingMode.Changes, ListingPolicy.Choose(Marks(TimeSpan.FromMinutes(59)), false, false, Now));
        Assert.Equal(ListingMode.Structural, ListingPolicy.Choose(Marks(ListingPolicy.StructuralEvery), false, false, Now));
    }

    [Fact]
    public void Structural_without_marks_when_asked_after_an_interrupted_create_or_with_a_clock_set_back()
    {
        Assert.Equal(ListingMode.Structural, ListingPolicy.Choose(new ReadMarks(), false, false, Now));
        Assert.Equal(ListingMode.Structural, ListingPolicy.Choose(Marks(null), false, false, Now));
        Assert.Equal(ListingMode.Structural, ListingPolicy.Choose(Marks(TimeSpan.FromMinutes(5)) with { CloudChangesSince = null }, false, false, Now));
        Assert.Equal(ListingMode.Structural, ListingPolicy.Choose(Marks(TimeSpan.FromMinutes(5)), false, true, Now));
        Assert.Equal(ListingMode.Structural, ListingPolicy.Choose(Marks(TimeSpan.FromMinutes(5)), true, false, Now));
        Assert.Equal(ListingMode.Structural, ListingPolicy.Choose(Marks(TimeSpan.FromMinutes(-5)), false, false, Now));
    }
}
