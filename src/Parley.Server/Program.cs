using Parley.Server.Hosting;

var node = ParleyNode.Build(args);
await node.RunAsync();
