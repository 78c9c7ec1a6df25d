using Parley.Grains.Registration;

namespace Parley.Grains.Tests;

public class PhoneVerificationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private readonly RegistrationOptions _options = new()
    {
        CodeLifetime = TimeSpan.FromMinutes(5),
        MaxAttempts = 5,
        MinCodeRequestInterval = TimeSpan.FromSeconds(30),
        MaxCodeRequestsPerWindow = 3,
        CodeRequestWindow = TimeSpan.FromHours(1),
    };

    [Fact]
    public void The_issued_code_verifies_once()
    {
        var verification = new PhoneVerification(_options);
        Assert.True(verification.RequestCode(T0, "123456").IsSent);

        Assert.Equal(VerifyOutcome.Verified, verification.Verify("123456", T0.AddMinutes(1), testCode: null));
        Assert.Equal(VerifyOutcome.NoPendingCode, verification.Verify("123456", T0.AddMinutes(1), testCode: null));
    }

    [Fact]
    public void Five_wrong_codes_spend_the_code_and_then_even_the_right_one_fails()
    {
        var verification = new PhoneVerification(_options);
        verification.RequestCode(T0, "123456");
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            Assert.Equal(VerifyOutcome.WrongCode, verification.Verify("000000", T0, null));
            Assert.Equal(5 - attempt, verification.AttemptsLeft);
        }
        Assert.Equal(VerifyOutcome.TooManyAttempts, verification.Verify("123456", T0, null));
    }

    [Fact]
    public void A_code_expires_after_its_lifetime()
    {
        var verification = new PhoneVerification(_options);
        verification.RequestCode(T0, "123456");

        Assert.Equal(VerifyOutcome.Expired, verification.Verify("123456", T0 + _options.CodeLifetime, null));
    }

    [Fact]
    public void A_new_code_replaces_the_old_one_and_resets_the_attempts()
    {
        var verification = new PhoneVerification(_options);
        verification.RequestCode(T0, "111111");
        verification.Verify("000000", T0, null);
        verification.RequestCode(T0.AddMinutes(1), "222222");

        Assert.Equal(5, verification.AttemptsLeft);
        Assert.Equal(VerifyOutcome.WrongCode, verification.Verify("111111", T0.AddMinutes(1), null));
        Assert.Equal(VerifyOutcome.Verified, verification.Verify("222222", T0.AddMinutes(1), null));
    }

    [Fact]
    public void Requests_closer_than_the_minimum_interval_are_refused_with_the_wait()
    {
        var verification = new PhoneVerification(_options);
        verification.RequestCode(T0, "111111");

        var refused = verification.RequestCode(T0.AddSeconds(10), "222222");

        Assert.False(refused.IsSent);
        Assert.Equal(TimeSpan.FromSeconds(20), refused.RetryAfter);
        Assert.Equal(VerifyOutcome.Verified, verification.Verify("111111", T0.AddSeconds(11), null));
    }

    [Fact]
    public void Requests_beyond_the_window_limit_are_refused_until_the_oldest_leaves_the_window()
    {
        var verification = new PhoneVerification(_options);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(verification.RequestCode(T0.AddMinutes(i), "111111").IsSent);
        }

        var refused = verification.RequestCode(T0.AddMinutes(10), "111111");
        var allowed = verification.RequestCode(T0.AddHours(1), "111111");

        Assert.False(refused.IsSent);
        Assert.Equal(TimeSpan.FromMinutes(50), refused.RetryAfter);
        Assert.True(allowed.IsSent);
    }

    [Fact]
    public void A_test_number_accepts_its_fixed_code_without_a_request_but_still_counts_attempts()
    {
        var verification = new PhoneVerification(_options);

        Assert.Equal(VerifyOutcome.WrongCode, verification.Verify("000000", T0, testCode: "123456"));
        Assert.Equal(VerifyOutcome.Verified, verification.Verify("123456", T0, testCode: "123456"));
    }

    [Fact]
    public void Test_number_rules_match_by_prefix_and_are_off_unless_configured()
    {
        Assert.Null(new RegistrationOptions().TestCodeFor("+15551234567"));
        var options = new RegistrationOptions { TestNumbers = [new TestNumberRule { Prefix = "+1555", Code = "123456" }] };
        Assert.Equal("123456", options.TestCodeFor("+15551234567"));
        Assert.Null(options.TestCodeFor("+15561234567"));
    }

    [Fact]
    public void Codes_are_six_random_digits()
    {
        var codes = Enumerable.Range(0, 200).Select(_ => VerificationCode.Generate()).ToList();
        Assert.All(codes, code => Assert.True(VerificationCode.IsWellFormed(code)));
        Assert.True(codes.Distinct().Count() > 190);
    }
}
