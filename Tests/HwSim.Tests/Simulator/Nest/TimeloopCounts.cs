using System.Collections.Immutable;
using System.Globalization;
using HwSim.Simulator.Nest;
using HwSim.Tests.Support;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>One row of docs/examples/timeloop/nest/timeloop-counts.csv: Timeloop's per-instance counts of one level and operand.</summary>
public sealed record TimeloopRow(string Design, string Level, NestTensor Operand, long Instances, long Capacity, long Reads, long Fills, long Updates, long Cycles, long Computes)
{
    /// <summary>"simple_ws shared_glb Inputs": the test case's name.</summary>
    public override string ToString() => $"{Design} {Level} {Operand}";
}

/// <summary>
/// docs/examples/timeloop/nest/timeloop-counts.csv, written by extract.py (next to it) from the exercises'
/// timeloop-mapper.stats.txt (provenance in the file's header).
/// </summary>
internal static class TimeloopCounts
{
    public static string File { get; } = Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop", "nest", "timeloop-counts.csv");

    public static ImmutableArray<TimeloopRow> Rows { get; } = Read();

    private static ImmutableArray<TimeloopRow> Read()
    {
        var lines = System.IO.File.ReadLines(File).Where(l => !l.StartsWith('#')).ToList();
        const string header = "design,level,operand,instances,capacity,reads,fills,updates,cycles,computes";
        if (lines.Count == 0 || lines[0] != header)
            throw new InvalidDataException($"{File}: expected the header '{header}'");
        return [.. lines.Skip(1).Select(l => l.Split(',')).Select(f =>
        {
            long L(int i) => long.Parse(f[i], CultureInfo.InvariantCulture);
            return new TimeloopRow(f[0], f[1], Enum.Parse<NestTensor>(f[2]), L(3), L(4), L(5), L(6), L(7), L(8), L(9));
        })];
    }
}
