using System.CommandLine;
using HwSim.Cli.Common;
using HwSim.Cli.Train;
using HwSim.Quantizer.Data;
using HwSim.Workloads;

namespace HwSim.Cli.DatasetSubset;

/// <summary>
/// <c>hwsim dataset-subset</c>: cuts a balanced subset of an MNIST-format IDX folder (the first N images of each class
/// of the training and of the test set, in file order) and writes it as IDX .gz files. This is how the repository's
/// data/fashion-mnist-subset was made.
/// </summary>
public static class DatasetSubsetCommand
{
    private static readonly Option<int> PerClass = new("--per-class")
    {
        Description = "Images of each class taken from the training set and from the test set.",
        DefaultValueFactory = _ => 200,
        HelpName = "N",
    };

    private static readonly Option<string> Out = new("--out")
    {
        Description = "Folder to write train-/t10k-images-idx3-ubyte.gz and -labels-idx1-ubyte.gz into (created).",
        Required = true,
        HelpName = "DIR",
    };

    public static Command Create()
    {
        var command = new Command("dataset-subset", "Cut a balanced subset (first N images per class, in file order) of an MNIST-format IDX folder and write it as IDX .gz.");
        command.Add(TrainCommand.Data);
        command.Add(PerClass);
        command.Add(Out);
        command.SetAction(parse => CliContext.Guard(context =>
        {
            var folder = parse.GetValue(TrainCommand.Data)!;
            if (!ImageDataset.Exists(folder))
                throw new InputException($"no MNIST-format IDX files here; {ImageDataset.InstallHint}", "--data", folder);
            var data = ImageDataset.Load(folder);
            var perClass = parse.GetValue(PerClass);
            var subset = new ImageDataset(data.Train.Balanced(perClass), data.Test.Balanced(perClass), parse.GetValue(Out)!);
            subset.Write(subset.Folder);
            context.Output.WriteLine($"{subset.Train.Count} training and {subset.Test.Count} test images ({perClass} per class) written to {subset.Folder}");
            return HwSimApp.ExitOk;
        }));
        return command;
    }
}
