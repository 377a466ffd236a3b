namespace HwSim.Workloads.Zoo;

/// <summary>
/// ResNet-18/34 (basic blocks) and ResNet-50 v1.5 (bottlenecks, stride on the 3x3 conv), as in
/// torchvision's resnet.py: He et al., "Deep Residual Learning for Image Recognition", CVPR 2016.
/// Convolutions have no bias and a batch norm; the classifier has a bias.
/// </summary>
internal static class ResNet
{
    public static Workload Basic(string name, int[] blocks) =>
        Build(name, blocks, expansion: 1, (b, prefix, planes, stride) =>
        {
            b.Conv($"{prefix}.conv1", planes, 3, stride, 1);
            return b.Conv($"{prefix}.conv2", planes, 3, 1, 1);
        });

    public static Workload Bottleneck(string name, int[] blocks) =>
        Build(name, blocks, expansion: 4, (b, prefix, planes, stride) =>
        {
            b.Conv($"{prefix}.conv1", planes, 1);
            b.Conv($"{prefix}.conv2", planes, 3, stride, 1);
            return b.Conv($"{prefix}.conv3", planes * 4, 1);
        });

    /// <summary>
    /// Stem, four stages of residual blocks and the classifier. A block whose stride or width
    /// changes gets a 1x1 downsample conv on its shortcut, reading the block's input.
    /// </summary>
    private static Workload Build(string name, int[] blocks, int expansion, Func<NetworkBuilder, string, int, int, FeatureMap> block)
    {
        var b = new NetworkBuilder(name);
        b.Conv("conv1", 64, 7, 2, 3);
        b.Pool(3, 2, 1);
        var inplanes = 64;
        for (var stage = 0; stage < 4; stage++)
        {
            var planes = 64 << stage;
            for (var i = 0; i < blocks[stage]; i++)
            {
                var stride = stage > 0 && i == 0 ? 2 : 1;
                var prefix = $"layer{stage + 1}.{i}";
                var x = b.Current;
                var y = block(b, prefix, planes, stride);
                if (stride != 1 || inplanes != planes * expansion)
                    b.Conv($"{prefix}.downsample.0", planes * expansion, 1, stride, 0, downsample: true, from: x);
                b.Current = y;
                inplanes = planes * expansion;
            }
        }
        b.AdaptivePool(1, 1);
        b.FullyConnected("fc", 1000);
        return b.Build();
    }
}
