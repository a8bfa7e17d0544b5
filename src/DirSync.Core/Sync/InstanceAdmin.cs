using DirSync.Core.Connectors;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Core.Sync;

/// <summary>Creates, changes and removes instances (the original's <c>/SET</c>), validating every setting.</summary>
public sealed class InstanceAdmin
{
    private readonly IDirectoryStore _store;
    private readonly IDirectoryConnector? _connector;

    /// <summary>Creates the operations for <paramref name="store"/>; <paramref name="connector"/> checks live-directory settings.</summary>
    public InstanceAdmin(IDirectoryStore store, IDirectoryConnector? connector = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _connector = connector;
    }

    /// <summary>Creates the instance or changes the settings given; its state is kept.</summary>
    /// <param name="name">The instance name.</param>
    /// <param name="changes">The settings to change.</param>
    /// <param name="currentDirectory">The folder relative file paths are resolved against; they are stored absolute.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The saved instance and whether it was created.</returns>
    /// <exception cref="InvalidValueException">A setting is not valid; nothing is saved.</exception>
    public async Task<(Instance Instance, bool Created)> SetAsync(string name, InstanceChanges changes, string currentDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var nameError = Instance.ValidateName(name);
        if (nameError is not null)
        {
            throw new InvalidValueException($"invalid instance name '{name}': {nameError}");
        }

        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var existing = await transaction.FindInstanceAsync(name, cancellationToken);
        if (existing is null && changes.Direction is null)
        {
            throw new InvalidValueException($"instance '{name}' does not exist yet; say what it does with --export, --import or --both");
        }

        var settings = existing?.Settings ?? new InstanceSettings();
        var direction = changes.Direction ?? settings.Direction;
        settings = settings with { Direction = direction };
        if (changes.File is not null)
        {
            if (direction == InstanceDirection.Both)
            {
                throw new InvalidValueException("--file is ambiguous for an instance that exports and imports; give --export-file and --import-file");
            }

            settings = direction == InstanceDirection.Export
                ? settings with { ExportFile = FullPath(changes.File, currentDirectory) }
                : settings with { ImportFile = FullPath(changes.File, currentDirectory) };
        }

        if (changes.ExportFile is not null)
        {
            settings = settings with { ExportFile = FullPath(changes.ExportFile, currentDirectory) };
        }

        if (changes.ImportFile is not null)
        {
            settings = settings with { ImportFile = FullPath(changes.ImportFile, currentDirectory) };
        }

        if (changes.Containers is { } containers)
        {
            var paths = containers.Select(DirectoryPath.Parse).ToList();
            foreach (var path in paths)
            {
                await EnsureContainerAsync(transaction, path, cancellationToken);
            }

            settings = settings with { Containers = paths.Count == 0 ? [DirectoryPath.Recipients] : paths };
        }

        if (changes.IncludeSubcontainers is { } subcontainers)
        {
            settings = settings with { IncludeSubcontainers = subcontainers };
        }

        if (changes.Attributes is { } attributes)
        {
            settings = settings with { ExportAttributes = ParseExportList(attributes) };
        }

        if (changes.Classes is { } classes)
        {
            var parsed = classes.Select(ObjectClassNames.Parse).Distinct().ToList();
            if (parsed.Count == 0)
            {
                throw new InvalidValueException($"--classes needs at least one class: {ObjectClassNames.Accepted}");
            }

            settings = settings with { Classes = parsed };
        }

        if (changes.AddressType is { } addressType)
        {
            if (!ProxyAddress.IsValidType(addressType))
            {
                throw new InvalidValueException($"invalid address type '{addressType}': use letters and digits, such as EDK or SMTP");
            }

            settings = settings with { AddressType = addressType.ToUpperInvariant() };
        }

        if (changes.TargetContainer is { } target)
        {
            var path = DirectoryPath.Parse(target);
            await EnsureContainerAsync(transaction, path, cancellationToken);
            settings = settings with { TargetContainer = path };
        }

        if (changes.ImportObjectClass is { } importClass)
        {
            var parsed = ObjectClassNames.Parse(importClass);
            if (parsed == ObjectClass.DistributionList)
            {
                throw new InvalidValueException("an import creates custom recipients or mailboxes, not distribution lists");
            }

            settings = settings with { ImportObjectClass = parsed };
        }

        if (changes.MultiValueAppend is { } append)
        {
            settings = settings with { MultiValueAppend = append };
        }

        if (changes.DeleteLimit is { } deleteLimit)
        {
            settings = settings with { DeleteLimit = DeleteGuard.ParseLimit(deleteLimit) };
        }

        if (changes.Format is { } format)
        {
            settings = settings with { Format = InstanceJson.ParseFormat(format) };
        }

        if (changes.Relay is { } relay)
        {
            settings = settings with { Relay = relay };
        }

        if (existing is null && changes.Ldap is { Length: > 0 } && changes.Relay is null)
        {
            // A live directory is written for GAL sync: it takes what this store imported from elsewhere too, unless told not to.
            settings = settings with { Relay = true };
        }

        if (existing is null && changes.Ldap is { Length: > 0 } && changes.AddressType is null)
        {
            // A directory's people are reached by their mail address.
            settings = settings with { AddressType = "SMTP" };
        }

        settings = ApplyDirectory(name, settings, changes, currentDirectory);
        if (settings.Directory is null && settings.Direction.HasFlag(InstanceDirection.Export) && settings.ExportFile is null)
        {
            throw new InvalidValueException($"instance '{name}' exports, so it needs an export file (--file or --export-file) or a directory (--ldap URL --base-dn DN)");
        }

        if (settings.Directory is null && settings.Direction.HasFlag(InstanceDirection.Import) && settings.ImportFile is null)
        {
            throw new InvalidValueException($"instance '{name}' imports, so it needs an import file (--file or --import-file) or a directory (--ldap URL --base-dn DN)");
        }

        var state = existing?.State ?? new InstanceState();
        if (existing is not null && state.LastSequence > 0 && ScopeChange(existing.Settings, settings) is { } change)
        {
            // An incremental export sees only objects changed since its watermark: one that entered the scope
            // unchanged, or left it, would be missed. A full export sends the new scope whole, and the importer's
            // reconciliation deletes what left it.
            state = state with { FullExportRequired = $"its export scope changed ({change})" };
        }

        var instance = new Instance(existing?.Name ?? name, settings, state);
        await transaction.SaveInstanceAsync(instance, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (instance, existing is null);
    }

    /// <summary>What changed in an export's scope (what it selects and what it writes), or null when nothing did.</summary>
    public static string? ScopeChange(InstanceSettings before, InstanceSettings after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changed = new List<string>();
        if (!before.Containers.SequenceEqual(after.Containers) || before.IncludeSubcontainers != after.IncludeSubcontainers)
        {
            changed.Add("containers");
        }

        if (!before.Classes.Order().SequenceEqual(after.Classes.Order()))
        {
            changed.Add("classes");
        }

        if (!before.ExportAttributes.Select(a => a.LdapName).Order(StringComparer.Ordinal).SequenceEqual(after.ExportAttributes.Select(a => a.LdapName).Order(StringComparer.Ordinal)))
        {
            changed.Add("attributes");
        }

        if (before.Relay != after.Relay)
        {
            changed.Add("relaying");
        }

        return !after.Direction.HasFlag(InstanceDirection.Export) || changed.Count == 0 ? null : string.Join(", ", changed);
    }

    /// <summary>Removes an instance and its state.</summary>
    /// <exception cref="NotFoundException">There is no such instance.</exception>
    public async Task RemoveAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        if (!await transaction.RemoveInstanceAsync(name, cancellationToken))
        {
            throw new NotFoundException("instance", name, $"see '{CommandHints.InstanceList()}'");
        }

        await DirectoryOwnership.ForgetAsync(transaction, name, cancellationToken);

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The named instance.</summary>
    /// <exception cref="NotFoundException">There is no such instance.</exception>
    public async Task<Instance> GetAsync(string name, CancellationToken cancellationToken = default) =>
        await _store.FindInstanceAsync(name, cancellationToken)
        ?? throw new NotFoundException("instance", name, $"see '{CommandHints.InstanceList()}'");

    /// <summary>Reads an export list; alias, display name and addresses are always exported and may be listed.</summary>
    /// <exception cref="InvalidValueException">A name is unknown or cannot be exported.</exception>
    public static IReadOnlyList<AttributeDefinition> ParseExportList(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var list = new List<AttributeDefinition>();
        foreach (var name in names.Where(n => n.Length > 0))
        {
            var attribute = AttributeCatalog.Get(name);
            switch (attribute.Kind)
            {
                case AttributeKind.Descriptive:
                    if (!list.Contains(attribute))
                    {
                        list.Add(attribute);
                    }

                    break;
                case AttributeKind.Identity or AttributeKind.Addressing:
                    // Always exported: every record carries alias, class, display name and addresses.
                    break;
                case AttributeKind.Membership:
                    throw new InvalidValueException("member cannot be exported: a list reaches the other side as a custom recipient, without members");
                default:
                    throw new InvalidValueException($"{attribute.LdapName} is kept by each directory itself and cannot be exported");
            }
        }

        return list;
    }

    /// <summary>Applies the live-directory options: a directory replaces the files, and every setting is checked before anything is saved.</summary>
    private InstanceSettings ApplyDirectory(string name, InstanceSettings settings, InstanceChanges changes, string currentDirectory)
    {
        var touched = changes.Ldap is not null || changes.BindDn is not null || changes.PasswordFile is not null
            || changes.Filter is not null || changes.TlsCa is not null;
        if (changes.LdifInetOrgPerson is { } inetOrgPerson)
        {
            settings = settings with { LdifInetOrgPerson = inetOrgPerson };
        }

        if (changes.Ldap is "")
        {
            return settings with { Directory = null, LdifBaseDn = changes.BaseDn is { Length: > 0 } dn ? dn : settings.LdifBaseDn };
        }

        if (!touched && settings.Directory is null)
        {
            // A file instance: --base-dn maps the DNs its LDIF exports write.
            if (changes.BaseDn is not null)
            {
                if (changes.BaseDn.Length > 0)
                {
                    _connector?.Validate(new DirectoryEndpoint("ldap://localhost", changes.BaseDn));
                }

                settings = settings with { LdifBaseDn = changes.BaseDn.Length == 0 ? null : changes.BaseDn };
            }

            return settings;
        }

        if (_connector is null)
        {
            throw new InvalidValueException("this dirsync has no LDAP connector; live directories cannot be used");
        }

        if (changes.Ldap is not null && (changes.File is not null || changes.ExportFile is not null || changes.ImportFile is not null))
        {
            throw new InvalidValueException("give a file (--file, --export-file, --import-file) or a directory (--ldap), not both");
        }

        var current = settings.Directory;
        var url = changes.Ldap ?? current?.Url;
        var baseDn = changes.BaseDn ?? current?.BaseDn;
        if (url is null)
        {
            throw new InvalidValueException($"instance '{name}' has no directory; give one with --ldap ldap://host:port --base-dn DN");
        }

        if (string.IsNullOrWhiteSpace(baseDn))
        {
            throw new InvalidValueException($"a directory instance needs the DN to read or write under: add --base-dn (such as --base-dn ou=People,dc=example,dc=org)");
        }

        var endpoint = new DirectoryEndpoint(url, baseDn)
        {
            BindDn = changes.BindDn is null ? current?.BindDn : changes.BindDn.Length == 0 ? null : changes.BindDn,
            PasswordFile = changes.PasswordFile is null ? current?.PasswordFile : changes.PasswordFile.Length == 0 ? null : FullPath(changes.PasswordFile, currentDirectory),
            Filter = changes.Filter is null ? current?.Filter : changes.Filter.Length == 0 ? null : changes.Filter,
            TlsCa = changes.TlsCa is null ? current?.TlsCa : changes.TlsCa.Length == 0 ? null : FullPath(changes.TlsCa, currentDirectory),
        };
        if (endpoint.BindDn is not null && endpoint.PasswordFile is null)
        {
            throw new InvalidValueException($"--bind-dn needs the password: give --password-file with a file whose first line is it");
        }

        if (endpoint.PasswordFile is not null && !File.Exists(endpoint.PasswordFile))
        {
            throw new DirSyncException($"the password file '{endpoint.PasswordFile}' does not exist; write the bind password on its first line (readable by this user only)", ErrorCategory.FileSystem);
        }

        _connector.Validate(endpoint);
        return settings with { Directory = endpoint, ExportFile = null, ImportFile = null };
    }

    private static string FullPath(string path, string currentDirectory) =>
        string.IsNullOrWhiteSpace(path)
            ? throw new InvalidValueException("a file path cannot be empty")
            : Path.GetFullPath(path, currentDirectory);

    private static async Task EnsureContainerAsync(IDirectoryTransaction transaction, DirectoryPath path, CancellationToken cancellationToken)
    {
        if (!await transaction.ContainerExistsAsync(path, cancellationToken))
        {
            throw new NotFoundException("container", path.Value, $"create it with '{CommandHints.ContainerAdd(path)}'");
        }
    }
}
