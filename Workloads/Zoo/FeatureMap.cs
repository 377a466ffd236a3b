namespace HwSim.Workloads.Zoo;

/// <summary>A tensor's channels x height x width as it flows between layers while a network is described.</summary>
public readonly record struct FeatureMap(int Channels, int Height, int Width)
{
    /// <summary>Channel concatenation of branches with the same spatial size (Inception).</summary>
    public static FeatureMap Concat(params ReadOnlySpan<FeatureMap> parts)
    {
        if (parts.Length == 0)
            throw new ArgumentException("nothing to concatenate", nameof(parts));
        var channels = 0;
        foreach (var p in parts)
        {
            if (p.Height != parts[0].Height || p.Width != parts[0].Width)
                throw new InvalidOperationException($"cannot concatenate {p} with {parts[0]}: spatial sizes differ");
            channels = channels + p.Channels;
        }
        return new FeatureMap(channels, parts[0].Height, parts[0].Width);
    }

    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
