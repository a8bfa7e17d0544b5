using System.Collections.ObjectModel;
using DirSync.Core.Model;

namespace DirSync.Core.Addressing;

/// <summary>Makes recipients' proxy addresses from the site's templates, one per address type, retrying until an address is free.</summary>
public sealed class ProxyGenerator
{
    /// <summary>How many candidate addresses are tried before giving up: the template, <c>%m</c>, then <c>%m2</c> onwards.</summary>
    public const int MaxAttempts = 9999;

    private readonly ReadOnlyCollection<AddressTemplate> _templates;

    /// <summary>Creates a generator for a set of templates, at most one per address type.</summary>
    /// <exception cref="ArgumentException">Two templates share an address type, or one is null.</exception>
    public ProxyGenerator(IEnumerable<AddressTemplate> templates)
    {
        ArgumentNullException.ThrowIfNull(templates);
        var list = templates.ToList();
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var template in list)
        {
            if (template is null)
            {
                throw new ArgumentException("a template is null", nameof(templates));
            }

            if (!types.Add(template.AddressType))
            {
                throw new ArgumentException($"two templates for address type {template.AddressType}", nameof(templates));
            }
        }

        _templates = list.AsReadOnly();
    }

    /// <summary>The templates, in the order given; addresses are made in this order.</summary>
    public IReadOnlyList<AddressTemplate> Templates => _templates;

    /// <summary>Makes a free primary address: the template's, else the alias forms <c>%m</c>, <c>%m2</c>, <c>%m3</c> ...</summary>
    /// <param name="template">The template of the type to make.</param>
    /// <param name="names">The recipient's names.</param>
    /// <param name="isTaken">Answers whether another object holds an address; the object's own addresses must count as free.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <exception cref="InvalidValueException">No free address was found within <see cref="MaxAttempts"/> tries, or the alias gives none.</exception>
    public async ValueTask<ProxyAddress> GenerateAsync(
        AddressTemplate template,
        RecipientNames names,
        Func<ProxyAddress, CancellationToken, ValueTask<bool>> isTaken,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(isTaken);

        // The first fallback can repeat the template (%m@x gives %m@x again); asking twice is wasted work. Made only when a
        // first candidate was taken: nearly every address is free at the first try.
        HashSet<string>? tried = null;
        string? first = null;
        var attempts = 0;
        for (var fallback = 0; fallback <= MaxAttempts && attempts < MaxAttempts; fallback++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var candidate = fallback == 0 ? template : template.WithAliasFallback(fallback);
            var text = candidate.Expand(names);
            if (text is null)
            {
                // Every fallback substitutes only the alias; when it gives nothing, so will all that follow.
                if (fallback >= 1)
                {
                    break;
                }

                continue;
            }

            if (first is null)
            {
                first = text;
            }
            else if (!(tried ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase) { first }).Add(text))
            {
                continue;
            }

            attempts++;
            var address = new ProxyAddress(template.AddressType, text, isPrimary: true);
            if (!await isTaken(address, cancellationToken))
            {
                return address;
            }
        }

        throw attempts == 0
            ? new InvalidValueException($"no {template.AddressType} address can be made for alias '{names.Alias}': neither the template '{template.Text}' nor the alias gives a usable address")
            : new InvalidValueException($"no free {template.AddressType} address found for alias '{names.Alias}' after {attempts} attempts");
    }

    /// <summary>Brings one object's proxy addresses in line with the templates; true when anything changed.</summary>
    /// <remarks>
    /// A regenerated address that differs from the current primary becomes the primary and the
    /// old one stays as a secondary, so mail to it still arrives. A custom recipient's target
    /// address is always the primary of its type. Existing entries keep their positions; new
    /// ones are appended; every type ends with exactly one primary.
    /// </remarks>
    /// <param name="value">The object to update in place.</param>
    /// <param name="update">Why the update happens, which decides the types made again.</param>
    /// <param name="isTaken">Answers whether another object holds an address; the object's own addresses must count as free.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <exception cref="InvalidValueException">No free address was found for a type.</exception>
    public async ValueTask<bool> ApplyAsync(
        DirectoryObject value,
        ProxyUpdate update,
        Func<ProxyAddress, CancellationToken, ValueTask<bool>> isTaken,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(isTaken);

        var addresses = value.ProxyAddresses;
        ProxyAddress[] before = [.. addresses];

        string? targetType = null;
        if (value.Class == ObjectClass.CustomRecipient && value.TargetAddress is { } target)
        {
            targetType = target.Type;
            MakePrimary(addresses, target);
        }

        var names = RecipientNames.From(value);
        ValueTask<bool> IsTakenByOthers(ProxyAddress candidate, CancellationToken token) =>
            addresses.Contains(candidate) ? ValueTask.FromResult(false) : isTaken(candidate, token);

        for (var t = 0; t < _templates.Count; t++)
        {
            var template = _templates[t];
            if (string.Equals(template.AddressType, targetType, StringComparison.Ordinal))
            {
                continue;
            }

            var current = PrimaryOf(addresses, template.AddressType);
            if (current is not null && !update.Regenerates(template))
            {
                continue;
            }

            var generated = await GenerateAsync(template, names, IsTakenByOthers, cancellationToken);
            if (generated.Equals(current))
            {
                continue;
            }

            MakePrimary(addresses, generated);
        }

        EnsureOnePrimaryPerType(addresses);
        return !SameText(before, addresses);
    }

    private static ProxyAddress? PrimaryOf(List<ProxyAddress> addresses, string type)
    {
        foreach (var address in addresses)
        {
            if (address.IsPrimary && string.Equals(address.Type, type, StringComparison.Ordinal))
            {
                return address;
            }
        }

        return null;
    }

    // Whether both lists would print the same (TYPE:address, the type's case saying which is primary): types are upper
    // case, so that is the same type, primary flag and address spelling, in the same order.
    private static bool SameText(ProxyAddress[] before, List<ProxyAddress> after)
    {
        if (before.Length != after.Count)
        {
            return false;
        }

        for (var i = 0; i < before.Length; i++)
        {
            var (a, b) = (before[i], after[i]);
            if (!ReferenceEquals(a, b)
                && (a.IsPrimary != b.IsPrimary || !string.Equals(a.Type, b.Type, StringComparison.Ordinal) || !string.Equals(a.Address, b.Address, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    // Promotes the address where the object already holds it, keeping its spelling, and demotes the old primary.
    private static void MakePrimary(List<ProxyAddress> addresses, ProxyAddress address)
    {
        var existing = addresses.IndexOf(address);
        for (var i = 0; i < addresses.Count; i++)
        {
            if (i != existing && addresses[i].IsPrimary && string.Equals(addresses[i].Type, address.Type, StringComparison.Ordinal))
            {
                addresses[i] = addresses[i].WithPrimary(false);
            }
        }

        if (existing >= 0)
        {
            addresses[existing] = addresses[existing].WithPrimary(true);
        }
        else
        {
            addresses.Add(address.WithPrimary(true));
        }
    }

    // Imported or hand-edited lists may carry several primaries of a type, or none.
    private static void EnsureOnePrimaryPerType(List<ProxyAddress> addresses)
    {
        for (var first = 0; first < addresses.Count; first++)
        {
            // Each type once, from its first address.
            if (HasTypeBefore(addresses, first))
            {
                continue;
            }

            var type = addresses[first].Type;
            var hasPrimary = false;
            for (var i = first; i < addresses.Count; i++)
            {
                if (!addresses[i].IsPrimary || !string.Equals(addresses[i].Type, type, StringComparison.Ordinal))
                {
                    continue;
                }

                if (hasPrimary)
                {
                    addresses[i] = addresses[i].WithPrimary(false);
                }

                hasPrimary = true;
            }

            if (!hasPrimary)
            {
                addresses[first] = addresses[first].WithPrimary(true);
            }
        }
    }

    private static bool HasTypeBefore(List<ProxyAddress> addresses, int index)
    {
        for (var i = 0; i < index; i++)
        {
            if (string.Equals(addresses[i].Type, addresses[index].Type, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
