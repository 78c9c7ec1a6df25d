using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Parley.Cli;

/// <summary>What verbs print: JSON on stdout with --json, otherwise lines and tables for people. Prompts and notes go to stderr.</summary>
public static class Output
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void Json<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>A line for people; markup such as [green]…[/] is allowed, and values must go through <see cref="Markup.Escape"/>.</summary>
    public static void Line(string markup) => AnsiConsole.MarkupLine(markup);

    /// <summary>A note on stderr (progress, prompts), never mixed into data on stdout.</summary>
    public static void Note(string text) => Console.Error.WriteLine(text);

    public static string Time(DateTimeOffset time) => time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
