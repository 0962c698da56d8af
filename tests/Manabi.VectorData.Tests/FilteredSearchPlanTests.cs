namespace Manabi.VectorData.Tests;

/// <summary>The choice between scanning a filter's candidates exactly and walking the HNSW graph with the filter.</summary>
public sealed class FilteredSearchPlanTests
{
    [Theory]
    // The benchmark's collection of 1,000,000: 30 % and 10 % walk the graph, 1 % is scanned.
    [InlineData(1_000_000, 300_000, true, 128)]
    [InlineData(1_000_000, 100_000, true, 200)]
    [InlineData(1_000_000, 10_000, false, 2_000)]
    // 100,000 rows: 10 % (10,000 candidates) walks, 3 % (3,000) is cheaper to scan.
    [InlineData(100_000, 10_000, true, 200)]
    [InlineData(100_000, 3_000, false, 667)]
    // A small collection is scanned whatever the filter keeps: the scan costs less than one walk.
    [InlineData(4_000, 2_000, false, 128)]
    [InlineData(4_000, 4_000, false, 128)]
    public void Large_filter_results_walk_the_graph_and_small_ones_are_scanned(int live, int candidates, bool walk, int breadth)
    {
        var plan = FilteredSearchPlan.For(live, candidates, count: 10, efSearch: 128);
        Assert.Equal(walk, plan.Walk);
        Assert.Equal(breadth, plan.Breadth);
    }

    [Theory]
    // Twice the results wanted over the filter's fraction, never below efSearch nor above the collection.
    [InlineData(1_000_000, 500_000, 10, 128)]
    [InlineData(1_000_000, 50_000, 10, 400)]
    [InlineData(1_000_000, 1_000_000, 500, 1_000)]
    [InlineData(1_000, 10, 10, 1_000)]
    public void The_breadth_widens_as_the_filter_narrows(int live, int candidates, int count, int breadth) =>
        Assert.Equal(breadth, FilteredSearchPlan.For(live, candidates, count, efSearch: 128).Breadth);

    [Fact]
    public void An_empty_filter_result_is_never_walked()
    {
        Assert.False(FilteredSearchPlan.For(1_000_000, 0, count: 10, efSearch: 128).Walk);
        Assert.False(FilteredSearchPlan.For(0, 0, count: 10, efSearch: 128).Walk);
    }
}
