using Manabi.Numerics.LinearAlgebra;

namespace Manabi.Numerics.Tests.LinearAlgebra;

/// <summary>The fork-join team: every index exactly once per loop, across many loops in a row, and failures surface.</summary>
public class SpinningTeamTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(7)]
    public void EveryIndexRunsExactlyOnceInEachOfManyLoops(int owned)
    {
        using var team = SpinningTeam.Create() ?? throw new InvalidOperationException(
            "This test needs at least two cores: SpinningTeam.Create returned null.");
        var counts = new int[7];
        const int loops = 20_000;
        for (int loop = 0; loop < loops; loop++)
        {
            team.Run(counts.Length, index => Interlocked.Increment(ref counts[index]), owned);
        }
        Assert.All(counts, count => Assert.Equal(loops, count));
    }

    [Fact]
    public void AnExceptionInTheBodyIsRethrownAfterTheLoopCompletes()
    {
        using var team = SpinningTeam.Create() ?? throw new InvalidOperationException(
            "This test needs at least two cores: SpinningTeam.Create returned null.");
        int ran = 0;
        var error = Assert.Throws<ArgumentException>(() => team.Run(16, index =>
        {
            Interlocked.Increment(ref ran);
            if (index == 5)
            {
                throw new ArgumentException("index 5");
            }
        }));
        Assert.Equal("index 5", error.Message);
        Assert.Equal(16, ran);

        // The team stays usable.
        int after = 0;
        team.Run(4, _ => Interlocked.Increment(ref after));
        Assert.Equal(4, after);
    }

    [Fact]
    public void ASingleParticipantTeamIsNotCreated()
    {
        Assert.Null(SpinningTeam.Create(maxSize: 1));
    }
}
