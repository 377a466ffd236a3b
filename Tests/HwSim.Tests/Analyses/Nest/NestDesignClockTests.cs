using HwSim.Analyses.Nest;
using HwSim.Tests.Support;
using HwSim.Workloads;
using NUnit.Framework;

namespace HwSim.Tests.Analyses.Nest;

/// <summary>A nest design's optional top-level clock_mhz: read when given, absent otherwise (no default clock), refused unless above 0.</summary>
public sealed class NestDesignClockTests
{
    private const string Design = """
        version: 1
        name: t
        clock_mhz: 200
        levels:
          - { name: DRAM, class: dram }
          - { name: reg, class: register, depth: 1, width: 16, fanout: { x: 4 } }
        """;

    [Test]
    public void Clock_IsRead()
    {
        Assert.That(NestDesignFile.Read(Design, "t.yaml").ClockMhz, Is.EqualTo(200));
        Assert.That(NestDesignFile.Read(Design.Replace("200", "187.5", StringComparison.Ordinal), "t.yaml").ClockMhz, Is.EqualTo(187.5));
    }

    [Test]
    public void WithoutAClock_ThereIsNone() =>
        Assert.That(NestDesignFile.Read(Design.Replace("clock_mhz: 200\n", "", StringComparison.Ordinal), "t.yaml").ClockMhz, Is.Null);

    [Test]
    public void TheExamples_HaveNoClock()
    {
        // The Timeloop exercises give none; eyeriss-rs' 200 MHz could not be verified against the JSSC 2017 paper here.
        foreach (var name in new[] { "simple_ws", "simple_os", "eyeriss_like" })
            Assert.That(NestDesignFile.Load(Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop", name + ".yaml")).ClockMhz, Is.Null, name);
    }

    [TestCase("0")]
    [TestCase("-100")]
    [TestCase("fast")]
    [TestCase(".inf")]
    [TestCase("NaN")]
    public void ABadClock_IsAnErrorAtItsLine(string value)
    {
        var e = Assert.Throws<InputException>(() => NestDesignFile.Read(Design.Replace("200", value, StringComparison.Ordinal), "t.yaml"))!;
        Assert.That(e.Message, Does.Contain("t.yaml").And.Contain("line 3").And.Contain("clock_mhz").And.Contain($"must be a clock in MHz above 0, e.g. 200, got '{value}'"));
    }
}
