using System.Collections.Immutable;
using HwSim.Workloads;

namespace HwSim.Simulator.Architecture;

/// <summary>
/// An accelerator: clock, DRAM channel, on-chip buffers shared by its units, and the units.
/// Immutable; built by the YAML loader or the presets after validation.
/// </summary>
public sealed record ArchitectureSpec
{
    public ArchitectureSpec(string name, double clockMhz, DramSpec dram, BufferSpec buffers, IEnumerable<UnitSpec> units)
    {
        Name = name;
        ClockMhz = clockMhz;
        Dram = dram;
        Buffers = buffers;
        Units = [.. units];
    }

    public string Name { get; init => field = string.IsNullOrWhiteSpace(value) ? throw new InputException("an architecture needs a name", "name") : value.Trim(); }

    /// <summary>Array clock in MHz (cycles become seconds with it; nothing else depends on it).</summary>
    public double ClockMhz { get; init => field = value is >= MinClockMhz and <= MaxClockMhz ? value : throw new InputException($"must be {MinClockMhz} to {MaxClockMhz:N0} MHz (1 kHz to 100 GHz), got {value}", "clock_mhz"); }

    /// <summary>
    /// Bounds of a plausible array clock: silicon accelerators run from tens of MHz (FPGAs) to a few
    /// GHz; 1 kHz and 100 GHz leave ample room for studies while keeping times and rates finite and non-zero.
    /// </summary>
    public const double MinClockMhz = 0.001, MaxClockMhz = 100_000;

    /// <summary>Layers one after another (the default) or FINN-style, one unit per layer all running at once.</summary>
    public Execution Execution { get; init; } = Execution.LayerSequential;

    public DramSpec Dram { get; init => field = Checked(value ?? throw new InputException("must be given", "dram"), Buffers).Dram; }

    public BufferSpec Buffers { get; init => field = Checked(Dram, value ?? throw new InputException("must be given", "buffers")).Buffers; }

    /// <summary>
    /// The engines request the next block's fills while the array still works on the current one
    /// (Simulator/README.md section 4); only a double-buffered level has room for both. A
    /// single-buffered level is therefore exact only when transfers take no time.
    /// </summary>
    private static (DramSpec Dram, BufferSpec Buffers) Checked(DramSpec? dram, BufferSpec? buffers)
    {
        if (dram is { IsUnlimited: false } && buffers?.Levels.FirstOrDefault(l => !l.DoubleBuffered) is { } single)
            throw new InputException($"level '{single.Name}' is single-buffered, which needs an unlimited DRAM channel: the engines fetch the next block while the array works on the current one, which only a double-buffered level has room for", "storage");
        return (dram!, buffers!);
    }

    public ImmutableArray<UnitSpec> Units
    {
        get;
        init
        {
            if (value.IsDefaultOrEmpty)
                throw new InputException("an architecture needs at least one unit", "units");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var u in value)
                if (!names.Add(u.Name))
                    throw new InputException($"unit name '{u.Name}' appears twice", "units[].name");
            field = value;
        }
    }

    public bool Equals(ArchitectureSpec? other) =>
        other is not null && Name == other.Name && ClockMhz.Equals(other.ClockMhz) && Execution == other.Execution && Dram == other.Dram && Buffers == other.Buffers && Units.SequenceEqual(other.Units);

    public override int GetHashCode() => HashCode.Combine(Name, ClockMhz, Dram, Buffers, Units.Length);
}
