using System.Data.Common;

namespace Dispatch.Tests.Support;

/// <summary>A database error as Npgsql's are: a <see cref="DbException"/> that Orleans has no codec for.</summary>
public sealed class SimulatedDbException() : DbException("The simulated database is not accepting connections.")
{
    public override bool IsTransient => true;
}
