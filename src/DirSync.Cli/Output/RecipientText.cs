using DirSync.Core.Model;

namespace DirSync.Cli.Output;

/// <summary>The human form of a recipient.</summary>
internal static class RecipientText
{
    /// <summary>The address mail to the recipient uses: the target of a custom recipient, else the primary SMTP address.</summary>
    public static string MainAddress(DirectoryObject value) =>
        value.TargetAddress?.ToString()
        ?? value.GetPrimaryAddress("SMTP")?.ToString()
        ?? value.ProxyAddresses.FirstOrDefault()?.ToString()
        ?? "";

    public static void WriteDetail(TextWriter output, DirectoryObject value)
    {
        // A value with line breaks (a Comment, an address) continues under the value column, not at the margin.
        void Line(string label, string? text) =>
            output.WriteLine($"{(label.Length == 0 ? "" : label + ":"),-17}{text?.ReplaceLineEndings(output.NewLine + new string(' ', 17))}");

        Line("Alias", value.Alias);
        Line("Display name", value.DisplayName);
        Line("Class", value.Class.ToToken());
        Line("Container", value.Container.Value);
        Line("GUID", value.Guid.ToString());
        if (value.TargetAddress is not null)
        {
            Line("Target address", value.TargetAddress.ToString());
        }

        for (var i = 0; i < value.ProxyAddresses.Count; i++)
        {
            Line(i == 0 ? "Addresses" : "", value.ProxyAddresses[i].ToString());
        }

        for (var i = 0; i < value.Members.Count; i++)
        {
            Line(i == 0 ? "Members" : "", value.Members[i].Alias);
        }

        foreach (var (attribute, values) in value.Attributes)
        {
            for (var i = 0; i < values.Count; i++)
            {
                Line(i == 0 ? attribute.LdapName : "", values[i]);
            }
        }

        Line("Imported from", value.Origin?.ImportedFrom ?? "(local)");
        Line("USN created", value.UsnCreated.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Line("USN changed", value.UsnChanged.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Line("Changed", value.WhenChanged.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
    }
}
