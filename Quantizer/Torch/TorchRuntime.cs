using HwSim.Workloads;
using TorchSharp;

namespace HwSim.Quantizer.Torch;

/// <summary>
/// Loads libtorch once, and turns a failure into one clear message instead of a
/// TypeInitializationException deep inside TorchSharp.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lazy<string?> LoadError = new(TryLoad, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Throws an <see cref="InputException"/> naming the cause when libtorch cannot be loaded.</summary>
    public static void EnsureLoaded()
    {
        if (LoadError.Value is { } error)
            throw new InputException(error, "libtorch");
    }

    private static string? TryLoad()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or NotSupportedException or TypeInitializationException or InvalidOperationException or BadImageFormatException)
        {
            var inner = e;
            while (inner.InnerException is not null)
                inner = inner.InnerException;
            return "cannot load libtorch (TorchSharp-cpu 0.107.0): " + inner.Message.ReplaceLineEndings(" ") +
                ". Build with 'dotnet build' so that the output's libLibTorchSharp.so is patched for this libstdc++ (see README, 'TorchSharp on older Linux')";
        }
    }
}
