using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Tests.Storage;

/// <summary>The one WHERE builder behind both SQL stores' recipient listings; the stores' own tests run it against their data.</summary>
public sealed class RecipientFilterSqlTests
{
    private static readonly RecipientFilterDialect Dialect = new("LIVE", n => $"FROM_IS(#{n})");

    private static readonly Dictionary<long, DirectoryPath> Containers = new()
    {
        [1] = DirectoryPath.Parse("Recipients"),
        [2] = DirectoryPath.Parse("Recipients/Sales"),
        [3] = DirectoryPath.Parse("Recipients/Sales/East"),
        [4] = DirectoryPath.Parse("Other"),
    };

    [Fact]
    public void TryBuild_AllRecipients_IsTheLiveConditionAlone()
    {
        var parameters = new List<string>();

        Assert.True(RecipientFilterSql.TryBuild(RecipientFilter.All, Containers, Dialect, parameters, out var where));

        Assert.Equal("LIVE", where);
        Assert.Empty(parameters);
    }

    [Fact]
    public void TryBuild_EveryTerm_InOrderWithTheOriginAsAQuotedLiteralAndImportedFromAsAParameter()
    {
        var parameters = new List<string> { "earlier" };
        var filter = new RecipientFilter(DirectoryPath.Parse("Recipients/Sales"), IncludeSubcontainers: true, ObjectClass.CustomRecipient, "hub:o'brien", "NET/PO1");

        Assert.True(RecipientFilterSql.TryBuild(filter, Containers, Dialect, parameters, out var where));

        Assert.Equal(
            $"LIVE AND o.class = {(int)ObjectClass.CustomRecipient} AND o.container_id IN (2,3) AND o.origin_source = 'hub:o''brien' AND FROM_IS(#2)",
            where);
        Assert.Equal(["earlier", "NET/PO1"], parameters);
    }

    [Fact]
    public void TryBuild_ContainerWithoutSubcontainers_NamesThatContainerOnly()
    {
        var parameters = new List<string>();

        Assert.True(RecipientFilterSql.TryBuild(new RecipientFilter(DirectoryPath.Parse("recipients/sales")), Containers, Dialect, parameters, out var where));

        Assert.Equal("LIVE AND o.container_id IN (2)", where);
    }

    [Fact]
    public void TryBuild_ContainerTheStoreDoesNotHold_MatchesNothing()
    {
        var parameters = new List<string>();

        Assert.False(RecipientFilterSql.TryBuild(new RecipientFilter(DirectoryPath.Parse("Recipients/Nowhere"), IncludeSubcontainers: true), Containers, Dialect, parameters, out var where));

        Assert.Null(where);
        Assert.Empty(parameters);
    }
}
