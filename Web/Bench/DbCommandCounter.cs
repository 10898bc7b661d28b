using System.Diagnostics;

namespace Parley.Bench;

/// <summary>Counts the database commands EF Core runs in this process while it is alive (its diagnostic events), for per-request figures.</summary>
public sealed class DbCommandCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly IDisposable all;
    private readonly List<IDisposable> subscriptions = [];
    private long count;

    public DbCommandCounter() => all = DiagnosticListener.AllListeners.Subscribe(this);

    public long Count => Interlocked.Read(ref count);

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == "Microsoft.EntityFrameworkCore")
            lock (subscriptions) subscriptions.Add(listener.Subscribe(this));
    }

    public void OnNext(KeyValuePair<string, object?> e)
    {
        if (e.Key == "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuted") Interlocked.Increment(ref count);
    }

    public void OnCompleted() { }
    public void OnError(Exception error) { }

    public void Dispose()
    {
        all.Dispose();
        lock (subscriptions) subscriptions.ForEach(s => s.Dispose());
    }
}
