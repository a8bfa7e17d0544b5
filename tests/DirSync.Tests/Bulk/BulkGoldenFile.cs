using System.Runtime.CompilerServices;

namespace DirSync.Tests.Bulk;

/// <summary>Golden files under TestData/Bulk: compared byte for byte, or rewritten when DIRSYNC_REGENERATE_GOLDEN=1.</summary>
internal static class BulkGoldenFile
{
    public static bool Regenerating => Environment.GetEnvironmentVariable("DIRSYNC_REGENERATE_GOLDEN") == "1";

    /// <summary>The path of a golden file as copied to the test output.</summary>
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "Bulk", name);

    /// <summary>Asserts that <paramref name="actual"/> equals the golden file byte for byte, or rewrites the source copy.</summary>
    public static void Check(string name, byte[] actual, [CallerFilePath] string caller = "")
    {
        if (Regenerating)
        {
            // The source tree, not the output copy, so the change shows up in git diff for review.
            var source = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(caller)!, "..", "TestData", "Bulk", name));
            File.WriteAllBytes(source, actual);
            Assert.Skip($"regenerated {source}; review it with git diff, then run the tests again without DIRSYNC_REGENERATE_GOLDEN");
        }

        var expected = File.ReadAllBytes(PathOf(name));

        // Compare as text first for a readable failure, then as bytes for what text comparison hides.
        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(actual));
        Assert.Equal(expected, actual);
    }
}
