using System.Globalization;

namespace DirSync.Core.Hub;

/// <summary>An error the server reports to a requestor in a reply: its numbered code (such as 138) and the explanation.</summary>
/// <param name="Code">The event code, as the original's numbered errors.</param>
/// <param name="Text">What happened and how to recover, without the code.</param>
public sealed record HubError(int Code, string Text)
{
    /// <summary>The error as a reply carries it, and as people read it: "138: missing transactions ...".</summary>
    public override string ToString() => $"{Code.ToString(CultureInfo.InvariantCulture)}: {Text}";

    /// <summary>Reads an error in the form <see cref="ToString"/> writes; null when it is not in that form.</summary>
    public static HubError? TryParse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        return colon is >= 1 and <= 9
            && int.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? new HubError(code, text[(colon + 2)..])
            : null;
    }
}
