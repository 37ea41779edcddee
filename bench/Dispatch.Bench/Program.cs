using Dispatch.Bench;

return await BenchCommands.RunAsync(args);
