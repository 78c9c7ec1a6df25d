using System.Text.Json.Nodes;

namespace Parley.Crypto.Tests.Support;

internal static class Bytes
{
    internal static byte[] Hex(string hex) => Convert.FromHexString(hex);

    internal static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    internal static byte[] FromB64(JsonNode? node) => Convert.FromBase64String(node!.GetValue<string>());

    internal static byte[] Random(int length)
    {
        var bytes = new byte[length];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return bytes;
    }

    internal static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
