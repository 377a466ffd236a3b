using HwSim.Workloads;

namespace HwSim.Simulator.Architecture;

/// <summary>
/// Architecture files (YAML, schema version 1) to <see cref="ArchitectureSpec"/> and back.
/// Reading is parse, validate, construct; every error is an <see cref="InputException"/> naming
/// the file, "line N" and the YAML path ("units[1].rows").
/// </summary>
/// <remarks>
/// <code>
/// version: 1                      # required; this HwSim reads 1
/// name: bitserial-16x16           # required
/// clock_mhz: 500                  # MHz, default 500
/// execution: layer_sequential     # or layer_pipelined: one unit per layer, all at once (Simulator/README.md §7)
/// dram: { type: lpddr4, bandwidth_bytes_per_cycle: 16 }   # type (energy per bit): lpddr4 (default), lpddr, ddr3, ddr4, gddr5, hbm2, hmc; whole bytes per cycle >= 1, or unlimited; default 16
/// buffers: { ifmap_kb: 256, weight_kb: 256, ofmap_kb: 128, word_bits: 64 }  # KiB (fractions that make whole bytes); these are the defaults
/// # or, instead of dram and buffers, the storage levels from DRAM to the PEs (Simulator/README.md section 4):
/// # storage:
/// #   - { name: DRAM, class: dram, type: lpddr4, bandwidth_bytes_per_cycle: 16 }
/// #   - { name: glb, class: sram, capacity_kb: 128, word_bits: 64, banks: 32, double_buffered: true, holds: [ifmap, ofmap] }
/// #   - { name: wbuf, entries: 4096, word_bits: 64, holds: [weight] }   # entries x word_bits instead of capacity_kb
/// units:                          # required, at least one; names unique
///   - { name: lowbit, kind: bitserial, rows: 16, cols: 16, lanes: 16, serial: activations, max_bits: 8 }
///   - { name: fp, kind: systolic, rows: 8, cols: 8, dataflow: os, format: fp32, scalesim_compat: false }
///   - { name: bin, kind: xnor, rows: 16, cols: 16, lanes: 64, max_bits: 1 }
/// </code>
/// Every unit needs name, kind, rows and cols. Defaults per kind: systolic dataflow os (os|ws|is),
/// format int8 (intB|fp16|bf16|fp32), scalesim_compat false; bitserial lanes 16, serial
/// activations (activations|both), max_bits 8; xnor lanes 64, max_bits 1 (binary only). Unknown
/// keys are errors, so a typo never falls back to a default silently.
/// </remarks>
public static class ArchitectureYaml
{
    /// <summary>The schema version this HwSim reads and writes.</summary>
    public const int Version = ArchitectureYamlSchema.Version;

    /// <summary>Reads and validates the architecture file at <paramref name="path"/>.</summary>
    public static ArchitectureSpec Load(string path)
    {
        var text = InputFiles.ReadAllText(path);
        return Parse(text, path);
    }

    /// <summary>Reads and validates architecture YAML; <paramref name="file"/> names it in errors.</summary>
    public static ArchitectureSpec Parse(string yamlText, string file) => new ArchitectureYamlReader(file).Read(yamlText);

    /// <summary>The architecture as a file <see cref="Parse"/> reads back to an equal spec, every value explicit.</summary>
    public static string ToYaml(ArchitectureSpec arch) => ArchitectureYamlWriter.Yaml(arch);

    /// <summary>
    /// The architecture in the <c>storage:</c> form (DRAM first, then every on-chip level with its
    /// capacity, word width, banks, buffering and operands), whatever form it was read from: what
    /// <c>hwsim archs --upgrade</c> writes. It reads back to an equal spec.
    /// </summary>
    public static string ToStorageYaml(ArchitectureSpec arch) => ArchitectureYamlWriter.Yaml(arch, storageForm: true);

    /// <summary>
    /// What <see cref="ToYaml"/> writes, as ordered nodes: dictionaries with the schema's
    /// snake_case keys, lists, strings, ints, doubles and booleans. Other formats (the CLI's JSON)
    /// are written from it, so every format has the same keys.
    /// </summary>
    public static IReadOnlyDictionary<string, object> ToTree(ArchitectureSpec arch) => ArchitectureYamlWriter.Tree(arch);
}
