using System.Collections.Immutable;
using Onnx;

namespace HwSim.Workloads.Import.Onnx;

/// <summary>
/// Typed reads of node attributes. An attribute of the wrong type is an error naming it, not a
/// silent default: protobuf returns 0 for the field a writer did not fill. Shared by the shape
/// importer and the quantizer's executor.
/// </summary>
public static class OnnxAttributes
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

    public static ImmutableArray<long>? Ints(this NodeProto node, string name) =>
        node.Find(name) is { } a ? [.. Expect(a, AttributeProto.Types.AttributeType.Ints, "a list of integers").Ints] : null;

    public static ImmutableArray<double>? Floats(this NodeProto node, string name) =>
        node.Find(name) is { } a ? [.. Expect(a, AttributeProto.Types.AttributeType.Floats, "a list of floats").Floats.Select(f => (double)f)] : null;

    public static string String(this NodeProto node, string name, string fallback) =>
        node.Find(name) is { } a ? Expect(a, AttributeProto.Types.AttributeType.String, "a string").S.ToStringUtf8() : fallback;

    private static AttributeProto Expect(AttributeProto attribute, AttributeProto.Types.AttributeType type, string what) =>
        // Writers before IR version 3 left the type unset; their value still sits in the right field.
        attribute.Type == type || attribute.Type == AttributeProto.Types.AttributeType.Undefined
            ? attribute
            : throw new InputException($"must be {what}, got {attribute.Type}", attribute.Name);
}
