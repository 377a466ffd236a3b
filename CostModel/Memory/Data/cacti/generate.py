#!/usr/bin/env python3
"""Writes CostModel/Memory/Data/sram-cacti-45nm.csv by running CACTI 7 over an SRAM grid.

CACTI is not part of HwSim and CI does not rebuild it. To regenerate:
  fetch github.com/HewlettPackard/cacti, build it (`make opt` or `make`), then
  python3 generate.py --cacti /path/to/cacti-src [--jobs 2] [--timeout 300] [--banks 1,2,4,8,16,32]
The CACTI directory must hold the `cacti` binary and its `tech_params/` and `contention.dat`
(CACTI reads them relative to its working directory, so each run gets its own directory that
links to them).

Grid: capacity 64 B .. 64 MiB (powers of 2) x word width 8 .. 2048 bits (powers of 2) x UCA
banks 1, 2, 4, 8, 16, 32, run in priority order (banks 1 over the whole capacity x width range
first, then more banks). Every point CACTI cannot form is kept in the table as `skipped` with
CACTI's own message (or the timeout), never filled in.
"""
import argparse
import concurrent.futures
import datetime
import os
import re
import subprocess
import sys
import tempfile
import time

CAPACITIES = [2 ** k for k in range(6, 27)]  # 64 B .. 64 MiB
WIDTHS = [2 ** k for k in range(3, 12)]  # 8 .. 2048 bits
BANKS = [1, 2, 4, 8, 16, 32]

# The fixed part of every cfg. "ram" = scratch RAM without a tag array (CACTI's register-file /
# scratchpad model); one read/write port; the design objective and deviation are CACTI's own
# cache.cfg defaults (cycle-time weighted, ED^2 optimisation), so the organisation search is
# CACTI's, not ours. ECC is off: HwSim's buffers hold plain operand words.
FIXED = """\
-associativity 1
-read-write port 1
-exclusive read port 0
-exclusive write port 0
-single ended read ports 0
-technology (u) 0.045
-page size (bits) 8192
-burst length 8
-internal prefetch width 8
-Data array cell type - "itrs-hp"
-Data array peripheral type - "itrs-hp"
-Tag array cell type - "itrs-hp"
-Tag array peripheral type - "itrs-hp"
-operating temperature (K) 360
-cache type "ram"
-tag size (b) "default"
-access mode (normal, sequential, fast) - "normal"
-design objective (weight delay, dynamic power, leakage power, cycle time, area) 0:0:0:100:0
-deviate (delay, dynamic power, leakage power, cycle time, area) 20:100000:100000:100000:100000
-NUCAdesign objective (weight delay, dynamic power, leakage power, cycle time, area) 100:100:0:0:100
-NUCAdeviate (delay, dynamic power, leakage power, cycle time, area) 10:10000:10000:10000:10000
-Optimize ED or ED^2 (ED, ED^2, NONE): "ED^2"
-Cache model (NUCA, UCA)  - "UCA"
-NUCA bank count 0
-Wire signaling (fullswing, lowswing, default) - "Global_30"
-Wire inside mat - "semi-global"
-Wire outside mat - "semi-global"
-Interconnect projection - "conservative"
-Core count 8
-Cache level (L2/L3) - "L3"
-Add ECC - "false"
-Print level (DETAILED, CONCISE) - "CONCISE"
-Print input parameters - "false"
-Force cache config - "false"
-Ndwl 1
-Ndbl 1
-Nspd 0
-Ndcm 1
-Ndsam1 0
-Ndsam2 0
-Array Power Gating - "false"
-WL Power Gating - "false"
-CL Power Gating - "false"
-Bitline floating - "false"
-Interconnect Power Gating - "false"
-Power Gating Performance Loss 0.01
"""

# CACTI 7 divides by zero without its off-chip IO section even for an on-chip array, so the
# values of its own cache.cfg are given; they do not enter the SRAM figures parsed here.
IO_SECTION = """\
-dram_type "DDR3"
-io state "WRITE"
-addr_timing 1.0
-mem_density 4 Gb
-bus_freq 800 MHz
-duty_cycle 1.0
-activity_dq 1.0
-activity_ca 0.5
-num_dq 72
-num_dqs 18
-num_ca 25
-num_clk  2
-num_mem_dq 2
-mem_data_width 8
-rtt_value 10000
-ron_value 34
-tflight_value
-num_bobs 1
-capacity 80
-num_channels_per_bob 1
-first metric "Cost"
-second metric "Bandwidth"
-third metric "Energy"
-DIMM model "ALL"
-mirror_in_bob "F"
"""

PARAMETERS = ("45 nm (technology 0.045 um), SRAM cell and peripheral itrs-hp, 360 K, cache type ram (no tag), "
              "direct mapped, 1 read/write port, block size = output/input bus width = word width, "
              "UCA banks as given, no ECC, no power gating, design objective 0:0:0:100:0 deviate "
              "20:100000:100000:100000:100000, ED^2, Global_30 wires, semi-global inside/outside mat, "
              "conservative interconnect projection")


def cfg_text(capacity, bits, banks):
    return (f"-size (bytes) {capacity}\n-block size (bytes) {bits // 8}\n-UCA bank count {banks}\n"
            f"-output/input bus width {bits}\n" + FIXED + IO_SECTION)


FIELDS = {
    "access_ns": r"Access time \(ns\):\s*(\S+)",
    "cycle_ns": r"Cycle time \(ns\):\s*(\S+)",
    "read_nj": r"Total dynamic read energy per access \(nJ\):\s*(\S+)",
    "write_nj": r"Total dynamic write energy per access \(nJ\):\s*(\S+)",
    "leak_bank_mw": r"Total leakage power of a bank \(mW\):\s*(\S+)",
    "gate_leak_bank_mw": r"Total gate leakage power of a bank \(mW\):\s*(\S+)",
    "height_width_mm": r"Cache height x width \(mm\):\s*(\S+) x (\S+)",
}


def failure_reason(out, err, rc):
    text = (out + "\n" + err)
    lines = [l.strip() for l in text.splitlines()]
    for i, s in enumerate(lines):
        if re.search(r"error|invalid|not |cannot|can't|must|too |should", s, re.IGNORECASE) and not s.startswith("-"):
            # CACTI continues a message over the following indented lines.
            more = [l for l in lines[i + 1:i + 3] if l and not l.startswith("-")]
            return " ".join([s.rstrip(":") + ":" if more else s] + more).replace("::", ":")
    return f"CACTI exited with code {rc} and no result" + (f" ({text.strip().splitlines()[-1].strip()})" if text.strip() else "")


def run_one(cacti_dir, work, capacity, bits, banks, timeout):
    d = tempfile.mkdtemp(prefix=f"c{capacity}_w{bits}_b{banks}_", dir=work)
    for f in ("tech_params", "contention.dat"):
        os.symlink(os.path.join(cacti_dir, f), os.path.join(d, f))
    with open(os.path.join(d, "sram.cfg"), "w") as f:
        f.write(cfg_text(capacity, bits, banks))
    start = time.monotonic()
    try:
        p = subprocess.run([os.path.join(cacti_dir, "cacti"), "-infile", "sram.cfg"], cwd=d,
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return (capacity, bits, banks, None, f"CACTI did not finish within {timeout} s", time.monotonic() - start)
    seconds = time.monotonic() - start
    values = {}
    for key, pattern in FIELDS.items():
        m = re.search(pattern, p.stdout)
        if m:
            values[key] = tuple(float(g) for g in m.groups()) if key == "height_width_mm" else float(m.group(1))
    if p.returncode != 0 or len(values) != len(FIELDS):
        return (capacity, bits, banks, None, failure_reason(p.stdout, p.stderr, p.returncode), seconds)
    h, w = values["height_width_mm"]
    row = {
        "read_pj": values["read_nj"] * 1e3,
        "write_pj": values["write_nj"] * 1e3,
        # CACTI prints the leakage of one bank (it halves when the banks double); the table
        # holds the whole array's: (subthreshold + gate) x banks.
        "leakage_mw": (values["leak_bank_mw"] + values["gate_leak_bank_mw"]) * banks,
        "area_um2": h * w * 1e6,
        "access_ns": values["access_ns"],
        "cycle_ns": values["cycle_ns"],
    }
    return (capacity, bits, banks, row, "", seconds)


def g(v):
    return f"{v:.6g}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cacti", required=True, help="CACTI source directory holding the built `cacti` binary")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sram-cacti-45nm.csv"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--banks", default=",".join(map(str, BANKS)), help="bank counts to run, in priority order")
    ap.add_argument("--commit", help="CACTI commit (default: read with git from --cacti)")
    args = ap.parse_args()
    cacti_dir = os.path.abspath(args.cacti)
    banks = [int(b) for b in args.banks.split(",")]
    commit = args.commit or subprocess.run(["git", "-C", cacti_dir, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    if not re.fullmatch(r"[0-9a-f]{40}", commit or ""):
        sys.exit("generate.py: give --commit (the CACTI commit that was built); could not read it with git")

    grid = [(c, w, b) for b in banks for c in CAPACITIES for w in WIDTHS]
    results = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cacti-grid-") as work, \
            concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run_one, cacti_dir, work, c, w, b, args.timeout) for c, w, b in grid]
        for i, f in enumerate(futures, 1):
            results.append(f.result())
            if i % 50 == 0:
                print(f"{i}/{len(grid)} runs, {time.monotonic() - started:.0f} s", file=sys.stderr)
    wall = time.monotonic() - started
    ok = [r for r in results if r[3] is not None]
    run_seconds = sum(r[5] for r in results)

    results.sort(key=lambda r: (r[2], r[0], r[1]))
    out = os.path.abspath(args.out)
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"# SRAM energy, leakage and area from CACTI 7, written by CostModel/Memory/Data/cacti/generate.py\n")
        f.write(f"# CACTI: github.com/HewlettPackard/cacti commit {commit} (built from source, not part of HwSim)\n")
        f.write(f"# generated {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d')} UTC; {len(grid)} runs ({len(ok)} ok, {len(grid) - len(ok)} skipped), "
                f"{args.jobs} processes, {wall:.0f} s wall, {run_seconds:.0f} s summed per run, timeout {args.timeout:g} s per run\n")
        f.write(f"# parameters: {PARAMETERS}\n")
        f.write(f"# grid: capacity {CAPACITIES[0]} B .. {CAPACITIES[-1]} B (powers of 2) x word bits {WIDTHS[0]} .. {WIDTHS[-1]} (powers of 2) x banks {','.join(map(str, banks))}\n")
        f.write("# columns: read_pj/write_pj = CACTI's total dynamic read/write energy per access (one word); "
                "leakage_mw = (leakage + gate leakage of a bank) x banks; area_um2 = height x width of the whole array; "
                "status skipped = CACTI formed no array, reason = its message\n")
        f.write("capacity_bytes,word_bits,banks,status,read_pj,write_pj,leakage_mw,area_um2,access_ns,cycle_ns,reason\n")
        for c, w, b, row, reason, _ in results:
            if row is None:
                f.write(f"{c},{w},{b},skipped,,,,,,,\"{reason.replace(chr(34), chr(39))}\"\n")
            else:
                f.write(f"{c},{w},{b},ok,{g(row['read_pj'])},{g(row['write_pj'])},{g(row['leakage_mw'])},{g(row['area_um2'])},{g(row['access_ns'])},{g(row['cycle_ns'])},\n")
    os.replace(tmp, out)
    print(f"wrote {out}: {len(ok)} ok, {len(grid) - len(ok)} skipped, {wall:.0f} s wall, mean {run_seconds / len(grid):.2f} s per run", file=sys.stderr)


if __name__ == "__main__":
    main()
