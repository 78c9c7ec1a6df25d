namespace Parley.Grains.Registration;

/// <summary>
/// The verification state of one phone number: the code in force, how often it was guessed, and
/// how often codes were requested (the per-number rate limit). Plain state; the verification grain
/// holds one per number.
/// </summary>
public sealed class PhoneVerification(RegistrationOptions options)
{
    private readonly Queue<DateTimeOffset> _requests = new();
    private PendingCode? _pending;

    /// <summary>Issues a new code, replacing any earlier one, unless the number is over its request limit.</summary>
    public CodeRequestOutcome RequestCode(DateTimeOffset now, string code)
    {
        while (_requests.Count > 0 && now - _requests.Peek() >= options.CodeRequestWindow)
        {
            _requests.Dequeue();
        }
        if (_requests.Count > 0)
        {
            var sinceLast = now - _requests.Last();
            if (sinceLast < options.MinCodeRequestInterval)
            {
                return CodeRequestOutcome.RateLimited(options.MinCodeRequestInterval - sinceLast);
            }
        }
        if (_requests.Count >= options.MaxCodeRequestsPerWindow)
        {
            return CodeRequestOutcome.RateLimited(_requests.Peek() + options.CodeRequestWindow - now);
        }
        _requests.Enqueue(now);
        _pending = new PendingCode(code, now + options.CodeLifetime);
        return CodeRequestOutcome.Sent(options.CodeLifetime);
    }

    /// <summary>
    /// Checks a presented code. A test number (<paramref name="testCode"/> set) without a code in
    /// force gets one implicitly, so demos need no request step; every other rule applies alike.
    /// </summary>
    public VerifyOutcome Verify(string presented, DateTimeOffset now, string? testCode)
    {
        if (_pending is null && testCode is not null)
        {
            _pending = new PendingCode(testCode, now + options.CodeLifetime);
        }
        if (_pending is null)
        {
            return VerifyOutcome.NoPendingCode;
        }
        if (now >= _pending.ExpiresAt)
        {
            _pending = null;
            return VerifyOutcome.Expired;
        }
        if (_pending.Attempts >= options.MaxAttempts)
        {
            return VerifyOutcome.TooManyAttempts;
        }
        _pending.Attempts++;
        if (!VerificationCode.Equal(_pending.Code, presented))
        {
            return VerifyOutcome.WrongCode;
        }
        _pending = null;
        return VerifyOutcome.Verified;
    }

    public int AttemptsLeft => _pending is null ? 0 : Math.Max(0, options.MaxAttempts - _pending.Attempts);

    /// <summary>True while there is state worth keeping in memory (a code, or recent requests).</summary>
    public bool HasState(DateTimeOffset now) =>
        _pending is not null && now < _pending.ExpiresAt ||
        _requests.Count > 0 && now - _requests.Last() < options.CodeRequestWindow;

    private sealed class PendingCode(string code, DateTimeOffset expiresAt)
    {
        public string Code { get; } = code;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public int Attempts { get; set; }
    }
}

[GenerateSerializer, Immutable]
public readonly record struct CodeRequestOutcome(
    [property: Id(0)] bool IsSent,
    [property: Id(1)] TimeSpan ExpiresIn,
    [property: Id(2)] TimeSpan RetryAfter)
{
    public static CodeRequestOutcome Sent(TimeSpan expiresIn) => new(true, expiresIn, TimeSpan.Zero);

    public static CodeRequestOutcome RateLimited(TimeSpan retryAfter) => new(false, TimeSpan.Zero, retryAfter);
}

public enum VerifyOutcome
{
    Verified,
    WrongCode,
    Expired,
    TooManyAttempts,
    NoPendingCode,
}
