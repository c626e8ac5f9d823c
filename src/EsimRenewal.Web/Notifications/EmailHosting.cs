using EsimRenewal.Core.Notifications;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Web.Notifications;

/// <summary>Composition of the email transport: SMTP settings (validated at start) and the sender.</summary>
public static class EmailHosting
{
    public static void AddEsimEmail(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmailOptions>().Bind(builder.Configuration.GetSection(EmailOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        // Stateless: every send opens its own SMTP connection, so one instance serves all threads.
        builder.Services.AddSingleton<IEmailSender, SmtpEmailSender>();
    }
}
