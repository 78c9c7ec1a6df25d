using Parley.Testing;

namespace Parley.Cli.Tests.Support;

/// <summary>Profile folders for a test's people, deleted at the end.</summary>
public sealed class Profiles : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("parley-cli-").FullName;

    public ParleyCommand For(NodeEndpoint node, string name) => new(node, Path.Combine(_root, name));

    /// <summary>Registers a new test number through `parley register` and returns the command for that profile, and the number.</summary>
    public async Task<(ParleyCommand Parley, string Phone)> RegisterAsync(NodeEndpoint node, string name)
    {
        var parley = For(node, name);
        var phone = NodeEndpoint.NewPhoneNumber();
        var registered = await parley.JsonAsync("register", phone, "--code", NodeEndpoint.TestCode);
        Assert.Equal(phone, registered.GetProperty("phone_number").GetString());
        return (parley, phone);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
