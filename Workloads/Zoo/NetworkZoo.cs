using System.Collections.Immutable;

namespace HwSim.Workloads.Zoo;

/// <summary>
/// The built-in networks at 224x224, batch 1, fp32 everywhere. Layer tables are written from the
/// published architectures (torchvision's model definitions where a variant matters); they need
/// no libtorch. Pinned totals are in the tests and the README.
/// </summary>
public static class NetworkZoo
{
    private static readonly ImmutableArray<ZooEntry> Entries =
    [
        new("alexnet", "AlexNet, torchvision variant (Krizhevsky 2014 'one weird trick' widths)", Classic.AlexNet),
        new("vgg16", "VGG-16, configuration D, no batch norm (Simonyan & Zisserman 2015)", Classic.Vgg16),
        new("resnet18", "ResNet-18 (He et al. 2016), torchvision", () => ResNet.Basic("resnet18", [2, 2, 2, 2])),
        new("resnet34", "ResNet-34 (He et al. 2016), torchvision", () => ResNet.Basic("resnet34", [3, 4, 6, 3])),
        new("resnet50", "ResNet-50 v1.5 (stride on the 3x3 conv), torchvision", () => ResNet.Bottleneck("resnet50", [3, 4, 6, 3])),
        new("mobilenet_v1", "MobileNet v1 1.0, 1000 classes (Howard et al. 2017)", MobileNet.V1),
        new("mobilenet_v2", "MobileNet v2 1.0 (Sandler et al. 2018), torchvision", MobileNet.V2),
        new("googlenet", "GoogLeNet / Inception v1 without aux classifiers (Szegedy et al. 2015), torchvision", GoogLeNet.Build),
    ];

    /// <summary>Names of the built-in networks, in the order they are listed.</summary>
    public static ImmutableArray<string> Names => [.. Entries.Select(e => e.Name)];

    /// <summary>One line describing the network and its source.</summary>
    public static string Describe(string name) => Find(name).Description;

    /// <summary>Whether <paramref name="name"/> is a built-in network (case-insensitive).</summary>
    public static bool Contains(string name) => Entries.Any(e => e.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The network's workload; throws <see cref="InputException"/> naming the known networks otherwise.</summary>
    public static Workload Get(string name) => Find(name).Build();

    private static ZooEntry Find(string name) =>
        Entries.FirstOrDefault(e => e.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InputException($"unknown network '{name}' (built-in: {string.Join(", ", Entries.Select(e => e.Name))}; or give a .csv or .onnx file)");

    private sealed record ZooEntry(string Name, string Description, Func<Workload> Build);
}
