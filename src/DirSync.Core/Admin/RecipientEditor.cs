using DirSync.Core.Addressing;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Core.Admin;

/// <summary>Creates, changes and removes recipients inside one transaction, enforcing every rule of the directory.</summary>
/// <remarks>
/// Every writer goes through here — the commands, the bulk CSV load and the importers — so alias
/// rules, validation, proxy generation and USNs are the same whichever way a change arrives.
/// A change that alters nothing writes nothing and takes no USN.
/// </remarks>
public sealed class RecipientEditor
{
    private readonly IDirectoryTransaction _transaction;
    private readonly ProxyGenerator _generator;

    private RecipientEditor(IDirectoryTransaction transaction, ProxyGenerator generator)
    {
        _transaction = transaction;
        _generator = generator;
    }

    /// <summary>The transaction the editor writes to.</summary>
    public IDirectoryTransaction Transaction => _transaction;

    /// <summary>The proxy generator with the site's templates.</summary>
    public ProxyGenerator Generator => _generator;

    /// <summary>Creates an editor over <paramref name="transaction"/> with the site's current address templates.</summary>
    public static async ValueTask<RecipientEditor> CreateAsync(IDirectoryTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var settings = await transaction.GetAddressTemplatesAsync(cancellationToken);
        var templates = settings.Select(s => AddressTemplate.Parse(s.AddressType, s.Template));
        return new RecipientEditor(transaction, new ProxyGenerator(templates));
    }

    /// <summary>The live recipient with this alias.</summary>
    /// <exception cref="NotFoundException">There is none.</exception>
    public async ValueTask<DirectoryObject> GetAsync(string alias, CancellationToken cancellationToken = default) =>
        await _transaction.FindByAliasAsync(alias, cancellationToken)
        ?? throw new NotFoundException("recipient", alias, $"see '{CommandHints.RecipientsList()}'");

    /// <summary>Creates a recipient.</summary>
    /// <param name="objectClass">What to create.</param>
    /// <param name="alias">The alias; must be free.</param>
    /// <param name="changes">The other values to set.</param>
    /// <param name="origin">For an imported object, where it came from.</param>
    /// <param name="guid">The anchor to use; a new one when null.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <exception cref="InvalidValueException">A value is not valid.</exception>
    /// <exception cref="ConflictException">The alias or an address is taken.</exception>
    public async ValueTask<DirectoryObject> AddAsync(
        ObjectClass objectClass,
        string alias,
        RecipientChanges changes,
        ObjectOrigin? origin = null,
        Guid? guid = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        RecipientNameRules.EnsureAlias(alias);
        if (changes.Alias is not null && !string.Equals(changes.Alias, alias, StringComparison.Ordinal))
        {
            throw new InvalidValueException($"the alias is given twice ('{alias}' and '{changes.Alias}')");
        }

        await EnsureAliasFreeAsync(alias, null, cancellationToken);
        var container = changes.Container ?? DirectoryPath.Recipients;
        await EnsureContainerAsync(container, cancellationToken);

        // Time-ordered (version 7): a store's index of GUIDs, and the origin index of every store that imports them, grow
        // at their end instead of at a random page each — at millions of objects, the difference between a page in
        // the cache and one read back.
        var value = new DirectoryObject(guid ?? Guid.CreateVersion7(), objectClass, alias, container) { Origin = origin };
        value.Attributes.EnsureCapacity(changes.Attributes.Count);
        ApplyAttributes(value, changes);
        value.DisplayName = changes.DisplayName ?? DefaultDisplayName(value);
        EnsureDisplayName(value.DisplayName);
        ApplyTargetAddress(value, changes, isNew: true);
        if (changes.ProxyAddresses is { } proxies)
        {
            value.ProxyAddresses.AddRange(NormalizeProxies(proxies));
        }

        await ApplyMembersAsync(value, changes, cancellationToken);
        await _generator.ApplyAsync(value, ProxyUpdate.Create, IsTakenByOtherAsync(value), cancellationToken);
        await _transaction.AddAsync(value, cancellationToken);
        return value;
    }

    /// <summary>Changes a live recipient; returns the new state, or the old one unchanged when nothing differs.</summary>
    /// <exception cref="InvalidValueException">A value is not valid.</exception>
    /// <exception cref="ConflictException">The new alias or an address is taken.</exception>
    public async ValueTask<ModifyResult> ModifyAsync(DirectoryObject existing, RecipientChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(changes);
        var before = TemplateInputs(existing);
        var value = existing.Clone();
        if (changes.Alias is { } alias && !string.Equals(alias, value.Alias, StringComparison.Ordinal))
        {
            RecipientNameRules.EnsureAlias(alias);
            await EnsureAliasFreeAsync(alias, value.Guid, cancellationToken);
            value.Alias = alias;
        }

        if (changes.Container is { } container)
        {
            await EnsureContainerAsync(container, cancellationToken);
            value.Container = container;
        }

        if (changes.Origin is { } origin)
        {
            value.Origin = origin;
        }

        ApplyAttributes(value, changes);
        if (changes.DisplayName is { } displayName)
        {
            EnsureDisplayName(displayName);
            value.DisplayName = displayName;
        }

        ApplyTargetAddress(value, changes, isNew: false);
        if (changes.ProxyAddresses is { } proxies)
        {
            value.ProxyAddresses.Clear();
            value.ProxyAddresses.AddRange(NormalizeProxies(proxies));
        }

        await ApplyMembersAsync(value, changes, cancellationToken);
        var changedFields = ChangedFields(before, TemplateInputs(value));
        await _generator.ApplyAsync(value, ProxyUpdate.FieldsChanged(changedFields), IsTakenByOtherAsync(value), cancellationToken);
        if (value.ContentEquals(existing))
        {
            return new ModifyResult(existing, false);
        }

        await _transaction.UpdateAsync(value, cancellationToken);
        return new ModifyResult(value, true);
    }

    /// <summary>Deletes a live recipient, leaving a tombstone.</summary>
    public ValueTask<DirectoryObject> RemoveAsync(DirectoryObject existing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(existing);
        return _transaction.DeleteAsync(existing.Guid, cancellationToken);
    }

    /// <summary>Regenerates one address type on every live recipient after its template changed.</summary>
    /// <returns>How many recipients changed.</returns>
    public async ValueTask<int> RegenerateAddressesAsync(string addressType, CancellationToken cancellationToken = default)
    {
        // Collect first: updating while streaming the same table would see rows move under the cursor.
        var guids = new List<Guid>();
        await foreach (var value in _transaction.ListAsync(RecipientFilter.All, cancellationToken))
        {
            guids.Add(value.Guid);
        }

        var changed = 0;
        foreach (var guid in guids)
        {
            var value = await _transaction.FindByGuidAsync(guid, cancellationToken: cancellationToken);
            if (value is null)
            {
                continue;
            }

            if (await _generator.ApplyAsync(value, ProxyUpdate.TemplateChanged(addressType), IsTakenByOtherAsync(value), cancellationToken))
            {
                await _transaction.UpdateAsync(value, cancellationToken);
                changed++;
            }
        }

        return changed;
    }

    private Func<ProxyAddress, CancellationToken, ValueTask<bool>> IsTakenByOtherAsync(DirectoryObject value) =>
        async (address, cancellationToken) =>
        {
            var owner = await _transaction.FindAddressOwnerAsync(address, cancellationToken);
            return owner is not null && owner != value.Guid;
        };

    private async ValueTask EnsureAliasFreeAsync(string alias, Guid? self, CancellationToken cancellationToken)
    {
        var owner = await _transaction.FindAliasOwnerAsync(alias, cancellationToken);
        if (owner is not null && owner != self && await _transaction.FindByGuidAsync(owner.Value, cancellationToken: cancellationToken) is { } holder)
        {
            throw new ConflictException($"the alias '{alias}' is already used by {holder.Class.ToToken()} '{holder.Alias}'; choose another alias");
        }
    }

    private async ValueTask EnsureContainerAsync(DirectoryPath container, CancellationToken cancellationToken)
    {
        if (!await _transaction.ContainerExistsAsync(container, cancellationToken))
        {
            throw new NotFoundException("container", container.Value, $"create it with '{CommandHints.ContainerAdd(container)}'");
        }
    }

    private static void EnsureDisplayName(string displayName)
    {
        var error = RecipientNameRules.ValidateDisplayName(displayName);
        if (error is not null)
        {
            throw new InvalidValueException($"invalid display name '{displayName}': {error}");
        }
    }

    private static string DefaultDisplayName(DirectoryObject value)
    {
        var given = value.Attributes.GetSingle(AttributeCatalog.GivenName);
        var surname = value.Attributes.GetSingle(AttributeCatalog.Surname);
        var name = string.Join(' ', new[] { given, surname }.Where(s => !string.IsNullOrWhiteSpace(s)));
        return name.Length > 0 ? name : value.Alias;
    }

    private static void ApplyAttributes(DirectoryObject value, RecipientChanges changes)
    {
        foreach (var (attribute, values) in changes.Attributes)
        {
            if (!attribute.IsMultiValued && values.Count > 1)
            {
                throw new InvalidValueException($"{attribute.LdapName} takes one value, not {values.Count}");
            }

            // A set only where a value can repeat: a load checks a dozen single values per recipient.
            var seen = values.Count > 1 ? new HashSet<string>(StringComparer.OrdinalIgnoreCase) : null;
            foreach (var text in values)
            {
                if (text.Length > attribute.MaxLength)
                {
                    throw new InvalidValueException($"the value of {attribute.LdapName} is {text.Length} characters; the limit is {attribute.MaxLength}");
                }

                if (HasControlCharacter(text))
                {
                    throw new InvalidValueException($"the value of {attribute.LdapName} contains a control character");
                }

                if (seen is not null && !seen.Add(text))
                {
                    throw new InvalidValueException($"{attribute.LdapName} has the value '{text}' twice");
                }
            }

            value.Attributes.Set(attribute, values);
        }
    }

    private static bool HasControlCharacter(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\r' or '\n' or '\t'))
            {
                return true;
            }
        }

        return false;
    }

    private static void ApplyTargetAddress(DirectoryObject value, RecipientChanges changes, bool isNew)
    {
        if (value.Class != ObjectClass.CustomRecipient)
        {
            if (changes.TargetAddress is not null)
            {
                throw new InvalidValueException($"only a custom recipient has a target address; '{value.Alias}' is a {value.Class.ToToken()}");
            }

            return;
        }

        if (changes.TargetAddress is { } target)
        {
            var old = value.TargetAddress;
            value.TargetAddress = target.WithPrimary(true);
            if (old is not null && !old.Equals(value.TargetAddress))
            {
                // The old target stays reachable as a secondary address of its type, as a changed primary does.
                var index = value.ProxyAddresses.FindIndex(p => p.Equals(old));
                if (index >= 0)
                {
                    value.ProxyAddresses[index] = old.WithPrimary(false);
                }
            }
        }
        else if (isNew)
        {
            throw new InvalidValueException("a custom recipient needs a target address (--target-address TYPE:address)");
        }
    }

    private static IEnumerable<ProxyAddress> NormalizeProxies(IReadOnlyList<ProxyAddress> proxies)
    {
        var seen = new HashSet<ProxyAddress>();
        foreach (var group in proxies.GroupBy(p => p.Type, StringComparer.Ordinal))
        {
            if (group.Count(p => p.IsPrimary) > 1)
            {
                throw new InvalidValueException($"more than one primary {group.Key} address; write the others with a lower-case type ({group.Key.ToLowerInvariant()}:...)");
            }
        }

        foreach (var proxy in proxies)
        {
            if (!seen.Add(proxy))
            {
                throw new InvalidValueException($"the address {proxy} is given twice");
            }

            yield return proxy;
        }
    }

    private async ValueTask ApplyMembersAsync(DirectoryObject value, RecipientChanges changes, CancellationToken cancellationToken)
    {
        var asked = changes.Members is not null || changes.AddMembers.Count > 0 || changes.RemoveMembers.Count > 0;
        if (!asked)
        {
            return;
        }

        if (value.Class != ObjectClass.DistributionList)
        {
            throw new InvalidValueException($"only a distribution list has members; '{value.Alias}' is a {value.Class.ToToken()}");
        }

        // Which objects the list holds, so each member added is checked against a set, not the whole list: a list
        // of 1,000 members written whole in one bulk row was half a million comparisons.
        var present = new HashSet<Guid>();
        if (changes.Members is { } replacement)
        {
            value.Members.Clear();
            foreach (var alias in replacement)
            {
                await AddMemberAsync(value, present, alias, cancellationToken);
            }
        }

        if (changes.AddMembers.Count > 0)
        {
            present.UnionWith(value.Members.Select(m => m.Guid));
            foreach (var alias in changes.AddMembers)
            {
                await AddMemberAsync(value, present, alias, cancellationToken);
            }
        }

        foreach (var alias in changes.RemoveMembers)
        {
            var index = value.Members.FindIndex(m => string.Equals(m.Alias, alias, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                throw new NotFoundException("member", alias, $"'{value.Alias}' has no such member");
            }

            value.Members.RemoveAt(index);
        }
    }

    /// <summary>Adds the recipient holding <paramref name="alias"/> to <paramref name="list"/>, whose members' GUIDs are <paramref name="present"/> (and the new one, after).</summary>
    private async ValueTask AddMemberAsync(DirectoryObject list, HashSet<Guid> present, string alias, CancellationToken cancellationToken)
    {
        var member = await _transaction.FindMemberAsync(alias, cancellationToken)
            ?? throw new NotFoundException("recipient", alias, "a member must exist before it is added to a list");
        if (member.Guid == list.Guid)
        {
            throw new InvalidValueException($"'{list.Alias}' cannot be a member of itself");
        }

        if (!present.Add(member.Guid))
        {
            throw new InvalidValueException($"'{member.Alias}' is already a member of '{list.Alias}'");
        }

        list.Members.Add(member);
    }

    private static RecipientNames TemplateInputs(DirectoryObject value) => RecipientNames.From(value);

    private static TemplateFields ChangedFields(RecipientNames before, RecipientNames after)
    {
        var fields = TemplateFields.None;
        if (!string.Equals(before.Alias, after.Alias, StringComparison.Ordinal))
        {
            fields |= TemplateFields.Alias;
        }

        if (!string.Equals(before.GivenName, after.GivenName, StringComparison.Ordinal))
        {
            fields |= TemplateFields.GivenName;
        }

        if (!string.Equals(before.Surname, after.Surname, StringComparison.Ordinal))
        {
            fields |= TemplateFields.Surname;
        }

        if (!string.Equals(before.DisplayName, after.DisplayName, StringComparison.Ordinal))
        {
            fields |= TemplateFields.DisplayName;
        }

        if (!string.Equals(before.Initials, after.Initials, StringComparison.Ordinal))
        {
            fields |= TemplateFields.Initials;
        }

        return fields;
    }
}
