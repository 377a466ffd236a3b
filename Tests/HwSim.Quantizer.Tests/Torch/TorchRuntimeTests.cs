using HwSim.Quantizer.Torch;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Torch;

public sealed class TorchRuntimeTests
{
    [Test]
    public void Libtorch_loads_and_a_torchvision_resnet18_runs_a_forward_pass()
    {
        TorchRuntime.EnsureLoaded();
        manual_seed(1);
        using var scope = NewDisposeScope();
        using var model = torchvision.models.resnet18();
        model.eval();
        using var _ = no_grad();
        var output = model.forward(randn(1, 3, 224, 224));
        Assert.That(output.shape, Is.EqualTo(new long[] { 1, 1000 }));
        Assert.That(output.isfinite().all().item<bool>(), Is.True);
    }

    [Test]
    public void The_output_copy_of_libLibTorchSharp_needs_no_version_the_system_lacks()
    {
        // The build marks GLIBCXX_3.4.32 weak in the output copy only; the load above proves the effect,
        // this checks the NuGet cache's copy was never written (its need is still strong).
        var cache = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        var output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux() || !File.Exists(cache) || !File.Exists(output))
            Assert.Ignore("needs Linux and TorchSharp 0.107.0 in the default NuGet cache");
        Assert.That(VersionNeedFlags(File.ReadAllBytes(cache), "GLIBCXX_3.4.32") & 2, Is.EqualTo(0), "the NuGet cache copy must stay as published");
        var systemHasIt = File.Exists("/usr/lib/x86_64-linux-gnu/libstdc++.so.6") &&
            System.Text.Encoding.ASCII.GetString(File.ReadAllBytes("/usr/lib/x86_64-linux-gnu/libstdc++.so.6")).Contains("GLIBCXX_3.4.32\0", StringComparison.Ordinal);
        Assert.That(VersionNeedFlags(File.ReadAllBytes(output), "GLIBCXX_3.4.32") & 2, Is.EqualTo(systemHasIt ? 0 : 2), "the output copy is patched exactly when the system lacks the version");
    }

    /// <summary>vna_flags of the named Vernaux entry, read independently of the build task (readelf's view).</summary>
    private static int VersionNeedFlags(byte[] elf, string version)
    {
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (var s = 0; s < shnum; s++)
        {
            var sh = (int)(shoff + (long)s * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != 0x6ffffffe)
                continue;
            var offset = (int)BitConverter.ToInt64(elf, sh + 0x18);
            var link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
            var count = (int)BitConverter.ToUInt32(elf, sh + 0x2C);
            var strings = (int)BitConverter.ToInt64(elf, (int)(shoff + (long)link * shentsize) + 0x18);
            var vn = offset;
            for (var n = 0; n < count; n++)
            {
                var vna = vn + (int)BitConverter.ToUInt32(elf, vn + 8);
                for (var a = 0; a < BitConverter.ToUInt16(elf, vn + 2); a++)
                {
                    var nameAt = strings + (int)BitConverter.ToUInt32(elf, vna + 8);
                    var end = Array.IndexOf(elf, (byte)0, nameAt);
                    if (System.Text.Encoding.ASCII.GetString(elf, nameAt, end - nameAt) == version)
                        return BitConverter.ToUInt16(elf, vna + 4);
                    vna += (int)BitConverter.ToUInt32(elf, vna + 12);
                }
                vn += (int)BitConverter.ToUInt32(elf, vn + 12);
            }
        }
        throw new AssertionException($"no version need on {version}");
    }
}
