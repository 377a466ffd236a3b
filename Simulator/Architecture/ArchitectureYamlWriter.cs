using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using HwSim.Simulator.Units;
using Schema = HwSim.Simulator.Architecture.ArchitectureYamlSchema;

namespace HwSim.Simulator.Architecture;

/// <summary>
/// Writes an architecture as the file the reader takes: every value explicit (no defaults left
/// implicit, so a file still means the same machine if a default changes), one flow mapping per
/// unit, in the schema's key order.
/// </summary>
internal static partial class ArchitectureYamlWriter
{
    /// <summary>
    /// The file as ordered nodes: the classic <c>dram:</c> and <c>buffers:</c> keys when the
    /// storage is three split double-buffered buffers (<see cref="BufferSpec.IsClassic"/>) and
    /// <paramref name="storageForm"/> is false, else the <c>storage:</c> list.
    /// </summary>
    public static OrderedDictionary<string, object> Tree(ArchitectureSpec arch, bool storageForm = false)
    {
        var tree = new OrderedDictionary<string, object>
        {
            ["version"] = Schema.Version,
            ["name"] = arch.Name,
            ["clock_mhz"] = arch.ClockMhz,
            ["execution"] = arch.Execution.Name(),
        };
        if (arch.Buffers.IsClassic && !storageForm)
        {
            tree["dram"] = new OrderedDictionary<string, object>
            {
                ["type"] = arch.Dram.Type.CsvName(),
                ["bandwidth_bytes_per_cycle"] = arch.Dram.BandwidthBytesPerCycle is { } bw ? bw : Schema.Unlimited,
            };
            tree["buffers"] = new OrderedDictionary<string, object>
            {
                // bytes / 1024 is exact in a double for any size below 2^53 bytes, so the file reads back to the same bytes.
                ["ifmap_kb"] = arch.Buffers.IfmapBytes / 1024.0,
                ["weight_kb"] = arch.Buffers.WeightBytes / 1024.0,
                ["ofmap_kb"] = arch.Buffers.OfmapBytes / 1024.0,
                ["word_bits"] = arch.Buffers.WordBits,
            };
        }
        else
        {
            var dram = new OrderedDictionary<string, object>
            {
                ["name"] = "DRAM",
                ["class"] = Schema.StorageDram,
                ["type"] = arch.Dram.Type.CsvName(),
                ["bandwidth_bytes_per_cycle"] = arch.Dram.BandwidthBytesPerCycle is { } bw ? bw : Schema.Unlimited,
            };
            // The DRAM entry is named "DRAM"; a level of that name would clash, so it gets a suffix.
            var dramName = arch.Buffers.Levels.Any(l => l.Name == "DRAM") ? "DRAM_main" : "DRAM";
            dram["name"] = dramName;
            tree["storage"] = arch.Buffers.Levels.Select(Level).Prepend(dram).ToList<object>();
        }
        tree["units"] = arch.Units.Select(Unit).ToList<object>();
        return tree;
    }

    private static OrderedDictionary<string, object> Level(StorageLevel level) => new()
    {
        ["name"] = level.Name,
        ["class"] = Schema.StorageSram,
        ["capacity_kb"] = level.CapacityBytes / 1024.0,
        ["word_bits"] = level.WordBits,
        ["banks"] = level.Banks,
        ["double_buffered"] = level.DoubleBuffered,
        ["holds"] = level.Holds.Select(k => (object)Schema.StorageOperands[(int)k]).ToList(),
        ["instances"] = Schema.StorageGlobal,
    };

    private static OrderedDictionary<string, object> Unit(UnitSpec unit)
    {
        var tree = new OrderedDictionary<string, object>
        {
            ["name"] = unit.Name,
            ["kind"] = unit.Kind,
            ["rows"] = unit.Rows,
            ["cols"] = unit.Cols,
        };
        foreach (var p in UnitKinds.Of(unit).Parameters)
            if (p.Written?.Invoke(unit) ?? true)
                tree[p.Key] = p.Value(unit);
        return tree;
    }

    public static string Yaml(ArchitectureSpec arch, bool storageForm = false)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in Tree(arch, storageForm))
        {
            switch (value)
            {
                case List<object> list:
                    text.Append(key).Append(":\n");
                    foreach (var item in list)
                        text.Append("  - ").Append(Scalar(item)).Append('\n');
                    break;
                default:
                    text.Append(key).Append(": ").Append(Scalar(value)).Append('\n');
                    break;
            }
        }
        return text.ToString();
    }

    private static string Scalar(object value) => value switch
    {
        OrderedDictionary<string, object> map => "{ " + string.Join(", ", map.Select(p => $"{p.Key}: {Scalar(p.Value)}")) + " }",
        List<object> list => "[" + string.Join(", ", list.Select(Scalar)) + "]",
        string s => Quote(s),
        bool b => b ? "true" : "false",
        // Shortest text that parses back to the same double ("0.5", "256", "1E+20").
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"no YAML form for {value.GetType().Name}"),
    };

    /// <summary>Plain when YAML would read it back as the same string, else double-quoted with escapes.</summary>
    private static string Quote(string s)
    {
        if (PlainSafe().IsMatch(s) && !Reserved.Contains(s))
            return s;
        var quoted = new StringBuilder("\"");
        foreach (var c in s)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return quoted.Append('"').ToString();
    }

    // Words YAML 1.1/1.2 readers may take as booleans or null; quoted so other tools read a string too.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
        { "true", "false", "yes", "no", "on", "off", "y", "n", "null" };

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.+\-]*$")]
    private static partial Regex PlainSafe();
}
