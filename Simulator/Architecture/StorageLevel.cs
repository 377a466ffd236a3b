using System.Collections.Immutable;
using HwSim.Workloads;

namespace HwSim.Simulator.Architecture;

/// <summary>
/// One on-chip storage level between DRAM and the PEs (the architecture file's <c>storage:</c>
/// list): an SRAM of a capacity, word width and bank count, double-buffered or not, holding one
/// operand (split) or several (shared). Immutable; validated on construction.
/// </summary>
public sealed record StorageLevel
{
    /// <param name="name">The level's name (unique within the architecture), e.g. "shared_glb".</param>
    /// <param name="capacityBytes">Capacity of the whole level in bytes (both halves when double-buffered).</param>
    /// <param name="wordBits">Width of one access in bits.</param>
    /// <param name="holds">The operands it holds: one (a split buffer) or several (a shared one).</param>
    /// <param name="banks">SRAM banks (CACTI's UCA banks), priced per bank count; 1 by default.</param>
    /// <param name="doubleBuffered">True: half holds what the array works on, the other half is filled for the next fold or block, and an access is to one half's array.</param>
    public StorageLevel(string name, long capacityBytes, int wordBits, IEnumerable<BufferKind> holds, int banks = 1, bool doubleBuffered = true)
    {
        Name = name;
        DoubleBuffered = doubleBuffered;
        CapacityBytes = capacityBytes;
        WordBits = wordBits;
        Banks = banks;
        Holds = [.. holds];
    }

    public string Name { get; init => field = string.IsNullOrWhiteSpace(value) ? throw new InputException("a storage level needs a name", "storage[].name") : value.Trim(); }

    /// <summary>True when the level is split into two halves that alternate between the array and the DRAM fills.</summary>
    public bool DoubleBuffered { get; init; }

    /// <summary>Bytes of the whole level (both halves of a double-buffered one).</summary>
    public long CapacityBytes
    {
        get;
        init => field = value >= (DoubleBuffered ? 2 : 1) ? value
            : throw new InputException($"must be at least {(DoubleBuffered ? "2 bytes (it is double-buffered)" : "1 byte")}, got {value}", "storage[].capacity_kb");
    }

    public int WordBits { get; init => field = value is >= 8 and <= 4096 && value % 8 == 0 ? value : throw new InputException($"must be a multiple of 8 between 8 and 4096, got {value}", "storage[].word_bits"); }

    /// <summary>SRAM banks, 1 to 1,024: the CACTI table prices the bank counts it tabled and flags the others.</summary>
    public int Banks { get; init => field = value is >= 1 and <= 1024 ? value : throw new InputException($"must be 1 to 1024, got {value}", "storage[].banks"); }

    /// <summary>The operands the level holds, in ifmap, weight, ofmap order, each once.</summary>
    public ImmutableArray<BufferKind> Holds
    {
        get;
        init
        {
            if (value.IsDefaultOrEmpty)
                throw new InputException("a storage level must hold at least one operand (ifmap, weight, ofmap)", "storage[].holds");
            foreach (var k in value)
                if (!Enum.IsDefined(k))
                    throw new InputException($"unknown operand {(int)k}", "storage[].holds");
            if (value.Distinct().Count() != value.Length)
                throw new InputException("names an operand twice", "storage[].holds");
            field = [.. value.Order()];
        }
    }

    /// <summary>Bytes the array's working set may use: half the level when double-buffered, else all of it.</summary>
    public long RoomBytes => DoubleBuffered ? CapacityBytes / 2 : CapacityBytes;

    /// <summary>The size of the array one access goes to: one half of a double-buffered level, else the whole level.</summary>
    public long AccessedArrayBytes => RoomBytes;

    /// <summary>True when the level holds more than one operand.</summary>
    public bool Shared => Holds.Length > 1;

    public bool Equals(StorageLevel? other) =>
        other is not null && Name == other.Name && CapacityBytes == other.CapacityBytes && WordBits == other.WordBits && Banks == other.Banks
        && DoubleBuffered == other.DoubleBuffered && Holds.SequenceEqual(other.Holds);

    public override int GetHashCode() => HashCode.Combine(Name, CapacityBytes, WordBits, Banks, DoubleBuffered, Holds.Length);
}
