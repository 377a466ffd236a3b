namespace HwSim.Workloads.Shapes;

/// <summary>
/// Zero padding on each border, in elements. Sides may differ: ONNX exports and TensorFlow
/// "SAME" padding with an even kernel pad one side more than the other.
/// </summary>
public sealed record Padding
{
    public Padding(int top, int bottom, int left, int right)
    {
        Top = top;
        Bottom = bottom;
        Left = left;
        Right = right;
    }

    public static Padding None { get; } = new(0, 0, 0, 0);

    /// <summary>The same padding on all four sides.</summary>
    public static Padding Uniform(int p) => new(p, p, p, p);

    public int Top { get; init => field = NonNegative(value, "pad_top"); }
    public int Bottom { get; init => field = NonNegative(value, "pad_bottom"); }
    public int Left { get; init => field = NonNegative(value, "pad_left"); }
    public int Right { get; init => field = NonNegative(value, "pad_right"); }

    public bool IsSymmetric => Top == Bottom && Left == Right;

    /// <summary>"1" when uniform, else "top,bottom,left,right".</summary>
    public override string ToString() =>
        Top == Bottom && Bottom == Left && Left == Right ? $"{Top}" : $"{Top},{Bottom},{Left},{Right}";

    private static int NonNegative(int value, string field) =>
        value >= 0 ? value : throw new InputException($"must be 0 or more, got {value}", field);
}
