using HwSim.Simulator.Architecture;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Units;

/// <summary>The registered unit kinds keep their descriptors consistent: what is written reads back, keys shared by kinds parse alike.</summary>
public class UnitKindsTests
{
    private static IEnumerable<UnitKind> Kinds => UnitKinds.All;

    [TestCaseSource(nameof(Kinds))]
    public void TheDefaultUnitReadsBackFromItsYaml(UnitKind kind)
    {
        var unit = kind.Default("u", 4, 8);
        var arch = Presets.Get(Presets.Default) with { Units = [unit] };
        var back = ArchitectureYaml.Parse(ArchitectureYaml.ToYaml(arch), "round-trip.yaml");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(back.Units[0], Is.EqualTo(unit));
            Assert.That(UnitKinds.Of(unit), Is.SameAs(kind));
            Assert.That(unit.Kind, Is.EqualTo(kind.Name));
            Assert.That(UnitKinds.Named(kind.Name.ToUpperInvariant()), Is.SameAs(kind));
        }
    }

    [TestCaseSource(nameof(Kinds))]
    public void EveryKeyTakesItsExamplesAndSetsThemOnAUnit(UnitKind kind)
    {
        foreach (var p in kind.Parameters)
        {
            foreach (var example in p.Example.Split(','))
            {
                var (value, text, error) = p.Parse(example);
                Assert.That(error, Is.Null, $"{kind.Name}.{p.Key} = {example}");
                var unit = p.With(kind.Default("u", 4, 8), value!);
                Assert.That(p.Parse(p.Value(unit) is bool b ? (b ? "true" : "false") : p.Value(unit).ToString()!).Text, Is.EqualTo(text), $"{kind.Name}.{p.Key} = {example}");
            }
            Assert.That(p.Parse("no such value").Error, Is.Not.Null, $"{kind.Name}.{p.Key}");
        }
        Assert.That(kind.Parameters.Select(p => p.Key), Is.Unique);
    }

    [Test]
    public void KeysSharedByKindsParseAlike()
    {
        var shared = Kinds.SelectMany(k => k.Parameters).GroupBy(p => p.Key).Where(g => g.Count() > 1).ToList();
        Assert.That(shared.Select(g => g.Key), Is.EquivalentTo(new[] { "lanes", "max_bits", "format", "drain", "skip" }));
        // drain is one registration (UnitKind.DrainKey), not a copy per kind.
        Assert.That(shared.Single(g => g.Key == "drain"), Has.All.SameAs(UnitKind.DrainKey));
        foreach (var g in shared)
            foreach (var text in new[] { "8", "16", "x", "99999999999", "overlapped", "SERIAL" })
                Assert.That(g.Select(p => p.Parse(text).Error ?? p.Parse(text).Text).Distinct().Count(), Is.EqualTo(1), $"{g.Key} = {text}");
    }

    [TestCaseSource(nameof(Kinds))]
    public void BothEnginesAndTheInventoryComeFromTheKind(UnitKind kind)
    {
        var unit = kind.Default("u", 4, 8);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(UnitModels.For(unit).Spec, Is.EqualTo(unit));
            Assert.That(ReferenceUnits.Unsupported(unit), Is.Null, "the default unit of every kind runs on the reference engine");
            Assert.That(ReferenceUnits.For(unit).Spec, Is.EqualTo(unit));
            Assert.That(kind.Summary(unit), Does.StartWith($"u: {kind.Name} 4x8"));
            Assert.That(kind.Inventory(unit).Parts, Is.Not.Empty.And.All.Matches<PePart>(p => p.Count > 0));
        }
    }
}
