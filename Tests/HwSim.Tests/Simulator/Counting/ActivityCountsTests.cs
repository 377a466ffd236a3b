using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Workloads.Formats;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Counting;

public class ActivityCountsTests
{
    private static readonly ActionKey Mul44 = ActionKey.Multiply(NumberFormat.Int(4), NumberFormat.UInt(4));
    private static readonly ActionKey Add16 = ActionKey.Add(16);

    [Test]
    public void CountsAddUpKeyByKey()
    {
        var a = ActivityCounts.From([new(Mul44, 10), new(Add16, 3)]);
        var b = ActivityCounts.From([new(Mul44, 5), new(ActionKey.Sram(PrimitiveAction.SramReadWord, BufferKind.Ifmap, 64), 7)]);
        var sum = a + b;
        Assert.Multiple(() =>
        {
            Assert.That(sum[Mul44], Is.EqualTo(15));
            Assert.That(sum[Add16], Is.EqualTo(3));
            Assert.That(sum.Total(PrimitiveAction.SramReadWord), Is.EqualTo(7));
            Assert.That(sum, Is.EqualTo(b + a));
            Assert.That(ActivityCounts.Empty + a, Is.EqualTo(a));
        });
    }

    [Test]
    public void ZeroCountsAreNotStoredAndNegativeOnesRejected()
    {
        Assert.That(ActivityCounts.From([new(Mul44, 0)]), Is.EqualTo(ActivityCounts.Empty));
        Assert.That(() => ActivityCounts.From([new(Mul44, -1)]), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new ActivityCountsBuilder().Add(Mul44, -1), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void OverflowIsAnErrorNotAWrap()
    {
        var big = ActivityCounts.From([new(Add16, long.MaxValue)]);
        Assert.That(() => big + big, Throws.TypeOf<OverflowException>());
    }

    [Test]
    public void FloatOperandsSetTheArithmetic()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ActionKey.Multiply(NumberFormat.Fp16, NumberFormat.Fp16).Arithmetic, Is.EqualTo(Arithmetic.Fp16));
            Assert.That(ActionKey.Multiply(NumberFormat.Fp32, NumberFormat.Fp16).Arithmetic, Is.EqualTo(Arithmetic.Fp32));
            Assert.That(ActionKey.Multiply(NumberFormat.Bf16, NumberFormat.Bf16).Arithmetic, Is.EqualTo(Arithmetic.Bf16));
            Assert.That(Mul44.Arithmetic, Is.EqualTo(Arithmetic.Integer));
            Assert.That(Mul44.ToString(), Is.EqualTo("Multiply 4x4"));
        });
    }
}
