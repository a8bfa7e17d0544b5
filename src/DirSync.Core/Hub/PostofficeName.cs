using DirSync.Core.Model;

namespace DirSync.Core.Hub;

/// <summary>The name of a postoffice in Dir-Sync: <c>NET/PO</c> as MS Mail wrote it, or one word.</summary>
public static class PostofficeName
{
    /// <summary>The longest part of a name.</summary>
    public const int MaxPartLength = 32;

    /// <summary>The container every foreign postoffice's address list lives under.</summary>
    public static DirectoryPath ListsRoot { get; } = DirectoryPath.Parse("Postoffices");

    /// <summary>True when <paramref name="name"/> is a valid postoffice name.</summary>
    public static bool IsValid(string? name)
    {
        if (name is null)
        {
            return false;
        }

        var parts = name.Split('/');
        return parts.Length is 1 or 2 && parts.All(p => p.Length is > 0 and <= MaxPartLength && p.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }

    /// <summary>The name as one folder name (<c>NET/PO</c> becomes <c>NET.PO</c>, upper case: names compare without case, and '.' is in no name).</summary>
    public static string FolderName(string name) => Validate(name).ToUpperInvariant().Replace('/', '.');

    /// <summary>Validates a name or throws a message saying what one looks like.</summary>
    /// <exception cref="InvalidValueException">The name is not valid.</exception>
    public static string Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return IsValid(name)
            ? name
            : throw new InvalidValueException($"invalid postoffice name '{name}': use NET/PO or PO, each part 1 to {MaxPartLength} letters, digits, '-' or '_'");
    }

    /// <summary>True when two names are the same postoffice (names compare case-insensitively).</summary>
    public static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>The container of a postoffice's address list: <c>Postoffices/NET/PO</c>.</summary>
    public static DirectoryPath AddressList(string postoffice)
    {
        var path = ListsRoot;
        foreach (var part in Validate(postoffice).Split('/'))
        {
            path = path.Append(part);
        }

        return path;
    }
}
