using EsimRenewal.Core.Common;
using EsimRenewal.Core.Plans;

namespace EsimRenewal.UnitTests.Plans;

/// <summary>Scheduled changes: on sale from their time with no one present, at most one per plan, cancellable until then.</summary>
public class PlanScheduleTests
{
    private static readonly DateTimeOffset Now = TestPlans.CreatedAt.AddDays(10);
    private static readonly DateTimeOffset NewYear = new(2027, 1, 1, 0, 0, 0, TimeSpan.FromHours(9)); // 00:00 JST

    [Fact]
    public void A_scheduled_change_goes_on_sale_at_its_time_and_the_old_terms_sell_until_then()
    {
        var plan = TestPlans.Plan(TestPlans.Terms(price: 1980));
        var old = plan.VersionOnSaleAt(Now);

        var revision = plan.Revise(TestPlans.Terms(price: 2180), NewYear, Now);

        var next = revision.Added!;
        Assert.Equal(PlanRevisionOutcome.Scheduled, revision.Outcome);
        Assert.Equal(NewYear, next.EffectiveFrom);
        Assert.Equal(Now, next.CreatedAt);
        Assert.Same(old, plan.VersionOnSaleAt(Now));
        Assert.Same(old, plan.VersionOnSaleAt(NewYear.AddTicks(-10)));
        Assert.Same(next, plan.VersionOnSaleAt(NewYear));
        Assert.Same(next, plan.PendingVersion(Now));
        Assert.Null(plan.PendingVersion(NewYear)); // in effect, no longer pending
    }

    [Fact]
    public void A_change_cannot_take_effect_in_the_past()
    {
        var plan = TestPlans.Plan(TestPlans.Terms(price: 1980));

        Assert.Throws<ArgumentOutOfRangeException>(() => plan.Revise(TestPlans.Terms(price: 2180), Now.AddTicks(-10), Now));
        Assert.Single(plan.Versions);
    }

    [Fact]
    public void A_new_schedule_replaces_the_pending_one_which_is_removed()
    {
        var plan = TestPlans.Plan(TestPlans.Terms(price: 1980));
        var first = plan.Revise(TestPlans.Terms(price: 2180), NewYear, Now).Added!;

        var revision = plan.Revise(TestPlans.Terms(price: 2280), NewYear.AddDays(7), Now.AddDays(1));

        Assert.Equal(PlanRevisionOutcome.Scheduled, revision.Outcome);
        Assert.Same(first, revision.Replaced);
        Assert.DoesNotContain(first, plan.Versions);
        Assert.Equal(2, plan.Versions.Count);
        Assert.Same(revision.Added, plan.PendingVersion(Now.AddDays(1)));
        Assert.Equal(1980, plan.VersionOnSaleAt(NewYear).Price.Amount); // the replaced change never happens
        Assert.Equal(2280, plan.VersionOnSaleAt(NewYear.AddDays(7)).Price.Amount);
    }

    [Fact]
    public void The_same_schedule_again_changes_nothing()
    {
        var plan = TestPlans.Plan(TestPlans.Terms(price: 1980));
        var pending = plan.Revise(TestPlans.Terms(price: 2180), NewYear, Now).Added!;

        var again = plan.Revise(TestPlans.Terms(price: 2180), NewYear, Now.AddHours(1));

        Assert.Equal(PlanRevisionOutcome.Unchanged, again.Outcome);
        Assert.Same(pending, plan.PendingVersion(Now.AddHours(1)));
    }

    [Fact]
    public void Saving_the_terms_on_sale_leaves_a_pending_change_alone()
    {
        var plan = TestPlans.Plan(TestPlans.Terms(price: 1980));
        var pending = plan.Revise(TestPlans.Terms(price: 2180), NewYear, Now).Added!;

        var revision = plan.Revise(TestPlans.Terms(price: 1980), Now.AddHours(1), Now.AddHours(1));

        Assert.Equal(PlanRevisionOutcome.Unchanged, revision.Outcome);
        Assert.Same(pending, plan.PendingVersion(Now.AddHours(1)));
    }

    [Fact]
    public void A_change_from_now_is_refused_while_a_change_is_scheduled_and_changes_nothing()
    {
        var plan = TestPlans.Plan(TestPlans.Terms(price: 1980));
        var pending = plan.Revise(TestPlans.Terms(price: 2180), NewYear, Now).Added!;

        var revision = plan.Revise(TestPlans.Terms(price: 1500), Now.AddHours(1), Now.AddHours(1));

        Assert.Equal(PlanRevisionOutcome.RefusedWhileScheduled, revision.Outcome);
        Assert.Same(pending, revision.Pending);
        Assert.Equal(2, plan.Versions.Count);
        Assert.Equal(1980, plan.VersionOnSaleAt(Now.AddHours(1)).Price.Amount);
    }

    [Fact]
    public void Once_a_scheduled_change_is_in_effect_a_change_from_now_is_allowed_again()
    {
        var plan = TestPlans.Plan(TestPlans.Terms(price: 1980));
        plan.Revise(TestPlans.Terms(price: 2180), NewYear, Now);

        var revision = plan.Revise(TestPlans.Terms(price: 2380), NewYear.AddDays(1), NewYear.AddDays(1));

        Assert.Equal(PlanRevisionOutcome.Revised, revision.Outcome);
        Assert.Equal(3, revision.Added!.Number);
        Assert.Equal([1980L, 2180L, 2380L], plan.Versions.OrderBy(v => v.Number).Select(v => v.Price.Amount));
    }

    [Fact]
    public void A_pending_change_can_be_cancelled_until_its_time_and_is_then_gone()
    {
        var plan = TestPlans.Plan(TestPlans.Terms(price: 1980));
        var pending = plan.Revise(TestPlans.Terms(price: 2180), NewYear, Now).Added!;

        Assert.False(plan.CancelPendingChange(Guid.NewGuid(), Now)); // not that one
        Assert.True(plan.CancelPendingChange(pending.Id, Now.AddDays(1)));

        Assert.Single(plan.Versions);
        Assert.Null(plan.PendingVersion(Now.AddDays(1)));
        Assert.Equal(1980, plan.VersionOnSaleAt(NewYear.AddDays(1)).Price.Amount);
        Assert.False(plan.CancelPendingChange(pending.Id, Now.AddDays(1))); // already gone
    }

    [Fact]
    public void A_change_in_effect_cannot_be_cancelled()
    {
        var plan = TestPlans.Plan(TestPlans.Terms(price: 1980));
        var change = plan.Revise(TestPlans.Terms(price: 2180), NewYear, Now).Added!;

        Assert.False(plan.CancelPendingChange(change.Id, NewYear));
        Assert.Equal(2, plan.Versions.Count);
    }

    [Fact]
    public void Names_and_descriptions_change_without_a_new_version()
    {
        var plan = TestPlans.Plan(TestPlans.Terms(price: 1980));
        var name = new LocalizedText("日本 7天", "日本 7日間", "Japan 7 days");

        Assert.True(plan.Describe(name, TestPlans.Description));
        Assert.False(plan.Describe(name, TestPlans.Description));

        Assert.Equal(name, plan.Name);
        Assert.Single(plan.Versions);
    }

    public static TheoryData<LocalizedText> InvalidNames => new()
    {
        new LocalizedText("", "日本", "Japan"),
        new LocalizedText("日本", "  ", "Japan"),
        new LocalizedText("日本", "日本", new string('x', LocalizedText.MaxLength + 1)),
    };

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void A_name_needs_text_in_each_language_within_the_column_length(LocalizedText name)
    {
        var plan = TestPlans.Plan();

        Assert.Throws<ArgumentException>(() => plan.Describe(name, TestPlans.Description));
        Assert.Throws<ArgumentException>(() => Plan.Create("jp-x", name, TestPlans.Description, TestPlans.Terms(), 1, Now));
        Assert.Equal(TestPlans.Name, plan.Name);
    }

    [Fact]
    public void Activating_and_deactivating_say_whether_anything_changed()
    {
        var plan = TestPlans.Plan();

        Assert.False(plan.Activate());
        Assert.True(plan.Deactivate());
        Assert.False(plan.IsActive);
        Assert.False(plan.Deactivate());
        Assert.True(plan.Activate());
    }

    [Fact]
    public void Moving_a_plan_swaps_it_with_its_neighbour_and_renumbers_the_catalogue()
    {
        var a = TestPlans.Plan(code: "a");
        var b = TestPlans.Plan(code: "b");
        var c = TestPlans.Plan(code: "c"); // all three start with sort order 1

        Assert.True(Plan.Move([a, b, c], c, -1));

        Assert.Equal([10, 30, 20], new[] { a, b, c }.Select(p => p.SortOrder));
        Assert.True(Plan.Move([a, c, b], a, +1));
        Assert.Equal([20, 30, 10], new[] { a, b, c }.Select(p => p.SortOrder));
    }

    [Fact]
    public void A_plan_at_an_end_does_not_move_past_it()
    {
        var a = TestPlans.Plan(code: "a");
        var b = TestPlans.Plan(code: "b");

        Assert.False(Plan.Move([a, b], a, -1));
        Assert.False(Plan.Move([a, b], b, +1));
        Assert.Equal([1, 1], new[] { a, b }.Select(p => p.SortOrder));
    }
}
