using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace EsimRenewal.Core.Data;

/// <summary>
/// Compiled queries, kept per EF model: a compiled query belongs to the model it first ran with. A
/// process normally has one model; the tests' hosts have several.
/// </summary>
internal sealed class CompiledPerModel<TQueries>(Func<TQueries> compile) where TQueries : class
{
    private readonly ConditionalWeakTable<IModel, TQueries> _byModel = new();

    public TQueries For(DbContext db) => _byModel.GetValue(db.Model, _ => compile());
}
