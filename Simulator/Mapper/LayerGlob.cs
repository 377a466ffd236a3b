using System.Text.RegularExpressions;

namespace HwSim.Simulator.Mapper;

/// <summary>A layer-name pattern of a mapping file: <c>*</c> any run of characters, <c>?</c> one, the rest literal, whole name.</summary>
public sealed class LayerGlob(string pattern)
{
    private readonly Regex _regex = new("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
        RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public string Pattern { get; } = pattern;

    public bool Matches(string layer) => _regex.IsMatch(layer);
}
