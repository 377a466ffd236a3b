using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Tensors;

namespace HwSim.Simulator.Reference;

/// <summary>
/// Operands of one layer from a quantizer's tensor dump: checked against the layer's shape and
/// formats before the reference engine sees them, so a dump of another network or precision is an
/// error naming the file, not a wrong result.
/// </summary>
internal static class RealOperands
{
    /// <summary>The operands and, when the dump has them, the integer outputs the quantizer computed.</summary>
    public static (ReferenceData Data, long[]? Expected) Load(LayerWorkload layer, TensorDumpLayer entry, string folder)
    {
        var p = layer.Precision;
        if (!string.Equals(entry.WeightFormat, p.Weight.Name, StringComparison.OrdinalIgnoreCase) || !string.Equals(entry.InputFormat, p.Input.Name, StringComparison.OrdinalIgnoreCase))
            throw new InputException($"layer '{layer.Name}' has codes of {entry.WeightFormat} x {entry.InputFormat} there, but the workload says {p.Weight.Name} x {p.Input.Name} (use the workload CSV written with the dump)", "tensors").At(Path.Combine(folder, TensorDump.ManifestName));
        var s = layer.Shape;
        var weights = Codes(Path.Combine(folder, entry.WeightFile), s.WeightElements, p.Weight, "weights");
        var input = Codes(Path.Combine(folder, entry.InputFile), s.InputElements, p.Input, "inputs");
        long[]? expected = null;
        if (entry.OutputFile is { } outputFile)
        {
            var output = NpyArray.Read(Path.Combine(folder, outputFile));
            var count = s.OutputElements;
            if (output.Values.Length != count)
                throw new InputException($"has {output.Values.Length:N0} outputs, layer '{layer.Name}' makes {count:N0}", "shape").At(Path.Combine(folder, outputFile));
            expected = output.Values;
        }
        return (new ReferenceData(layer, input, weights), expected);
    }

    public static long Mismatches(long[] actual, long[] expected)
    {
        long count = 0;
        for (var i = 0; i < expected.Length; i++)
            if (actual[i] != expected[i])
                count++;
        return count;
    }

    private static long[] Codes(string path, long elements, NumberFormat format, string what)
    {
        var array = NpyArray.Read(path);
        if (array.Values.Length != elements)
            throw new InputException($"has {array.Values.Length:N0} {what}, the layer has {elements:N0} (shape [{string.Join(", ", array.Shape)}])", "shape").At(path);
        var (min, max) = format.CodeRange ?? throw new InputException($"{format.Name} {what} have no integer codes", "format").At(path);
        for (var i = 0; i < array.Values.Length; i++)
        {
            var v = array.Values[i];
            if (v < min || v > max || (format.Kind == NumberKind.Binary && v == 0))
                throw new InputException($"{what} value {i} is {v}, outside {format.Name}'s codes {(format.Kind == NumberKind.Binary ? "-1/+1" : $"{min}..{max}")}", "data").At(path);
        }
        return array.Values;
    }
}
