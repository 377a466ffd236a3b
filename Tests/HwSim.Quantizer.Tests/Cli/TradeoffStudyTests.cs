using HwSim.Analyses.Tradeoff;
using HwSim.Cli.Tradeoff;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Quantizer.Tests.Cli;

/// <summary>The tradeoff's summaries and answers on hand-made rows, and <c>hwsim report --accuracy</c> on a results file.</summary>
public sealed class TradeoffStudyTests
{
    private static TradeoffRow Row(string method, int w, int a, string fl, double k, long seed, double acc, double uj) =>
        new(0, "compact-vgg", method, w, a, fl, k, seed, 6, 5000, 5000, acc, uj, 0.01, 0.5, 0, 10);

    private static readonly TradeoffRow[] Rows =
    [
        Row("fp32", 32, 32, "fp32", 1, 1, 0.86, 20), Row("fp32", 32, 32, "fp32", 1, 2, 0.88, 20),
        Row("uniform", 8, 8, "same", 1, 1, 0.85, 5), Row("uniform", 8, 8, "same", 1, 2, 0.87, 5),
        Row("xnor", 1, 1, "fp32", 1, 1, 0.70, 3), Row("xnor", 1, 1, "fp32", 1, 2, 0.74, 3),
        Row("xnor", 1, 1, "fp32", 2, 1, 0.84, 8), Row("xnor", 1, 1, "fp32", 2, 2, 0.865, 8),
        Row("xnor", 1, 1, "fp32", 3, 1, 0.87, 15), Row("xnor", 1, 1, "fp32", 3, 2, 0.88, 15),
    ];

    [Test]
    public void Seeds_are_summarised_by_mean_and_sample_standard_deviation()
    {
        var s = TradeoffStudy.Summarise(Rows).Single(x => x.Method == "xnor" && x.Width == 1);
        Assert.That(s.Seeds, Is.EqualTo(2));
        Assert.That(s.AccuracyMean, Is.EqualTo(0.72).Within(1e-12));
        Assert.That(s.AccuracyStd, Is.EqualTo(Math.Sqrt(0.0008)).Within(1e-12), "sample std of 0.70 and 0.74: sqrt(2 * 0.02^2 / 1)");
        Assert.That((s.AccuracyMin, s.AccuracyMax), Is.EqualTo((0.70, 0.74)));
    }

    [Test]
    public void The_width_answer_is_the_smallest_width_within_the_margin_of_each_baseline()
    {
        var answers = TradeoffStudy.Widths(TradeoffStudy.Summarise(Rows), 0.01);
        // fp32 k=1: mean 0.87, so at least 0.86: k=2 has 0.8525, k=3 has 0.875.
        var fp32 = answers.Single(a => a.Baseline == "fp32 k=1");
        Assert.That(fp32.Smallest!.Width, Is.EqualTo(3));
        // int8: mean 0.86, so at least 0.85: k=2 (0.8525) is.
        Assert.That(answers.Single(a => a.Baseline == "uniform int8 k=1").Smallest!.Width, Is.EqualTo(2));
        Assert.That(TradeoffStudy.Widths(TradeoffStudy.Summarise(Rows), 0.0001).Single(a => a.Baseline == "fp32 k=1").Smallest!.Width, Is.EqualTo(3));
        Assert.That(TradeoffStudy.Widths(TradeoffStudy.Summarise(Rows.Where(r => r.Width < 3)), 0.001).Single(a => a.Baseline == "fp32 k=1").Smallest, Is.Null);
    }

    [Test]
    public void Report_with_accuracy_shows_the_accuracy_columns_and_a_bad_file_is_one_error()
    {
        using var dir = new TempDir();
        var csv = dir.File("results.csv");
        using (var w = new StreamWriter(csv))
            TradeoffCsv.WriteCsv(w, Rows);
        var r = CliRunner.Run("report", "resnet18", "--no-width", "--accuracy", csv, "-o", Path.Combine(dir.Path, "report"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Output, Does.Contain("test accuracy").And.Contain("87.00 ± 1.41 %").And.Contain("from k = 3"));
        Assert.That(File.ReadAllText(Path.Combine(dir.Path, "report", "report.md")), Does.Contain("## Accuracy beside the cost"));
        File.WriteAllText(csv, File.ReadAllText(csv).Replace(",0.74,", ",1.74,"));
        var bad = CliRunner.Run("report", "resnet18", "--no-width", "--accuracy", csv, "-o", Path.Combine(dir.Path, "report2"));
        Assert.That(bad.ExitCode, Is.EqualTo(2), bad.ToString());
        Assert.That(bad.Error, Does.Contain(csv).And.Contain("line 7").And.Contain("test_accuracy"));
        Assert.That(Directory.Exists(Path.Combine(dir.Path, "report2")), Is.False, "nothing written on bad input");
    }
}
