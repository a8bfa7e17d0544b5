using System.Text.Encodings.Web;
using System.Text.Json;

namespace DirSync.Cli;

/// <summary>How a failed command says so: one line on standard error, plain or (with <c>--json</c>) a JSON object.</summary>
/// <remarks>
/// The JSON goes to standard error like the plain line, so standard output holds only results and a script
/// that parses it never mistakes an error for one: <c>{"code": 4, "error": "not-found", "message": "..."}</c>.
/// </remarks>
internal static class ErrorOutput
{
    private static readonly JsonWriterOptions OneLine = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the error line for exit code <paramref name="code"/>.</summary>
    public static void Write(CliIo io, bool json, int code, string message)
    {
        io.Error.WriteLine(json ? JsonLine(code, message) : CommandRunner.ErrorLine(message));
        io.Error.Flush();
    }

    /// <summary>The error as one line of JSON: its exit code, the kind of failure, and the message.</summary>
    public static string JsonLine(int code, string message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, OneLine))
        {
            writer.WriteStartObject();
            writer.WriteNumber("code", code);
            writer.WriteString("error", ExitCodes.Kind(code));
            writer.WriteString("message", message);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
