namespace HwSim.Simulator.Counting;

/// <summary>
/// The primitive actions the simulator counts. The cost model prices each (with its widths);
/// nothing here knows energy.
/// </summary>
public enum PrimitiveAction
{
    /// <summary>A b_w x b_a multiply (integer or float, see <see cref="Arithmetic"/>).</summary>
    Multiply,
    /// <summary>An add of the given width (accumulator or adder-tree stage).</summary>
    Add,
    /// <summary>One 1-bit AND gate evaluation.</summary>
    AndBitOp,
    /// <summary>One 1-bit XNOR gate evaluation.</summary>
    XnorBitOp,
    /// <summary>One input bit into a popcount (adder) tree.</summary>
    PopcountInputBit,
    /// <summary>One shift-and-accumulate into an accumulator of the given width.</summary>
    ShiftAccumulate,
    /// <summary>Bits read from PE registers.</summary>
    RegisterReadBit,
    /// <summary>Bits written to PE registers.</summary>
    RegisterWriteBit,
    /// <summary>SRAM word reads of the given word width from one buffer.</summary>
    SramReadWord,
    /// <summary>SRAM word writes.</summary>
    SramWriteWord,
    /// <summary>Payload bits read from an SRAM buffer (packed).</summary>
    SramReadBit,
    /// <summary>Payload bits written to an SRAM buffer (packed).</summary>
    SramWriteBit,
    /// <summary>Bytes read from DRAM.</summary>
    DramReadByte,
    /// <summary>Bytes written to DRAM.</summary>
    DramWriteByte,
    /// <summary>PE-cycles in which a PE did no useful work (unused PEs, fill/drain, stalls).</summary>
    IdlePeCycle,
    /// <summary>One cycle of a busy Bit Fusion fusion unit: its 16 BitBricks, shift-add tree and registers at once.</summary>
    FusionUnitCycle,
    /// <summary>
    /// A b_w x b_a MAC gated because its input operand is zero (<c>skip: zero_operands</c>): counted
    /// instead of its Multiply and Add; the PE-cycle is still spent (busy in the cycle count).
    /// </summary>
    GatedMac,
    /// <summary>
    /// One bit of an address comparator (a register file's row select, CostModel/Nest's regfile class): a comparator of n bits is
    /// n of these. Counted by no array engine today; the nest engine's register-file levels price their accesses with it.
    /// </summary>
    CompareBit,
}

/// <summary>The arithmetic of a Multiply or Add.</summary>
public enum Arithmetic
{
    None,
    Integer,
    Fp16,
    Bf16,
    Fp32,
}
