using HwSim.Workloads.Formats;

namespace HwSim.Workloads.Precision;

/// <summary>
/// What a precision policy does with the first and last layers: keep them at a given format
/// (fp32 is the convention of PACT, DoReFa and XNOR-Net) or treat them like inner layers.
/// </summary>
public sealed record FirstLastFormat
{
    private FirstLastFormat(NumberFormat? format) => Format = format;

    /// <summary>The kept format, or null for "same as the inner layers".</summary>
    public NumberFormat? Format { get; }

    /// <summary>True when the first and last layers take the inner layers' formats.</summary>
    public bool IsSame => Format is null;

    /// <summary>First and last layers like the inner ones: nothing kept at a higher precision.</summary>
    public static FirstLastFormat Same { get; } = new((NumberFormat?)null);

    /// <summary>First and last layers kept at <paramref name="format"/> (weights and activations).</summary>
    public static FirstLastFormat Keep(NumberFormat format) => new(format);

    /// <summary>The choices the CLI offers.</summary>
    public static IReadOnlyList<string> Names { get; } = ["fp32", "fp16", "bf16", "int8", "int16", "same"];

    /// <summary>One of <see cref="Names"/>; anything else is an <see cref="InputException"/> on <paramref name="field"/>.</summary>
    public static FirstLastFormat Parse(string text, string field = "first/last format")
    {
        var t = text.Trim().ToLowerInvariant();
        return t switch
        {
            "same" => Same,
            "fp32" or "fp16" or "bf16" or "int8" or "int16" => Keep(NumberFormat.Parse(t)),
            _ => throw new InputException($"must be one of {string.Join(", ", Names)}, got '{text}'", field),
        };
    }

    /// <summary>The format's name ("fp32"), or "same".</summary>
    public override string ToString() => Format?.Name ?? "same";
}
