using System.Collections.Immutable;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;

namespace HwSim.Workloads;

/// <summary>
/// A named, ordered list of layers. Totals are computed from the layers, never stored, so they
/// cannot disagree with them.
/// </summary>
public sealed record Workload
{
    public Workload(string name, IEnumerable<LayerWorkload> layers)
    {
        Name = name;
        Layers = [.. layers];
    }

    public string Name
    {
        get;
        init => field = string.IsNullOrWhiteSpace(value) ? throw new InputException("a workload needs a non-empty name", "name") : value.Trim();
    }

    public ImmutableArray<LayerWorkload> Layers
    {
        get;
        init
        {
            if (value.IsDefaultOrEmpty)
                throw new InputException("a workload needs at least one layer", "layers");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            LayerWorkload? batched = null;
            foreach (var layer in value)
            {
                ArgumentNullException.ThrowIfNull(layer);
                if (!seen.Add(layer.Name))
                    throw new InputException($"layer name '{layer.Name}' appears twice; names must be unique", "name");
                if (layer.Kind == Shapes.LayerKind.Gemm)
                    continue;
                batched ??= layer;
                if (layer.Shape.Batch != batched.Shape.Batch)
                    throw new InputException($"layer '{layer.Name}' has batch {layer.Shape.Batch} but layer '{batched.Name}' has batch {batched.Shape.Batch}; every layer of a workload runs on the same batch", "n");
            }
            // Totals must fit too (each layer's were checked when it was built).
            try
            {
                _ = value.Sum(l => l.Macs);
                _ = value.Sum(l => l.BitOperations);
                _ = value.Sum(l => l.Parameters);
            }
            catch (OverflowException)
            {
                throw new InputException("the workload is too large: its total MAC, bit-operation or parameter count does not fit in 64 bits", "layers");
            }
            field = value;
        }
    }

    /// <summary>
    /// Inputs per run: the batch every convolution and fully connected layer shares (a plain GEMM
    /// holds its batch in M and has batch 1); 1 for a workload of GEMMs only. "Per inference"
    /// figures divide by it.
    /// </summary>
    public int Batch => Layers.FirstOrDefault(l => l.Kind != Shapes.LayerKind.Gemm)?.Shape.Batch ?? 1;

    public long Macs => Layers.Sum(l => l.Macs);

    public long Parameters => Layers.Sum(l => l.Parameters);

    public long BitOperations => Layers.Sum(l => l.BitOperations);

    /// <summary>MACs and bit-operations grouped by (weight format, input format), in order of first appearance.</summary>
    public ImmutableArray<FormatTotals> ByFormat =>
        [.. Layers.GroupBy(l => (l.Precision.Weight, l.Precision.Input))
            .Select(g => new FormatTotals(g.Key.Weight, g.Key.Input, g.Count(), g.Sum(l => l.Macs), g.Sum(l => l.BitOperations)))];

    /// <summary>The same network with every layer passed through <paramref name="map"/>.</summary>
    public Workload Map(Func<LayerWorkload, LayerWorkload> map) => this with { Layers = [.. Layers.Select(map)] };

    // ImmutableArray compares by reference; two workloads are equal when their layers are.
    public bool Equals(Workload? other) =>
        other is not null && Name == other.Name && Layers.SequenceEqual(other.Layers);

    public override int GetHashCode() => HashCode.Combine(Name, Layers.Length, Layers.IsDefaultOrEmpty ? null : Layers[0]);

    public override string ToString() => $"{Name}: {Layers.Length} layers, {Macs:N0} MACs";
}

/// <summary>Totals of the layers that share a (weight, input) format pair.</summary>
public sealed record FormatTotals(NumberFormat Weight, NumberFormat Input, int Layers, long Macs, long BitOperations);
