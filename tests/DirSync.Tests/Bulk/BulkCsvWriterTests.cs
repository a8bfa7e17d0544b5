using System.Text;
using DirSync.Core.Bulk;

namespace DirSync.Tests.Bulk;

public sealed class BulkCsvWriterTests
{
    private static string Write(string newLine, params string[][] rows)
    {
        var stream = new MemoryStream();
        using (var writer = new BulkCsvWriter(stream, newLine))
        {
            foreach (var row in rows)
            {
                foreach (var field in row)
                {
                    writer.WriteField(field);
                }

                writer.EndRow();
            }
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public void WriteField_QuotesOnlyWhatMustBeQuoted()
    {
        var text = Write("\r\n", ["plain", "", " padded ", "50%", "a,b", "say \"hi\"", "\"", "x\ny", "x\r\ny", "cr\r", "Zoë"]);

        Assert.Equal("plain,, padded ,50%,\"a,b\",\"say \"\"hi\"\"\",\"\"\"\",\"x\ny\",\"x\r\ny\",\"cr\r\",Zoë\r\n", text);
    }

    [Fact]
    public void EndRow_WithLineFeed_EndsRowsWithLineFeed()
    {
        Assert.Equal("a,b\nc\n", Write("\n", ["a", "b"], ["c"]));
    }

    [Fact]
    public void WriteField_ValuesLargerThanTheBuffer_ReadBackUnchanged()
    {
        var large = string.Concat(Enumerable.Repeat("ab,\"c\"\r\n€ ", 20_000));
        var stream = new MemoryStream();
        var writer = new BulkCsvWriter(stream);
        foreach (var row in new[] { new[] { "Obj-Class", "Common-Name", "Comment" }, ["Mailbox", "a", large], ["Mailbox", "b", "small"] })
        {
            foreach (var field in row)
            {
                writer.WriteField(field);
            }

            writer.EndRow();
        }

        writer.Dispose();
        Assert.Equal(stream.Length, writer.BytesWritten);

        using var reader = new BulkCsvReader(new MemoryStream(stream.ToArray()), "t.csv");
        Assert.True(reader.Read());
        Assert.Equal(large, Assert.Single(reader.Row.Fields).Values[0]);
        Assert.True(reader.Read());
        Assert.Equal("small", Assert.Single(reader.Row.Fields).Values[0]);
        Assert.False(reader.Read());
    }

    [Fact]
    public void WriteRaw_ContinuesTheRow()
    {
        var stream = new MemoryStream();
        using (var writer = new BulkCsvWriter(stream))
        {
            writer.WriteRaw("Mailbox,\"a\""u8);
            writer.WriteField("why, oh why");
            writer.EndRow();
        }

        Assert.Equal("Mailbox,\"a\",\"why, oh why\"\r\n", Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void WriteField_UnpairedSurrogate_Throws()
    {
        using var writer = new BulkCsvWriter(new MemoryStream());
        Assert.Throws<ArgumentException>(() => writer.WriteField("a\ud800b"));
    }

    [Fact]
    public void Constructor_OtherLineEnd_Throws()
    {
        Assert.Throws<ArgumentException>(() => new BulkCsvWriter(new MemoryStream(), "\r"));
    }
}
