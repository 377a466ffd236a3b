using HwSim.Simulator.Architecture;
using HwSim.Workloads.Formats;

namespace HwSim.Simulator.Counting;

/// <summary>
/// What was counted: an action, its operand widths (multiply: b_w and b_a; add, shift-accumulate:
/// width; SRAM words: word width), its arithmetic and, for memory actions, which buffer.
/// </summary>
public readonly record struct ActionKey(PrimitiveAction Action, int BitsA = 0, int BitsB = 0, Arithmetic Arithmetic = Arithmetic.None, BufferKind? Buffer = null)
{
    public static ActionKey Multiply(NumberFormat weight, NumberFormat input) =>
        new(PrimitiveAction.Multiply, weight.Bits, input.Bits, ArithmeticOf(weight, input));

    /// <summary>A MAC gated on a zero input operand, with the widths and arithmetic of the Multiply it replaces.</summary>
    public static ActionKey GatedMac(NumberFormat weight, NumberFormat input) =>
        new(PrimitiveAction.GatedMac, weight.Bits, input.Bits, ArithmeticOf(weight, input));

    public static ActionKey Add(int bits, Arithmetic arithmetic = Arithmetic.Integer) => new(PrimitiveAction.Add, bits, 0, arithmetic);

    public static ActionKey Add(NumberFormat accumulator) => new(PrimitiveAction.Add, accumulator.Bits, 0, ArithmeticOf(accumulator, accumulator));

    public static ActionKey Simple(PrimitiveAction action, int bits = 0) => new(action, bits);

    public static ActionKey Sram(PrimitiveAction action, BufferKind buffer, int wordBits = 0) => new(action, wordBits, 0, Arithmetic.None, buffer);

    /// <summary>The arithmetic a float operand forces (the wider float wins); integer otherwise.</summary>
    public static Arithmetic ArithmeticOf(NumberFormat a, NumberFormat b)
    {
        static int Rank(NumberKind k) => k switch { NumberKind.Fp32 => 3, NumberKind.Fp16 => 2, NumberKind.Bf16 => 1, _ => 0 };
        var top = Rank(a.Kind) >= Rank(b.Kind) ? a.Kind : b.Kind;
        return top switch
        {
            NumberKind.Fp32 => Arithmetic.Fp32,
            NumberKind.Fp16 => Arithmetic.Fp16,
            NumberKind.Bf16 => Arithmetic.Bf16,
            _ => Arithmetic.Integer,
        };
    }

    public override string ToString()
    {
        var name = Action.ToString();
        var widths = Action is PrimitiveAction.Multiply or PrimitiveAction.GatedMac ? $" {BitsA}x{BitsB}" : BitsA > 0 ? $" {BitsA}b" : "";
        var arithmetic = Arithmetic is Arithmetic.None or Arithmetic.Integer ? "" : $" {Arithmetic}";
        var buffer = Buffer is { } b ? $" [{b}]" : "";
        return name + widths + arithmetic + buffer;
    }
}
