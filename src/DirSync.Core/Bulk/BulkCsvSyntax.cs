using DirSync.Core.Model;

namespace DirSync.Core.Bulk;

/// <summary>The words and characters of the Exchange administrator's bulk CSV.</summary>
public static class BulkCsvSyntax
{
    /// <summary>The name of the optional column that says what to do with each row.</summary>
    public const string ModeColumn = "Mode";

    /// <summary>A field holding exactly this (in any case) clears the attribute.</summary>
    public const string Clear = "~DEL";

    /// <summary>Separates the values of a multi-valued field.</summary>
    public const char ValueSeparator = '%';

    /// <summary>The accepted <c>Mode</c> values, for error messages.</summary>
    public const string AcceptedModes = "Create, Modify, Delete or Update";

    /// <summary>The accepted <c>Obj-Class</c> values, for error messages.</summary>
    public const string AcceptedClasses = "Mailbox, Remote or dl";

    /// <summary>Reads a <c>Mode</c> value, case-insensitively; an empty field means <see cref="BulkMode.Update"/>.</summary>
    public static bool TryParseMode(string text, out BulkMode mode)
    {
        ArgumentNullException.ThrowIfNull(text);
        BulkMode? parsed = text.Trim().ToUpperInvariant() switch
        {
            "" or "UPDATE" => BulkMode.Update,
            "CREATE" => BulkMode.Create,
            "MODIFY" => BulkMode.Modify,
            "DELETE" => BulkMode.Delete,
            _ => null,
        };
        mode = parsed ?? BulkMode.Update;
        return parsed is not null;
    }

    /// <summary>Why <c>~DEL</c> cannot clear the attribute, or null when it can.</summary>
    public static string? WhyNotClearable(AttributeDefinition attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        return attribute switch
        {
            _ when attribute == AttributeCatalog.Alias => "the alias names the recipient the row is about",
            _ when attribute == AttributeCatalog.DisplayName => "every recipient has a display name",
            _ when attribute == AttributeCatalog.TargetAddress => "a custom recipient always has a target address",
            _ => null,
        };
    }
}
