using DirSync.Core.Sync;

namespace DirSync.Core.Connectors;

/// <summary>Opens live directories: implemented by a connector project (LDAP), registered by the command line.</summary>
public interface IDirectoryConnector
{
    /// <summary>Checks an endpoint's settings without contacting the server.</summary>
    /// <exception cref="InvalidValueException">A setting is not valid (a bad URL, DN or filter); the message names it and the fix.</exception>
    void Validate(DirectoryEndpoint endpoint);

    /// <summary>Connects and binds to read the changes of an import instance.</summary>
    /// <exception cref="DirSyncException">The server cannot be used (category <see cref="ErrorCategory.Directory"/>): unreachable, TLS, bind, base DN.</exception>
    Task<IDirectorySource> OpenSourceAsync(Instance instance, CancellationToken cancellationToken = default);

    /// <summary>Connects and binds to write the changes of an export instance.</summary>
    /// <exception cref="DirSyncException">The server cannot be used (category <see cref="ErrorCategory.Directory"/>).</exception>
    Task<IDirectoryTarget> OpenTargetAsync(Instance instance, bool dryRun, CancellationToken cancellationToken = default);
}
