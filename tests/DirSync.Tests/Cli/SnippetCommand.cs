namespace DirSync.Tests.Cli;

/// <summary>One command of a README shell snippet: where it is, its text, and its words as the shell would pass them.</summary>
/// <param name="Line">The README line it is on, from 1.</param>
/// <param name="Text">The command as written, without a comment after it.</param>
/// <param name="Words">The words, with quotes and escapes removed.</param>
/// <param name="ShellSyntax">Whether the command uses what only a shell does: a redirection, pipe, expansion or glob.</param>
internal sealed record SnippetCommand(int Line, string Text, IReadOnlyList<string> Words, bool ShellSyntax);
