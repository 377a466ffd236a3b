using HwSim.Analyses.Sweep;
using HwSim.CostModel.Evaluation;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapper;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Zoo;
using NUnit.Framework;

namespace HwSim.Tests.Analyses.Sweep;

/// <summary>A sweep maps its points with its policy, and its identity (hash) includes the policy.</summary>
public class SweepMappingTests
{
    private static SweepDefinition Definition(MappingPolicy? mapping)
    {
        var workload = NetworkZoo.Get("alexnet");
        var policy = PrecisionPolicy.FromBits(2, 2, FirstLastFormat.Keep(NumberFormat.Fp32));
        var techs = new[] { 45, 7 }.Select(nm => new TechChoice($"{nm}nm", HwSim.CostModel.Technology.TechnologyScaling.From45nm(nm)));
        return new SweepDefinition(workload, [new PrecisionChoice(2, 2, policy, policy.Apply(workload))], Presets.Get(Presets.Default), [], techs, CostTables.Default, mapping);
    }

    [Test]
    public void TheHashDiffersByMappingPolicyAndTheDefaultIsTheEnergySearch()
    {
        var hashes = new[] { Definition(null), Definition(MappingPolicy.Default), Definition(MappingPolicy.Fixed), Definition(MappingPolicy.SearchFor(MappingObjective.Latency)) }
            .Select(d => d.Hash).ToList();
        Assert.That(hashes[0], Is.EqualTo(hashes[1]));
        Assert.That(hashes.Skip(1).Distinct().Count(), Is.EqualTo(3));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void EveryNodeIsMappedAtItsOwnPrices(bool fixedMapping)
    {
        var sweep = Definition(fixedMapping ? MappingPolicy.Fixed : null);
        var points = new[] { sweep.Point(0), sweep.Point(1) };
        foreach (var (point, result) in ModelEvaluator.Instance.Evaluate(sweep, points))
        {
            var cost = sweep.Cost(point);
            Assert.That(cost.Mapping, Is.EqualTo(fixedMapping ? MappingPolicy.Fixed : MappingPolicy.Default));
            var e = Evaluator.Evaluate(sweep.Precisions[point.Precision].Workload, sweep.Architecture(point), cost);
            Assert.That(result, Is.EqualTo(ModelEvaluator.Result(e.Energy, e.Area)), $"point {point.Id}");
        }
    }
}
