namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>The second step of signing in through the real form, for the sign-in helpers.</summary>
public static class TwoFactorSignIn
{
    /// <summary>
    /// After the password step: when the portal asks for the second step, enters the current code of the
    /// account's key, like a person reading their phone. Returns the final answer of signing in.
    /// </summary>
    public static async Task<HttpResponseMessage> AnswerSecondStepAsync(this PortalFactory portal, HttpClient client, HttpResponseMessage afterPassword, string userName)
    {
        if (!afterPassword.IsRedirect() || !afterPassword.Headers.Location!.OriginalString.StartsWith("/account/login/two-factor", StringComparison.Ordinal))
        {
            return afterPassword;
        }
        var page = await client.GetDocumentAsync(afterPassword.Headers.Location.OriginalString);
        return await client.SubmitAsync(page, "[data-testid=two-factor-form]", new Dictionary<string, string>
        {
            ["Input.Code"] = TwoFactor.Code(await portal.KeyOfAsync(userName)),
        });
    }
}
