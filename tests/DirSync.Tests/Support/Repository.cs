using System.Runtime.CompilerServices;

namespace DirSync.Tests.Support;

/// <summary>Files of the checkout the tests were built from (the docs, the README).</summary>
public static class Repository
{
    /// <summary>The full path of <paramref name="name"/>, relative to the repository's root.</summary>
    public static string File(string name) => System.IO.Path.Combine(Root(), name);

    /// <summary>The Markdown pages a reader is sent to: README.md and every page of docs/.</summary>
    public static IReadOnlyList<string> MarkdownPages() =>
        [File("README.md"), .. Directory.GetFiles(File("docs"), "*.md").Order(StringComparer.Ordinal)];

    private static string Root([CallerFilePath] string thisFile = "") =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(thisFile)!, "..", "..", ".."));
}
