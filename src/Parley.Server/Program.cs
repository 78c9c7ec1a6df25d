using Parley.Server.Hosting;

// Store reads run inline on pool threads (they take micro- to milliseconds); a few spare threads keep a
// burst of them from starving connections and actors while the pool would otherwise grow slowly.
ThreadPool.GetMinThreads(out var workers, out var completionPorts);
ThreadPool.SetMinThreads(Math.Max(workers, 4 * Environment.ProcessorCount), completionPorts);

var node = ParleyNode.Build(args);
await node.RunAsync();
