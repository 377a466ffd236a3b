using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Torch;
using HwSim.Quantizer.Training;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace HwSim.Quantizer.Tests.Training;

/// <summary>
/// Quantisation-aware fine-tuning end to end on a small synthetic task: a tiny CNN trained in fp32, then fine-tuned
/// with PACT W4A4 (PACT activations with learnable alpha in front of the quantised layers, DoReFa 4-bit weights via
/// the straight-through estimator); the first convolution stays fp32, as is conventional (Choi et al. 2018).
/// Everything is seeded; it runs in a few seconds on two cores.
/// </summary>
public sealed class PactFineTuningTests
{
    private const int Classes = 4, Size = 8, TrainCount = 1200, TestCount = 400, Batch = 50;

    [OneTimeSetUp]
    public void Load() => TorchRuntime.EnsureLoaded();

    [Test]
    public void Pact_w4a4_fine_tuning_stays_within_2_points_of_fp32_and_learns_alpha()
    {
        using var scope = NewDisposeScope();
        manual_seed(2024);
        var (trainX, trainY) = Patterns(TrainCount, seed: 1);
        var (testX, testY) = Patterns(TestCount, seed: 2);

        using var fp = new FpNet();
        Train(fp, trainX, trainY, epochs: 10, learningRate: 1e-2);
        var fpAccuracy = Accuracy(fp, testX, testY);
        Assert.That(fpAccuracy, Is.GreaterThan(0.9), "the fp32 network learns the task");

        // Start each alpha from the post-training calibration on the fp32 activations it replaces.
        double alpha1, alpha2;
        using (no_grad())
        {
            var h1 = F.relu(fp.conv1.forward(trainX));
            var h2 = F.relu(fp.conv2.forward(F.max_pool2d(h1, 2)));
            alpha1 = PactActivationQuantizer.Calibrate(4, h1).Alpha;
            alpha2 = PactActivationQuantizer.Calibrate(4, h2).Alpha;
        }
        using var pact = new PactNet(fp, bits: 4, alpha1, alpha2);
        Train(pact, trainX, trainY, epochs: 4, learningRate: 1e-3);
        var pactAccuracy = Accuracy(pact, testX, testY);
        TestContext.Out.WriteLine($"fp32 {fpAccuracy:P1}, PACT W4A4 {pactAccuracy:P1}; alpha1 {alpha1:F4} -> {pact.act1.AlphaValue:F4}, alpha2 {alpha2:F4} -> {pact.act2.AlphaValue:F4}");

        Assert.That(pactAccuracy, Is.GreaterThanOrEqualTo(fpAccuracy - 0.02));
        Assert.That(Math.Abs(pact.act1.AlphaValue - alpha1), Is.GreaterThan(1e-3), "alpha1 is learned");
        Assert.That(Math.Abs(pact.act2.AlphaValue - alpha2), Is.GreaterThan(1e-3), "alpha2 is learned");
    }

    /// <summary>
    /// Images [N, 1, 8, 8] of four stroke classes at random positions (horizontal, vertical, diagonal and
    /// anti-diagonal, five pixels of 1.0) plus Gaussian noise of standard deviation 0.3; labels [N].
    /// </summary>
    private static (Tensor X, Tensor Y) Patterns(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * Size * Size];
        var labels = new long[count];
        for (var n = 0; n < count; n++)
        {
            var label = n % Classes;
            labels[n] = label;
            var image = pixels.AsSpan(n * Size * Size, Size * Size);
            var (r, c) = (random.Next(Size - 4), random.Next(Size - 4));
            var line = random.Next(Size);
            for (var i = 0; i < 5; i++)
            {
                var (row, col) = label switch
                {
                    0 => (line, c + i),
                    1 => (r + i, line),
                    2 => (r + i, c + i),
                    _ => (r + i, c + 4 - i),
                };
                image[row * Size + col] = 1f;
            }
            for (var p = 0; p < image.Length; p++)
            {
                // Box-Muller normal noise.
                var u1 = 1.0 - random.NextDouble();
                var u2 = random.NextDouble();
                image[p] += (float)(0.3 * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }
        }
        return (tensor(pixels).reshape(count, 1, Size, Size), tensor(labels));
    }

    private static void Train(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y, int epochs, double learningRate)
    {
        model.train();
        using var optimizer = optim.Adam(model.parameters(), learningRate);
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            using var epochScope = NewDisposeScope();
            var order = randperm(x.shape[0]);
            for (long start = 0; start < x.shape[0]; start += Batch)
            {
                using var step = NewDisposeScope();
                var index = order.slice(0, start, start + Batch, 1);
                optimizer.zero_grad();
                var loss = F.cross_entropy(model.forward(x.index_select(0, index)), y.index_select(0, index));
                loss.backward();
                optimizer.step();
            }
        }
    }

    private static double Accuracy(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y)
    {
        model.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return model.forward(x).argmax(1).eq(y).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>conv(1->8) relu pool, conv(8->16) relu pool, linear(64->4).</summary>
    private sealed class FpNet : nn.Module<Tensor, Tensor>
    {
        public readonly Conv2d conv1 = nn.Conv2d(1, 8, 3, padding: 1);
        public readonly Conv2d conv2 = nn.Conv2d(8, 16, 3, padding: 1);
        public readonly Linear fc = nn.Linear(16 * 2 * 2, Classes);

        public FpNet() : base(nameof(FpNet)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var h = F.max_pool2d(F.relu(conv1.forward(x)), 2);
            h = F.max_pool2d(F.relu(conv2.forward(h)), 2);
            return scope.MoveToOuter(fc.forward(h.flatten(1)));
        }
    }

    /// <summary>
    /// The same network with PACT activations in place of the ReLUs that feed the quantised layers (conv2 and fc),
    /// and DoReFa k-bit fake-quantised weights there; conv1 (the first layer) is shared with the fp32 net and stays fp32.
    /// Max pooling commutes with the monotone PACT quantiser, so the fc input is still on the 4-bit grid.
    /// </summary>
    private sealed class PactNet : nn.Module<Tensor, Tensor>
    {
        public readonly Conv2d conv1;
        public readonly PactActivation act1;
        public readonly QuantConv2d conv2;
        public readonly PactActivation act2;
        public readonly QuantLinear fc;

        public PactNet(FpNet fp, int bits, double alpha1, double alpha2) : base(nameof(PactNet))
        {
            conv1 = fp.conv1;
            act1 = new PactActivation(bits, alpha1);
            conv2 = QuantConv2d.From(fp.conv2, bits);
            act2 = new PactActivation(bits, alpha2);
            fc = QuantLinear.From(fp.fc, bits);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var h = F.max_pool2d(act1.forward(conv1.forward(x)), 2);
            h = F.max_pool2d(act2.forward(conv2.forward(h)), 2);
            return scope.MoveToOuter(fc.forward(h.flatten(1)));
        }
    }
}
