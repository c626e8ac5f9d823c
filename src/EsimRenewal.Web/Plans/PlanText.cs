using EsimRenewal.Core.Common;
using EsimRenewal.Core.Plans;
using EsimRenewal.Web.Infrastructure.Localization;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Plans;

/// <summary>How plan terms and their changes read on the admin pages, in the current language.</summary>
public static class PlanText
{
    /// <summary>"¥1,980 → ¥2,180 from 2027-01-01 00:00 JST": what a scheduled change changes, and when.</summary>
    public static string ScheduledChange(IStringLocalizer t, AdminPlan plan) =>
        plan.Scheduled is { } scheduled
            ? t["Admin.Plans.ScheduledChange", Changes(t, plan.OnSale.Terms, scheduled.Terms), Jst.Format(scheduled.EffectiveFrom)]
            : "";

    /// <summary>Each term that differs, as "old → new", joined by " · ".</summary>
    public static string Changes(IStringLocalizer t, PlanTerms from, PlanTerms to)
    {
        var parts = new List<string>();
        if (from.Price != to.Price)
        {
            parts.Add($"{from.Price} → {to.Price}");
        }
        if (from.DataMb != to.DataMb || from.DailyFairUseMb != to.DailyFairUseMb)
        {
            parts.Add($"{Display.Data(t, from.DataMb, from.DailyFairUseMb)} → {Display.Data(t, to.DataMb, to.DailyFairUseMb)}");
        }
        if (from.ValidityDays != to.ValidityDays)
        {
            parts.Add($"{Display.Days(t, from.ValidityDays)} → {Display.Days(t, to.ValidityDays)}");
        }
        if (from.SimKinds != to.SimKinds)
        {
            parts.Add($"{Display.Kinds(t, from.SimKinds)} → {Display.Kinds(t, to.SimKinds)}");
        }
        return string.Join(" · ", parts);
    }

    /// <summary>"¥1,980 · 10 GB · 7 days · physical SIM and eSIM".</summary>
    public static string Terms(IStringLocalizer t, PlanTerms terms) =>
        $"{terms.Price} · {Display.Data(t, terms.DataMb, terms.DailyFairUseMb)} · {Display.Days(t, terms.ValidityDays)} · {Display.Kinds(t, terms.SimKinds)}";
}
