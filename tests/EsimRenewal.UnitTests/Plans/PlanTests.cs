using EsimRenewal.Core.Common;
using EsimRenewal.Core.Plans;

namespace EsimRenewal.UnitTests.Plans;

public class PlanTests
{
    private static readonly DateTimeOffset Later = TestPlans.CreatedAt.AddDays(10);

    [Fact]
    public void A_new_plan_has_one_version_with_its_terms_on_sale_from_its_creation()
    {
        var terms = TestPlans.Terms(price: 1500, dataMb: 10_240, days: 7, kinds: SimKinds.Esim);

        var plan = TestPlans.Plan(terms);

        var version = Assert.Single(plan.Versions);
        Assert.Same(version, plan.VersionOnSaleAt(TestPlans.CreatedAt));
        Assert.Same(version, plan.VersionOnSaleAt(Later));
        Assert.Null(plan.PendingVersion(TestPlans.CreatedAt));
        Assert.Equal(1, version.Number);
        Assert.Equal(TestPlans.CreatedAt, version.EffectiveFrom);
        Assert.Equal(plan.Id, version.PlanId);
        Assert.Equal(terms, version.Terms);
        Assert.Equal(new Yen(1500), version.Price);
        Assert.Equal("jp-7d-10gb", plan.Code);
        Assert.True(plan.IsActive);
        Assert.Throws<InvalidOperationException>(() => plan.VersionOnSaleAt(TestPlans.CreatedAt.AddTicks(-10)));
    }

    [Fact]
    public void A_price_change_creates_the_next_version_and_the_old_one_keeps_its_price()
    {
        var plan = TestPlans.Plan(TestPlans.Terms(price: 1500));
        var sold = plan.VersionOnSaleAt(Later);

        var revision = plan.Revise(TestPlans.Terms(price: 1800), Later, Later);

        var next = revision.Added!;
        Assert.Equal(PlanRevisionOutcome.Revised, revision.Outcome);
        Assert.NotSame(sold, next);
        Assert.NotEqual(sold.Id, next.Id);
        Assert.Equal(2, next.Number);
        Assert.Same(next, plan.VersionOnSaleAt(Later));
        Assert.Same(sold, plan.VersionOnSaleAt(Later.AddTicks(-10)));
        Assert.Equal(new Yen(1500), sold.Price);
        Assert.Equal(new Yen(1800), next.Price);
        Assert.Equal(Later, next.CreatedAt);
        Assert.Equal(Later, next.EffectiveFrom);
        Assert.Equal(2, plan.Versions.Count);
    }

    [Fact]
    public void An_allowance_change_creates_the_next_version_and_the_old_one_keeps_its_allowance()
    {
        var plan = TestPlans.Plan(TestPlans.Terms(dataMb: 10_240));
        var sold = plan.VersionOnSaleAt(Later);

        var next = plan.Revise(TestPlans.Terms(dataMb: 20_480), Later, Later).Added!;

        Assert.Equal(2, next.Number);
        Assert.Equal(10_240, sold.DataMb);
        Assert.Equal(20_480, next.DataMb);
        Assert.Same(next, plan.VersionOnSaleAt(Later));
    }

    public static TheoryData<PlanTerms> ChangedTerms => new()
    {
        TestPlans.Terms(days: 8),
        TestPlans.Terms(kinds: SimKinds.Physical),
        TestPlans.Terms(dataMb: null, dailyFairUseMb: 2048),
        TestPlans.Terms(dataMb: null, dailyFairUseMb: null),
    };

    [Theory]
    [MemberData(nameof(ChangedTerms))]
    public void Any_change_of_terms_creates_a_new_version(PlanTerms changed)
    {
        var plan = TestPlans.Plan(TestPlans.Terms());

        var next = plan.Revise(changed, Later, Later).Added!;

        Assert.Equal(2, next.Number);
        Assert.Equal(changed, next.Terms);
        Assert.Equal(changed, plan.VersionOnSaleAt(Later).Terms);
    }

    [Fact]
    public void Unchanged_terms_keep_the_same_version()
    {
        var plan = TestPlans.Plan(TestPlans.Terms(price: 1500));
        var current = plan.VersionOnSaleAt(Later);

        var revision = plan.Revise(TestPlans.Terms(price: 1500), Later, Later);

        Assert.Equal(PlanRevisionOutcome.Unchanged, revision.Outcome);
        Assert.False(revision.Changed);
        Assert.Null(revision.Added);
        Assert.Same(current, plan.VersionOnSaleAt(Later));
        Assert.Single(plan.Versions);
    }

    [Fact]
    public void Going_back_to_earlier_terms_is_a_new_version_too()
    {
        var plan = TestPlans.Plan(TestPlans.Terms(price: 1500));
        var first = plan.VersionOnSaleAt(Later);

        plan.Revise(TestPlans.Terms(price: 1800), Later, Later);
        var third = plan.Revise(TestPlans.Terms(price: 1500), Later.AddDays(1), Later.AddDays(1)).Added!;

        Assert.Equal(3, third.Number);
        Assert.NotSame(first, third);
        Assert.Equal([1, 2, 3], plan.Versions.Select(v => v.Number).Order());
        Assert.Same(third, plan.VersionOnSaleAt(Later.AddDays(1)));
    }

    [Fact]
    public void Two_changes_at_the_same_instant_leave_the_later_one_on_sale()
    {
        // A frozen clock (tests) can make two versions take effect at one instant: the higher number wins.
        var plan = TestPlans.Plan(TestPlans.Terms(price: 1500));

        plan.Revise(TestPlans.Terms(price: 1800), Later, Later);
        var second = plan.Revise(TestPlans.Terms(price: 2000), Later, Later).Added!;

        Assert.Same(second, plan.VersionOnSaleAt(Later));
    }

    public static TheoryData<PlanTerms, string> InvalidTerms => new()
    {
        { TestPlans.Terms(days: 0), nameof(PlanTerms.ValidityDays) },
        { TestPlans.Terms(days: -7), nameof(PlanTerms.ValidityDays) },
        { TestPlans.Terms(days: PlanTerms.MaxValidityDays + 1), nameof(PlanTerms.ValidityDays) },
        { TestPlans.Terms(dataMb: -1), nameof(PlanTerms.DataMb) },
        { TestPlans.Terms(dataMb: 0), nameof(PlanTerms.DataMb) },
        { TestPlans.Terms(dataMb: null, dailyFairUseMb: 0), nameof(PlanTerms.DailyFairUseMb) },
        { TestPlans.Terms(dataMb: 10_240, dailyFairUseMb: 2048), nameof(PlanTerms.DailyFairUseMb) },
        { TestPlans.Terms(kinds: SimKinds.None), nameof(PlanTerms.SimKinds) },
        { TestPlans.Terms(kinds: (SimKinds)4), nameof(PlanTerms.SimKinds) },
    };

    [Theory]
    [MemberData(nameof(InvalidTerms))]
    public void Invalid_terms_name_the_rule_they_break(PlanTerms terms, string problem)
    {
        Assert.Equal(problem, terms.Problem());
    }

    [Theory]
    [MemberData(nameof(InvalidTerms))]
    public void A_plan_cannot_be_created_with_invalid_terms(PlanTerms terms, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => TestPlans.Plan(terms));
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InvalidTerms))]
    public void A_plan_cannot_be_revised_to_invalid_terms_and_keeps_its_version(PlanTerms terms, string problem)
    {
        var plan = TestPlans.Plan(TestPlans.Terms());
        var current = plan.VersionOnSaleAt(Later);

        var error = Assert.Throws<ArgumentException>(() => plan.Revise(terms, Later, Later));
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Same(current, plan.VersionOnSaleAt(Later));
        Assert.Single(plan.Versions);
    }

    public static TheoryData<PlanTerms> ValidTerms => new()
    {
        TestPlans.Terms(days: 1),
        TestPlans.Terms(days: PlanTerms.MaxValidityDays),
        TestPlans.Terms(dataMb: 1),
        TestPlans.Terms(dataMb: null, dailyFairUseMb: null),
        TestPlans.Terms(dataMb: null, dailyFairUseMb: 3072),
        TestPlans.Terms(price: 0),
        TestPlans.Terms(kinds: SimKinds.Physical),
        TestPlans.Terms(kinds: SimKinds.Esim),
    };

    [Theory]
    [MemberData(nameof(ValidTerms))]
    public void Valid_terms_have_no_problem(PlanTerms terms)
    {
        Assert.Null(terms.Problem());
        Assert.Equal(terms, TestPlans.Plan(terms).Versions.Single().Terms);
    }

    [Fact]
    public void A_plan_without_a_data_allowance_is_unlimited()
    {
        var unlimited = TestPlans.Unlimited(days: 7, dailyFairUseMb: 3072);
        var limited = TestPlans.Limited(days: 7, dataMb: 1024);

        Assert.True(unlimited.IsUnlimited);
        Assert.Equal(3072, unlimited.DailyFairUseMb);
        Assert.False(limited.IsUnlimited);
    }

    [Theory]
    [InlineData("jp-7d-10gb")]
    [InlineData("a")]
    [InlineData("30d")]
    [InlineData("jp-unlimited-30d")]
    [InlineData("abcdefghij-abcdefghij-abcdefghij-abcdefg")] // 40 characters
    public void A_code_of_lower_case_letters_digits_and_inner_hyphens_is_valid(string code)
    {
        Assert.True(Plan.IsValidCode(code));
        Assert.Equal(code, TestPlans.Plan(code: code).Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("JP-7D-10GB")]
    [InlineData("jp-7d-10GB")]
    [InlineData("jp 7d 10gb")]
    [InlineData(" jp-7d")]
    [InlineData("-jp-7d")]
    [InlineData("jp-7d-")]
    [InlineData("jp_7d")]
    [InlineData("jp/7d")]
    [InlineData("jp.7d")]
    [InlineData("ｊｐ-7d")]
    [InlineData("日本-7d")]
    [InlineData("abcdefghij-abcdefghij-abcdefghij-abcdefgh")] // 41 characters
    public void Other_codes_are_rejected(string? code)
    {
        Assert.False(Plan.IsValidCode(code));
    }

    [Fact]
    public void A_plan_cannot_be_created_with_an_invalid_code()
    {
        Assert.Throws<ArgumentException>(() => TestPlans.Plan(code: "JP 7D"));
    }

    [Theory]
    [InlineData(SimKinds.Physical, SimKind.Physical, true)]
    [InlineData(SimKinds.Physical, SimKind.Esim, false)]
    [InlineData(SimKinds.Esim, SimKind.Physical, false)]
    [InlineData(SimKinds.Esim, SimKind.Esim, true)]
    [InlineData(SimKinds.Both, SimKind.Physical, true)]
    [InlineData(SimKinds.Both, SimKind.Esim, true)]
    public void A_plan_version_fits_only_the_sim_kinds_it_is_sold_for(SimKinds kinds, SimKind kind, bool fits)
    {
        var version = TestPlans.Limited(days: 7, dataMb: 1024, kinds: kinds);

        Assert.Equal(fits, version.Fits(kind));
    }
}
