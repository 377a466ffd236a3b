using System.Globalization;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Workloads.Transforms;

/// <summary>
/// Widens a network by a factor k, as WRPN does to win back the accuracy that reduced precision
/// loses: "increase the number of filter maps in a layer" (Mishra, Nurvitadhi, Cook, Marr,
/// "WRPN: Wide Reduced-Precision Networks", ICLR 2018). Every channel count x becomes
/// round(x·k) (halves away from zero, at least 1); the network's input channels (the first
/// layer's C) and its class count (the last layer's K) stay as they are.
/// </summary>
/// <remarks>
/// <para>A <see cref="Workload"/> is a list, not a graph, so a layer cannot ask which layer feeds
/// it. Each layer's C and K are therefore widened independently by the same function of the
/// count alone: a consumer whose C equals its producer's K gets the same widened number, so
/// sequential chains, residual shortcuts and MobileNet's expansions stay connected. Where a
/// layer reads a concatenation (GoogLeNet's inception outputs), round(a·k) + round(b·k) can
/// differ from round((a + b)·k) by up to half a channel per branch at a fractional k; at a whole
/// k every rule here is exact.</para>
/// <para>Fully connected layers on a flattened feature map (AlexNet's and VGG's classifiers:
/// C = channels · h · w) widen the channel factor, not the product: C' = K'_prev · h · w. A
/// fully connected layer counts as flattened when the layer before it in the list is a
/// convolution whose K divides C with a quotient that is a perfect square s² (an s x s map;
/// adaptive pooling to a square is what the zoo and torchvision use). A quotient of 1 is the
/// ordinary case (ResNet's FC after global pooling); a non-square quotient (GoogLeNet's FC after
/// the concatenation, 1024 = 8 x 128) is treated as plain channels.</para>
/// <para>Groups: a depthwise convolution stays depthwise (groups = C', K' = C' times its channel
/// multiplier); any other grouped convolution keeps its group count and rounds C' and K' to the
/// nearest multiple of it (at least one per group). Batch, spatial sizes, kernel, stride,
/// padding and dilation never change. An accumulator that was the derived one
/// (<see cref="OperandPrecision.AccumulatorFor"/>) is derived again for the longer dot product;
/// one given explicitly is kept.</para>
/// </remarks>
public static class Widening
{
    /// <summary>
    /// The network with every layer's channels multiplied by <paramref name="k"/> as described on
    /// the type. k = 1 returns an equal workload; k may be below 1 (thinning) as long as it is
    /// positive and finite.
    /// </summary>
    /// <param name="workload">The network; layers in the order they run (the first reads the input, the last gives the classes).</param>
    /// <param name="k">Width multiplier, dimensionless, &gt; 0.</param>
    /// <exception cref="InputException">A widened layer is too large (channels above int range or MACs above 64 bits).</exception>
    public static Workload Widen(Workload workload, double k)
    {
        ArgumentNullException.ThrowIfNull(workload);
        if (!double.IsFinite(k) || k <= 0)
            throw new ArgumentOutOfRangeException(nameof(k), k, "a width multiplier is a positive finite number");
        var layers = workload.Layers;
        var widened = new LayerWorkload[layers.Length];
        for (var i = 0; i < layers.Length; i++)
        {
            var layer = layers[i];
            try
            {
                widened[i] = WidenLayer(layer, k, i == 0, i == layers.Length - 1, i == 0 ? null : (layers[i - 1], widened[i - 1]));
            }
            catch (InputException e)
            {
                throw e.At(null, $"layer '{layer.Name}' widened x{k.ToString("0.###", CultureInfo.InvariantCulture)}");
            }
        }
        var name = k == 1 ? workload.Name : $"{workload.Name} x{k.ToString("0.###", CultureInfo.InvariantCulture)}";
        return new Workload(name, widened);
    }

    /// <summary>round(<paramref name="count"/>·<paramref name="k"/>), halves away from zero, at least 1: the one rule every channel count follows.</summary>
    public static int Scale(int count, double k)
    {
        var x = Math.Max(1.0, Math.Round(count * k, MidpointRounding.AwayFromZero));
        return x <= int.MaxValue ? (int)x : throw new InputException($"{count} channels x {k} = {x} channels, more than {int.MaxValue}", "width");
    }

    private static LayerWorkload WidenLayer(LayerWorkload layer, double k, bool first, bool last, (LayerWorkload Old, LayerWorkload New)? previous)
    {
        var s = layer.Shape;
        int channels, filters, groups;
        if (s.IsDepthwise)
        {
            // One filter (or a fixed multiplier of filters) per channel: the channel count decides
            // everything, so a depthwise layer that reads the input or gives the classes keeps its shape.
            channels = first || last ? s.Channels : Scale(s.Channels, k);
            filters = first || last ? s.Filters : channels * (s.Filters / s.Channels);
            groups = channels;
        }
        else
        {
            channels = first ? s.Channels : FlattenedInput(s, previous) ?? Scale(s.Channels, k);
            filters = last ? s.Filters : Scale(s.Filters, k);
            groups = s.Groups;
            if (groups > 1)
            {
                // Kept counts (input, classes) are already multiples of the groups.
                channels = first ? channels : MultipleOf(s.Channels * k, groups);
                filters = last ? filters : MultipleOf(s.Filters * k, groups);
            }
        }
        if (channels == s.Channels && filters == s.Filters && groups == s.Groups)
            return layer;
        var shape = new LayerShape(s.Kind, s.Batch, channels, s.Height, s.Width, filters, s.KernelHeight, s.KernelWidth,
            s.StrideH, s.StrideW, s.Padding, s.DilationH, s.DilationW, groups);
        var p = layer.Precision;
        // A derived accumulator was sized for the old dot-product length (b_w + b_a + ceil(log2 n)); a longer one may need more bits.
        var derived = p.Accumulator == OperandPrecision.AccumulatorFor(p.Weight, p.Input, s.GemmK);
        var precision = derived ? p with { Accumulator = OperandPrecision.AccumulatorFor(p.Weight, p.Input, shape.GemmK) } : p;
        return layer with { Shape = shape, Precision = precision };
    }

    /// <summary>
    /// For a fully connected layer on a flattened s x s map of the previous convolution's output:
    /// the widened channels times s². Null when the layer is not one (see the type's remarks).
    /// </summary>
    private static int? FlattenedInput(LayerShape s, (LayerWorkload Old, LayerWorkload New)? previous)
    {
        if (s.Kind != LayerKind.FullyConnected || previous is not { } prev || prev.Old.Kind != LayerKind.Convolution)
            return null;
        var producer = prev.Old.Shape.Filters;
        if (s.Channels % producer != 0)
            return null;
        var area = s.Channels / producer;
        var side = (int)Math.Round(Math.Sqrt(area));
        if (area == 1 || side * side != area)
            return null;
        return prev.New.Shape.Filters * area;
    }

    /// <summary>x rounded to the nearest multiple of <paramref name="groups"/>, at least one per group.</summary>
    private static int MultipleOf(double x, int groups)
    {
        var perGroup = Math.Max(1.0, Math.Round(x / groups, MidpointRounding.AwayFromZero));
        var total = perGroup * groups;
        return total <= int.MaxValue ? (int)total : throw new InputException($"{x} channels in {groups} groups is more than {int.MaxValue}", "width");
    }
}
