using HwSim.Workloads;
using Onnx;

namespace HwSim.Quantizer.Onnx;

/// <summary>
/// Typed reads of node attributes for the executor. An attribute of the wrong type is an error
/// naming it rather than a silent default, because protobuf returns 0 for a field a writer left empty.
/// </summary>
/// <remarks>The foundation's reader has the same helpers, but internal to HwSim.Workloads.</remarks>
internal static class OnnxNodeAttributes
{
    public static AttributeProto? Find(this NodeProto node, string name)
    {
        foreach (var attribute in node.Attribute)
        {
            if (attribute.Name == name)
                return attribute;
        }
        return null;
    }

    public static long Int(this NodeProto node, string name, long fallback) =>
        node.Find(name) is { } a ? Expect(a, AttributeProto.Types.AttributeType.Int, "an integer").I : fallback;

    public static float Float(this NodeProto node, string name, float fallback) =>
        node.Find(name) is { } a ? Expect(a, AttributeProto.Types.AttributeType.Float, "a float").F : fallback;

    public static long[]? Ints(this NodeProto node, string name) =>
        node.Find(name) is { } a ? [.. Expect(a, AttributeProto.Types.AttributeType.Ints, "a list of integers").Ints] : null;

    public static string String(this NodeProto node, string name, string fallback) =>
        node.Find(name) is { } a ? Expect(a, AttributeProto.Types.AttributeType.String, "a string").S.ToStringUtf8() : fallback;

    private static AttributeProto Expect(AttributeProto attribute, AttributeProto.Types.AttributeType type, string what) =>
        // Writers before IR version 3 left the type unset; their value still sits in the right field.
        attribute.Type == type || attribute.Type == AttributeProto.Types.AttributeType.Undefined
            ? attribute
            : throw new InputException($"must be {what}, got {attribute.Type}", attribute.Name);
}
