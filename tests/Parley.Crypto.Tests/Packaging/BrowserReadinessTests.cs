using System.Reflection;
using Parley.Crypto.Sessions;

namespace Parley.Crypto.Tests.Packaging;

/// <summary>Parley.Crypto must run in browser WebAssembly: no native code, and no BCL cryptography
/// (much of which throws PlatformNotSupportedException there). Everything comes from BouncyCastle.</summary>
public sealed class BrowserReadinessTests
{
    private static readonly Assembly Library = typeof(SessionCipher).Assembly;

    [Fact]
    public void The_library_references_no_BCL_cryptography_assembly()
    {
        var references = Library.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain("System.Security.Cryptography", references);
        Assert.Contains("BouncyCastle.Cryptography", references);
    }

    [Fact]
    public void The_library_declares_no_platform_invoke()
    {
        var native = Library.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.Attributes.HasFlag(MethodAttributes.PinvokeImpl))
            .Select(m => $"{m.DeclaringType}.{m.Name}")
            .ToList();

        Assert.Empty(native);
    }
}
