using HwSim.Analyses.Tradeoff;
using HwSim.Cli.Report;
using HwSim.Cli.Tradeoff;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Quantizer.Tests.Docs;

/// <summary>
/// The reference accuracy study's README quotes its committed results.csv (produced by the command the README gives)
/// through the section <c>hwsim report --accuracy</c> writes: every table row and every answer sentence is recomputed
/// here from the CSV and must appear in the README verbatim, so neither can change without the other.
/// </summary>
public sealed class AccuracyStudyTests
{
    private static string Folder => Path.Combine(RepoPaths.Root, "docs", "accuracy-study");

    [Test]
    public void The_results_have_one_row_per_configuration_and_seed_with_the_required_columns()
    {
        var header = File.ReadLines(Path.Combine(Folder, "results.csv")).First().Split(',');
        Assert.That(header, Is.SupersetOf(new[] { "method", "wbits", "abits", "first_last", "width", "seed", "epochs", "test_accuracy", "energy_uj", "latency_ms" }));
        var rows = TradeoffCsv.Read(Path.Combine(Folder, "results.csv"));
        Assert.That(rows.GroupBy(r => (r.Configuration, r.Seed)).All(g => g.Count() == 1), "one row per configuration and seed");
        Assert.That(rows.GroupBy(r => r.Configuration).All(g => g.Count() >= 2), "every configuration at two or more seeds");
        Assert.That(rows.All(r => r.TestAccuracy is > 0.1 and <= 1 && r.EnergyUj > 0 && r.LatencyMs > 0 && r.LayersNotRun == 0));
    }

    [Test]
    public void The_readme_quotes_the_summaries_and_answers_of_the_committed_results()
    {
        var readme = File.ReadAllText(Path.Combine(Folder, "README.md"));
        var section = AccuracySection.Markdown(AccuracySection.Read(Path.Combine(Folder, "results.csv")));
        var quoted = section.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("| ", StringComparison.Ordinal) || l.StartsWith("- W1A1", StringComparison.Ordinal)).ToList();
        Assert.That(quoted, Has.Count.GreaterThan(5));
        foreach (var line in quoted)
            Assert.That(readme, Does.Contain(line));
    }
}
