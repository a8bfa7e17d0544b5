using DirSync.Core.Admin;

namespace DirSync.Tests.Support;

/// <summary>Builds recipient changes the way the command does, from <c>NAME=VALUE</c> settings in either spelling.</summary>
public static class Changes
{
    public static RecipientChanges Of(params string[] settings)
    {
        var changes = new RecipientChanges();
        foreach (var setting in settings)
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            changes.Set(setting[..equals], setting[(equals + 1)..]);
        }

        return changes;
    }
}
