namespace HwSim.CostModel.Energy;

/// <summary>
/// What a row of the energy table prices, in the table's own vocabulary. It follows the
/// simulator's <c>PrimitiveAction</c> except for DRAM, which the table gives per bit and per type
/// (the simulator counts bytes), and SRAM payload bits, which are not priced (words are).
/// </summary>
public enum EnergyAction
{
    /// <summary>One b_w x b_a multiply (integer by widths, or one float multiply).</summary>
    Multiply,
    /// <summary>One add of the given width (or one float add).</summary>
    Add,
    /// <summary>One 1-bit AND gate evaluation.</summary>
    AndBitOp,
    /// <summary>One 1-bit XNOR gate evaluation.</summary>
    XnorBitOp,
    /// <summary>One input bit into a popcount tree.</summary>
    PopcountInputBit,
    /// <summary>One shift-and-accumulate into an accumulator of the given width.</summary>
    ShiftAccumulate,
    /// <summary>One bit read from a PE register.</summary>
    RegisterReadBit,
    /// <summary>One bit written to a PE register.</summary>
    RegisterWriteBit,
    /// <summary>One word read from an SRAM of a given capacity.</summary>
    SramReadWord,
    /// <summary>One word written to an SRAM of a given capacity.</summary>
    SramWriteWord,
    /// <summary>One bit read from DRAM of a given type.</summary>
    DramReadBit,
    /// <summary>One bit written to DRAM of a given type.</summary>
    DramWriteBit,
    /// <summary>One PE-cycle without useful work (leakage; zero unless a row gives it).</summary>
    IdlePeCycle,
    /// <summary>One cycle of a busy Bit Fusion fusion unit (BitBricks, shift-add tree and registers together).</summary>
    FusionUnitCycle,
    /// <summary>One bit of a comparator (a register file's per-row address match).</summary>
    CompareBit,
}

/// <summary>The CSV names of <see cref="EnergyAction"/> (snake_case) and what each row must carry.</summary>
public static class EnergyActions
{
    private static readonly Dictionary<string, EnergyAction> ByName =
        Enum.GetValues<EnergyAction>().ToDictionary(CsvName, a => a, StringComparer.OrdinalIgnoreCase);

    /// <summary>The name used in the table's CSV files: <c>sram_read_word</c>, <c>and_bit_op</c>, ...</summary>
    public static string CsvName(this EnergyAction action) => action switch
    {
        EnergyAction.Multiply => "multiply",
        EnergyAction.Add => "add",
        EnergyAction.AndBitOp => "and_bit_op",
        EnergyAction.XnorBitOp => "xnor_bit_op",
        EnergyAction.PopcountInputBit => "popcount_input_bit",
        EnergyAction.ShiftAccumulate => "shift_accumulate",
        EnergyAction.RegisterReadBit => "register_read_bit",
        EnergyAction.RegisterWriteBit => "register_write_bit",
        EnergyAction.SramReadWord => "sram_read_word",
        EnergyAction.SramWriteWord => "sram_write_word",
        EnergyAction.DramReadBit => "dram_read_bit",
        EnergyAction.DramWriteBit => "dram_write_bit",
        EnergyAction.IdlePeCycle => "idle_pe_cycle",
        EnergyAction.FusionUnitCycle => "fusion_unit_cycle",
        EnergyAction.CompareBit => "compare_bit",
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    public static IEnumerable<string> CsvNames => Enum.GetValues<EnergyAction>().Select(CsvName);

    public static bool TryParse(string name, out EnergyAction action) => ByName.TryGetValue(name.Trim(), out action);

    /// <summary>Actions whose rows carry an arithmetic and widths (integer by width, floats by format).</summary>
    public static bool HasArithmetic(this EnergyAction action) => action is EnergyAction.Multiply or EnergyAction.Add;

    public static bool IsSram(this EnergyAction action) => action is EnergyAction.SramReadWord or EnergyAction.SramWriteWord;

    public static bool IsDram(this EnergyAction action) => action is EnergyAction.DramReadBit or EnergyAction.DramWriteBit;

    /// <summary>Actions priced per single bit or gate: their bits_a is 1 (or left empty).</summary>
    public static bool IsPerBit(this EnergyAction action) => action is EnergyAction.AndBitOp or EnergyAction.XnorBitOp or EnergyAction.PopcountInputBit
        or EnergyAction.RegisterReadBit or EnergyAction.RegisterWriteBit or EnergyAction.CompareBit;
}
