using System.Text;

namespace DirSync.Tests.Fuzz;

/// <summary>Breaks a valid file in the ways files break: cut short, bit rot, hand edits, wrong encodings, hostile sizes.</summary>
/// <remarks>
/// Every operator works on raw bytes, so the result need not be text at all. A case applies one to three
/// operators; the "enormous" ones are sized from the limits the reader under test is configured with, so
/// they land just past a limit (where off-by-one errors live), not megabytes past it.
/// </remarks>
internal sealed class Mutator
{
    private static readonly byte[] Interesting = [.. " :-#\n\r\t\0=;<>\\\"[]/,+x"u8, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xEF, 0xFF];

    // Each is not UTF-8: a lone continuation byte, overlong encodings of '/' and NUL, UTF-16 surrogates
    // (high, low, and a pair encoded separately, as CESU-8 does), a cut sequence, bytes UTF-8 never uses,
    // and a code point past U+10FFFF.
    private static readonly byte[][] InvalidUtf8 =
    [
        [0x80], [0xBF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF], [0xC0, 0x80],
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80],
        [0xE2, 0x82], [0xC3], [0xFE], [0xFF], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ];

    private static readonly string[] HeaderValues =
    [
        "", " ", "2", "0", "-1", "x", "99999999999999999999", "1.0", "full ", " incremental", "FULL",
        "00000000-0000-0000-0000-000000000000", "not-a-guid", "9999-99-99T99:99:99Z", "0001-01-01T00:00:00-14:00",
        "records=0 sha256=", "records=-1 sha256=00", "yes", "maybe", "reqtx", "bogus", "../../etc/passwd", "a:b: c",
    ];

    private static readonly string[] WrongHeaderLines =
    [
        "version: 2\n", "version: 1\n", "# dirsync-changeset: 2\n", "# dirsync-changeset: 1\n", "# dirsync-end: records=0 sha256=00\n",
        "# mode: sideways\n", "# unknown-key: value\n", "# message: srvtx\n", "# message-id: 00000000-0000-0000-0000-000000000000\n",
        "dn: cn=x\n", "A /o=x/ou=y/cn=Recipients/cn=z\n", "- Object-GUID:x\n", "#\n", "\n", "\uFEFF# bom\n",
    ];

    private readonly MutationLimits _limits;
    private readonly (Operator Apply, bool Heavy)[] _operators;

    public Mutator(MutationLimits limits, MutationSyntax syntax)
    {
        _limits = limits;

        // Cheap operators are listed more than once, so most cases are small edits and a few are huge.
        List<Operator> cheap =
        [
            Truncate, Truncate, FlipBit, FlipBit, ReplaceByte, ReplaceByte, ReplaceByte,
            DeleteLines, DeleteLines, DuplicateLine, DuplicateLine, SwapLines, SwapLines,
            InsertInvalidUtf8, InsertInvalidUtf8, InsertNul, MixLineEnds, MixLineEnds, CopyChunk,
            WrongHeader, WrongHeader, WrongHeader, CommentFlood,
        ];
        cheap.AddRange(syntax switch
        {
            MutationSyntax.Ldif => [Base64Value, Base64Value, Base64Value],
            MutationSyntax.Edk => [EdkEscape, EdkEscape],
            _ => [CsvQuote, CsvQuote, CsvQuote],
        });

        _operators = [.. cheap.Select(o => (o, false)), (EnormousLine, true), (EnormousValue, true)];
    }

    private delegate byte[] Operator(byte[] input, FuzzRandom random, List<string> log);

    /// <summary>A broken copy of <paramref name="input"/>; <paramref name="log"/> receives what was done, for the failure report.</summary>
    /// <param name="input">The valid file.</param>
    /// <param name="random">The case's generator.</param>
    /// <param name="log">Receives one line per operator applied.</param>
    /// <param name="allowEnormous">False keeps the inserts past the limits out, where the limits are megabytes and the case must stay cheap.</param>
    public byte[] Mutate(byte[] input, FuzzRandom random, List<string> log, bool allowEnormous = true)
    {
        ArgumentNullException.ThrowIfNull(random);
        var bytes = input;
        var count = random.Next(3) switch { 0 or 1 => 1, _ => random.Next(2, 4) };
        var heavy = false;
        for (var i = 0; i < count; i++)
        {
            var (apply, isHeavy) = random.Pick(_operators);

            // One enormous insertion per case is enough to reach a limit; two only cost time.
            if (isHeavy && (heavy || !allowEnormous))
            {
                continue;
            }

            heavy |= isHeavy;
            bytes = apply(bytes, random, log);
        }

        return bytes;
    }

    private byte[] Truncate(byte[] input, FuzzRandom random, List<string> log)
    {
        var length = random.Next(input.Length + 1);
        log.Add($"truncate to {length} bytes");
        return input[..length];
    }

    private byte[] FlipBit(byte[] input, FuzzRandom random, List<string> log)
    {
        if (input.Length == 0)
        {
            return input;
        }

        var at = random.Next(input.Length);
        var bit = random.Next(8);
        log.Add($"flip bit {bit} of byte {at}");
        var copy = input.ToArray();
        copy[at] ^= (byte)(1 << bit);
        return copy;
    }

    private byte[] ReplaceByte(byte[] input, FuzzRandom random, List<string> log)
    {
        if (input.Length == 0)
        {
            return input;
        }

        var at = random.Next(input.Length);
        var value = random.OneIn(3) ? random.NextByte() : random.Pick(Interesting);
        log.Add($"replace byte {at} with 0x{value:X2}");
        var copy = input.ToArray();
        copy[at] = value;
        return copy;
    }

    private byte[] DeleteLines(byte[] input, FuzzRandom random, List<string> log)
    {
        var lines = Lines(input);
        var first = random.Next(lines.Count);
        var count = Math.Min(random.OneIn(4) ? random.Next(2, 6) : 1, lines.Count - first);
        var start = lines[first].Start;
        var end = lines[first + count - 1].End;
        log.Add($"delete {count} line(s) from line {first + 1}");
        return [.. input.AsSpan(0, start), .. input.AsSpan(end)];
    }

    private byte[] DuplicateLine(byte[] input, FuzzRandom random, List<string> log)
    {
        var lines = Lines(input);
        var line = random.Pick(lines);
        var target = random.OneIn(2) ? line.End : random.Pick(lines).Start;
        log.Add($"copy the line at byte {line.Start} to byte {target}");
        return Insert(input, target, WithTerminator(input.AsSpan(line.Start, line.End - line.Start)));
    }

    private byte[] SwapLines(byte[] input, FuzzRandom random, List<string> log)
    {
        var lines = Lines(input);
        if (lines.Count < 2)
        {
            return input;
        }

        var a = random.Next(lines.Count);
        var b = random.OneIn(2) ? Math.Min(a + 1, lines.Count - 1) : random.Next(lines.Count);
        if (a == b)
        {
            return input;
        }

        (a, b) = (Math.Min(a, b), Math.Max(a, b));
        log.Add($"swap lines {a + 1} and {b + 1}");
        var (la, lb) = (lines[a], lines[b]);
        return
        [
            .. input.AsSpan(0, la.Start),
            .. WithTerminator(input.AsSpan(lb.Start, lb.End - lb.Start)),
            .. input.AsSpan(la.End, lb.Start - la.End),
            .. WithTerminator(input.AsSpan(la.Start, la.End - la.Start)),
            .. input.AsSpan(lb.End),
        ];
    }

    private byte[] InsertInvalidUtf8(byte[] input, FuzzRandom random, List<string> log)
    {
        var sequence = random.Pick(InvalidUtf8);
        var at = random.Next(input.Length + 1);
        var replace = random.OneIn(2) && at < input.Length;
        log.Add($"{(replace ? "replace" : "insert")} {Convert.ToHexString(sequence)} at byte {at}");
        return replace ? [.. input.AsSpan(0, at), .. sequence, .. input.AsSpan(at + 1)] : Insert(input, at, sequence);
    }

    private byte[] InsertNul(byte[] input, FuzzRandom random, List<string> log)
    {
        var at = random.Next(input.Length + 1);
        var count = random.OneIn(4) ? random.Next(2, 64) : 1;
        log.Add($"insert {count} NUL byte(s) at byte {at}");
        return Insert(input, at, new byte[count]);
    }

    private byte[] MixLineEnds(byte[] input, FuzzRandom random, List<string> log)
    {
        var choice = random.Next(4);
        var rate = random.Next(1, 4);
        var output = new List<byte>(input.Length + input.Length / 8);
        for (var i = 0; i < input.Length; i++)
        {
            var b = input[i];
            var pick = random.Next(rate) == 0;
            if (b == '\n' && pick)
            {
                switch (choice)
                {
                    case 0 when i == 0 || input[i - 1] != '\r':
                        output.Add((byte)'\r');                     // LF to CR LF
                        break;
                    case 1 when output.Count > 0 && output[^1] == '\r':
                        output.RemoveAt(output.Count - 1);          // CR LF to LF
                        break;
                    case 2:
                        output.Add((byte)'\r');                     // a stray CR before the line end
                        output.Add((byte)'\r');
                        break;
                    case 3:
                        output.Add((byte)'\r');                     // CR alone is no line end: lines join
                        continue;
                }
            }

            output.Add(b);
        }

        log.Add($"line ends (variant {choice}, every {rate})");
        return [.. output];
    }

    private byte[] CopyChunk(byte[] input, FuzzRandom random, List<string> log)
    {
        if (input.Length == 0)
        {
            return input;
        }

        var start = random.Next(input.Length);
        var length = Math.Min(random.Next(1, 257), input.Length - start);
        var target = random.Next(input.Length + 1);
        log.Add($"copy {length} bytes from byte {start} to byte {target}");
        return Insert(input, target, input.AsSpan(start, length).ToArray());
    }

    /// <summary>Edits a header or key line: <c># key: value</c>, <c>version: 1</c>, or the first line.</summary>
    private byte[] WrongHeader(byte[] input, FuzzRandom random, List<string> log)
    {
        var lines = Lines(input);
        var keyed = lines.Where(l => KeyColon(input.AsSpan(l.Start, l.End - l.Start)) > 0).ToList();
        var line = keyed.Count > 0 ? random.Pick(keyed) : lines[0];
        var text = input.AsSpan(line.Start, line.End - line.Start);
        var colon = KeyColon(text);
        byte[] replacement;
        switch (random.Next(6))
        {
            case 0:
                log.Add($"delete the key line at byte {line.Start}");
                replacement = [];
                break;
            case 1 when colon > 0:
                var value = random.Pick(HeaderValues);
                log.Add($"set the value of the key line at byte {line.Start} to '{value}'");
                replacement = WithTerminator([.. text[..(colon + 2)], .. Encoding.UTF8.GetBytes(value)]);
                break;
            case 2 when colon > 0:
                log.Add($"add a second copy of the key line at byte {line.Start} with another value");
                replacement = [.. WithTerminator(text), .. WithTerminator([.. text[..(colon + 2)], .. Encoding.UTF8.GetBytes(random.Pick(HeaderValues))])];
                break;
            case 3 when colon > 0:
                log.Add($"misspell the key at byte {line.Start}");
                var key = text[..colon].ToArray();
                key[random.Next(key.Length)] = random.Pick("-_ X:"u8.ToArray());
                replacement = WithTerminator([.. key, .. text[colon..]]);
                break;
            case 4:
                var header = random.Pick(WrongHeaderLines);
                log.Add($"insert '{header.TrimEnd()}' at byte {line.Start}");
                replacement = [.. Encoding.UTF8.GetBytes(header), .. WithTerminator(text)];
                break;
            default:
                log.Add($"upper-case the line at byte {line.Start}");
                replacement = WithTerminator(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(text).ToUpperInvariant()));
                break;
        }

        return [.. input.AsSpan(0, line.Start), .. replacement, .. input.AsSpan(line.End)];
    }

    /// <summary>Many comment lines in a row, some of them <c>key: value</c> lines: what a header must not be allowed to grow into.</summary>
    private byte[] CommentFlood(byte[] input, FuzzRandom random, List<string> log)
    {
        var count = random.Next(1, 200);
        var at = random.Pick(Lines(input)).Start;
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(random.OneIn(2) ? $"# key-{i}: value {i}\n" : $"# comment {i}\n");
        }

        log.Add($"insert {count} comment lines at byte {at}");
        return Insert(input, at, Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>A line far past the line limit, in one of the shapes a reader treats differently.</summary>
    private byte[] EnormousLine(byte[] input, FuzzRandom random, List<string> log)
    {
        var prefix = random.Pick(new[] { "", "# ", "cn: ", " ", "- Info:", "dn: ", "A /o=" });
        var length = _limits.MaxLineBytes + 1 + random.Next(64);
        var at = random.Pick(Lines(input)).Start;
        var terminated = !random.OneIn(4);
        log.Add($"insert a line of {length} bytes starting '{prefix}' at byte {at}{(terminated ? "" : " as the end of the file")}");
        var line = new byte[length + 1];
        Encoding.ASCII.GetBytes(prefix, line);
        line.AsSpan(prefix.Length, length - prefix.Length).Fill((byte)'x');
        line[^1] = (byte)'\n';
        return terminated ? Insert(input, at, line) : [.. input.AsSpan(0, at), .. line.AsSpan(0, length)];
    }

    /// <summary>A value past the value limit: on one line, folded over many (LDIF), or escaped (EDK).</summary>
    private byte[] EnormousValue(byte[] input, FuzzRandom random, List<string> log)
    {
        var lines = Lines(input);
        var valued = lines.Where(l => ValueStart(input.AsSpan(l.Start, l.End - l.Start)) > 0).ToList();
        var line = valued.Count > 0 ? random.Pick(valued) : lines[0];
        var text = input.AsSpan(line.Start, line.End - line.Start);
        var start = Math.Max(0, ValueStart(text));
        var length = _limits.MaxValueBytes + 1 + random.Next(16);
        var shape = random.Next(3);
        byte[] value = shape switch
        {
            // Folded in 76-byte pieces, each a continuation line: no physical line is long.
            1 => Fold(Repeat((byte)'v', length), 76),

            // Escapes take four bytes per decoded byte, so the decoded value passes the limit first only when
            // the line limit allows it.
            2 => Repeat("\\x41"u8, length),
            _ => Repeat((byte)'v', length),
        };
        log.Add($"make the value of the line at byte {line.Start} {length} bytes ({(shape == 1 ? "folded" : shape == 2 ? "escaped" : "on one line")})");
        return [.. input.AsSpan(0, line.Start), .. text[..start], .. value, (byte)'\n', .. input.AsSpan(line.End)];
    }

    /// <summary>LDIF base64 values: over the limit, deeply folded, nested, not UTF-8, or not base64.</summary>
    private byte[] Base64Value(byte[] input, FuzzRandom random, List<string> log)
    {
        var lines = Lines(input);
        var valued = lines.Where(l => ValueStart(input.AsSpan(l.Start, l.End - l.Start)) > 0 && input[l.Start] is not (byte)'#' and not (byte)' ').ToList();
        if (valued.Count == 0)
        {
            return input;
        }

        var line = random.Pick(valued);
        var text = input.AsSpan(line.Start, line.End - line.Start);
        var colon = text.IndexOf((byte)':');
        var existing = text[(colon + 1)..].TrimStart(":<"u8).Trim((byte)' ').TrimEnd("\r\n"u8).ToArray();
        string encoded;
        string what;
        switch (random.Next(6))
        {
            case 0:
                var over = new byte[_limits.MaxValueBytes + 1 + random.Next(16)];
                over.AsSpan().Fill((byte)'b');
                encoded = Fold(Convert.ToBase64String(over), random.OneIn(2) ? 76 : 1 + random.Next(8));
                what = $"{over.Length} bytes, base64";
                break;
            case 1:
                // Nested: base64 of base64 of ... of the value; the reader decodes one level and sees ASCII.
                var depth = random.Next(1, 9);
                var nested = existing;
                for (var i = 0; i < depth && nested.Length < _limits.MaxValueBytes; i++)
                {
                    nested = Encoding.ASCII.GetBytes(Convert.ToBase64String(nested));
                }

                encoded = Convert.ToBase64String(nested);
                what = $"base64 nested {depth} deep";
                break;
            case 2:
                // Folded one or two characters per line: thousands of continuation lines for one value.
                encoded = Fold(Convert.ToBase64String(existing.Length > 0 ? existing : "deep"u8.ToArray()), 1 + random.Next(2));
                what = "base64 folded a character or two per line";
                break;
            case 3:
                var raw = new byte[random.Next(1, 64)];
                for (var i = 0; i < raw.Length; i++)
                {
                    raw[i] = random.NextByte();
                }

                encoded = Convert.ToBase64String(raw);
                what = "base64 of random bytes";
                break;
            case 4:
                encoded = random.Pick(new[] { "=", "===", "QQ", "QQ=", "QQ===", "Q", "!!!!", "QUJD-_", "QU JD", "QUJD\tRA==", "QUJDRA==QUJD", "AA==", "wA==", "7aCA" });
                what = $"base64 '{encoded}'";
                break;
            default:
                encoded = Convert.ToBase64String(existing) + new string('=', random.Next(1, 4));
                what = "base64 with extra padding";
                break;
        }

        log.Add($"replace the value of the line at byte {line.Start} with {what}");
        return [.. input.AsSpan(0, line.Start), .. text[..colon], .. "::"u8, .. (random.OneIn(2) ? " "u8 : ""u8), .. Encoding.ASCII.GetBytes(encoded), (byte)'\n', .. input.AsSpan(line.End)];
    }

    /// <summary>EDK values: broken escapes and quotes.</summary>
    private byte[] EdkEscape(byte[] input, FuzzRandom random, List<string> log)
    {
        var lines = Lines(input);
        var valued = lines.Where(l => ValueStart(input.AsSpan(l.Start, l.End - l.Start)) > 0 && input[l.Start] == (byte)'-').ToList();
        if (valued.Count == 0)
        {
            return input;
        }

        var line = random.Pick(valued);
        var text = input.AsSpan(line.Start, line.End - line.Start).TrimEnd("\r\n"u8);
        var insert = Encoding.ASCII.GetBytes(random.Pick(new[] { "\\", "\\x", "\\x4", "\\xG0", "\\x00", "\\xFF", "\\xC3", "\\\"", "\"", "\\\\", "\\x0A", "\\n", "\"\"", "[0]", "[" }));
        var at = ValueStart(text) + random.Next(text.Length - ValueStart(text) + 1);
        log.Add($"insert '{Encoding.ASCII.GetString(insert)}' into the value at byte {line.Start + at}");
        return [.. input.AsSpan(0, line.Start), .. text[..at], .. insert, .. text[at..], (byte)'\n', .. input.AsSpan(line.End)];
    }

    /// <summary>CSV quoting: a quote left open (it swallows the rest of the file), doubled, stray, or around a line break.</summary>
    private byte[] CsvQuote(byte[] input, FuzzRandom random, List<string> log)
    {
        var at = random.Next(input.Length + 1);
        var insert = random.Pick(new[] { "\"", "\"\"", "\",\"", "\"a\nb\"", "\"a\r\nb\",", ",,,,,,,,", "\"\"\"", "%", "~DEL", "\"x\"y" });
        log.Add($"insert '{insert.ReplaceLineEndings("\\n")}' at byte {at}");
        return Insert(input, at, Encoding.UTF8.GetBytes(insert));
    }

    /// <summary>Where the value starts on an attribute or key line: after <c>: </c>, <c>:</c> or <c>]:</c>; -1 when none.</summary>
    private static int ValueStart(ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            return -1;
        }

        return colon + 1 < line.Length && line[colon + 1] == (byte)' ' ? colon + 2 : colon + 1;
    }

    /// <summary>The colon of a <c># key: value</c> or <c>key: value</c> line; -1 when the line is not one.</summary>
    private static int KeyColon(ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf(": "u8);
        return colon > 0 && line[..colon].IndexOfAny((byte)'\n', (byte)'\r') < 0 ? colon : -1;
    }

    /// <summary>The lines of <paramref name="input"/>: start and end (after the line feed); one empty line when it is empty.</summary>
    private static List<(int Start, int End)> Lines(byte[] input)
    {
        var lines = new List<(int, int)>();
        var start = 0;
        while (start < input.Length)
        {
            var lf = input.AsSpan(start).IndexOf((byte)'\n');
            var end = lf < 0 ? input.Length : start + lf + 1;
            lines.Add((start, end));
            start = end;
        }

        if (lines.Count == 0)
        {
            lines.Add((0, 0));
        }

        return lines;
    }

    private static byte[] WithTerminator(ReadOnlySpan<byte> line) => line.EndsWith("\n"u8) ? line.ToArray() : [.. line, (byte)'\n'];

    private static byte[] Insert(byte[] input, int at, ReadOnlySpan<byte> bytes) => [.. input.AsSpan(0, at), .. bytes, .. input.AsSpan(at)];

    private static byte[] Repeat(byte b, int count)
    {
        var bytes = new byte[count];
        bytes.AsSpan().Fill(b);
        return bytes;
    }

    private static byte[] Repeat(ReadOnlySpan<byte> unit, int count)
    {
        var bytes = new byte[unit.Length * count];
        for (var i = 0; i < count; i++)
        {
            unit.CopyTo(bytes.AsSpan(i * unit.Length));
        }

        return bytes;
    }

    /// <summary>LDIF folding: a line break and a space every <paramref name="width"/> bytes.</summary>
    private static byte[] Fold(byte[] value, int width)
    {
        var output = new List<byte>(value.Length + value.Length / width * 2 + 2);
        for (var i = 0; i < value.Length; i += width)
        {
            if (i > 0)
            {
                output.Add((byte)'\n');
                output.Add((byte)' ');
            }

            output.AddRange(value.AsSpan(i, Math.Min(width, value.Length - i)));
        }

        return [.. output];
    }

    private static string Fold(string value, int width) => Encoding.ASCII.GetString(Fold(Encoding.ASCII.GetBytes(value), width));
}

/// <summary>The limits the reader under test enforces, so enormous insertions land just past them.</summary>
internal sealed record MutationLimits(int MaxLineBytes, int MaxValueBytes);

/// <summary>Which format-specific operators apply on top of the generic ones.</summary>
internal enum MutationSyntax
{
    Ldif,
    Edk,
    Csv,
}
