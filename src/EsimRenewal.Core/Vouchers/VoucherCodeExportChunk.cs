using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EsimRenewal.Core.Vouchers;

/// <summary>
/// A chunk of a new batch's codes, sealed by <see cref="VoucherCodeExportCipher"/>, kept only until the
/// admin downloads the code sheet once (then deleted in the same transaction) or voids the batch.
/// </summary>
public sealed class VoucherCodeExportChunk
{
    private VoucherCodeExportChunk()
    {
    }

    public VoucherCodeExportChunk(Guid batchId, int firstIndex, byte[] sealedCodes, DateTimeOffset now)
    {
        BatchId = batchId;
        FirstIndex = firstIndex;
        SealedCodes = sealedCodes;
        CreatedAt = now;
    }

    public Guid BatchId { get; private set; }

    /// <summary>The index in the batch of the chunk's first voucher; chunks are read back in this order.</summary>
    public int FirstIndex { get; private set; }
    public byte[] SealedCodes { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
}

internal sealed class VoucherCodeExportChunkConfiguration : IEntityTypeConfiguration<VoucherCodeExportChunk>
{
    public void Configure(EntityTypeBuilder<VoucherCodeExportChunk> chunk)
    {
        chunk.ToTable("voucher_code_export_chunks");
        chunk.HasKey(c => new { c.BatchId, c.FirstIndex });
        chunk.HasOne<VoucherBatch>().WithMany().HasForeignKey(c => c.BatchId).OnDelete(DeleteBehavior.Cascade);
    }
}
