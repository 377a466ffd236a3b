using HwSim.Quantizer.Pipeline;
using HwSim.Tests.Support;
using HwSim.Workloads;
using NUnit.Framework;

namespace HwSim.Quantizer.Tests.Pipeline;

/// <summary>Issue 11 items 8, 15 and 18 for quantize's overrides file.</summary>
public sealed class OverridesHostileTests
{
    private static InputException ReadError(string yaml)
    {
        using var dir = new TempDir();
        var path = dir.File("o.yaml", yaml);
        return Assert.Throws<InputException>(() => LayerOverrides.Read(path))!;
    }

    [Test]
    public void The_format_error_lists_every_integer_width_it_accepts()
    {
        Assert.That(ReadError("conv1: int99\n").Message, Does.Contain("o.yaml").And.Contain("line 1").And.Contain("int2 to int32").And.Contain("int3"));
        using var dir = new TempDir();
        Assert.That(LayerOverrides.Read(dir.File("ok.yaml", "conv1: int3\n")), Is.Not.Null, "int3 is accepted, as the message says");
    }

    [Test]
    public void Nesting_tens_of_thousands_deep_is_an_error_not_a_stack_overflow() =>
        Assert.That(ReadError("conv1: " + new string('[', 40_000) + new string(']', 40_000) + "\n").Message, Does.Contain("nested more than 64 levels"));

    [Test]
    public void A_custom_tag_is_refused() =>
        Assert.That(ReadError("conv1: !fmt int8\n").Message, Does.Contain("the tag '!fmt' is not allowed"));
}
