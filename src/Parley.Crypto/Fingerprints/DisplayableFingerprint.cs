using System.Globalization;
using System.Text;

namespace Parley.Crypto.Fingerprints;

/// <summary>60 digits: each side's first 30 digest bytes as six 5-byte big-endian numbers mod 100,000,
/// and the two 30-digit halves in sorted order, so both users see the same number.</summary>
public sealed class DisplayableFingerprint
{
    private DisplayableFingerprint(string digits) => Digits = digits;

    public string Digits { get; }

    internal static DisplayableFingerprint Create(byte[] localDigest, byte[] remoteDigest)
    {
        var local = Encode(localDigest);
        var remote = Encode(remoteDigest);
        return new DisplayableFingerprint(string.CompareOrdinal(local, remote) < 0 ? local + remote : remote + local);
    }

    /// <summary>The digits in 12 groups of five, as shown to users.</summary>
    public string ToGroupedString() => string.Join(' ', Enumerable.Range(0, 12).Select(i => Digits.Substring(i * 5, 5)));

    public override string ToString() => Digits;

    private static string Encode(byte[] digest)
    {
        var builder = new StringBuilder(30);
        for (var chunk = 0; chunk < 6; chunk++)
        {
            ulong value = 0;
            for (var i = 0; i < 5; i++)
            {
                value = (value << 8) | digest[chunk * 5 + i];
            }
            builder.Append((value % 100_000).ToString("D5", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }
}
