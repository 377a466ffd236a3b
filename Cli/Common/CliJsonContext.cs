using System.Text.Json.Serialization;
using HwSim.Cli.Archs;
using HwSim.Cli.Area;
using HwSim.Cli.Compare;
using HwSim.Cli.Datapaths;
using HwSim.Cli.Energy;
using HwSim.Cli.FirstLast;
using HwSim.Cli.Nest;
using HwSim.Cli.Networks;
using HwSim.Cli.Quantize;
using HwSim.Cli.Report;
using HwSim.Cli.Simulate;
using HwSim.Cli.TableVerb;
using HwSim.Cli.Tradeoff;
using HwSim.Cli.Train;
using HwSim.Cli.Width;
using HwSim.Cli.WorkloadVerb;

namespace HwSim.Cli.Common;

/// <summary>
/// Every shape a verb writes as JSON, with its serialisation code generated at compile time: the
/// native (AOT) build has no reflection over members to fall back on (it would write '{}'), and the
/// JIT build runs the same generated code, so both write the same bytes. A verb's JSON type must be
/// listed here (<see cref="OutputOptions.Serialize{T}"/> throws for one that is not); so must every
/// run-time type that stands behind an <c>object</c> (the architecture tree's values, the SRAM
/// query's dictionary, the report's energy and width sections).
/// </summary>
[JsonSerializable(typeof(SimulateJson))]
[JsonSerializable(typeof(EnergyJson))]
[JsonSerializable(typeof(NestJson))]
[JsonSerializable(typeof(ArrayNestJson))]
[JsonSerializable(typeof(CompareJson))]
[JsonSerializable(typeof(WorkloadJson))]
[JsonSerializable(typeof(FirstLastJson))]
[JsonSerializable(typeof(WidthJson))]
[JsonSerializable(typeof(DatapathsJson))]
[JsonSerializable(typeof(AreaJson))]
[JsonSerializable(typeof(ReportJson))]
[JsonSerializable(typeof(QuantizeJson))]
[JsonSerializable(typeof(TradeoffJson))]
[JsonSerializable(typeof(TrainResultJson))]
[JsonSerializable(typeof(NetworksCommand.NetworksJson))]
[JsonSerializable(typeof(ArchsJson))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, object>))]
[JsonSerializable(typeof(OrderedDictionary<string, object>))]
[JsonSerializable(typeof(List<object>))]
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(List<SramGridPointJson>))]
[JsonSerializable(typeof(IReadOnlyList<AreaRowJson>))]
[JsonSerializable(typeof(IReadOnlyList<EnergyRowJson>))]
[JsonSerializable(typeof(FitsJson))]
[JsonSerializable(typeof(ScalingJson))]
[JsonSerializable(typeof(object))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
