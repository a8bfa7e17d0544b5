[assembly: AssemblyFixture(typeof(DirSync.Tests.Support.PostgresServerFixture))]

namespace DirSync.Tests.Support;

/// <summary>Stops the run's private PostgreSQL server, if a test started it, when the test run ends.</summary>
public sealed class PostgresServerFixture : IAsyncDisposable
{
    public async ValueTask DisposeAsync() => await PostgresServer.StopAsync();
}
