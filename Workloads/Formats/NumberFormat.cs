using System.Globalization;

namespace HwSim.Workloads.Formats;

/// <summary>
/// The number format of one operand: a kind and a storage width in bits. Immutable; only the
/// factories construct it, so an instance is always valid.
/// </summary>
public sealed record NumberFormat
{
    /// <summary>Widest integer HwSim models; wider operands are not low-precision and are expected as fp formats.</summary>
    public const int MaxIntegerBits = 32;

    private NumberFormat(NumberKind kind, int bits)
    {
        Kind = kind;
        Bits = bits;
    }

    public NumberKind Kind { get; }

    /// <summary>Storage width in bits (binary 1, ternary 2, fp16/bf16 16, fp32 32).</summary>
    public int Bits { get; }

    public bool IsFloat => Kind is NumberKind.Fp16 or NumberKind.Bf16 or NumberKind.Fp32;

    /// <summary>True for the integer-valued formats: int, uint, binary and ternary.</summary>
    public bool IsInteger => !IsFloat;

    /// <summary>
    /// Smallest and largest value a code of an integer-valued format stands for: binary -1..+1 (0 is not
    /// one of its values), ternary -1..+1, intB two's complement, uintB unsigned; null for floats.
    /// </summary>
    public (long Min, long Max)? CodeRange => Kind switch
    {
        NumberKind.Binary or NumberKind.Ternary => (-1, 1),
        NumberKind.SignedInt => (-(1L << (Bits - 1)), (1L << (Bits - 1)) - 1),
        NumberKind.UnsignedInt => (0, (1L << Bits) - 1),
        _ => null,
    };

    public static NumberFormat Binary { get; } = new(NumberKind.Binary, 1);
    public static NumberFormat Ternary { get; } = new(NumberKind.Ternary, 2);
    public static NumberFormat Fp16 { get; } = new(NumberKind.Fp16, 16);
    public static NumberFormat Bf16 { get; } = new(NumberKind.Bf16, 16);
    public static NumberFormat Fp32 { get; } = new(NumberKind.Fp32, 32);

    /// <summary>Signed two's-complement integer of 2..32 bits (a 1-bit signed operand is <see cref="Binary"/>).</summary>
    public static NumberFormat Int(int bits)
    {
        if (bits is < 2 or > MaxIntegerBits)
            throw new InputException($"a signed integer needs 2 to {MaxIntegerBits} bits, got {bits} (use 'binary' for 1-bit +/-1)", "bits");
        return new NumberFormat(NumberKind.SignedInt, bits);
    }

    /// <summary>Unsigned integer of 1..32 bits.</summary>
    public static NumberFormat UInt(int bits)
    {
        if (bits is < 1 or > MaxIntegerBits)
            throw new InputException($"an unsigned integer needs 1 to {MaxIntegerBits} bits, got {bits}", "bits");
        return new NumberFormat(NumberKind.UnsignedInt, bits);
    }

    /// <summary>Canonical name: int8, uint4, binary, ternary, fp16, bf16, fp32.</summary>
    public string Name => Kind switch
    {
        NumberKind.SignedInt => "int" + Bits.ToString(CultureInfo.InvariantCulture),
        NumberKind.UnsignedInt => "uint" + Bits.ToString(CultureInfo.InvariantCulture),
        NumberKind.Binary => "binary",
        NumberKind.Ternary => "ternary",
        NumberKind.Fp16 => "fp16",
        NumberKind.Bf16 => "bf16",
        NumberKind.Fp32 => "fp32",
        _ => throw new InvalidOperationException($"unknown number kind {Kind}"),
    };

    public override string ToString() => Name;

    /// <summary>Parses a canonical name (case-insensitive); throws <see cref="InputException"/> otherwise.</summary>
    public static NumberFormat Parse(string text, string? field = null)
    {
        if (TryParse(text, out var format, out var error))
            return format;
        throw new InputException(error, field);
    }

    public static bool TryParse(string? text, out NumberFormat format, out string error)
    {
        format = Fp32;
        error = "";
        var t = (text ?? "").Trim().ToLowerInvariant();
        switch (t)
        {
            case "binary": format = Binary; return true;
            case "ternary": format = Ternary; return true;
            case "fp16": format = Fp16; return true;
            case "bf16": format = Bf16; return true;
            case "fp32": format = Fp32; return true;
        }
        var (prefix, digits) = t.StartsWith("uint", StringComparison.Ordinal) ? ("uint", t[4..])
            : t.StartsWith("int", StringComparison.Ordinal) ? ("int", t[3..]) : ("", "");
        if (prefix.Length > 0 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var bits))
        {
            try
            {
                format = prefix == "uint" ? UInt(bits) : Int(bits);
                return true;
            }
            catch (InputException e)
            {
                error = e.Rule;
                return false;
            }
        }
        error = $"unknown number format '{text}' (expected intB, uintB, binary, ternary, fp16, bf16 or fp32)";
        return false;
    }
}
