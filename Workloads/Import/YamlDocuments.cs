using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace HwSim.Workloads.Import;

/// <summary>
/// Loads the one YAML document of an HwSim input file (architectures, sweep grids, quantizer
/// overrides), so that every reader reports YamlDotNet's failures the same way: "not valid YAML"
/// with the file and the line, never an exception of the parser's own.
/// </summary>
public static partial class YamlDocuments
{
    /// <summary>
    /// The root node of the file's single document, or null when the file holds none (empty or only
    /// comments; each reader says what it expected). <paramref name="holder"/> completes the error for a
    /// second document: "holds more than one YAML document ('---'); {holder} holds one".
    /// </summary>
    public static YamlNode? LoadSingle(string text, string file, string holder)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            // The events first: the node tree is built recursively, so depth and tags are checked before it is.
            CheckEvents(new Parser(scanner), file);
            scanner = new Scanner(new StringReader(text));
            stream.Load(new Parser(scanner));
        }
        catch (YamlException e)
        {
            throw new InputException($"not valid YAML: {PositionPrefix().Replace(e.Message, "")}", null, file, Line(e.Start), e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException || e.GetType() == typeof(Exception))
        {
            // YamlDotNet's scanner sometimes fails on malformed input with a bare exception instead of a
            // YamlException (aaubry/YamlDotNet#541, e.g. an unclosed '{' before a new '- ' entry). The
            // input is still the user's to fix, so it is reported like any syntax error, where the scanner stopped.
            throw new InputException("not valid YAML: the reader cannot continue here (check for an unclosed '{', '[' or quote, and the indentation)",
                null, file, Line(scanner.CurrentPosition), e);
        }
        return stream.Documents.Count switch
        {
            0 => null,
            1 => stream.Documents[0].RootNode,
            _ => throw new InputException($"holds more than one YAML document ('---'); {holder} holds one", null, file, Line(stream.Documents[1].RootNode)),
        };
    }

    /// <summary>
    /// Deepest nesting of mappings and sequences a file may have. HwSim's files nest three or
    /// four levels; a cap far above that stops a hostile file (tens of thousands of '[') from
    /// overflowing the stack of the recursive tree builder, which would kill the process.
    /// </summary>
    public const int MaxDepth = 64;

    // Core schema tags (!!str, !!int, ...) only say what a plain value would be read as anyway.
    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    /// <summary>
    /// Streams the parser's events once, refusing nesting deeper than <see cref="MaxDepth"/> and
    /// application tags (<c>!foo 500</c>): no HwSim file gives a tag a meaning, so one would be ignored silently.
    /// </summary>
    private static void CheckEvents(IParser parser, string file)
    {
        var depth = 0;
        while (parser.MoveNext())
        {
            var e = parser.Current!;
            if (e is NodeEvent { Tag.IsEmpty: false } node && !node.Tag.Value.StartsWith(CoreTagPrefix, StringComparison.Ordinal))
                throw new InputException($"the tag '{node.Tag.Value}' is not allowed (HwSim files use plain YAML values, without tags)", null, file, Line(e.Start));
            if (e is MappingStart or SequenceStart && ++depth > MaxDepth)
                throw new InputException($"mappings and sequences are nested more than {MaxDepth} levels deep", null, file, Line(e.Start));
            if (e is MappingEnd or SequenceEnd)
                depth--;
        }
    }

    /// <summary>"line N" of a node, as errors give it.</summary>
    public static string Line(YamlNode node) => Line(node.Start);

    /// <summary>"line N" of a position, as errors give it.</summary>
    public static string Line(Mark mark) => "line " + mark.Line.ToString(CultureInfo.InvariantCulture);

    // YamlDotNet prefixes its messages with "(Line: 3, Col: 1, Idx: 20) - (Line: ...): "; the line is given separately.
    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex PositionPrefix();
}
