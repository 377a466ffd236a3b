namespace HwSim.Workloads;

/// <summary>
/// The one exception type for bad user input (files, options, sizes). The CLI turns it into a
/// single red line and exit code 2; anything else is a bug and keeps its stack trace.
/// </summary>
/// <remarks>
/// Validation deep inside a type knows the rule and the field but not where the value came
/// from; readers add the file and the line (or ONNX node) with <see cref="At"/> on the way out.
/// </remarks>
public sealed class InputException : Exception
{
    /// <summary>An error for <paramref name="rule"/> broken by the value of <paramref name="field"/>, read from <paramref name="file"/> at <paramref name="location"/>.</summary>
    public InputException(string rule, string? field = null, string? file = null, string? location = null, Exception? inner = null)
        : base(Compose(rule, field, file, location), inner)
    {
        Rule = rule;
        Field = field;
        File = file;
        Location = location;
    }

    /// <summary>The rule that was broken, in words ("must be at least 1, got 0").</summary>
    public string Rule { get; }

    /// <summary>The field, column, option or YAML path that holds the bad value, if known.</summary>
    public string? Field { get; }

    /// <summary>The file the value came from, if any.</summary>
    public string? File { get; }

    /// <summary>Where in the file: "line 7", "node 'conv1' (Conv)", ...</summary>
    public string? Location { get; }

    /// <summary>The same error with the file and location filled in (existing values win).</summary>
    public InputException At(string? file, string? location = null, string? field = null) =>
        new(Rule, Field ?? field, File ?? file, Location ?? location, this);

    /// <summary>
    /// <paramref name="e"/> itself when it is an input error, else the first input error inside it when it is an
    /// <see cref="AggregateException"/> of parallel work; null for anything else (a bug, to be left alone).
    /// </summary>
    public static InputException? Within(Exception e) => e switch
    {
        InputException input => input,
        AggregateException all => all.Flatten().InnerExceptions.OfType<InputException>().FirstOrDefault(),
        _ => null,
    };

    /// <summary>The same error, its rule prefixed with which part of a larger run broke it ("with the first and last layers at int8: ...").</summary>
    public InputException In(string part) => new($"{part}: {Rule}", Field, File, Location, this);

    private static string Compose(string rule, string? field, string? file, string? location)
    {
        var where = new List<string>(3);
        if (!string.IsNullOrEmpty(file)) where.Add(file);
        if (!string.IsNullOrEmpty(location)) where.Add(location);
        if (!string.IsNullOrEmpty(field)) where.Add($"field '{field}'");
        return where.Count == 0 ? rule : $"{string.Join(", ", where)}: {rule}";
    }
}
