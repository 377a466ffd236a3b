using NUnit.Framework;
using HwSim.CostModel.Technology;

namespace HwSim.Tests.CostModel.Technology;

/// <summary>Stillmaker and Baas (2017) scaling: the authors' corrigendum example and HwSim's 45 nm -> 7 nm factors, pinned.</summary>
public class TechnologyScalingTests
{
    [Test]
    public void ReproducesTheCorrigendumExample()
    {
        // Corrigendum (P): 0.8367*0.9^2 - 0.4341*0.9 + 0.1701 = 0.4571 (HP 32 nm at 0.9 V);
        // 3.755*1.3^2 - 4.398*1.3 + 1.975 = 2.604 (65 nm at 1.3 V); 0.4571 / 2.604 * 1 pJ = 0.1755 pJ.
        var scaling = new TechnologyScaling(TechNodes.Get(65), 1.3, TechNodes.Get(32), 0.9);
        var target = TechNodes.Get(32).EnergyFactor(0.9);
        var source = TechNodes.Get(65).EnergyFactor(1.3);
        Assert.Multiple(() =>
        {
            Assert.That(target, Is.EqualTo(0.4571).Within(0.00005));
            Assert.That(source, Is.EqualTo(2.604).Within(0.0005));
            // The corrigendum divides its rounded intermediates: 0.4571 / 2.604 = 0.17554.
            Assert.That(Math.Round(Math.Round(target, 4) / Math.Round(source, 3), 4), Is.EqualTo(0.1755));
            // Unrounded, 0.457137 / 2.60355 = 0.17558: within 1e-4 of the published 0.1755 pJ.
            Assert.That(scaling.EnergyFactor * 1.0, Is.EqualTo(0.1755).Within(1e-4));
            Assert.That(scaling.EnergyFactor, Is.EqualTo(0.457137 / 2.60355).Within(1e-12));
        });
    }

    // E_node(0.9 V) / E_HP45(0.9 V), E_HP45(0.9) = 1.018*0.81 - 0.3107*0.9 + 0.1539 = 0.69885 (HP rows, same Vdd).
    [TestCase(45, 1.0, 1.0)]
    [TestCase(32, 0.6541, 0.46)]
    [TestCase(20, 0.2873, 0.21)]
    [TestCase(16, 0.2263, 0.19)]
    [TestCase(14, 0.1813, 0.17)]
    [TestCase(10, 0.1538, 0.10)]
    [TestCase(7, 0.1237, 0.059)]
    public void FactorsFrom45nmArePinned(int nanometres, double energyFactor, double areaFactor)
    {
        var scaling = TechnologyScaling.From45nm(nanometres);
        Assert.Multiple(() =>
        {
            Assert.That(scaling.EnergyFactor, Is.EqualTo(energyFactor).Within(0.00005));
            Assert.That(scaling.AreaFactor, Is.EqualTo(areaFactor).Within(1e-12));
        });
    }

    [Test]
    public void SixtyFiveNanometresIsDearerThan45AndIdentityIsExactlyOne()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TechnologyScaling.Identity45nm.EnergyFactor, Is.EqualTo(1.0));
            Assert.That(TechnologyScaling.From45nm(65).EnergyFactor, Is.EqualTo(1.5144).Within(0.00005));
            Assert.That(TechnologyScaling.From45nm(65).AreaFactor, Is.EqualTo(1 / 0.66).Within(1e-12));
        });
    }
}
