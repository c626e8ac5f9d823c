using System.Collections.Frozen;
using EsimRenewal.Core.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Accounts;

/// <summary>
/// Refuses a password that is among the most common ones (the 49,233 of zxcvbn's dictionary, see
/// Accounts/Data/README.md), compared without regard to case and surrounding spaces, or that is the
/// account's own email address or mobile number. An Identity password validator, so registering,
/// changing the password and setting it from an invitation all meet it: every path that sets a
/// password goes through <see cref="UserManager{TUser}"/>.
/// </summary>
public sealed class CommonPasswordValidator(CommonPasswords list, IStringLocalizer<SharedResource> t) : IPasswordValidator<ApplicationUser>
{
    public const string ErrorCode = "CommonPassword";

    public Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user, string? password)
    {
        if (password is null)
        {
            return Task.FromResult(IdentityResult.Success);
        }
        var normalized = CommonPasswords.Normalize(password);
        var isOwnIdentifier = normalized == CommonPasswords.Normalize(user.UserName ?? "")
            || normalized == CommonPasswords.Normalize(user.Email ?? "")
            || normalized == CommonPasswords.Normalize(user.PhoneNumber ?? "");
        return Task.FromResult(list.Contains(password) || isOwnIdentifier
            ? IdentityResult.Failed(new IdentityError { Code = ErrorCode, Description = t["Account.PasswordCommon"] })
            : IdentityResult.Success);
    }
}

/// <summary>The common-password list, read once from the embedded data file.</summary>
public sealed class CommonPasswords
{
    private const string ResourceName = "EsimRenewal.Web.Accounts.common-passwords.txt";
    private readonly FrozenSet<string> _passwords;

    private CommonPasswords(FrozenSet<string> passwords) => _passwords = passwords;

    public int Count => _passwords.Count;

    public bool Contains(string password) => _passwords.Contains(Normalize(password));

    internal static string Normalize(string password) => password.Trim().ToLowerInvariant();

    public static CommonPasswords Load()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        var passwords = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                passwords.Add(Normalize(line));
            }
        }
        return new CommonPasswords(passwords.ToFrozenSet(StringComparer.Ordinal));
    }
}
