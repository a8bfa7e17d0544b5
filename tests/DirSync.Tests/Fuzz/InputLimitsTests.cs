using System.Runtime.CompilerServices;
using DirSync.Core.Bulk;
using DirSync.Core.Formats;
using DirSync.Core.Formats.EdkDirSync;
using DirSync.Core.Formats.Ldif;
using DirSync.Core.Hub;
using DirSync.Core.Sync;

namespace DirSync.Tests.Fuzz;

/// <summary>The default limits are the ones docs/operations.md tells administrators about.</summary>
/// <remarks>The limits themselves are tested where each is enforced, with exact messages: LdifReaderTests,
/// EdkReaderTests, LineReaderTests, ChangeSetCodecsTests, MessageFileHostileInputTests and BulkCsvReaderTests.</remarks>
public sealed class InputLimitsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var ldif = LdifReaderOptions.Default;
        var edk = EdkReaderOptions.Default;
        var changeSets = ChangeSetReaderOptions.Default;

        Assert.Equal((4_194_304, 1_048_576, 10_000, 67_108_864L), (ldif.Lines.MaxLineBytes, ldif.MaxValueBytes, ldif.MaxAttributesPerRecord, ldif.MaxRecordBytes));
        Assert.Equal((5_242_880, 1_048_576, 10_000, 10_000, 67_108_864L), (edk.Lines.MaxLineBytes, edk.MaxValueBytes, edk.MaxAttributeLinesPerRecord, edk.MaxValuesPerAttribute, edk.MaxRecordBytes));
        Assert.Equal((ldif, edk, 1000, 1_048_576), (changeSets.Ldif, changeSets.Edk, changeSets.MaxHeaderComments, changeSets.MaxHeaderBytes));
        Assert.Same(changeSets, ChangeSetCodecs.Default.ReaderOptions);
        Assert.Equal(1_073_741_824L, MessageFile.DefaultMaxMessageBytes);
        Assert.Equal(4_194_304, LineReaderOptions.Default.MaxLineBytes);
        Assert.Equal(4_194_304, BulkCsvReaderOptions.Default.MaxRowBytes);
    }

    [Theory]
    [InlineData("line is longer than the limit of 4194304 bytes")]
    [InlineData("line is longer than the limit of 5242880 bytes")]
    [InlineData("folded line is longer than the limit of 1402197 bytes")]
    [InlineData("value is longer than the limit of 1048576 bytes")]
    [InlineData("the value is longer than the limit of 1048576 bytes")]
    [InlineData("the distinguished name is longer than the limit of 1048576 bytes")]
    [InlineData("record has more than 10000 lines")]
    [InlineData("the record has more than the limit of 10000 attribute lines")]
    [InlineData("index [10000] is over the limit of 10000 values per attribute")]
    [InlineData("record has more than 67108864 bytes of values")]
    [InlineData("the record has more than the limit of 67108864 bytes of values")]
    [InlineData("the header has more than the limit of 1000 comments before the first record")]
    [InlineData("the header is longer than the limit of 1048576 bytes of comments before the first record")]
    [InlineData("the message is <size> bytes, over the limit of 1073741824 bytes")]
    [InlineData("the row is longer than the limit of 4194304 bytes; is a quote left open in it?")]
    public void OperationsDoc_HostileInput_QuotesEachRefusal(string reason)
    {
        var doc = File.ReadAllText(OperationsDoc());
        var section = doc[doc.IndexOf("\n## Hostile input\n", StringComparison.Ordinal)..];

        Assert.Contains($"`{reason}`", section, StringComparison.Ordinal);
    }

    private static string OperationsDoc([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "docs", "operations.md"));
}
