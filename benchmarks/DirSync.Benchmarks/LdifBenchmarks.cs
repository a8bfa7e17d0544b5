using BenchmarkDotNet.Attributes;
using DirSync.Benchmarks.Data;
using DirSync.Core.Formats.Ldif;

namespace DirSync.Benchmarks;

/// <summary>The raw LDIF writer and reader (RFC 2849 records, no change-set header or checksum).</summary>
[MemoryDiagnoser]
public class LdifBenchmarks
{
    private LdifRecord[] _records = [];
    private byte[] _file = [];

    [Params(10_000)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _records = Samples.LdifRecords(Records);
        using var buffer = new MemoryStream();
        using (var writer = new LdifWriter(buffer))
        {
            writer.WriteVersion();
            foreach (var record in _records)
            {
                writer.WriteRecord(record);
            }
        }

        _file = buffer.ToArray();
    }

    [Benchmark]
    public long Write()
    {
        using var writer = new LdifWriter(Stream.Null);
        writer.WriteVersion();
        foreach (var record in _records)
        {
            writer.WriteRecord(record);
        }

        writer.Flush();
        return writer.BytesWritten;
    }

    [Benchmark]
    public int Read()
    {
        using var reader = new LdifReader(new MemoryStream(_file, writable: false), "bench.ldif");
        var count = 0;
        while (reader.Read())
        {
            if (reader.ItemKind == LdifItemKind.Record)
            {
                count += reader.Record.Attributes.Count;
            }
        }

        return count;
    }
}
