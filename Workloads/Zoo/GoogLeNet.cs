namespace HwSim.Workloads.Zoo;

/// <summary>
/// GoogLeNet (Inception v1) as in torchvision's googlenet.py, without the auxiliary classifiers
/// (they only run in training): Szegedy et al., "Going Deeper with Convolutions", CVPR 2015,
/// Table 1. Every convolution is torchvision's BasicConv2d (no bias, batch norm); the
/// classifier has a bias.
/// </summary>
/// <remarks>
/// Two torchvision details change the figures against the paper: the "5x5" branch uses a 3x3
/// convolution (a known slip kept for its pretrained weights), and every max pool uses
/// ceil_mode=True (112 pools to 56, not 55).
/// </remarks>
internal static class GoogLeNet
{
    public static Workload Build()
    {
        var b = new NetworkBuilder("googlenet");
        b.Conv("conv1.conv", 64, 7, 2, 3);
        b.Pool(3, 2, ceilMode: true);
        b.Conv("conv2.conv", 64, 1);
        b.Conv("conv3.conv", 192, 3, 1, 1);
        b.Pool(3, 2, ceilMode: true);
        Inception(b, "inception3a", 64, 96, 128, 16, 32, 32);
        Inception(b, "inception3b", 128, 128, 192, 32, 96, 64);
        b.Pool(3, 2, ceilMode: true);
        Inception(b, "inception4a", 192, 96, 208, 16, 48, 64);
        Inception(b, "inception4b", 160, 112, 224, 24, 64, 64);
        Inception(b, "inception4c", 128, 128, 256, 24, 64, 64);
        Inception(b, "inception4d", 112, 144, 288, 32, 64, 64);
        Inception(b, "inception4e", 256, 160, 320, 32, 128, 128);
        b.Pool(2, 2, ceilMode: true);
        Inception(b, "inception5a", 256, 160, 320, 32, 128, 128);
        Inception(b, "inception5b", 384, 192, 384, 48, 128, 128);
        b.AdaptivePool(1, 1);
        b.FullyConnected("fc", 1000); // after the dropout
        return b.Build();
    }

    // Four branches on the same input, concatenated along channels; arguments in torchvision's order.
    private static void Inception(NetworkBuilder b, string name, int ch1x1, int ch3x3red, int ch3x3,
        int ch5x5red, int ch5x5, int poolProj)
    {
        var x = b.Current;
        var branch1 = b.Conv($"{name}.branch1.conv", ch1x1, 1, from: x);
        b.Conv($"{name}.branch2.0.conv", ch3x3red, 1, from: x);
        var branch2 = b.Conv($"{name}.branch2.1.conv", ch3x3, 3, 1, 1);
        b.Conv($"{name}.branch3.0.conv", ch5x5red, 1, from: x);
        var branch3 = b.Conv($"{name}.branch3.1.conv", ch5x5, 3, 1, 1); // 3x3, not the paper's 5x5
        b.Current = x;
        b.Pool(3, 1, 1, ceilMode: true);
        var branch4 = b.Conv($"{name}.branch4.1.conv", poolProj, 1);
        b.Current = FeatureMap.Concat(branch1, branch2, branch3, branch4);
    }
}
