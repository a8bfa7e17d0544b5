using DirSync.Core.Model;

namespace DirSync.Core.Addressing;

/// <summary>The names of one recipient that an address template draws on.</summary>
/// <param name="Alias">The alias, for <c>%m</c>.</param>
/// <param name="GivenName">The given name, for <c>%g</c>, or null.</param>
/// <param name="Surname">The surname, for <c>%s</c>, or null.</param>
/// <param name="DisplayName">The display name, for <c>%d</c>, or null.</param>
/// <param name="Initials">The initials, for <c>%i</c>, or null.</param>
public readonly record struct RecipientNames(string Alias, string? GivenName, string? Surname, string? DisplayName, string? Initials)
{
    /// <summary>Reads the names from a directory object: alias and display name from the object, the rest from its attributes.</summary>
    public static RecipientNames From(DirectoryObject value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new RecipientNames(
            value.Alias,
            value.Attributes.GetSingle(AttributeCatalog.GivenName),
            value.Attributes.GetSingle(AttributeCatalog.Surname),
            value.DisplayName,
            value.Attributes.GetSingle(AttributeCatalog.Initials));
    }

    /// <summary>The fields whose values differ between two sets of names, for <see cref="ProxyUpdate.FieldsChanged"/>.</summary>
    /// <remarks>A change of case counts: a template may keep the case of what it substitutes.</remarks>
    public static TemplateFields ChangedFields(RecipientNames before, RecipientNames after)
    {
        var changed = TemplateFields.None;
        foreach (var field in (ReadOnlySpan<TemplateFields>)[TemplateFields.GivenName, TemplateFields.Surname, TemplateFields.DisplayName, TemplateFields.Alias, TemplateFields.Initials])
        {
            // An absent name and an empty one give the same address, so they are no change.
            if (!string.Equals(before.Get(field) ?? "", after.Get(field) ?? "", StringComparison.Ordinal))
            {
                changed |= field;
            }
        }

        return changed;
    }

    internal string? Get(TemplateFields field) => field switch
    {
        TemplateFields.GivenName => GivenName,
        TemplateFields.Surname => Surname,
        TemplateFields.DisplayName => DisplayName,
        TemplateFields.Alias => Alias,
        TemplateFields.Initials => Initials,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "expected exactly one name field"),
    };
}
