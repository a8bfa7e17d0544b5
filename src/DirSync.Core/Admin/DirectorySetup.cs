using DirSync.Core.Addressing;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Core.Admin;

/// <summary>What every new store starts with: the Recipients container and the site's default address templates.</summary>
public static class DirectorySetup
{
    /// <summary>The address types a new store generates addresses for.</summary>
    public static IReadOnlyList<string> DefaultAddressTypes { get; } = ["SMTP", "EDK"];

    /// <summary>Makes a store's identity from the names an administrator gives, validating them.</summary>
    /// <exception cref="InvalidValueException">A name is empty or unusable.</exception>
    public static StoreInfo NewStoreInfo(string organization, string site, string server, DateTimeOffset now)
    {
        ValidateName("organization", organization);
        ValidateName("site", site);
        ValidateName("server", server);
        return new StoreInfo(Guid.NewGuid(), organization, site, server, now);
    }

    /// <summary>Runs inside the creating transaction of a new store.</summary>
    public static async ValueTask InitializeAsync(IDirectoryTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await transaction.AddContainerAsync(DirectoryPath.Recipients, cancellationToken);
        foreach (var type in DefaultAddressTypes)
        {
            var template = AddressTemplate.Default(type, transaction.Info);
            await transaction.SetAddressTemplateAsync(template.AddressType, template.Text, cancellationToken);
        }
    }

    private static void ValidateName(string what, string value)
    {
        if (string.IsNullOrWhiteSpace(value) || value != value.Trim() || value.Length > 64
            || value.Any(c => char.IsControl(c) || c is '/' or '\\' or '=' or ','))
        {
            throw new InvalidValueException(
                $"invalid {what} name '{value}': use 1 to 64 characters without '/', '\\', '=', ',', control characters or surrounding spaces");
        }
    }
}
