namespace DirSync.Tests.Support;

/// <summary>A stream that returns one byte per read, so every byte boundary is also a read boundary.</summary>
internal sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
{
    public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

    public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 1)]);
}
