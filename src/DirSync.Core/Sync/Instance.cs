namespace DirSync.Core.Sync;

/// <summary>A named, stored configuration that exports a container's changes or imports them elsewhere.</summary>
/// <param name="Name">The instance's name, unique in the store (case-insensitive).</param>
/// <param name="Settings">How it exports and imports.</param>
/// <param name="State">Where it stands.</param>
public sealed record Instance(string Name, InstanceSettings Settings, InstanceState State)
{
    /// <summary>The longest instance name accepted.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Why a name cannot name an instance, or null when it can.</summary>
    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            return $"an instance name is 1 to {MaxNameLength} characters";
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return "an instance name may hold only letters, digits, '-', '_' and '.'";
            }
        }

        return null;
    }
}
