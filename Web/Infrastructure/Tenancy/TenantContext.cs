using Parley.Features.Workspaces;

namespace Parley.Infrastructure.Tenancy;

/// <summary>Marks an entity whose rows belong to one tenant; the query filter and SaveChanges guard apply to it.</summary>
public interface ITenantOwned
{
    Guid TenantId { get; set; }
}

public interface ITenantContext
{
    Tenant? Tenant { get; }
    Guid? TenantId => Tenant?.Id;
    /// <summary>Switches the tenant for the rest of a scope (jobs, sign-up); returns a handle that restores the previous one.</summary>
    IDisposable Use(Tenant tenant);
}

public sealed class TenantContext : ITenantContext
{
    public Tenant? Tenant { get; private set; }

    public IDisposable Use(Tenant tenant)
    {
        var previous = Tenant;
        Tenant = tenant;
        return new Restore(() => Tenant = previous);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}

public sealed class TenantMismatchException(string message) : InvalidOperationException(message);
