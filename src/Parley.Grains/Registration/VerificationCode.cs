using System.Security.Cryptography;
using System.Text;

namespace Parley.Grains.Registration;

/// <summary>Six-digit codes: made at random, compared in constant time.</summary>
public static class VerificationCode
{
    public const int Length = 6;

    public static string Generate() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6");

    public static bool IsWellFormed(string? code) => code is { Length: Length } && code.All(char.IsAsciiDigit);

    public static bool Equal(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented));
}
