using DirSync.Core;
using DirSync.Core.Sync;

namespace DirSync.Tests.Sync;

public sealed class DeleteGuardTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("25", 25L)]
    [InlineData("default", null)]
    [InlineData("DEFAULT", null)]
    public void ParseLimit_NumberOrDefault_IsTheConfiguredLimit(string text, long? expected)
    {
        Assert.Equal(expected, DeleteGuard.ParseLimit(text));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData("none")]
    public void ParseLimit_AnythingElse_NamesTheOptionAndTheChoices(string text)
    {
        var error = Assert.Throws<InvalidValueException>(() => DeleteGuard.ParseLimit(text));

        Assert.Equal($"--delete-limit '{text}' is neither a whole number of recipients nor 'default'", error.Message);
    }

    [Theory]
    [InlineData(0L, 10L)]
    [InlineData(1_000L, 100L)]
    [InlineData(100_000L, 500L)]
    public void Limit_WithoutConfiguredOne_IsTenPercentBetweenFloorAndMaximum(long owned, long expected)
    {
        Assert.Equal(expected, DeleteGuard.Limit(owned, configured: null));
        Assert.Equal(3L, DeleteGuard.Limit(owned, configured: 3));
    }
}
