using System.Globalization;
using HwSim.CostModel.Evaluation;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapper;
using HwSim.Tests.Support;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Zoo;
using NUnit.Framework;

namespace HwSim.Tests.Docs;

/// <summary>
/// README's quick-start figures are what <c>hwsim report</c> prints on its defaults (ResNet-18,
/// W4A2 inner layers, fp32 first/last, lowbit-default, 45 nm, mapper by energy), and the
/// fixed-mapping figure it quotes is <c>--mapping fixed</c>'s: a change to the simulator, the
/// mapper or the prices must come with README's new figures.
/// </summary>
public class ReadmeMappingFiguresTests
{
    private static Evaluated Run(MappingPolicy mapping) =>
        Evaluator.Evaluate(PrecisionPolicy.FromBits(4, 2, FirstLastFormat.Keep(NumberFormat.Fp32)).Apply(NetworkZoo.Get("resnet18")),
            Presets.Get(Presets.Default), CostSetting.Default with { Mapping = mapping });

    [Test]
    public void QuickStartFiguresAreTheReportsOnDefaults()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var e = Run(MappingPolicy.Default).Energy;
        var fixedEnergy = Run(MappingPolicy.Fixed).Energy;
        string F(string format, double v) => v.ToString(format, CultureInfo.InvariantCulture);
        Assert.Multiple(() =>
        {
            Assert.That(readme, Does.Contain($"│ energy per inference │ {F("0.0", e.EnergyPerInferenceMicrojoules),52} uJ │"));
            Assert.That(readme, Does.Contain($"│ latency              │ {F("0.000", e.LatencySeconds * 1e3),52} ms │"));
            Assert.That(readme, Does.Contain($"at today's prices: {F("0.0", fixedEnergy.EnergyPerInferenceMicrojoules)} uJ"));
        });
    }
}
