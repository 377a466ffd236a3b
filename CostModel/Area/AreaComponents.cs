namespace HwSim.CostModel.Area;

/// <summary>
/// The components the Area Reference Table knows and what their two widths mean; a row with
/// another name or impossible widths is rejected when the table is loaded.
/// </summary>
public static class AreaComponents
{
    public const string PeInt = "pe_int";
    public const string PeFusible = "pe_fusible";
    public const string FusionUnit = "fusion_unit";
    public const string IntAdd = "int_add";
    public const string IntMult = "int_mult";
    public const string FpAdd = "fp_add";
    public const string FpMult = "fp_mult";
    public const string IntMac = "int_mac";
    public const string Register = "register";
    public const string Comparator = "comparator";
    public const string Sram = "sram";

    /// <summary>Component name to the meaning of (bits_a, bits_b), for error messages and documentation.</summary>
    public static IReadOnlyDictionary<string, string> Meanings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [PeInt] = "fixed-precision PE: activation bits, weight bits",
        [PeFusible] = "fusible PE: max bits, min bits",
        [FusionUnit] = "fusion unit: max bits, min bits",
        [IntAdd] = "integer adder: width, 0",
        [IntMult] = "integer multiplier: a bits, b bits",
        [FpAdd] = "float adder: 16 or 32, 0",
        [FpMult] = "float multiplier: 16 or 32, the same again",
        [IntMac] = "multiply-accumulate: multiplier bits, adder bits",
        [Register] = "flip-flop: 1, 0",
        [Comparator] = "equality comparator: width, 0",
        [Sram] = "SRAM array: capacity bits, word bits",
    };

    /// <summary>Null when the widths fit the component, else the rule broken and the field that breaks it.</summary>
    internal static (string Rule, string Field)? Check(string component, long bitsA, long bitsB)
    {
        if (!Meanings.TryGetValue(component, out var meaning))
            return ($"unknown component '{component}' (known: {string.Join(", ", Meanings.Keys)})", "component");
        if (bitsA < 1)
            return ($"must be at least 1, got {bitsA}", "bits_a");
        // Bounds keep b_w x b_a and bits x 8 far from overflow: 4096 is the widest lane count a
        // unit takes, 2^44 bits (2 TiB) is beyond any on-chip SRAM.
        var maxA = component == Sram ? 1L << 44 : 4096;
        if (bitsA > maxA)
            return ($"must be at most {maxA}, got {bitsA}", "bits_a");
        if (bitsB > 4096)
            return ($"must be at most 4096, got {bitsB}", "bits_b");
        return component switch
        {
            IntAdd or Register or Comparator when bitsB != 0 => ($"{component} has one width: bits_b must be 0, got {bitsB}", "bits_b"),
            Register when bitsA != 1 => ($"a register row is per bit: bits_a must be 1, got {bitsA}", "bits_a"),
            FpAdd when bitsB != 0 => ($"fp_add has one width: bits_b must be 0, got {bitsB}", "bits_b"),
            FpAdd or FpMult when bitsA is not (16 or 32) => ($"float widths are 16 or 32, got {bitsA}", "bits_a"),
            FpMult when bitsB != bitsA => ($"fp_mult operands share one format: bits_b must equal bits_a ({bitsA}), got {bitsB}", "bits_b"),
            IntAdd or Register or Comparator or FpAdd => null,
            _ when bitsB < 1 => ($"{meaning}: bits_b must be at least 1, got {bitsB}", "bits_b"),
            _ => null,
        };
    }
}
