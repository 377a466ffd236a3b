using HwSim.Tests.Support;
using HwSim.Workloads.Import.Csv;
using NUnit.Framework;

namespace HwSim.Quantizer.Tests.Cli;

/// <summary><c>hwsim train</c> and <c>hwsim tradeoff</c> end to end on the committed Fashion-MNIST subset, with tiny cuts of it.</summary>
public sealed class TrainCommandTests
{
    private static string Subset => Path.Combine(RepoPaths.Root, "data", "fashion-mnist-subset");

    [Test]
    public void Train_without_the_data_set_says_how_to_install_it_in_one_line_and_exits_2()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("train", "--data", Path.Combine(dir.Path, "none"), "--run", Path.Combine(dir.Path, "run"));
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(r.Error, Does.Contain("dataset-fashion-mnist").And.Contain("--data"));
        Assert.That(Directory.Exists(Path.Combine(dir.Path, "run")), Is.False, "nothing written");
    }

    [Test]
    public void Train_writes_metrics_and_a_workload_that_energy_prices()
    {
        using var dir = new TempDir();
        var run = Path.Combine(dir.Path, "run");
        var r = CliRunner.Run("train", "--data", Subset, "--run", run, "-m", "pact", "--wbits", "4", "--abits", "2", "--epochs", "1", "--qat-epochs", "1",
            "--train-count", "200", "--test-count", "100", "--batch-size", "32");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Error, Does.Contain("ETA"));
        var metrics = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        Assert.That(metrics[0], Is.EqualTo("phase,epoch,loss,train_accuracy,test_accuracy,seconds"));
        Assert.That(metrics.Skip(1).Select(l => l.Split(',')[0]), Is.EqualTo(new[] { "fp32", "qat" }));
        Assert.That(File.ReadAllText(Path.Combine(run, "result.json")), Does.Contain("\"threads\": 1"));
        var workload = WorkloadCsv.Read(Path.Combine(run, "workload.csv"));
        Assert.That(workload.Layers[1].Statistics?.InputAlpha, Is.Not.Null, "measured statistics on the trained tensors");
        var energy = CliRunner.Run("energy", Path.Combine(run, "workload.csv"), "-f", "json");
        Assert.That(energy.ExitCode, Is.EqualTo(0), energy.ToString());
        Assert.That(energy.Output, Does.Contain(workload.Layers.Sum(l => l.Macs).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Tradeoff_shards_merged_give_the_same_results_as_one_parallel_run()
    {
        using var dir = new TempDir();
        var grid = dir.File("grid.yaml", """
            network: compact-vgg
            seeds: [1, 2]
            epochs: 1
            qat_epochs: 1
            train_count: 100
            test_count: 100
            batch_size: 25
            configs:
              - {method: fp32, widths: [1]}
              - {method: xnor, wbits: 1, abits: 1, first_last: [fp32, same], widths: [1]}
            """);
        string[] Args(string outFolder, params string[] more) => ["tradeoff", grid, "--data", Subset, "--out", outFolder, "-q", .. more];
        // Two points at a time in one process: the seeding lock keeps each run identical to a sequential one.
        var whole = CliRunner.Run(Args(Path.Combine(dir.Path, "whole"), "-f", "csv", "--jobs", "2"));
        Assert.That(whole.ExitCode, Is.EqualTo(0), whole.ToString());
        var shard0 = CliRunner.Run(Args(Path.Combine(dir.Path, "s0"), "--shard", "0/2"));
        Assert.That(shard0.Output, Does.StartWith("3 of 6 points finished"));
        Assert.That(CliRunner.Run(Args(Path.Combine(dir.Path, "s1"), "--shard", "1/2")).ExitCode, Is.EqualTo(0));
        var merged = CliRunner.Run(Args(Path.Combine(dir.Path, "merged"), "--merge", Path.Combine(dir.Path, "s0"), "--merge", Path.Combine(dir.Path, "s1"), "-f", "csv"));
        Assert.That(merged.ExitCode, Is.EqualTo(0), merged.ToString());
        static string WithoutTimes(string csv) => string.Join("\n", csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.LastIndexOf(',')]));
        Assert.That(WithoutTimes(merged.Output), Is.EqualTo(WithoutTimes(whole.Output)));
        Assert.That(whole.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(7));
        Assert.That(File.Exists(Path.Combine(dir.Path, "whole", "tradeoff.png")));
        // Run again: every point is finished, nothing is trained, the same rows come out.
        var again = CliRunner.Run(Args(Path.Combine(dir.Path, "whole"), "-f", "csv"));
        Assert.That(again.Output, Is.EqualTo(whole.Output), "a finished point keeps its stored train_seconds, so the rows are byte-identical");
    }

    [Test]
    public void A_bad_grid_is_one_error_naming_the_file_and_line()
    {
        using var dir = new TempDir();
        var grid = dir.File("grid.yaml", "network: compact-vgg\nseeds: [1]\nepochs: 1\nqat_epochs: 1\nconfigs:\n  - {method: xnor, wbits: 3, abits: 1, widths: [1]}\n");
        var r = CliRunner.Run("tradeoff", grid, "--data", Subset, "--out", Path.Combine(dir.Path, "out"));
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Error, Does.Contain(grid).And.Contain("line 6").And.Contain("XNOR-Net weights are binary"));
    }
}
