using EsimRenewal.Core.Payments;

namespace EsimRenewal.UnitTests.Payments;

public class BuyerGatesTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_buyers_second_step_waits_for_the_first_and_gives_up_after_the_wait()
    {
        var gates = new BuyerGates();
        using var first = await gates.EnterAsync("buyer-a", Short, default);

        Assert.NotNull(first);
        Assert.Null(await gates.EnterAsync("buyer-a", Short, default));
    }

    [Fact]
    public async Task Other_buyers_are_not_held_up()
    {
        var gates = new BuyerGates();
        using var a = await gates.EnterAsync("buyer-a", Short, default);

        using var b = await gates.EnterAsync("buyer-b", Short, default);

        Assert.NotNull(b);
    }

    [Fact]
    public async Task A_waiting_step_enters_when_the_running_one_leaves()
    {
        var gates = new BuyerGates();
        var first = await gates.EnterAsync("buyer-a", Short, default);
        var waiting = gates.EnterAsync("buyer-a", Long, default);
        Assert.False(waiting.IsCompleted);

        first!.Dispose();

        using var second = await waiting;
        Assert.NotNull(second);
        Assert.Null(await gates.EnterAsync("buyer-a", Short, default));
    }

    [Fact]
    public async Task A_cancelled_or_timed_out_wait_leaves_the_gate_usable()
    {
        var gates = new BuyerGates();
        var first = await gates.EnterAsync("buyer-a", Short, default);
        using var cancel = new CancellationTokenSource();
        var cancelled = gates.EnterAsync("buyer-a", Long, cancel.Token);
        Assert.Null(await gates.EnterAsync("buyer-a", Short, default));

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        first!.Dispose();

        using var again = await gates.EnterAsync("buyer-a", Short, default);
        Assert.NotNull(again);
    }
}
