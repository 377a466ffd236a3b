namespace HwSim.Workloads.Zoo;

/// <summary>
/// The plain conv-pool-fc networks, as in torchvision's alexnet.py and vgg.py.
/// AlexNet is torchvision's variant: the single-tower widths (64, 192, 384, 256, 256) of
/// Krizhevsky, "One weird trick for parallelizing convolutional neural networks", arXiv:1404.5997,
/// not the two-GPU widths of the 2012 paper. VGG-16 is configuration D of Simonyan and Zisserman,
/// "Very Deep Convolutional Networks for Large-Scale Image Recognition", ICLR 2015, without batch norm.
/// Every layer has a bias and no batch norm; dropout and ReLU are not layers here.
/// </summary>
internal static class Classic
{
    public static Workload AlexNet()
    {
        // Names are torchvision's state-dict keys: indices count the ReLUs, pools and dropouts in between.
        var b = new NetworkBuilder("alexnet");
        b.Conv("features.0", 64, 11, 4, 2, bias: true, batchNorm: false);
        b.Pool(3, 2);
        b.Conv("features.3", 192, 5, 1, 2, bias: true, batchNorm: false);
        b.Pool(3, 2);
        b.Conv("features.6", 384, 3, 1, 1, bias: true, batchNorm: false);
        b.Conv("features.8", 256, 3, 1, 1, bias: true, batchNorm: false);
        b.Conv("features.10", 256, 3, 1, 1, bias: true, batchNorm: false);
        b.Pool(3, 2);
        // At 224x224 the map is already 6x6, so the adaptive pool is an identity kept for other input sizes.
        b.AdaptivePool(6, 6);
        b.FullyConnected("classifier.1", 4096);
        b.FullyConnected("classifier.4", 4096);
        b.FullyConnected("classifier.6", 1000);
        return b.Build();
    }

    public static Workload Vgg16()
    {
        // Configuration D; 0 marks a 2x2 stride-2 max pool, as 'M' does in torchvision's cfgs table.
        int[] config = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0];
        var b = new NetworkBuilder("vgg16");
        var index = 0;
        foreach (var filters in config)
        {
            if (filters == 0)
            {
                b.Pool(2, 2);
                index++;
            }
            else
            {
                b.Conv($"features.{index}", filters, 3, 1, 1, bias: true, batchNorm: false);
                index += 2; // the conv and its ReLU
            }
        }
        b.AdaptivePool(7, 7);
        b.FullyConnected("classifier.0", 4096);
        b.FullyConnected("classifier.3", 4096);
        b.FullyConnected("classifier.6", 1000);
        return b.Build();
    }
}
