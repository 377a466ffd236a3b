using NUnit.Framework;
using HwSim.Workloads;
using HwSim.Workloads.Formats;

namespace HwSim.Tests.Workloads.Formats;

/// <summary>
/// Number formats are built only by their factories, so the ranges live there: signed integers
/// 2..32 bits (1 bit signed is binary), unsigned 1..32. Canonical names parse back to the same
/// format; anything else is an <see cref="InputException"/> whose rule says what was expected.
/// </summary>
[TestFixture]
public sealed class NumberFormatTests
{
    private static IEnumerable<int> SignedBits => Enumerable.Range(2, 31);

    private static IEnumerable<int> UnsignedBits => Enumerable.Range(1, 32);

    private static IEnumerable<TestCaseData> EveryFormat()
    {
        foreach (var bits in SignedBits)
            yield return new TestCaseData(NumberFormat.Int(bits)).SetArgDisplayNames($"int{bits}");
        foreach (var bits in UnsignedBits)
            yield return new TestCaseData(NumberFormat.UInt(bits)).SetArgDisplayNames($"uint{bits}");
        yield return new TestCaseData(NumberFormat.Binary).SetArgDisplayNames("binary");
        yield return new TestCaseData(NumberFormat.Ternary).SetArgDisplayNames("ternary");
        yield return new TestCaseData(NumberFormat.Fp16).SetArgDisplayNames("fp16");
        yield return new TestCaseData(NumberFormat.Bf16).SetArgDisplayNames("bf16");
        yield return new TestCaseData(NumberFormat.Fp32).SetArgDisplayNames("fp32");
    }

    [TestCaseSource(nameof(SignedBits))]
    public void Int_AcceptsTwoTo32Bits(int bits)
    {
        var format = NumberFormat.Int(bits);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(format.Kind, Is.EqualTo(NumberKind.SignedInt));
            Assert.That(format.Bits, Is.EqualTo(bits));
            Assert.That(format.Name, Is.EqualTo($"int{bits}"));
            Assert.That(format.IsInteger, Is.True);
            Assert.That(format.IsFloat, Is.False);
        }
    }

    [TestCaseSource(nameof(UnsignedBits))]
    public void UInt_AcceptsOneTo32Bits(int bits)
    {
        var format = NumberFormat.UInt(bits);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(format.Kind, Is.EqualTo(NumberKind.UnsignedInt));
            Assert.That(format.Bits, Is.EqualTo(bits));
            Assert.That(format.Name, Is.EqualTo($"uint{bits}"));
            Assert.That(format.IsInteger, Is.True);
        }
    }

    [TestCase(1)]
    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(33)]
    [TestCase(64)]
    [TestCase(int.MinValue)]
    public void Int_OutOfRangeThrowsNamingTheRangeAndTheValue(int bits)
    {
        var error = Assert.Throws<InputException>(() => NumberFormat.Int(bits));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Field, Is.EqualTo("bits"));
            Assert.That(error.Rule, Does.Contain("2 to 32"));
            Assert.That(error.Rule, Does.Contain($"got {bits}"));
        }
    }

    [Test]
    public void Int_OneBitPointsToBinary()
    {
        var error = Assert.Throws<InputException>(() => NumberFormat.Int(1));

        Assert.That(error.Rule, Does.Contain("binary"));
    }

    [TestCase(0)]
    [TestCase(-8)]
    [TestCase(33)]
    [TestCase(int.MaxValue)]
    public void UInt_OutOfRangeThrowsNamingTheRangeAndTheValue(int bits)
    {
        var error = Assert.Throws<InputException>(() => NumberFormat.UInt(bits));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Field, Is.EqualTo("bits"));
            Assert.That(error.Rule, Does.Contain("1 to 32"));
            Assert.That(error.Rule, Does.Contain($"got {bits}"));
        }
    }

    [Test]
    public void FixedFormats_HaveTheirStorageWidths()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That((NumberFormat.Binary.Kind, NumberFormat.Binary.Bits), Is.EqualTo((NumberKind.Binary, 1)));
            Assert.That((NumberFormat.Ternary.Kind, NumberFormat.Ternary.Bits), Is.EqualTo((NumberKind.Ternary, 2)));
            Assert.That((NumberFormat.Fp16.Kind, NumberFormat.Fp16.Bits), Is.EqualTo((NumberKind.Fp16, 16)));
            Assert.That((NumberFormat.Bf16.Kind, NumberFormat.Bf16.Bits), Is.EqualTo((NumberKind.Bf16, 16)));
            Assert.That((NumberFormat.Fp32.Kind, NumberFormat.Fp32.Bits), Is.EqualTo((NumberKind.Fp32, 32)));
        }
    }

    [Test]
    public void IsFloat_OnlyForTheFloatingPointFormats()
    {
        NumberFormat[] floats = [NumberFormat.Fp16, NumberFormat.Bf16, NumberFormat.Fp32];
        NumberFormat[] integers = [NumberFormat.Binary, NumberFormat.Ternary, NumberFormat.Int(8), NumberFormat.UInt(8)];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(floats, Has.All.Matches<NumberFormat>(f => f.IsFloat && !f.IsInteger));
            Assert.That(integers, Has.All.Matches<NumberFormat>(f => f.IsInteger && !f.IsFloat));
        }
    }

    [Test]
    public void Equality_IsByKindAndBits()
    {
        using (Assert.EnterMultipleScope())
        {
            var (a, b) = (NumberFormat.Int(8), NumberFormat.Parse("int8"));
            Assert.That(a, Is.EqualTo(b));
            Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
            Assert.That(NumberFormat.Int(8), Is.Not.EqualTo(NumberFormat.UInt(8)));
            Assert.That(NumberFormat.Int(8), Is.Not.EqualTo(NumberFormat.Int(4)));
            Assert.That(NumberFormat.Fp16, Is.Not.EqualTo(NumberFormat.Bf16));
            Assert.That(NumberFormat.Int(2), Is.Not.EqualTo(NumberFormat.Ternary));
            Assert.That(NumberFormat.UInt(1), Is.Not.EqualTo(NumberFormat.Binary));
        }
    }

    [TestCaseSource(nameof(EveryFormat))]
    public void Name_RoundTripsThroughParse(NumberFormat format)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(NumberFormat.Parse(format.Name), Is.EqualTo(format));
            Assert.That(NumberFormat.TryParse(format.Name, out var parsed, out var error), Is.True);
            Assert.That(parsed, Is.EqualTo(format));
            Assert.That(error, Is.Empty);
            Assert.That(format.ToString(), Is.EqualTo(format.Name));
        }
    }

    [TestCase("binary", NumberKind.Binary, 1)]
    [TestCase("ternary", NumberKind.Ternary, 2)]
    [TestCase("fp16", NumberKind.Fp16, 16)]
    [TestCase("bf16", NumberKind.Bf16, 16)]
    [TestCase("fp32", NumberKind.Fp32, 32)]
    [TestCase("int2", NumberKind.SignedInt, 2)]
    [TestCase("int8", NumberKind.SignedInt, 8)]
    [TestCase("int32", NumberKind.SignedInt, 32)]
    [TestCase("uint1", NumberKind.UnsignedInt, 1)]
    [TestCase("uint4", NumberKind.UnsignedInt, 4)]
    [TestCase("uint32", NumberKind.UnsignedInt, 32)]
    public void Parse_CanonicalNames(string text, NumberKind kind, int bits)
    {
        var format = NumberFormat.Parse(text);

        Assert.That((format.Kind, format.Bits), Is.EqualTo((kind, bits)));
    }

    [TestCase("BINARY", "binary")]
    [TestCase("Ternary", "ternary")]
    [TestCase("FP16", "fp16")]
    [TestCase("Bf16", "bf16")]
    [TestCase("fP32", "fp32")]
    [TestCase("INT8", "int8")]
    [TestCase("UInt4", "uint4")]
    [TestCase("  int8  ", "int8")]
    [TestCase("\tuint2\n", "uint2")]
    [TestCase(" FP32 ", "fp32")]
    [TestCase("\r\n Binary \t", "binary")]
    public void Parse_IgnoresCaseAndSurroundingWhitespace(string text, string canonical)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(NumberFormat.Parse(text).Name, Is.EqualTo(canonical));
            Assert.That(NumberFormat.TryParse(text, out var format, out _), Is.True);
            Assert.That(format.Name, Is.EqualTo(canonical));
        }
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("int")]
    [TestCase("uint")]
    [TestCase("float")]
    [TestCase("fp64")]
    [TestCase("fp8")]
    [TestCase("i8")]
    [TestCase("int 8")]
    [TestCase("int+8")]
    [TestCase("int-4")]
    [TestCase("int8x")]
    [TestCase("8")]
    [TestCase("bin")]
    [TestCase("binary1")]
    [TestCase("int99999999999")]
    public void Parse_UnknownNameThrowsListingTheKnownFormats(string text)
    {
        var error = Assert.Throws<InputException>(() => NumberFormat.Parse(text, "weight_format"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Field, Is.EqualTo("weight_format"));
            Assert.That(error.Rule, Does.Contain($"'{text}'"));
            Assert.That(error.Rule, Does.Contain("intB").And.Contain("uintB").And.Contain("binary").And.Contain("ternary")
                .And.Contain("fp16").And.Contain("bf16").And.Contain("fp32"));
            Assert.That(error.Message, Does.StartWith("field 'weight_format': "));
        }
    }

    [TestCase("int1", "2 to 32", "got 1")]
    [TestCase("int0", "2 to 32", "got 0")]
    [TestCase("int33", "2 to 32", "got 33")]
    [TestCase("INT64", "2 to 32", "got 64")]
    [TestCase("uint0", "1 to 32", "got 0")]
    [TestCase("uint33", "1 to 32", "got 33")]
    public void Parse_OutOfRangeBitsThrowsTheRangeRule(string text, string range, string got)
    {
        var error = Assert.Throws<InputException>(() => NumberFormat.Parse(text, "input_format"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Field, Is.EqualTo("input_format"));
            Assert.That(error.Rule, Does.Contain(range));
            Assert.That(error.Rule, Does.Contain(got));
        }
    }

    [Test]
    public void Parse_WithoutFieldLeavesItUnset()
    {
        var error = Assert.Throws<InputException>(() => NumberFormat.Parse("nope"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Field, Is.Null);
            Assert.That(error.Message, Is.EqualTo(error.Rule));
        }
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("int33")]
    [TestCase("quad")]
    public void TryParse_BadTextReturnsFalseWithTheRule(string? text)
    {
        var ok = NumberFormat.TryParse(text, out _, out var error);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.False);
            Assert.That(error, Is.Not.Empty);
        }
    }

    [Test]
    public void TryParse_OutOfRangeGivesTheSameRuleAsTheFactory()
    {
        var factory = Assert.Throws<InputException>(() => NumberFormat.UInt(40));

        Assert.That(NumberFormat.TryParse("uint40", out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo(factory.Rule));
    }
}

/// <summary>
/// The accumulator is product bits plus ceil(log2 n) for n terms, capped at int32; any float
/// operand accumulates in fp32.
/// </summary>
[TestFixture]
public sealed class OperandPrecisionTests
{
    [TestCase("int4", "uint2", 576L, 16, TestName = "int4 x uint2 over 576 terms: 4+2+10")]
    [TestCase("int8", "int8", 4608L, 29, TestName = "int8 x int8 over 4608 terms: 8+8+13")]
    [TestCase("int8", "uint8", 4096L, 28, TestName = "exact power of two: 8+8+12")]
    [TestCase("int8", "uint8", 4097L, 29, TestName = "one past a power of two: 8+8+13")]
    [TestCase("int8", "uint8", 2L, 17, TestName = "two terms add one bit")]
    [TestCase("int8", "uint8", 3L, 18, TestName = "three terms add two bits")]
    [TestCase("binary", "binary", 147L, 10, TestName = "binary x binary over 147: 1+1+8")]
    [TestCase("ternary", "uint2", 9L, 8, TestName = "ternary x uint2 over 9: 2+2+4")]
    [TestCase("int16", "int8", 512L, 32, TestName = "exactly 32 bits: 16+8+9")]
    [TestCase("int16", "int8", 513L, 32, TestName = "33 bits capped at 32")]
    [TestCase("int8", "uint8", 1L << 20, 32, TestName = "36 bits capped at 32")]
    [TestCase("int32", "int32", long.MaxValue, 32, TestName = "the longest reduction capped at 32")]
    public void AccumulatorFor_IntegersGrowByLog2OfTheReduction(string weight, string input, long terms, int bits)
    {
        var accumulator = OperandPrecision.AccumulatorFor(NumberFormat.Parse(weight), NumberFormat.Parse(input), terms);

        Assert.That(accumulator, Is.EqualTo(NumberFormat.Int(bits)));
    }

    [TestCase("int4", "uint2", 6)]
    [TestCase("int8", "int8", 16)]
    [TestCase("binary", "binary", 2)]
    [TestCase("binary", "uint1", 2)]
    [TestCase("ternary", "ternary", 4)]
    [TestCase("int16", "int16", 32)]
    [TestCase("int32", "uint8", 32)]
    public void AccumulatorFor_OneTermIsTheProductWidth(string weight, string input, int bits)
    {
        var accumulator = OperandPrecision.AccumulatorFor(NumberFormat.Parse(weight), NumberFormat.Parse(input), 1);

        Assert.That(accumulator, Is.EqualTo(NumberFormat.Int(bits)));
    }

    [TestCase("fp32", "fp32")]
    [TestCase("fp16", "fp16")]
    [TestCase("bf16", "bf16")]
    [TestCase("fp16", "int8")]
    [TestCase("int8", "bf16")]
    [TestCase("binary", "fp32")]
    public void AccumulatorFor_AnyFloatOperandAccumulatesInFp32(string weight, string input)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(OperandPrecision.AccumulatorFor(NumberFormat.Parse(weight), NumberFormat.Parse(input), 1), Is.EqualTo(NumberFormat.Fp32));
            Assert.That(OperandPrecision.AccumulatorFor(NumberFormat.Parse(weight), NumberFormat.Parse(input), 4608), Is.EqualTo(NumberFormat.Fp32));
        }
    }

    [TestCase(0L)]
    [TestCase(-1L)]
    public void AccumulatorFor_EmptyReductionIsAProgrammingError(long terms)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OperandPrecision.AccumulatorFor(NumberFormat.Int(8), NumberFormat.Int(8), terms));
    }

    [Test]
    public void For_KeepsOperandsDerivesAccumulatorAndOutputsInTheInputFormat()
    {
        var precision = OperandPrecision.For(NumberFormat.Int(4), NumberFormat.UInt(2), 576);

        Assert.That(precision, Is.EqualTo(new OperandPrecision(NumberFormat.Int(4), NumberFormat.UInt(2), NumberFormat.Int(16), NumberFormat.UInt(2))));
    }

    [Test]
    public void Fp32_IsFp32Everywhere()
    {
        var p = OperandPrecision.Fp32;

        Assert.That(new[] { p.Weight, p.Input, p.Accumulator, p.Output }, Has.All.EqualTo(NumberFormat.Fp32));
    }

    // Regression: unsigned x unsigned used a signed accumulator one bit too narrow (3 x 3 = 9 in int4).
    [TestCase(2, 2, 1L, 3L * 3)]
    [TestCase(8, 8, 576L, 255L * 255 * 576)]
    [TestCase(4, 2, 4608L, 15L * 3 * 4608)]
    public void AccumulatorFor_UnsignedProductsAccumulateUnsignedWithoutOverflow(int weightBits, int inputBits, long terms, long largestSum)
    {
        var acc = OperandPrecision.AccumulatorFor(NumberFormat.UInt(weightBits), NumberFormat.UInt(inputBits), terms);
        Assert.That(acc.Kind, Is.EqualTo(NumberKind.UnsignedInt));
        Assert.That(largestSum, Is.LessThanOrEqualTo((1L << acc.Bits) - 1));
    }

    [TestCase("binary", -1L, 1L)]
    [TestCase("ternary", -1L, 1L)]
    [TestCase("int2", -2L, 1L)]
    [TestCase("int8", -128L, 127L)]
    [TestCase("int32", -2147483648L, 2147483647L)]
    [TestCase("uint1", 0L, 1L)]
    [TestCase("uint4", 0L, 15L)]
    [TestCase("uint32", 0L, 4294967295L)]
    public void Code_ranges_of_integer_formats(string name, long min, long max) =>
        Assert.That(NumberFormat.Parse(name).CodeRange, Is.EqualTo(((long, long)?)(min, max)));

    [TestCase("fp16")]
    [TestCase("bf16")]
    [TestCase("fp32")]
    public void Float_formats_have_no_code_range(string name) =>
        Assert.That(NumberFormat.Parse(name).CodeRange, Is.Null);
}
