namespace Parley.Grains.Accounts;

/// <summary>The rules for a device's display name.</summary>
public static class DeviceName
{
    public const int MaxLength = 50;

    /// <summary>The trimmed name, or null when it is empty, too long or holds control characters.</summary>
    public static string? Normalize(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxLength || trimmed.Any(char.IsControl))
        {
            return null;
        }
        return trimmed;
    }
}
