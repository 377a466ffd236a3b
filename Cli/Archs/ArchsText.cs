using System.Globalization;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Units;
using Spectre.Console;
using HwSim.Workloads.Import.Csv;

namespace HwSim.Cli.Archs;

/// <summary>Tables and CSV for architectures: one line per preset, or one row per unit.</summary>
internal static class ArchsText
{
    // Every key any registered kind has, once, in registration order; a unit's cell is empty where its kind has no such key.
    private static readonly string[] UnitColumns = ["name", "kind", "rows", "cols", .. UnitKinds.All.SelectMany(k => k.Parameters).Select(p => p.Key).Distinct()];

    // Keys files write only when on (UnitParameter.Written): a column only where some unit of the architecture has one.
    private static readonly HashSet<string> OptionalColumns = [.. UnitKinds.All.SelectMany(k => k.Parameters).Where(p => p.Written is not null).Select(p => p.Key)];

    private static string[] Columns(IReadOnlyList<IReadOnlyDictionary<string, object>> units) =>
        [.. UnitColumns.Where(c => !OptionalColumns.Contains(c) || units.Any(u => u.ContainsKey(c)))];

    public static Table ListTable(IReadOnlyList<(ArchitectureSpec Arch, string Description)> rows)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Built-in architectures (print one as YAML: hwsim archs NAME)");
        table.AddColumn("name").AddColumn("units").AddColumn(new TableColumn("clock MHz").RightAligned())
            .AddColumn(new TableColumn("DRAM B/cycle").RightAligned()).AddColumn(new TableColumn("storage KiB (buffers in/weight/out)").RightAligned())
            .AddColumn("what");
        foreach (var (arch, description) in rows)
            table.AddRow(Markup.Escape(arch.Name), Markup.Escape(string.Join("\n", arch.Units.Select(Summary))), Number(arch.ClockMhz),
                $"{Dram(arch.Dram)}\n{arch.Dram.Type.CsvName()}", Markup.Escape(Storage(arch.Buffers)), Markup.Escape(description));
        return table;
    }

    public static void ListCsv(TextWriter writer, IReadOnlyList<(ArchitectureSpec Arch, string Description)> rows)
    {
        // ifmap_kb, weight_kb, ofmap_kb: the capacity of the level holding each operand; word_bits empty when the levels differ; storage: every level.
        writer.WriteLine("name,units,clock_mhz,dram_bytes_per_cycle,ifmap_kb,weight_kb,ofmap_kb,word_bits,description,dram_type,storage");
        foreach (var (arch, description) in rows)
        {
            var b = arch.Buffers;
            writer.WriteLine(string.Join(",", Csv(arch.Name), Csv(string.Join("; ", arch.Units.Select(Summary))), Number(arch.ClockMhz), Dram(arch.Dram),
                Kib(b.IfmapBytes), Kib(b.WeightBytes), Kib(b.OfmapBytes), b.UniformWordBits ? b.WordBits.ToString(CultureInfo.InvariantCulture) : "", Csv(description),
                arch.Dram.Type.CsvName(), Csv(string.Join("; ", b.Levels.Select(Level)))));
        }
    }

    public static Table UnitsTable(ArchitectureSpec arch, string description)
    {
        var b = arch.Buffers;
        var storage = b.IsClassic ? $"buffers {Kib(b.IfmapBytes)} / {Kib(b.WeightBytes)} / {Kib(b.OfmapBytes)} KiB (in/weight/out), {b.WordBits}-bit words"
            : "storage " + string.Join("; ", b.Levels.Select(Level));
        var title = $"{arch.Name}: {Number(arch.ClockMhz)} MHz, DRAM {Dram(arch.Dram)} B/cycle ({arch.Dram.Type.CsvName()}), {storage}\n{description}";
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        var (columns, rows) = UnitCells(arch);
        foreach (var column in columns)
            table.AddColumn(column);
        foreach (var cells in rows)
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        return table;
    }

    public static void UnitsCsv(TextWriter writer, ArchitectureSpec arch)
    {
        var (columns, rows) = UnitCells(arch);
        writer.WriteLine(string.Join(",", columns));
        foreach (var cells in rows)
            writer.WriteLine(string.Join(",", cells.Select(Csv)));
    }

    /// <summary>The architecture's columns and each unit's values in that order, taken from the YAML tree so the names match the file; empty where its kind has no such key.</summary>
    private static (string[] Columns, IEnumerable<string[]> Rows) UnitCells(ArchitectureSpec arch)
    {
        var units = ((IEnumerable<object>)ArchitectureYaml.ToTree(arch)["units"]).Cast<IReadOnlyDictionary<string, object>>().ToList();
        var columns = Columns(units);
        return (columns, units.Select(unit => columns.Select(c => unit.TryGetValue(c, out var v) ? Text(v) : "").ToArray()));
    }

    /// <summary>"lowbit: bitserial 16x16, 16 lanes, serial activations, up to 8 bits".</summary>
    public static string Summary(UnitSpec unit) => UnitKinds.Of(unit).Summary(unit);

    /// <summary>"256 / 256 / 128" for the classic three buffers, else one line per level.</summary>
    private static string Storage(BufferSpec b) =>
        b.IsClassic ? $"{Kib(b.IfmapBytes)} / {Kib(b.WeightBytes)} / {Kib(b.OfmapBytes)}" : string.Join("\n", b.Levels.Select(Level));

    /// <summary>"glb 128 KiB in+out, 64-bit, 32 banks, single-buffered".</summary>
    private static string Level(StorageLevel l) =>
        $"{l.Name} {Kib(l.CapacityBytes)} KiB {string.Join("+", l.Holds.Select(k => k switch { BufferKind.Ifmap => "in", BufferKind.Weight => "weight", _ => "out" }))}, {l.WordBits}-bit"
        + (l.Banks == 1 ? "" : $", {l.Banks} banks") + (l.DoubleBuffered ? "" : ", single-buffered");

    private static string Dram(DramSpec dram) => dram.BandwidthBytesPerCycle is { } bw ? bw.ToString(CultureInfo.InvariantCulture) : "unlimited";

    private static string Kib(long bytes) => Number(bytes / 1024.0);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Text(object value) => value switch
    {
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Csv(string text) => CsvText.Field(text);
}
