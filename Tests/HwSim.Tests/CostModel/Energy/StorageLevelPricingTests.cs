using HwSim.CostModel.Energy;
using HwSim.CostModel.Memory;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using NUnit.Framework;

namespace HwSim.Tests.CostModel.Energy;

/// <summary>
/// Issue 13 item 1: an SRAM access is priced with its storage level's own capacity (the accessed
/// array: half of a double-buffered level, all of a single-buffered one), word width and banks,
/// straight from the CACTI table; bank counts the table lacks are flagged, never guessed.
/// </summary>
public sealed class StorageLevelPricingTests
{
    private static readonly EnergyTable Table = EnergyTable.Default;

    private static EnergyContext With(params StorageLevel[] levels) => EnergyContext.At45nm(new BufferSpec(levels));

    [Test]
    public void ASharedSingleBufferedLevel_IsPricedAsItsWholeArray_WithItsBanks()
    {
        var glb = new StorageLevel("glb", 128 * 1024, 64, [BufferKind.Ifmap, BufferKind.Ofmap], banks: 32, doubleBuffered: false);
        var context = With(glb, new StorageLevel("w", 8192, 16, [BufferKind.Weight]));
        var cacti = SramTable.Default.Points.Single(p => p.CapacityBytes == 128 * 1024 && p.WordBits == 64 && p.Banks == 32).Figures;
        var weights = SramTable.Default.Points.Single(p => p.CapacityBytes == 4096 && p.WordBits == 16 && p.Banks == 1).Figures;
        using (Assert.EnterMultipleScope())
        {
            foreach (var operand in new[] { BufferKind.Ifmap, BufferKind.Ofmap })
            {
                Assert.That(Table.Pj(ActionKey.Sram(PrimitiveAction.SramReadWord, operand, 64), context), Is.EqualTo(cacti.ReadPj).Within(1e-12), operand.ToString());
                Assert.That(Table.Pj(ActionKey.Sram(PrimitiveAction.SramWriteWord, operand, 64), context), Is.EqualTo(cacti.WritePj).Within(1e-12), operand.ToString());
            }
            // The weights' double-buffered 8 KiB level of 16-bit words: one 4 KiB half, one bank.
            Assert.That(Table.Pj(ActionKey.Sram(PrimitiveAction.SramReadWord, BufferKind.Weight, 16), context), Is.EqualTo(weights.ReadPj).Within(1e-12));
            Assert.That(Table.SramOutsideTable(ActionKey.Sram(PrimitiveAction.SramReadWord, BufferKind.Ifmap, 64), context), Is.Null);
            Assert.That(Table.Rows(context).Single(r => r.Action == EnergyAction.SramReadWord && r.Buffer == BufferKind.Ofmap).Source,
                Does.Contain("level 'glb', shared with the ifmaps, the single-buffered 131072 B, 32 banks").And.Contain("32 banks, read"));
        }
        // 32 banks is not 1 bank: the banks reach the table.
        Assert.That(cacti.ReadPj, Is.Not.EqualTo(SramTable.Default.Points.Single(p => p.CapacityBytes == 128 * 1024 && p.WordBits == 64 && p.Banks == 1).Figures.ReadPj));
    }

    [Test]
    public void UntabledBanks_AreFlagged()
    {
        var context = With(new StorageLevel("glb", 128 * 1024, 64, [BufferKind.Ifmap, BufferKind.Weight, BufferKind.Ofmap], banks: 27));
        Assert.That(Table.SramOutsideTable(ActionKey.Sram(PrimitiveAction.SramReadWord, BufferKind.Weight, 64), context),
            Does.Contain("level 'glb'").And.Contain("27 banks is not tabled"));
    }
}
