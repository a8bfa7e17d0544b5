using System.Security.Cryptography;
using System.Text;
using DirSync.Core;
using DirSync.Core.Formats;
using DirSync.Tests.Support;

namespace DirSync.Tests.Formats;

public sealed class LineReaderTests
{
    private static readonly LineReaderOptions Tiny = new() { ReadBlockBytes = 4, MaxLineBytes = 64 };

    private static List<string> ReadAll(string text, LineReaderOptions? options = null)
    {
        using var reader = new LineReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), "t", options);
        var lines = new List<string>();
        while (reader.ReadLine())
        {
            lines.Add(Encoding.UTF8.GetString(reader.Line));
        }

        return lines;
    }

    [Theory]
    [InlineData(null)]
    [InlineData(4)]
    public void ReadLine_MixedTerminators_SplitsLinesWithoutTerminators(int? block)
    {
        var options = block is null ? null : Tiny;
        Assert.Equal(["one", "", "two", "three", "last"], ReadAll("one\n\r\ntwo\r\nthree\nlast", options));
    }

    [Fact]
    public void ReadLine_EmptyStream_ReturnsFalseAndSetsEnd()
    {
        using var reader = new LineReader(new MemoryStream(), "t");
        Assert.False(reader.ReadLine());
        Assert.True(reader.EndOfStream);
        Assert.Equal(0, reader.LineNumber);
    }

    [Fact]
    public void ReadLine_TrailingNewline_DoesNotAddEmptyLine()
    {
        Assert.Equal(["a", "b"], ReadAll("a\nb\n", Tiny));
    }

    [Fact]
    public void LineNumberAndOffset_TrackEachLine()
    {
        using var reader = new LineReader(new MemoryStream("ab\r\ncde\nf"u8.ToArray()), "t", Tiny);
        var seen = new List<(long, long)>();
        while (reader.ReadLine())
        {
            seen.Add((reader.LineNumber, reader.LineOffset));
        }

        Assert.Equal([(1L, 0L), (2L, 4L), (3L, 8L)], seen);
    }

    [Fact]
    public void PeekByte_SeesNextLineWithoutDisturbingCurrent()
    {
        using var reader = new LineReader(new MemoryStream("abc\n def\n"u8.ToArray()), "t", Tiny);
        Assert.True(reader.ReadLine());
        Assert.Equal((int)' ', reader.PeekByte());
        Assert.Equal("abc", Encoding.ASCII.GetString(reader.Line));
        Assert.True(reader.ReadLine());
        Assert.Equal(-1, reader.PeekByte());
    }

    [Fact]
    public void ReadLine_LineOverLimit_ThrowsWithLineNumber()
    {
        var text = "ok\n" + new string('x', 65) + "\n";
        var error = Assert.Throws<InputFormatException>(() => ReadAll(text, Tiny));
        Assert.Equal(2, error.Line);
        Assert.Equal("t:2: line is longer than the limit of 64 bytes", error.Message);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    public void ReadLine_LineAtLimitArrivingInPieces_IsAccepted(string terminator)
    {
        // A read that stops between the CR and the LF must not count the CR as part of the line.
        var line = new string('x', 64);
        var bytes = Encoding.ASCII.GetBytes(line + terminator + "next" + terminator);
        using var reader = new LineReader(new TrickleStream(bytes), "t", Tiny);
        Assert.True(reader.ReadLine());
        Assert.Equal(line, Encoding.ASCII.GetString(reader.Line));
        Assert.True(reader.ReadLine());
        Assert.Equal("next", Encoding.ASCII.GetString(reader.Line));
        Assert.False(reader.ReadLine());
    }

    [Fact]
    public void ReadLine_UnterminatedLineOverLimitByTrailingCr_Throws()
    {
        var bytes = Encoding.ASCII.GetBytes(new string('x', 64) + "\r");
        using var reader = new LineReader(new TrickleStream(bytes), "t", Tiny);
        var error = Assert.Throws<InputFormatException>(() => reader.ReadLine());
        Assert.Equal("t:1: line is longer than the limit of 64 bytes", error.Message);
    }

    [Fact]
    public void ReadLine_UnterminatedLineOverLimit_Throws()
    {
        var error = Assert.Throws<InputFormatException>(() => ReadAll(new string('x', 100), Tiny));
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void GetHashBeforeCurrentLine_CoversExactlyThePrecedingBytes()
    {
        var bytes = "first line\r\nsecond\nthird\n"u8.ToArray();
        using var reader = new LineReader(new MemoryStream(bytes), "t", Tiny);
        reader.EnableHash(HashAlgorithmName.SHA256);
        reader.ReadLine();
        reader.ReadLine();
        reader.ReadLine();
        Assert.Equal(SHA256.HashData(bytes.AsSpan(0, 19)), reader.GetHashBeforeCurrentLine());
        Assert.False(reader.ReadLine());
        Assert.Equal(SHA256.HashData(bytes), reader.GetHashBeforeCurrentLine());
    }

    [Fact]
    public void DecodeUtf8_InvalidBytes_ThrowsFormatErrorAtColumn()
    {
        using var reader = new LineReader(new MemoryStream([(byte)'a', 0xC3, 0x28, (byte)'\n']), "in.ldif");
        reader.ReadLine();
        var error = Assert.Throws<InputFormatException>(() => reader.DecodeUtf8(reader.Line, 1));
        Assert.Equal("in.ldif:1:1: the text is not valid UTF-8", error.Message);
    }

    [Fact]
    public void ReadLine_LargeInputAcrossManyBlocks_ReturnsEveryLine()
    {
        var expected = Enumerable.Range(0, 5000).Select(i => $"line {i} {new string('z', i % 50)}").ToList();
        var options = new LineReaderOptions { ReadBlockBytes = 1000 };
        Assert.Equal(expected, ReadAll(string.Join("\n", expected) + "\n", options));
    }

}
