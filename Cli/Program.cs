using HwSim.Cli;

return HwSimApp.Run(args, Console.Out, Console.Error);
