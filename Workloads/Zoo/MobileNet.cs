namespace HwSim.Workloads.Zoo;

/// <summary>
/// MobileNet v1 1.0 at 224 (Howard et al., "MobileNets: Efficient Convolutional Neural Networks
/// for Mobile Vision Applications", arXiv:1704.04861, Table 1) and MobileNet v2 1.0 as in
/// torchvision's mobilenetv2.py (Sandler et al., "MobileNetV2: Inverted Residuals and Linear
/// Bottlenecks", CVPR 2018, Table 2). Convolutions have no bias and a batch norm; the
/// classifier has a bias.
/// </summary>
internal static class MobileNet
{
    public static Workload V1()
    {
        // Table 1 as (pointwise filters, depthwise stride) per depthwise-separable block.
        (int Filters, int Stride)[] blocks =
        [
            (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
            (512, 1), (512, 1), (512, 1), (512, 1), (512, 1),
            (1024, 2), (1024, 1),
        ];
        // torchvision has no MobileNet v1; the names follow Keras' mobilenet.py.
        var b = new NetworkBuilder("mobilenet_v1");
        b.Conv("conv1", 32, 3, 2, 1);
        for (var i = 0; i < blocks.Length; i++)
        {
            b.Depthwise($"conv_dw_{i + 1}", 3, blocks[i].Stride, 1);
            b.Conv($"conv_pw_{i + 1}", blocks[i].Filters, 1);
        }
        b.AdaptivePool(1, 1);
        b.FullyConnected("fc", 1000);
        return b.Build();
    }

    public static Workload V2()
    {
        // torchvision's inverted_residual_setting: expansion t, output channels c, repeats n, first stride s.
        (int T, int C, int N, int S)[] setting =
        [
            (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
            (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
        ];
        var b = new NetworkBuilder("mobilenet_v2");
        b.Conv("features.0.0", 32, 3, 2, 1);
        var index = 1;
        foreach (var (t, c, n, s) in setting)
        {
            for (var i = 0; i < n; i++, index++)
            {
                // torchvision's InvertedResidual numbers its submodules in order, so with the 1x1
                // expansion omitted (t = 1) the depthwise conv is conv.0 rather than conv.1.
                var prefix = $"features.{index}.conv";
                var step = 0;
                if (t != 1)
                    b.Conv($"{prefix}.{step++}.0", b.Current.Channels * t, 1);
                b.Depthwise($"{prefix}.{step++}.0", 3, i == 0 ? s : 1, 1);
                // The linear bottleneck: a bare conv (no ReLU6), hence no ".0" suffix.
                b.Conv($"{prefix}.{step}", c, 1);
            }
        }
        b.Conv($"features.{index}.0", 1280, 1);
        b.AdaptivePool(1, 1);
        b.FullyConnected("classifier.1", 1000); // classifier.0 is the dropout
        return b.Build();
    }
}
