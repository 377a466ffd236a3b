using System.Globalization;
using HwSim.Quantizer.Methods;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Import;
using HwSim.Workloads.Precision;
using YamlDotNet.RepresentationModel;

namespace HwSim.Quantizer.Training;

/// <summary>One training run of a tradeoff grid: a configuration at one seed. Id is its position in the expanded grid.</summary>
public sealed record TradeoffPoint(int Id, TrainingSpec Spec)
{
    /// <summary>
    /// Folder name of the point, by configuration and seed (not by id), e.g. <c>xnor-w1a1-fp32-k2-s1</c>: a grid
    /// extended with more configurations or seeds keeps the finished points of the grid it extends.
    /// </summary>
    public string Folder => string.Create(CultureInfo.InvariantCulture, $"{Spec.MethodLabel}-k{Spec.Width:0.###}-s{Spec.Seed}");

    /// <summary>The configuration without the seed: points that differ only in seed are one configuration.</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"{Spec.MethodLabel} k={Spec.Width:0.###}");
}

/// <summary>
/// The grid of <c>hwsim tradeoff</c>, from a YAML file:
/// <code>
/// network: compact-vgg      # or resnet20
/// seeds: [1, 2]
/// epochs: 4                 # fp32 epochs (shared by every configuration of a width and seed)
/// qat_epochs: 3             # fine-tuning epochs
/// train_count: 5000         # balanced cut of the training set (omit: all)
/// test_count: 5000          # balanced cut of the test set (omit: all)
/// batch_size: 64
/// threads: 1                # libtorch threads per run (recorded)
/// configs:
///   - {method: fp32, widths: [1, 2]}
///   - {method: pact, wbits: 4, abits: 2, first_last: [fp32, int8, same], widths: [1]}
///   - {method: xnor, wbits: 1, abits: 1, first_last: [fp32], widths: [1, 2, 4]}
/// </code>
/// Points are configs x widths x first_last x seeds in file order, so ids are stable for a given file.
/// </summary>
public sealed record TradeoffGrid(string Network, IReadOnlyList<TradeoffPoint> Points, string File)
{
    private static readonly string[] TopKeys = ["network", "seeds", "epochs", "qat_epochs", "train_count", "test_count", "batch_size", "threads", "lr", "qat_lr", "configs"];
    private static readonly string[] ConfigKeys = ["method", "wbits", "abits", "first_last", "widths"];

    public static TradeoffGrid Read(string path)
    {
        var root = YamlDocuments.LoadSingle(InputFiles.ReadAllText(path), path, "a tradeoff grid") as YamlMappingNode
            ?? throw new InputException("must be a mapping with network, seeds, epochs, qat_epochs and configs", null, path);
        foreach (var key in root.Children.Keys)
            if (key is not YamlScalarNode { Value: { } k } || !TopKeys.Contains(k))
                throw new InputException($"unknown key (known: {string.Join(", ", TopKeys)})", (key as YamlScalarNode)?.Value, path, YamlDocuments.Line(key));
        string Text(string key, string fallback) => root.Children.TryGetValue(new YamlScalarNode(key), out var v)
            ? (v as YamlScalarNode)?.Value ?? throw new InputException("must be a single value", key, path, YamlDocuments.Line(v)) : fallback;
        int? OptionalInt(string key) => root.Children.TryGetValue(new YamlScalarNode(key), out var v) ? Int(v, key, path) : null;
        double Double(string key, double fallback) => root.Children.TryGetValue(new YamlScalarNode(key), out var v)
            ? double.TryParse((v as YamlScalarNode)?.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
                : throw new InputException("must be a number", key, path, YamlDocuments.Line(v))
            : fallback;
        var network = TrainableNetworks.Canonical(Text("network", "compact-vgg"), "network");
        var seeds = List(root, "seeds", path).Select(n => (long)Int(n, "seeds", path)).ToList();
        if (seeds.Count == 0 || seeds.Distinct().Count() != seeds.Count)
            throw new InputException("must list one or more distinct seeds", "seeds", path);
        var epochs = OptionalInt("epochs") ?? throw new InputException("must be given", "epochs", path);
        var qatEpochs = OptionalInt("qat_epochs") ?? throw new InputException("must be given", "qat_epochs", path);
        var (trainCount, testCount) = (OptionalInt("train_count"), OptionalInt("test_count"));
        var batch = OptionalInt("batch_size") ?? 64;
        var threads = OptionalInt("threads") ?? 1;
        var (lr, qatLr) = (Double("lr", 2e-3), Double("qat_lr", 5e-4));

        var points = new List<TradeoffPoint>();
        foreach (var node in List(root, "configs", path))
        {
            var at = YamlDocuments.Line(node);
            if (node is not YamlMappingNode config)
                throw new InputException("a config must be a mapping of method, wbits, abits, first_last, widths", "configs", path, at);
            foreach (var key in config.Children.Keys)
                if (key is not YamlScalarNode { Value: { } k } || !ConfigKeys.Contains(k))
                    throw new InputException($"unknown key (known: {string.Join(", ", ConfigKeys)})", (key as YamlScalarNode)?.Value, path, YamlDocuments.Line(key));
            string? Get(string key) => config.Children.TryGetValue(new YamlScalarNode(key), out var v) ? (v as YamlScalarNode)?.Value : null;
            var methodText = Get("method") ?? throw new InputException("must be given", "method", path, at);
            QuantMethod? method = methodText.Equals("fp32", StringComparison.OrdinalIgnoreCase) ? null
                : QuantMethodNames.TryParse(methodText, out var m) ? m
                : throw new InputException($"must be fp32 or one of {string.Join(", ", QuantMethodNames.All)}, got '{methodText}'", "method", path, at);
            int Bits(string key) => Get(key) is { } b ? int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
                : throw new InputException($"must be a whole number, got '{b}'", key, path, at) : method is null ? 32 : throw new InputException("must be given with a method", key, path, at);
            var (wbits, abits) = (Bits("wbits"), Bits("abits"));
            var firstLasts = config.Children.ContainsKey(new YamlScalarNode("first_last"))
                ? List(config, "first_last", path).Select(n => FirstLastFormat.Parse((n as YamlScalarNode)?.Value ?? "", "first_last")).ToList()
                : [FirstLastFormat.Keep(NumberFormat.Fp32)];
            if (method is null)
                firstLasts = [FirstLastFormat.Keep(NumberFormat.Fp32)];
            var widths = List(config, "widths", path).Select(n => double.TryParse((n as YamlScalarNode)?.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) ? w
                : throw new InputException("must be a number", "widths", path, YamlDocuments.Line(n))).ToList();
            foreach (var width in widths)
                foreach (var firstLast in firstLasts)
                    foreach (var seed in seeds)
                    {
                        try
                        {
                            var spec = new TrainingSpec(network, width, method, wbits, abits, firstLast, epochs, qatEpochs, seed, threads, batch, lr, qatLr, trainCount, testCount);
                            points.Add(new TradeoffPoint(points.Count, spec));
                        }
                        catch (InputException e)
                        {
                            throw e.At(path, at);
                        }
                    }
        }
        if (points.Count == 0)
            throw new InputException("the grid has no points", "configs", path);
        var duplicate = points.GroupBy(p => p.Spec.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InputException($"lists the same run twice: {duplicate.Key}", "configs", path);
        return new TradeoffGrid(network, points, path);
    }

    private static IEnumerable<YamlNode> List(YamlMappingNode map, string key, string path) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v)
            ? v as YamlSequenceNode ?? throw new InputException("must be a list", key, path, YamlDocuments.Line(v))
            : throw new InputException("must be given", key, path, YamlDocuments.Line(map));

    private static int Int(YamlNode node, string key, string path) =>
        int.TryParse((node as YamlScalarNode)?.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v
            : throw new InputException($"must be a whole number, got '{(node as YamlScalarNode)?.Value}'", key, path, YamlDocuments.Line(node));
}
