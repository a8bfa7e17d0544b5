using DirSync.Cli.Output;

namespace DirSync.Tests.Cli;

/// <summary>How an error line's long values are cut, and that the words around them never are.</summary>
public sealed class TerminalTextTests
{
    [Fact]
    public void CutValues_ApostrophesInTheSentence_AreNoQuotesAndNothingIsCut()
    {
        var line = "'store check' runs SQLite's integrity check on a store file; " + new string('x', 150) + " is a PostgreSQL store, which the server checks itself (pg_amcheck; see 'PostgreSQL' in docs/operations.md)";

        Assert.Equal(line, TerminalText.CutValues(line));
    }

    [Fact]
    public void CutValues_LongQuotedValueWithSpaces_IsCutWithHowManyMore()
    {
        var value = string.Concat(Enumerable.Repeat("word ", 100));

        Assert.Equal(
            $"the alias '{value[..200]}…(300 more)' is not valid; aliases are 1 to 64 characters",
            TerminalText.CutValues($"the alias '{value}' is not valid; aliases are 1 to 64 characters"));
    }
}
