namespace DirSync.Core.Connectors;

/// <summary>A live directory an instance imports from, connected and bound.</summary>
public interface IDirectorySource : IAsyncDisposable
{
    /// <summary>The directory's identity (for LDAP, the GUID of its naming context): what the cookie and the imported objects' origin are tied to.</summary>
    Guid Identity { get; }

    /// <summary>A readable name for messages and <c>importedFrom</c>: the server and base DN.</summary>
    string Name { get; }

    /// <summary>Starts reading the changes after <paramref name="cookie"/>; everything when it is null.</summary>
    IDirectoryChanges Read(string? cookie);
}
