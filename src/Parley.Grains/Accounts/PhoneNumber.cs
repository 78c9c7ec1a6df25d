using System.Diagnostics.CodeAnalysis;

namespace Parley.Grains.Accounts;

/// <summary>A phone number in E.164 form: '+', a country code and subscriber number, 8 to 15 digits in all.</summary>
[GenerateSerializer, Immutable]
public readonly record struct PhoneNumber
{
    private PhoneNumber(string value) => Value = value;

    [Id(0)]
    public string Value { get; }

    /// <summary>For logs: enough to tell numbers apart, not enough to call one.</summary>
    public string Masked => Value.Length <= 6 ? "+…" : $"{Value[..4]}…{Value[^2..]}";

    public static bool TryParse([NotNullWhen(true)] string? text, out PhoneNumber number)
    {
        number = default;
        if (text is null || text.Length is < 9 or > 16 || text[0] != '+' || text[1] == '0')
        {
            return false;
        }
        for (var i = 1; i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }
        }
        number = new PhoneNumber(text);
        return true;
    }

    public override string ToString() => Value;
}
