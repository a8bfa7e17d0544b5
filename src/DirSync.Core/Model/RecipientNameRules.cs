namespace DirSync.Core.Model;

/// <summary>The rules for aliases and display names.</summary>
public static class RecipientNameRules
{
    /// <summary>Why <paramref name="alias"/> is not a valid alias, or null when it is.</summary>
    /// <remarks>
    /// Aliases appear in distinguished names of both the EDK form (<c>/cn=Alias</c>) and LDAP,
    /// so '/' and '\' are refused; everything printable else is allowed, inner spaces included.
    /// </remarks>
    public static string? ValidateAlias(string? alias)
    {
        if (string.IsNullOrEmpty(alias))
        {
            return "an alias cannot be empty";
        }

        if (alias.Length > AttributeCatalog.Alias.MaxLength)
        {
            return $"an alias is at most {AttributeCatalog.Alias.MaxLength} characters";
        }

        if (alias != alias.Trim())
        {
            return "an alias cannot start or end with white space";
        }

        foreach (var c in alias)
        {
            if (char.IsControl(c) || c is '/' or '\\')
            {
                return "an alias cannot contain control characters, '/' or '\\'";
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="displayName"/> is not a valid display name, or null when it is.</summary>
    public static string? ValidateDisplayName(string? displayName)
    {
        if (string.IsNullOrWhiteSpace(displayName))
        {
            return "a display name cannot be empty";
        }

        if (displayName.Length > AttributeCatalog.DisplayName.MaxLength)
        {
            return $"a display name is at most {AttributeCatalog.DisplayName.MaxLength} characters";
        }

        if (displayName.Any(char.IsControl))
        {
            return "a display name cannot contain control characters";
        }

        return null;
    }

    /// <summary>Validates an alias or throws a message naming it.</summary>
    /// <exception cref="InvalidValueException">The alias is not valid.</exception>
    public static void EnsureAlias(string alias)
    {
        var error = ValidateAlias(alias);
        if (error is not null)
        {
            throw new InvalidValueException($"invalid alias '{alias}': {error}");
        }
    }
}
