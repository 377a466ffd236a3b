using HwSim.Workloads.Import;
using System.Collections.Immutable;
using HwSim.CostModel.Quantities;
using HwSim.CostModel.Technology;
using HwSim.Workloads;
using HwSim.Workloads.Formats;

namespace HwSim.CostModel.Area;

/// <summary>
/// The Area Reference Table (ART): published component areas at 45 nm with their sources
/// (<c>Area/Data/area-45nm.csv</c>, embedded), optionally overridden by user files of the same
/// schema, and the laws built on them. Immutable: loading builds a new table.
/// </summary>
public sealed class AreaTable
{
    private const string DefaultResource = "area-45nm.csv";

    private static readonly Lazy<AreaTable> BuiltIn = new(() => new AreaTable(ReadDefault()));

    private AreaTable(ImmutableArray<AreaRow> entries)
    {
        Entries = entries;
        Laws = new AreaLaws(entries);
    }

    /// <summary>The built-in table: published points only.</summary>
    public static AreaTable Default => BuiltIn.Value;

    /// <summary>
    /// The built-in table with each file applied in order: a row replaces the entry with the same
    /// (component, bits_a, bits_b), other rows are added. Errors are <see cref="InputException"/>s
    /// naming the file, the line and the field.
    /// </summary>
    public static AreaTable Load(params string[] files)
    {
        var entries = Default.Entries.ToList();
        foreach (var file in files)
        {
            using var text = CsvFiles.OpenText(file);
            foreach (var (_, row) in AreaTableCsv.Read(text, file))
            {
                var at = entries.FindIndex(e => e.Key == row.Key);
                if (at >= 0) entries[at] = row;
                else entries.Add(row);
            }
        }
        return new AreaTable([.. entries]);
    }

    /// <summary>The table's points at 45 nm, built-in order with overrides in place and additions last.</summary>
    public ImmutableArray<AreaRow> Entries { get; }

    /// <summary>Areas for any width from these points.</summary>
    public AreaLaws Laws { get; }

    /// <summary>The fitted laws (the SRAM power law), for <c>hwsim table</c>.</summary>
    public ImmutableArray<FitReport> Fits => [Laws.Sram.Fit];

    /// <summary>
    /// What <c>hwsim table</c> prints: every entry, then the derived gate areas the PE laws use,
    /// then the float PEs, each scaled to the target node by <see cref="TechnologyScaling.AreaFactor"/>.
    /// </summary>
    public IReadOnlyList<AreaRow> Rows(TechnologyScaling scaling)
    {
        var factor = AreaModel.CheckedFactor(scaling);
        var note = factor == 1 ? "" : $"; x{AreaLaws.F(factor)} from {scaling.Source.Name} to {scaling.Target.Name} (Stillmaker and Baas 2017 area factors, C)";
        var derived = new (string Name, SourcedArea Value)[]
        {
            ("full_adder", Laws.FullAdder),
            ("and_gate", Laws.AndGate),
            ("xnor_gate", Laws.XnorGate),
        };
        var floatPes = new[] { NumberFormat.Fp16, NumberFormat.Fp32 }.Select(f =>
            new AreaRow("pe_" + f.Name, f.Bits, f.Bits, PeAreas.Float(f, Laws, factor).Total, $"D: {f} multiplier + fp32 adder + {2 * f.Bits + 32} register bits (Horowitz S, not confirmed; Aladdin C){note}"));
        return
        [
            .. Entries.Select(e => e with { Area = e.Area * factor, Source = e.Source + note }),
            .. derived.Select(d => new AreaRow(d.Name, 1, 0, d.Value.Area * factor, d.Value.Source + note)),
            .. floatPes,
        ];
    }

    private static ImmutableArray<AreaRow> ReadDefault()
    {
        var assembly = typeof(AreaTable).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + DefaultResource, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var text = new StreamReader(stream);
        return [.. AreaTableCsv.Read(text, DefaultResource + " (built in)").Select(r => r.Row)];
    }
}
