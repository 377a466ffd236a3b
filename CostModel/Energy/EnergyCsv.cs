using HwSim.Simulator.Architecture;
using HwSim.Workloads.Import;
using System.Globalization;
using HwSim.CostModel.Quantities;
using HwSim.Simulator.Counting;
using HwSim.Workloads;

namespace HwSim.CostModel.Energy;

/// <summary>
/// Reads and validates an energy-table CSV: columns <c>action, arithmetic, bits_a, bits_b,
/// energy_pj, source, capacity_bytes, dram</c> in any order (action, energy_pj and source
/// required), '#' comment lines, one row per point. Every error names the file, the line and the
/// field, as the other HwSim readers do.
/// </summary>
internal static class EnergyCsv
{
    public const string Action = "action";
    public const string ArithmeticColumn = "arithmetic";
    public const string BitsA = "bits_a";
    public const string BitsB = "bits_b";
    public const string EnergyPjColumn = "energy_pj";
    public const string Source = "source";
    public const string CapacityBytes = "capacity_bytes";
    public const string Dram = "dram";

    private static readonly string[] Known = [Action, ArithmeticColumn, BitsA, BitsB, EnergyPjColumn, Source, CapacityBytes, Dram];
    private static readonly string[] Required = [Action, EnergyPjColumn, Source];

    // Widest integer operand or accumulator the laws accept (a 64-bit accumulator is the widest in use),
    // and the widest SRAM word (BufferSpec's limit).
    private const int MaxIntegerBits = 64;
    private const int MaxWordBits = 4096;

    /// <summary>
    /// The most one action may cost: 1 uJ. The costliest row of the built-in table is a DDR3 bit at
    /// 70 pJ and a 1 MB SRAM word costs tens of pJ; a value 10^4 times above them is a unit mistake
    /// (J or uJ for pJ), and values near double's limit would make totals infinite.
    /// </summary>
    public const double MaxEnergyPj = 1e6;

    public static IReadOnlyList<EnergyPoint> ReadFile(string path)
    {
        var reader = CsvFiles.OpenText(path);
        using (reader)
            return Read(reader, path, RowOrigin.User);
    }

    public static IReadOnlyList<EnergyPoint> Read(TextReader text, string file, RowOrigin origin)
    {
        using var records = CsvFiles.Records(text, file, comments: true).GetEnumerator();
        if (!records.MoveNext())
            throw new InputException($"no header line; expected columns {string.Join(",", Known)}", file: file, location: "line 1");
        var (headerLine, headerFields) = records.Current;
        var columns = Header(headerFields, file, $"line {headerLine}");

        var points = new List<EnergyPoint>();
        var seen = new Dictionary<PointKey, long>();
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            var location = $"line {line}";
            if (fields.Length != headerFields.Length)
                throw new InputException($"the row has {fields.Length} fields but the header has {headerFields.Length}", file: file, location: location);
            EnergyPoint point;
            try
            {
                point = Row(new RowReader(columns, fields), origin, file, line);
            }
            catch (InputException e)
            {
                throw e.At(file, location);
            }
            if (seen.TryGetValue(point.Key, out var first))
                throw new InputException($"same key ({point.Key}) as line {first}; give each point once", file: file, location: location, field: Action);
            seen[point.Key] = line;
            points.Add(point);
        }
        return points;
    }

    private static EnergyPoint Row(RowReader row, RowOrigin origin, string file, long line)
    {
        var actionText = row.Text(Action);
        if (!EnergyActions.TryParse(actionText, out var action))
            throw new InputException(actionText.Length == 0 ? $"is empty; expected one of {string.Join(", ", EnergyActions.CsvNames)}"
                : $"unknown action '{actionText}' (known: {string.Join(", ", EnergyActions.CsvNames)})", Action);

        var arithmetic = Arithmetic.None;
        if (action.HasArithmetic())
            arithmetic = ParseArithmetic(row.Text(ArithmeticColumn));
        else
            row.RequireEmpty(ArithmeticColumn, $"{action.CsvName()} has no arithmetic");

        int bitsA = 0, bitsB = 0;
        if (action == EnergyAction.Multiply && arithmetic == Arithmetic.Integer)
        {
            bitsA = row.Int(BitsA, 1, MaxIntegerBits);
            bitsB = row.Int(BitsB, 1, MaxIntegerBits);
        }
        else if (action.HasArithmetic())
        {
            // Integer add by width; a float row is its format's unit, whatever widths are written.
            bitsA = arithmetic == Arithmetic.Integer ? row.Int(BitsA, 1, MaxIntegerBits) : row.FormatWidth(BitsA, FloatBits(arithmetic));
            bitsB = action == EnergyAction.Multiply ? row.FormatWidth(BitsB, FloatBits(arithmetic)) : 0;
        }
        else if (action == EnergyAction.ShiftAccumulate)
        {
            bitsA = row.Int(BitsA, 1, MaxIntegerBits);
        }
        else if (action.IsSram())
        {
            bitsA = row.Int(BitsA, 1, MaxWordBits);
        }
        else if (action.IsPerBit())
        {
            bitsA = row.FormatWidth(BitsA, 1);
        }
        else
        {
            row.RequireEmptyOr(BitsA, 1, $"{action.CsvName()} is priced per {(action.IsDram() ? "bit" : "PE-cycle")}");
        }
        if (action != EnergyAction.Multiply)
            row.RequireEmpty(BitsB, $"only multiply has a second width");

        long capacity = 0;
        if (action.IsSram())
            capacity = row.Long(CapacityBytes, 1);
        else
            row.RequireEmpty(CapacityBytes, "only SRAM rows have a capacity");

        DramKind? dram = null;
        if (action.IsDram())
        {
            var t = row.Text(Dram);
            if (!DramKinds.TryParse(t, out var kind))
                throw new InputException(t.Length == 0 ? $"is empty; a DRAM row needs its type ({string.Join(", ", DramKinds.CsvNames)})"
                    : $"unknown DRAM type '{t}' (known: {string.Join(", ", DramKinds.CsvNames)})", Dram);
            dram = kind;
        }
        else
        {
            row.RequireEmpty(Dram, "only DRAM rows have a DRAM type");
        }

        // Power laws go through ln E: their points must be positive.
        var mustBePositive = action.IsSram() || (action == EnergyAction.Multiply && arithmetic == Arithmetic.Integer);
        var energy = row.Energy(mustBePositive);

        var source = row.Text(Source);
        if (source.Length == 0)
            throw new InputException("is empty; every number needs its source (paper, tool or your synthesis run)", Source);

        return new EnergyPoint(new PointKey(action, arithmetic, bitsA, bitsB, capacity, dram), energy, source, origin, file, line);
    }

    public static int FloatBits(Arithmetic arithmetic) => arithmetic switch
    {
        Arithmetic.Fp16 or Arithmetic.Bf16 => 16,
        Arithmetic.Fp32 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(arithmetic), arithmetic, "not a float arithmetic"),
    };

    private static Arithmetic ParseArithmetic(string text) => text.Trim().ToLowerInvariant() switch
    {
        "" or "int" or "integer" => Arithmetic.Integer,
        "fp16" => Arithmetic.Fp16,
        "bf16" => Arithmetic.Bf16,
        "fp32" => Arithmetic.Fp32,
        var t => throw new InputException($"unknown arithmetic '{t}' (expected integer, fp16, bf16 or fp32)", ArithmeticColumn),
    };

    private static Dictionary<string, int> Header(string[] fields, string file, string location)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Length; i++)
        {
            var c = fields[i].Trim().ToLowerInvariant();
            if (!Known.Contains(c))
                throw new InputException($"unknown column '{fields[i]}' (known: {string.Join(", ", Known)})", file: file, location: location, field: fields[i]);
            if (!columns.TryAdd(c, i))
                throw new InputException($"column '{c}' appears twice", file: file, location: location, field: c);
        }
        foreach (var required in Required)
            if (!columns.ContainsKey(required))
                throw new InputException($"missing column '{required}' (required: {string.Join(", ", Required)})", file: file, location: location, field: required);
        return columns;
    }

    /// <summary>Field access by column name; absent columns read as empty; errors name the column.</summary>
    private readonly struct RowReader(Dictionary<string, int> columns, string[] fields)
    {
        public string Text(string column) => columns.TryGetValue(column, out var i) ? fields[i].Trim() : "";

        public void RequireEmpty(string column, string why)
        {
            if (Text(column) is { Length: > 0 } t)
                throw new InputException($"must be empty: {why}, got '{t}'", column);
        }

        public void RequireEmptyOr(string column, int allowed, string why)
        {
            var t = Text(column);
            if (t.Length > 0 && t != allowed.ToString(CultureInfo.InvariantCulture))
                throw new InputException($"must be empty or {allowed}: {why}, got '{t}'", column);
        }

        /// <summary>Empty or exactly <paramref name="width"/>; returns the width.</summary>
        public int FormatWidth(string column, int width)
        {
            var t = Text(column);
            if (t.Length > 0 && t != width.ToString(CultureInfo.InvariantCulture))
                throw new InputException($"must be empty or {width} for this row, got '{t}'", column);
            return width;
        }

        public int Int(string column, int min, int max)
        {
            var value = Long(column, min);
            return value <= max ? (int)value : throw new InputException($"must be at most {max}, got {value}", column);
        }

        public long Long(string column, long min)
        {
            var t = Text(column);
            if (t.Length == 0)
                throw new InputException("is empty; expected a whole number", column);
            if (!long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                throw new InputException($"'{t}' is not a whole number", column);
            return value >= min ? value : throw new InputException($"must be at least {min}, got {value}", column);
        }

        public EnergyPj Energy(bool positive)
        {
            var t = Text(EnergyPjColumn);
            if (t.Length == 0)
                throw new InputException("is empty; expected an energy in pJ", EnergyPjColumn);
            if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                throw new InputException($"'{t}' is not a number", EnergyPjColumn);
            if (value < 0)
                throw new InputException($"must be 0 or more (an energy cannot be negative), got {t}", EnergyPjColumn);
            if (value > MaxEnergyPj)
                throw new InputException($"must be at most {MaxEnergyPj:0e0} pJ (1 uJ) per action, got {t}", EnergyPjColumn);
            if (positive && value == 0)
                throw new InputException("must be more than 0 for this action (its law is a power law through the points)", EnergyPjColumn);
            return new EnergyPj(value);
        }
    }
}
