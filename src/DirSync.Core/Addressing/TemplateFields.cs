namespace DirSync.Core.Addressing;

/// <summary>The recipient name fields an address template draws on.</summary>
[Flags]
public enum TemplateFields
{
    /// <summary>No name field.</summary>
    None = 0,

    /// <summary>The given name, <c>%g</c>.</summary>
    GivenName = 1,

    /// <summary>The surname, <c>%s</c>.</summary>
    Surname = 2,

    /// <summary>The display name, <c>%d</c>.</summary>
    DisplayName = 4,

    /// <summary>The alias, <c>%m</c>.</summary>
    Alias = 8,

    /// <summary>The initials, <c>%i</c>.</summary>
    Initials = 16,
}
