using System.Globalization;
using System.Text;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitFusion;
using HwSim.Simulator.DotProduct;

namespace HwSim.Analyses.Nest;

/// <summary>
/// One unit of an array architecture stated as a nest design (issue 12 item 1: one representation, a loop nest over the
/// convolution's dimensions, in which each array kind states the spatial mappings its hardware allows), or why it cannot be.
/// </summary>
/// <param name="Architecture">The array architecture's name.</param>
/// <param name="Unit">The unit's name.</param>
/// <param name="Design">The nest design (null when refused).</param>
/// <param name="Yaml">The design as a nest design file (<c>hwsim nest --arch FILE</c> reads it back to the same design); null when refused.</param>
/// <param name="Refusal">Why the nest engine cannot state this unit faithfully; null when translated.</param>
public sealed record ArrayNestDesign(string Architecture, string Unit, NestDesign? Design, string? Yaml, string? Refusal)
{
    public bool Translated => Refusal is null;
}

/// <summary>
/// Translates an array architecture's unit into a nest design (Simulator/Nest). The translation is written as a nest design file and
/// read back by <see cref="NestDesignFile"/>, so what the CLI prints and what the library runs are one text, validated once.
/// <list type="bullet">
/// <item>Level 0 is DRAM of the architecture's type. Its bandwidth is not carried: the array has one channel of B bytes per cycle shared
/// by reads and writes (Simulator/README.md §4 line 193), the nest engine a read and a write bandwidth per level in words of the
/// layer's values (Simulator/Nest/README.md, What is counted: Bandwidth), which no per-unit constant states for every format; so
/// the nest's cycles are compute cycles and the array's stall cycles have no counterpart.</item>
/// <item>Each on-chip storage level (§4, Storage levels) becomes an SRAM level keeping the operands it holds, chained from DRAM inward
/// in the architecture's order with fan-out 1 between them, as Timeloop chains eyeriss' split scratchpads
/// (docs/examples/timeloop/eyeriss_like.yaml). The nest engine has no double buffering: a double-buffered level is given the half a
/// block may use (<see cref="StorageLevel.RoomBytes"/>), which is also the array a double-buffered access goes to
/// (<see cref="StorageLevel.AccessedArrayBytes"/>), so capacity and price are the array engine's. Its words are 1 bit wide
/// (<c>datawidth: 1</c>): <see cref="NestDesign.ArchitectureFor"/> then holds bits / b values of a layer's b-bit operand, the array's
/// packing (§4: "bytes = ceil(elements·bits/8)"); a shared level counts every value at the widest kept operand's width.</item>
/// <item>The innermost SRAM level fans out to the rows x cols PEs (Y = rows, X = cols) with the kind's spatial rule (§2's table,
/// lines 39-42: GEMM M = N·P·Q output pixels, K = C·R·S reduction terms, N = filters, the nest's M).</item>
/// <item>Each PE has a register level <c>pe</c> keeping the operand that stays (§2 table; Simulator/Architecture/Dataflow.cs), whose
/// temporal loops may step only the kind's time dimension, and a register level <c>pe_operands</c> for the operands latched every
/// step (§5's register convention: operands latched or forwarded). Bit-serial, XNOR and dot-product PEs fan out to their
/// <c>lanes</c> (§2: "K (in steps of lanes terms)"), one term each; a bit-serial PE steps the input's bits innermost, the weight
/// held (<c>bit_serial: inputs</c>, B temporal at <c>pe_operands</c>; §3 Bit-serial, <c>serial: activations</c>).</item>
/// </list>
/// Kinds or options whose behaviour the nest engine has no way to state are refused with the reason (a result, not an exception).
/// </summary>
public static class ArrayNest
{
    // Every conv dimension but the bits: the buffers' temporal loops are the folds and chunks (§2, "the order of the folds, and how far
    // the time dimension is cut, is the layer's mapping"); the bit loop is the PE's, innermost (§3 Bit-serial: cps cycles per step).
    private const string FoldDims = "[N, M, C, P, Q, R, S]";

    // The GEMM's dimensions as convolution dimensions (Simulator/README.md §1 lines 22-25): M = N·P·Q (m = (n·P + p)·Q + q),
    // K = C·R·S (k = (c·R + r)·S + s), N = the filters, the nest's M.
    private const string GemmM = "[N, P, Q]", GemmK = "[C, R, S]", GemmN = "[M]";

    // PE registers hold one value of up to 32 bits: accumulators are at most 32 bits (OperandPrecision.AccumulatorFor caps integer
    // accumulators at int32, floats accumulate in fp32) and no operand format is wider than fp32.
    private const int RegisterBits = 32;

    /// <summary>Translates <paramref name="unit"/> of <paramref name="arch"/>; a refusal carries its reason.</summary>
    public static ArrayNestDesign Translate(ArchitectureSpec arch, UnitSpec unit)
    {
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(unit);
        if (!arch.Units.Contains(unit))
            throw new ArgumentException($"unit '{unit.Name}' is not one of {arch.Name}'s", nameof(unit));
        if (Rule(unit) is not { } rule)
            return new ArrayNestDesign(arch.Name, unit.Name, null, null, Refusal(unit));
        var yaml = Yaml(arch, unit, rule);
        var design = NestDesignFile.Read(yaml, $"{arch.Name} unit {unit.Name} as a nest design");
        return new ArrayNestDesign(arch.Name, unit.Name, design, yaml, null);
    }

    /// <summary>The unit of <paramref name="arch"/> named <paramref name="name"/> (ordinal), or null.</summary>
    public static UnitSpec? UnitNamed(ArchitectureSpec arch, string name) => arch.Units.FirstOrDefault(u => u.Name == name.Trim());

    /// <summary>
    /// The kind's rule in nest terms: which conv dimensions its rows (Y), columns (X) and lanes may take, which operand stays in the PE and
    /// which dimensions that PE's temporal loops may step, which operands are latched each step, and whether the inputs are bit-serial.
    /// Null when the unit cannot be stated (<see cref="Refusal"/> says why).
    /// </summary>
    private static KindRule? Rule(UnitSpec unit) => Refusal(unit) is not null ? null : unit switch
    {
        // §2 table line 39: os rows M, cols N, time K; the accumulator stays (Dataflow.cs: "os keeps outputs").
        SystolicUnitSpec { Dataflow: Dataflow.OutputStationary } => new KindRule("systolic os (Simulator/README.md §2 line 39: rows M, cols N, time K)",
            GemmM, GemmN, null, "outputs", GemmK, "[weights, inputs]", "[]", false),
        // §2 line 40: ws rows K, cols N, time M; the weight stays and partial sums move down the columns (§3 ws), reduced in the network.
        SystolicUnitSpec { Dataflow: Dataflow.WeightStationary } => new KindRule("systolic ws (Simulator/README.md §2 line 40: rows K, cols N, time M)",
            GemmK, GemmN, null, "weights", GemmM, "[inputs]", "[]", false),
        // §2 line 41: is rows K, cols M, time N; the input stays, weights stream over the filters.
        SystolicUnitSpec { Dataflow: Dataflow.InputStationary } => new KindRule("systolic is (Simulator/README.md §2 line 41: rows K, cols M, time N)",
            GemmK, GemmM, null, "inputs", GemmN, "[weights]", "[]", false),
        // §2 line 42: rows M, cols N, time K in steps of lanes terms; §3 Bit-serial serial: activations: the weight is bit-parallel and
        // held while the activation's bits step (cps = a_bits), so B is temporal at the lane, innermost.
        BitSerialUnitSpec b => new KindRule($"bitserial, serial activations, {b.Lanes} lanes (Simulator/README.md §2 line 42: rows M, cols N, time K in steps of lanes terms; §3 Bit-serial: cps = a_bits)",
            GemmM, GemmN, b.Lanes, "outputs", GemmK, "[weights, inputs]", "[B]", true),
        // §3 XNOR line 117: binary x binary, one cycle per step of lanes terms (the reduction packed into lanes-bit words).
        XnorUnitSpec x => new KindRule($"xnor, binary x binary, {x.Lanes}-bit words (Simulator/README.md §2 line 42; §3 XNOR line 117: one cycle per step)",
            GemmM, GemmN, x.Lanes, "outputs", GemmK, "[weights, inputs]", "[]", false),
        // §3 Dot-product line 123: lanes bit-parallel multipliers into an adder tree, one step per cycle.
        DotProductUnitSpec d => new KindRule($"dotproduct, {d.Lanes} lanes of {d.Format} (Simulator/README.md §2 line 42; §3 Dot-product line 123: one step per cycle)",
            GemmM, GemmN, d.Lanes, "outputs", GemmK, "[weights, inputs]", "[]", false),
        _ => null,
    };

    /// <summary>Why the nest engine cannot state <paramref name="unit"/> faithfully, or null when it can.</summary>
    public static string? Refusal(UnitSpec unit) => unit switch
    {
        FusionUnitSpec => "a fusion unit (Bit Fusion) puts L = 16 / (pieces_w x pieces_a) terms of K on each unit row, L depending on the layer's widths, and " +
            "splits 9- to 16-bit operands into passes over 8-bit halves (Simulator/README.md §3 Fusion); the nest engine's fan-out and bit dimension are fixed per design " +
            "and step the input's bits only, so the BitBricks' spatial fusion has no statement",
        BitSerialUnitSpec { Serial: SerialMode.Both } => "serial: both steps the weights' bit-planes too (cps = w_bits x a_bits, Simulator/README.md §3 Bit-serial line 86); " +
            "the nest engine has one bit dimension, B, and it indexes the inputs only (Simulator/Nest/README.md, Bits)",
        BitSerialUnitSpec { BitsPerCycle: > 1 } b => $"bits_per_cycle: {b.BitsPerCycle} takes {b.BitsPerCycle} bit-planes per cycle (cps = ceil(a_bits / g), Simulator/README.md §3 line 89); " +
            "the nest's B loop steps one bit per cycle",
        BitSerialUnitSpec { Skip: not SkipMode.None } b => $"skip: {b.Skip} makes a step's cycles depend on the values (Simulator/README.md §8); nest cycles are the product of the loop bounds",
        BitSerialUnitSpec { FcMode: FcMode.Multiplex } => "fc_mode: multiplex deals a one-window fold's steps to the rows in turn (Simulator/README.md §3 line 95), so its rows take K " +
            "only when a fold has one pixel; a nest design's spatial constraints are fixed per level and cannot depend on the layer",
        XnorUnitSpec { MaxBits: > 1 } x => $"max_bits {x.MaxBits}: an XNOR unit runs operands other than binary x binary as bit-plane pairs, as serial: both (cps = w_bits x a_bits, " +
            "Simulator/README.md §3 XNOR line 119); the nest engine steps the inputs' bits only. An XNOR unit of max_bits 1 (binary only) translates",
        SystolicUnitSpec { Skip: SkipMode.ZeroOperands } or DotProductUnitSpec { Skip: SkipMode.ZeroOperands } =>
            "skip: zero_operands gates a MAC by its input's value (Simulator/README.md §8, zero-operand gating); the nest engine prices every MAC",
        SystolicUnitSpec or BitSerialUnitSpec or XnorUnitSpec or DotProductUnitSpec => null,
        _ => $"the {unit.Kind} kind has no nest statement",
    };

    private sealed record KindRule(string Summary, string Rows, string Cols, int? Lanes, string Stays, string PeTemporal, string Latched, string LatchedTemporal, bool BitSerialInputs);

    private static string Yaml(ArchitectureSpec arch, UnitSpec unit, KindRule rule)
    {
        var inv = CultureInfo.InvariantCulture;
        var y = new StringBuilder();
        y.AppendLine(OneLine($"# {arch.Name}, unit {unit.Name}, as a nest design: hwsim archs {arch.Name} --as-nest --unit {unit.Name} (Analyses/Nest/ArrayNestDesign.cs)."));
        y.AppendLine($"# Kind: {rule.Summary}.");
        y.AppendLine($"# PEs {unit.Rows} rows (Y) x {unit.Cols} cols (X){(rule.Lanes is { } l ? $" x {l} lanes" : "")}. Rows take {rule.Rows}, cols {rule.Cols}{(rule.Lanes is null ? "" : $", lanes {GemmK}")}; " +
            $"the PE keeps its {rule.Stays} while its loops step {rule.PeTemporal}.");
        y.AppendLine("# Not carried: the DRAM channel's bandwidth (nest cycles are compute cycles), systolic fill/drain skew and bit-serial drains (nest cycles are the");
        y.AppendLine("# product of the temporal bounds), and double buffering (each SRAM level is the half a block may use). Nor the unit's operand");
        y.AppendLine("# formats (format, max_bits: this file runs any layer; hwsim nest --arch ARRAY gives each layer the unit the array engines pick)");
        y.AppendLine("# or scalesim_compat (SCALE-Sim's timing belongs to the array engines).");
        if (unit.Drain == DrainMode.Overlapped)
            y.AppendLine("# drain: overlapped has no counterpart: the nest counts no drain cycles at all.");
        if (arch.Execution == Execution.LayerPipelined)
            y.AppendLine("# The architecture is layer-pipelined; this design runs one layer at a time on this unit.");
        y.AppendLine("version: 1");
        y.AppendLine($"name: {Quote($"{arch.Name}.{unit.Name}")}");
        y.AppendLine($"clock_mhz: {arch.ClockMhz.ToString("R", inv)}");
        if (rule.BitSerialInputs)
            y.AppendLine("bit_serial: inputs");
        y.AppendLine("levels:");
        y.AppendLine($"  - {{ name: DRAM, class: dram, type: {arch.Dram.Type.CsvName()}, temporal: {FoldDims} }}");
        var levels = arch.Buffers.Levels;
        for (var i = 0; i < levels.Length; i++)
        {
            var s = levels[i];
            // The half a block may use (or all of a single-buffered level), in rows of the level's word.
            var depth = checked(s.RoomBytes * 8 / s.WordBits);
            y.AppendLine(OneLine($"  # {s.Name}: {s.CapacityBytes.ToString("N0", inv)} B{(s.DoubleBuffered ? ", double-buffered: the half a block may use" : "")}, {s.WordBits}-bit words, {s.Banks} bank(s)"));
            y.AppendLine($"  - name: {Quote(s.Name)}");
            y.AppendLine("    class: sram");
            y.AppendLine($"    depth: {depth.ToString(inv)}");
            y.AppendLine($"    width: {s.WordBits.ToString(inv)}");
            y.AppendLine("    datawidth: 1");
            if (s.Banks > 1)
                y.AppendLine($"    n_banks: {s.Banks.ToString(inv)}");
            y.AppendLine($"    keeps: [{string.Join(", ", s.Holds.Select(Keep))}]");
            y.AppendLine($"    temporal: {FoldDims}");
            if (i == levels.Length - 1)
            {
                y.AppendLine($"    fanout: {{ x: {unit.Cols.ToString(inv)}, y: {unit.Rows.ToString(inv)} }}");
                y.AppendLine($"    spatial: {{ x: {rule.Cols}, y: {rule.Rows} }}");
            }
        }
        y.AppendLine($"  # the PE's stationary register: its {rule.Stays}");
        y.AppendLine($"  - name: pe");
        y.AppendLine("    class: register");
        y.AppendLine($"    depth: 1");
        y.AppendLine($"    width: {RegisterBits}");
        y.AppendLine($"    datawidth: {RegisterBits}");
        y.AppendLine($"    keeps: [{rule.Stays}]");
        y.AppendLine($"    temporal: {rule.PeTemporal}");
        if (rule.Lanes is { } lanes)
        {
            y.AppendLine($"    fanout: {{ x: {lanes.ToString(inv)} }}");
            y.AppendLine($"    spatial: {{ x: {GemmK} }}");
        }
        var latched = rule.Latched.Count(c => c == ',') + 1;
        y.AppendLine(rule.Lanes is null ? "  # the operands latched or forwarded each cycle" : "  # each lane's operand registers");
        y.AppendLine("  - name: pe_operands");
        y.AppendLine("    class: register");
        y.AppendLine($"    depth: {latched}");
        y.AppendLine($"    width: {RegisterBits}");
        y.AppendLine($"    datawidth: {RegisterBits}");
        y.AppendLine($"    keeps: {rule.Latched}");
        y.AppendLine($"    temporal: {rule.LatchedTemporal}");
        return y.ToString();
    }

    private static string Keep(BufferKind kind) => kind switch { BufferKind.Ifmap => "inputs", BufferKind.Weight => "weights", _ => "outputs" };

    // A comment is one line: a name holding a line break must not end it and start a YAML line of its own.
    private static string OneLine(string comment) => comment.ReplaceLineEndings(" ");

    // Names come from user files: quote them as YAML double-quoted scalars so any character survives the round trip.
    private static string Quote(string text)
    {
        var q = new StringBuilder("\"");
        foreach (var c in text)
            q.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                // YAML's escapes for control characters (YAML 1.2 §5.7), so a name with a line break stays one scalar.
                < ' ' or '\u007f' => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        return q.Append('"').ToString();
    }
}
