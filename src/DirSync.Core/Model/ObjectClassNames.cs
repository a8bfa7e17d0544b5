using System.Diagnostics.CodeAnalysis;

namespace DirSync.Core.Model;

/// <summary>The names of <see cref="ObjectClass"/> values in JSON, on the command line and in the seeds' files.</summary>
public static class ObjectClassNames
{
    /// <summary>The names accepted on the command line, for error messages.</summary>
    public const string Accepted = "mailbox, custom-recipient (or remote), dl (or distribution-list)";

    /// <summary>The canonical token: <c>mailbox</c>, <c>custom-recipient</c> or <c>distribution-list</c>.</summary>
    public static string ToToken(this ObjectClass value) => value switch
    {
        ObjectClass.Mailbox => "mailbox",
        ObjectClass.CustomRecipient => "custom-recipient",
        ObjectClass.DistributionList => "distribution-list",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    /// <summary>The Exchange directory spelling (the bulk CSV's Obj-Class): <c>Mailbox</c>, <c>Remote</c>, <c>dl</c>.</summary>
    public static string ToExchangeName(this ObjectClass value) => value switch
    {
        ObjectClass.Mailbox => "Mailbox",
        ObjectClass.CustomRecipient => "Remote",
        ObjectClass.DistributionList => "dl",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    /// <summary>Reads any accepted spelling, case-insensitively; <c>Remote-Address</c> is the Exchange schema's name for a custom recipient.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ObjectClass? value)
    {
        value = text?.Trim().ToUpperInvariant() switch
        {
            "MAILBOX" => ObjectClass.Mailbox,
            "CUSTOM-RECIPIENT" or "CUSTOMRECIPIENT" or "REMOTE" or "REMOTE-ADDRESS" or "CONTACT" => ObjectClass.CustomRecipient,
            "DL" or "DISTRIBUTION-LIST" or "DISTRIBUTIONLIST" or "GROUP" => ObjectClass.DistributionList,
            _ => null,
        };
        return value is not null;
    }

    /// <summary>Reads any accepted spelling or throws a message listing them.</summary>
    /// <exception cref="InvalidValueException">The text names no class.</exception>
    public static ObjectClass Parse(string text) =>
        TryParse(text, out var value)
            ? value.Value
            : throw new InvalidValueException($"unknown object class '{text}'; use one of: {Accepted}");
}
