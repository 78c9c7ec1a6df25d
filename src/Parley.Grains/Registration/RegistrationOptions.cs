using System.ComponentModel.DataAnnotations;

namespace Parley.Grains.Registration;

/// <summary>Verification codes and their limits. Configuration section "Registration".</summary>
public sealed class RegistrationOptions
{
    public const string Section = "Registration";

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Wrong guesses allowed per code; the code is spent after that many.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Least time between two code requests for one number.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MinCodeRequestInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Code requests allowed per number within <see cref="CodeRequestWindow"/>.</summary>
    [Range(1, 1000)]
    public int MaxCodeRequestsPerWindow { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan CodeRequestWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Requests per client address per minute to the registration and link endpoints.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerAddressPerMinute { get; set; } = 30;

    /// <summary>
    /// Numbers that accept a fixed code and are sent no SMS, for demos and automated tests. Empty
    /// unless configured (the Development environment configures +1555… with 123456).
    /// </summary>
    public List<TestNumberRule> TestNumbers { get; set; } = [];

    /// <summary>The fixed code of a test number, or null for a real number.</summary>
    public string? TestCodeFor(string phoneNumber) =>
        TestNumbers.FirstOrDefault(rule => phoneNumber.StartsWith(rule.Prefix, StringComparison.Ordinal))?.Code;
}

public sealed class TestNumberRule
{
    /// <summary>E.164 prefix, such as "+1555".</summary>
    [Required, RegularExpression(@"^\+[0-9]{1,15}$")]
    public string Prefix { get; set; } = "";

    [Required, RegularExpression(@"^[0-9]{6}$")]
    public string Code { get; set; } = "";
}
