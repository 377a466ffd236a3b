using CsCheck;

namespace HwSim.Tests.Support;

/// <summary>
/// A fixed list of cases from a generator and a seed: the same cases on every run, unlike
/// <c>Sample</c>, whose seed fixes only the first iteration.
/// </summary>
internal static class SeededCases
{
    public static List<T> Of<T>(Gen<T> gen, int count, ulong seed)
    {
        var pcg = new PCG(1, seed);
        var cases = new List<T>(count);
        for (var i = 0; i < count; i++)
            cases.Add(gen.Generate(pcg, null, out _));
        return cases;
    }

    /// <summary>Runs <paramref name="check"/> on every case, in parallel; the first failure fails the test with its message.</summary>
    public static void Check<T>(Gen<T> gen, int count, ulong seed, Action<T> check)
    {
        try
        {
            Parallel.ForEach(Of(gen, count, seed), check);
        }
        catch (AggregateException e)
        {
            NUnit.Framework.Assert.Fail(e.InnerExceptions[0].Message);
        }
    }
}
