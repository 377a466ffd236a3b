using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitSerial;
using HwSim.Simulator.Reference;
using HwSim.Tests.Support;
using HwSim.Workloads.Import.Csv;
using HwSim.Workloads.Tensors;
using NUnit.Framework;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Pipeline;

/// <summary>
/// The figures of Simulator/README.md §8: the real ResNet-18 (ImageNet weights, Data/ResNet18.onnx)
/// quantised PACT W4A4 on one synthetic input with its tensors dumped, its inner layers on
/// stripes-like with and without skip: the fast engine's totals over the inner layers and the
/// reference engine on one layer's dumped codes.
/// </summary>
public sealed class ValueSkippingResNet18Tests
{
    // The layer whose speed-ups the README quotes.
    private const string Layer = QuantizedResNet18.Layer3_1_Conv2;

    [Test]
    public void ResNet18_on_stripes_like_with_skip_gives_the_readme_figures()
    {
        var network = QuantizedResNet18.Get();
        var inner = network.Inner;
        var arch = Presets.Get("stripes-like");
        // The table of §8 was measured with the serial drain and the window mapping of one-window folds that
        // stripes-like had before fold pipelining and its fully connected mode (Simulator/README.md §3; the
        // multiplexed mode takes no skip); the overlapped drain is pinned beside it.
        var preset = (BitSerialUnitSpec)arch.Units.Single() with { FcMode = FcMode.Windows };
        var stripes = preset with { Drain = DrainMode.Serial };

        var totals = new[] { SkipMode.None, SkipMode.ZeroBits, SkipMode.DynamicPrecision }
            .Select(skip => inner.Sum(l => Simulation.Run(l, arch, new BitSerialModel(stripes with { Skip = skip })).ComputeCycles)).ToArray();

        var (layer, data, _) = network.Codes(Layer);
        var reference = new[] { SkipMode.None, SkipMode.ZeroBits, SkipMode.DynamicPrecision }
            .Select(skip => ReferenceEngine.Simulate(layer, arch, new BitSerialReference(stripes with { Skip = skip }), data).Result.ComputeCycles).ToArray();
        var overlapped = new[] { SkipMode.None, SkipMode.ZeroBits, SkipMode.DynamicPrecision }
            .Select(skip => inner.Sum(l => Simulation.Run(l, arch, new BitSerialModel(preset with { Skip = skip })).ComputeCycles)).ToArray();
        var overlappedReference = new[] { SkipMode.None, SkipMode.ZeroBits, SkipMode.DynamicPrecision }
            .Select(skip => ReferenceEngine.Simulate(layer, arch, new BitSerialReference(preset with { Skip = skip }), data).Result.ComputeCycles).ToArray();
        TestContext.Out.WriteLine($"serial drain: fast totals {string.Join(", ", totals)}; {Layer} reference {string.Join(", ", reference)}");
        TestContext.Out.WriteLine($"overlapped drain: fast totals {string.Join(", ", overlapped)}; {Layer} reference {string.Join(", ", overlappedReference)}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(inner, Has.Count.EqualTo(20));
            Assert.That(totals, Is.EqualTo(new long[] { 249_712, 223_144, 242_721 }));
            Assert.That(reference, Is.EqualTo(new long[] { 7_684, 2_934, 3_733 }));
            Assert.That(preset.Drain, Is.EqualTo(DrainMode.Overlapped));
            Assert.That(overlapped, Is.EqualTo(new long[] { 231_850, 205_282, 224_859 }));
            Assert.That(overlappedReference, Is.EqualTo(new long[] { 7_492, 2_742, 3_541 }));
        }
    }
}
