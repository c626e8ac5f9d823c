using System.Globalization;
using System.Text;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Plans;
using FluentValidation;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Plans;

/// <summary>
/// The fields the admin's create and edit forms share, as typed. Numbers and check boxes are text
/// parsed by <see cref="PlanFormValidator"/>, so binding never throws and every bad value gets a
/// localised message. Read the typed values (<see cref="ToTerms"/>…) only after validation.
/// </summary>
public class PlanForm
{
    public const string Limited = "limited";
    public const string Unlimited = "unlimited";

    /// <summary>The model-state key (under the input's prefix) of the "choose a SIM kind" message.</summary>
    public const string KindsKey = "Kinds";

    public string? NameZhHans { get; set; }
    public string? NameJa { get; set; }
    public string? NameEn { get; set; }
    public string? DescriptionZhHans { get; set; }
    public string? DescriptionJa { get; set; }
    public string? DescriptionEn { get; set; }

    /// <summary>Whole yen; "1980", "1,980", "¥1,980" and full-width digits are fine.</summary>
    public string? Price { get; set; }

    /// <summary><see cref="Limited"/> (then <see cref="DataGb"/>) or <see cref="Unlimited"/> (then <see cref="DailyCapGb"/>, optional).</summary>
    public string? DataKind { get; set; }
    public string? DataGb { get; set; }
    public string? DailyCapGb { get; set; }
    public string? ValidityDays { get; set; }

    /// <summary>Check boxes: "true" when ticked, absent when not.</summary>
    public string? Physical { get; set; }
    public string? Esim { get; set; }

    public LocalizedText ToName() => new(NameZhHans!.Trim(), NameJa!.Trim(), NameEn!.Trim());

    public LocalizedText ToDescription() => new(DescriptionZhHans!.Trim(), DescriptionJa!.Trim(), DescriptionEn!.Trim());

    public PlanTerms ToTerms()
    {
        var unlimited = DataKind == Unlimited;
        var kinds = (IsTicked(Physical) ? SimKinds.Physical : SimKinds.None) | (IsTicked(Esim) ? SimKinds.Esim : SimKinds.None);
        return new PlanTerms(
            new Yen(PlanInput.ParseYen(Price)!.Value),
            unlimited ? null : PlanInput.ParseMegabytes(DataGb, PlanInput.MaxDataGb),
            unlimited && !string.IsNullOrWhiteSpace(DailyCapGb) ? (int?)PlanInput.ParseMegabytes(DailyCapGb, PlanInput.MaxDailyCapGb) : null,
            PlanInput.ParseDays(ValidityDays)!.Value,
            kinds);
    }

    /// <summary>Fills the fields from a plan: its names and the terms on sale now.</summary>
    public void FillFrom(AdminPlan plan)
    {
        (NameZhHans, NameJa, NameEn) = (plan.Name.ZhHans, plan.Name.Ja, plan.Name.En);
        (DescriptionZhHans, DescriptionJa, DescriptionEn) = (plan.Description.ZhHans, plan.Description.Ja, plan.Description.En);
        var terms = plan.OnSale.Terms;
        Price = terms.Price.Amount.ToString(CultureInfo.InvariantCulture);
        DataKind = terms.IsUnlimited ? Unlimited : Limited;
        DataGb = terms.DataMb is { } mb ? PlanInput.FormatGb(mb) : null;
        DailyCapGb = terms.DailyFairUseMb is { } cap ? PlanInput.FormatGb(cap) : null;
        ValidityDays = terms.ValidityDays.ToString(CultureInfo.InvariantCulture);
        Physical = (terms.SimKinds & SimKinds.Physical) != 0 ? "true" : null;
        Esim = (terms.SimKinds & SimKinds.Esim) != 0 ? "true" : null;
    }

    /// <summary>Whether a check box reads as ticked (for showing the form again as it was sent).</summary>
    public static bool IsTicked(string? value) => PlanInput.TryParseCheckbox(value, out var ticked) && ticked;
}

/// <summary>The rules of <see cref="PlanForm"/>, included by the create and edit pages' validators.</summary>
public sealed class PlanFormValidator : AbstractValidator<PlanForm>
{
    public PlanFormValidator(IStringLocalizer<SharedResource> t)
    {
        var nameMessage = t["Admin.Plans.NameInvalid", LocalizedText.MaxLength];
        RuleFor(x => x.NameZhHans).Must(PlanInput.IsName).WithMessage(nameMessage);
        RuleFor(x => x.NameJa).Must(PlanInput.IsName).WithMessage(nameMessage);
        RuleFor(x => x.NameEn).Must(PlanInput.IsName).WithMessage(nameMessage);
        var descriptionMessage = t["Admin.Plans.DescriptionInvalid", LocalizedText.MaxLength];
        RuleFor(x => x.DescriptionZhHans).Must(PlanInput.IsDescription).WithMessage(descriptionMessage);
        RuleFor(x => x.DescriptionJa).Must(PlanInput.IsDescription).WithMessage(descriptionMessage);
        RuleFor(x => x.DescriptionEn).Must(PlanInput.IsDescription).WithMessage(descriptionMessage);

        RuleFor(x => x.Price).Must(p => PlanInput.ParseYen(p) is not null)
            .WithMessage(t["Admin.Plans.PriceInvalid", Format(PlanInput.MinPriceYen), Format(PlanInput.MaxPriceYen)]);
        RuleFor(x => x.DataKind).Must(k => k is PlanForm.Limited or PlanForm.Unlimited).WithMessage(t["Admin.Plans.DataKindInvalid"]);
        RuleFor(x => x.DataGb).Must(gb => PlanInput.ParseMegabytes(gb, PlanInput.MaxDataGb) is not null)
            .When(x => x.DataKind == PlanForm.Limited)
            .WithMessage(t["Admin.Plans.DataInvalid", Format(PlanInput.MaxDataGb)]);
        RuleFor(x => x.DailyCapGb).Must(gb => PlanInput.ParseMegabytes(gb, PlanInput.MaxDailyCapGb) is not null)
            .When(x => x.DataKind == PlanForm.Unlimited && !string.IsNullOrWhiteSpace(x.DailyCapGb))
            .WithMessage(t["Admin.Plans.DailyCapInvalid", Format(PlanInput.MaxDailyCapGb)]);
        RuleFor(x => x.ValidityDays).Must(d => PlanInput.ParseDays(d) is not null)
            .WithMessage(t["Admin.Plans.DaysInvalid", PlanTerms.MaxValidityDays]);

        var checkboxMessage = t["Admin.Plans.CheckboxInvalid"];
        RuleFor(x => x.Physical).Must(v => PlanInput.TryParseCheckbox(v, out _)).WithMessage(checkboxMessage);
        RuleFor(x => x.Esim).Must(v => PlanInput.TryParseCheckbox(v, out _)).WithMessage(checkboxMessage);
        RuleFor(x => x)
            .Must(x => PlanForm.IsTicked(x.Physical) || PlanForm.IsTicked(x.Esim))
            .When(x => PlanInput.TryParseCheckbox(x.Physical, out _) && PlanInput.TryParseCheckbox(x.Esim, out _))
            .OverridePropertyName(PlanForm.KindsKey)
            .WithMessage(t["Admin.Plans.KindsRequired"]);
    }

    private static string Format(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}

/// <summary>Forgiving parsers for what admins type: full-width digits (Japanese input methods), thousands separators, ¥ and 円.</summary>
public static class PlanInput
{
    public const long MinPriceYen = 50; // Stripe's smallest JPY charge
    public const long MaxPriceYen = 1_000_000;
    public const long MaxDataGb = 10_000;
    public const long MaxDailyCapGb = 1_000;

    /// <summary>The JST date-time formats accepted for a scheduled change (the first is what a datetime-local input sends).</summary>
    private static readonly string[] DateTimeFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy/MM/dd HH:mm"];

    public static bool IsName(string? text) => IsText(text, allowLineBreaks: false);

    public static bool IsDescription(string? text) => IsText(text, allowLineBreaks: true);

    public static long? ParseYen(string? text)
    {
        var s = Normalize(text);
        if (s.StartsWith('¥'))
        {
            s = s[1..].TrimStart();
        }
        if (s.EndsWith('円'))
        {
            s = s[..^1].TrimEnd();
        }
        s = s.Replace(",", "", StringComparison.Ordinal);
        return s.Length is > 0 and <= 12 && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var yen) && yen is >= MinPriceYen and <= MaxPriceYen
            ? yen
            : null;
    }

    public static int? ParseDays(string? text)
    {
        var s = Normalize(text);
        return s.Length is > 0 and <= 6 && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= PlanTerms.MaxValidityDays
            ? days
            : null;
    }

    /// <summary>Gigabytes (up to 4 decimals: 1.5, 0.5) as whole megabytes (1 GB = 1,024 MB), at least 1 MB.</summary>
    public static long? ParseMegabytes(string? gigabytes, long maxGb)
    {
        var s = Normalize(gigabytes);
        if (s.Length is 0 or > 12 || !decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var gb) || gb.Scale > 4 || gb > maxGb)
        {
            return null;
        }
        var mb = (long)Math.Round(gb * 1024, MidpointRounding.AwayFromZero);
        return mb >= 1 ? mb : null;
    }

    /// <summary>Megabytes as the gigabytes the form shows; reads back to the same megabytes.</summary>
    public static string FormatGb(long mb) => (mb / 1024m).ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>A check box: absent or empty is not ticked; "true"/"false" as HTML sends them; anything else is not understood.</summary>
    public static bool TryParseCheckbox(string? value, out bool ticked)
    {
        ticked = false;
        return string.IsNullOrEmpty(value) || bool.TryParse(value, out ticked);
    }

    /// <summary>A time in Japan (<c>2027-01-01T00:00</c>, as a datetime-local input sends it) as an instant.</summary>
    public static DateTimeOffset? ParseJst(string? text)
    {
        var s = Normalize(text);
        if (s.Length is 0 or > 25 || !DateTime.TryParseExact(s, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }
        return new DateTimeOffset(local, Jst.Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>An instant as a datetime-local input's value in Japan time.</summary>
    public static string FormatJst(DateTimeOffset instant) => Jst.ToJst(instant).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    private static bool IsText(string? text, bool allowLineBreaks)
    {
        var s = text?.Trim();
        return !string.IsNullOrEmpty(s)
            && s.Length <= LocalizedText.MaxLength
            && !s.Any(c => char.IsControl(c) && !(allowLineBreaks && c is '\r' or '\n'));
    }

    private static string Normalize(string? text) =>
        text is null || text.Length > 100 ? "" : text.Normalize(NormalizationForm.FormKC).Trim();
}
