// Orleans imports its namespaces implicitly; its ErrorCode and Request would shadow the protocol's.
global using ErrorCode = Parley.Protocol.ErrorCode;
global using Request = Parley.Protocol.Request;
