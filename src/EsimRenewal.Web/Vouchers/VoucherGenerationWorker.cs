using EsimRenewal.Core.Vouchers;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Web.Vouchers;

/// <summary>
/// Generates requested voucher batches in the background, one chunk per transaction, so a batch of
/// 100,000 never holds up a request and the admin's page can show progress. Every instance runs one;
/// the chunks are claimed with FOR UPDATE SKIP LOCKED, so they share the work and never collide.
/// </summary>
public sealed class VoucherGenerationWorker(IServiceScopeFactory scopes, IOptions<VoucherOptions> options, ILogger<VoucherGenerationWorker> logger) : BackgroundService
{
    private static readonly TimeSpan IdleDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ErrorDelay = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.GenerateInBackground)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = IdleDelay;
            try
            {
                while (await GenerateOneChunkAsync(stoppingToken))
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Voucher generation failed; retrying in {Delay}", ErrorDelay);
                delay = ErrorDelay;
            }
            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> GenerateOneChunkAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VoucherBatchService>().GenerateNextChunkAsync(ct: ct);
    }
}
