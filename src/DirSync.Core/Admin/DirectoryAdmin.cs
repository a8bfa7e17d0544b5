using DirSync.Core.Addressing;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Core.Admin;

/// <summary>The administrator's operations on one store, each in a transaction of its own.</summary>
public sealed class DirectoryAdmin
{
    /// <summary>How long tombstones are kept by default, as Exchange 5.5 did.</summary>
    public static readonly TimeSpan DefaultTombstoneRetention = TimeSpan.FromDays(60);

    private readonly IDirectoryStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the operations for <paramref name="store"/>.</summary>
    public DirectoryAdmin(IDirectoryStore store, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Creates a recipient.</summary>
    public Task<DirectoryObject> AddRecipientAsync(ObjectClass objectClass, string alias, RecipientChanges changes, CancellationToken cancellationToken = default) =>
        InTransactionAsync(editor => editor.AddAsync(objectClass, alias, changes, cancellationToken: cancellationToken), cancellationToken);

    /// <summary>Changes a recipient of the given class.</summary>
    /// <exception cref="NotFoundException">There is no such recipient.</exception>
    /// <exception cref="InvalidValueException">The recipient is of another class.</exception>
    public Task<ModifyResult> SetRecipientAsync(ObjectClass objectClass, string alias, RecipientChanges changes, CancellationToken cancellationToken = default) =>
        InTransactionAsync(
            async editor =>
            {
                var existing = EnsureClass(await editor.GetAsync(alias, cancellationToken), objectClass, "set");
                return await editor.ModifyAsync(existing, changes, cancellationToken);
            },
            cancellationToken);

    /// <summary>Removes a recipient of the given class, leaving a tombstone.</summary>
    public Task<DirectoryObject> RemoveRecipientAsync(ObjectClass objectClass, string alias, CancellationToken cancellationToken = default) =>
        InTransactionAsync(
            async editor =>
            {
                var existing = EnsureClass(await editor.GetAsync(alias, cancellationToken), objectClass, "remove");
                return await editor.RemoveAsync(existing, cancellationToken);
            },
            cancellationToken);

    /// <summary>The live recipient with this alias.</summary>
    /// <exception cref="NotFoundException">There is none.</exception>
    public async Task<DirectoryObject> GetRecipientAsync(string alias, CancellationToken cancellationToken = default) =>
        await _store.FindByAliasAsync(alias, cancellationToken)
        ?? throw new NotFoundException("recipient", alias, $"see '{CommandHints.RecipientsList()}'");

    /// <summary>Sets an address type's template and regenerates that type on every recipient.</summary>
    /// <returns>How many recipients got a new address.</returns>
    /// <exception cref="InvalidValueException">The template is not valid.</exception>
    /// <param name="addressType">The address type, in any case.</param>
    /// <param name="template">The template.</param>
    /// <param name="dryRun">Do everything and count it, then leave the store as it was.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<int> SetAddressTemplateAsync(string addressType, string template, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        var parsed = AddressTemplate.Parse(addressType, template);
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        await transaction.SetAddressTemplateAsync(parsed.AddressType, parsed.Text, cancellationToken);
        var editor = await RecipientEditor.CreateAsync(transaction, cancellationToken);
        var changed = await editor.RegenerateAddressesAsync(parsed.AddressType, cancellationToken);
        if (!dryRun)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return changed;
    }

    /// <summary>Creates a container under an existing parent.</summary>
    /// <exception cref="ConflictException">It exists.</exception>
    /// <exception cref="NotFoundException">Its parent does not.</exception>
    public async Task AddContainerAsync(DirectoryPath path, CancellationToken cancellationToken = default)
    {
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        await transaction.AddContainerAsync(path, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Removes tombstones older than <paramref name="olderThan"/>.</summary>
    /// <returns>How many were removed and the cut-off time.</returns>
    /// <param name="olderThan">How long ago a tombstone's recipient must have been deleted.</param>
    /// <param name="dryRun">Count what would be purged, then leave the store as it was.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<(int Purged, DateTimeOffset DeletedBefore)> PurgeTombstonesAsync(TimeSpan olderThan, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        if (olderThan < TimeSpan.Zero)
        {
            throw new InvalidValueException("the age of tombstones to purge cannot be negative");
        }

        var cutoff = _time.GetUtcNow() - olderThan;
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var purged = await transaction.PurgeTombstonesAsync(cutoff, cancellationToken);
        if (!dryRun)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return (purged, cutoff);
    }

    private static DirectoryObject EnsureClass(DirectoryObject value, ObjectClass expected, string verb)
    {
        if (value.Class != expected)
        {
            throw new InvalidValueException(
                $"'{value.Alias}' is a {value.Class.ToToken()}, not a {expected.ToToken()}; use '{CommandHints.Recipient(value.Class, verb, value.Alias)}'");
        }

        return value;
    }

    private async Task<T> InTransactionAsync<T>(Func<RecipientEditor, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var editor = await RecipientEditor.CreateAsync(transaction, cancellationToken);
        var result = await work(editor);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
