using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using HwSim.Workloads;

namespace HwSim.Cli.Common;

/// <summary>The output options every verb shares: --format and -o/--output.</summary>
public sealed class OutputOptions
{
    public Option<OutputFormat> Format { get; } = new("--format", "-f")
    {
        Description = "Output format: table (for people), csv or json (for scripts).",
        HelpName = "table|csv|json",
        DefaultValueFactory = _ => OutputFormat.Table,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (Enum.TryParse<OutputFormat>(text, ignoreCase: true, out var format) && Enum.IsDefined(format) && !char.IsDigit(text.FirstOrDefault()))
                return format;
            result.AddError($"--format must be table, csv or json, got '{text}'");
            return OutputFormat.Table;
        },
    };

    public Option<string?> File { get; } = new("--output", "-o")
    {
        Description = "Write the result to FILE instead of standard output (a regular file is written to a temporary file, then moved into place; a symbolic link is followed, a device or FIFO written directly).",
        HelpName = "FILE",
    };

    public void AddTo(Command command)
    {
        command.Add(Format);
        command.Add(File);
    }

    /// <summary>
    /// JSON as every verb writes it: snake_case keys, indented, no escaping of plain text. The shapes
    /// come from the source-generated <see cref="CliJsonContext"/>, not from reflection, so the native
    /// (AOT) build writes the same bytes as the JIT build (Cli/Common/CliJsonContext.cs).
    /// </summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = CliJsonContext.Default,
    };

    /// <summary><paramref name="value"/> as JSON in the <see cref="Json"/> style; its type must be listed in <see cref="CliJsonContext"/>.</summary>
    public static string Serialize<T>(T value) =>
        JsonSerializer.Serialize(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)Json.GetTypeInfo(typeof(T)));

    /// <summary>
    /// Sends what <paramref name="write"/> produces to -o FILE (atomically) or to the context's output.
    /// Returns the writer's target description for messages.
    /// </summary>
    public void Emit(ParseResult parse, CliContext context, Action<TextWriter> write)
    {
        var path = parse.GetValue(File);
        if (string.IsNullOrWhiteSpace(path))
        {
            write(context.Output);
            return;
        }
        AtomicFile.Write(path, write);
    }
}
