using System.Runtime.CompilerServices;

namespace DirSync.Tests.Formats.Ldif;

/// <summary>Compares output with a golden file under TestData/Ldif, or rewrites it when DIRSYNC_REGENERATE_GOLDEN=1.</summary>
internal static class GoldenFile
{
    public static bool Regenerating => Environment.GetEnvironmentVariable("DIRSYNC_REGENERATE_GOLDEN") == "1";

    /// <summary>The golden file as copied to the test output.</summary>
    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "Ldif", name));

    /// <summary>Asserts that <paramref name="actual"/> equals the golden file byte for byte, or rewrites the source copy.</summary>
    public static void Check(string name, byte[] actual, [CallerFilePath] string caller = "")
    {
        if (Regenerating)
        {
            // The source tree, not the output copy, so the change shows up in git diff for review.
            var source = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(caller)!, "..", "..", "TestData", "Ldif", name));
            File.WriteAllBytes(source, actual);
            return;
        }

        var expected = Read(name);

        // Compare as text first for a readable failure, then as bytes for what text comparison hides.
        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(actual));
        Assert.Equal(expected, actual);
    }
}
