namespace DirSync.Core.Model;

/// <summary>Who a store is: one server's directory in an organization and site.</summary>
/// <param name="Identity">Made at creation; watermarks are only valid against the identity they were taken from.</param>
/// <param name="Organization">The organization, such as <c>Testorg</c>.</param>
/// <param name="Site">The site, such as <c>Site1</c>.</param>
/// <param name="Server">The server, such as <c>Server1</c>.</param>
/// <param name="Created">When the store was made.</param>
public sealed record StoreInfo(Guid Identity, string Organization, string Site, string Server, DateTimeOffset Created)
{
    /// <summary><c>Org/Site/Server</c>, the readable name of the store as a source.</summary>
    public string DisplayName => $"{Organization}/{Site}/{Server}";
}
