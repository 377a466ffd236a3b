using HwSim.Workloads.Shapes;

namespace HwSim.Simulator.Reference;

/// <summary>
/// The independent check of every engine's output: a convolution as plain loops over the
/// integer tensors, padding positions contributing nothing. Output is (N, K, P, Q) row-major.
/// </summary>
public static class ReferenceConvolution
{
    public static long[] Compute(ReferenceData data)
    {
        var s = data.Layer.Shape;
        var output = new long[s.OutputElements];
        var cPerGroup = s.Channels / s.Groups;
        var kPerGroup = s.Filters / s.Groups;
        for (var n = 0; n < s.Batch; n++)
            for (var k = 0; k < s.Filters; k++)
            {
                var g = k / kPerGroup;
                for (var p = 0; p < s.OutputHeight; p++)
                    for (var q = 0; q < s.OutputWidth; q++)
                    {
                        long sum = 0;
                        for (var c = 0; c < cPerGroup; c++)
                            for (var r = 0; r < s.KernelHeight; r++)
                            {
                                var h = p * s.StrideH - s.Padding.Top + r * s.DilationH;
                                if (h < 0 || h >= s.Height) continue;
                                for (var t = 0; t < s.KernelWidth; t++)
                                {
                                    var w = q * s.StrideW - s.Padding.Left + t * s.DilationW;
                                    if (w < 0 || w >= s.Width) continue;
                                    sum = sum + data.InputAt(n, g * cPerGroup + c, h, w) * data.WeightAt(k, c, r, t);
                                }
                            }
                        output[ReferenceData.OutputIndex(s, n, k, p, q)] = sum;
                    }
            }
        return output;
    }
}
