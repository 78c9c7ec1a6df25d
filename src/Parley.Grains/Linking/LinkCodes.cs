using System.Security.Cryptography;

namespace Parley.Grains.Linking;

/// <summary>
/// Link codes: 8 characters of Crockford's base32 (40 random bits), shown as "ABCD-EFGH". Input is
/// forgiving: case, spaces and dashes are ignored.
/// </summary>
public static class LinkCodes
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int Length = 8;

    public static string Generate() =>
        string.Create(Length, 0, (chars, _) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }
        });

    public static string Display(string code) => $"{code[..4]}-{code[4..]}";

    /// <summary>The canonical code (upper case, no separators), or null when it cannot be one.</summary>
    public static string? Normalize(string? input)
    {
        if (input is null)
        {
            return null;
        }
        var chars = input.Where(c => c is not ('-' or ' ')).Select(char.ToUpperInvariant).ToArray();
        return chars.Length == Length && chars.All(c => Alphabet.Contains(c)) ? new string(chars) : null;
    }
}
