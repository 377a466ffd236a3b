namespace HwSim.Simulator.Architecture;

/// <summary>
/// Off-chip DRAM device type (the architecture's <c>dram: { type: ... }</c>), for its energy
/// per bit, which the cost model takes per device and never scales with the logic node
/// (CostModel/Energy/Data/energy-45nm.csv). The default is
/// <see cref="Lpddr4"/>: HwSim models edge low-precision accelerators, whose off-chip memory is
/// LPDDR4 (the default machine's 16 B/cycle at 500 MHz is one LPDDR4 x16 channel), and the
/// Accelergy/Timeloop example architectures HwSim is compared against use LPDDR4 too. Presets
/// whose source states their DRAM use that type instead (Presets.cs: tpu-like, bismo-like and
/// finn-like DDR3, loom-like HBM2).
/// </summary>
public enum DramKind
{
    Lpddr4,
    Lpddr,
    Ddr3,
    Ddr4,
    Gddr5,
    Hbm2,
    Hmc,
}

/// <summary>CSV and command-line names of <see cref="DramKind"/>: lpddr4, ddr4, hbm2, ...</summary>
public static class DramKinds
{
    public const DramKind Default = DramKind.Lpddr4;

    public static string CsvName(this DramKind kind) => kind.ToString().ToLowerInvariant();

    public static IEnumerable<string> CsvNames => Enum.GetValues<DramKind>().Select(CsvName);

    public static bool TryParse(string name, out DramKind kind)
    {
        var t = name.Trim();
        foreach (var k in Enum.GetValues<DramKind>())
        {
            if (k.CsvName().Equals(t, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }
        kind = Default;
        return false;
    }
}
