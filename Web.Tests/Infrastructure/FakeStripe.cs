using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Parley.Tests.Infrastructure;

/// <summary>
/// Stands in for Stripe's API (which cannot be reached here) and holds every request to its documented contract
/// (https://docs.stripe.com/api): bearer authentication with the secret key, the API version Stripe.net pins in the
/// Stripe-Version header, form-encoded bodies with bracketed keys, and an Idempotency-Key on every POST (ours start with
/// "parley:"; a key reused with other parameters is refused as Stripe refuses it, and replayed with the same ones it
/// answers the first response again). Objects come back in the documented shapes: prices by lookup key, customers,
/// Checkout Sessions, subscriptions with items (periods on the items, as in API versions since 2025-03-31), invoices
/// with payments, Billing Portal sessions. A request that breaks the contract gets Stripe's error shape and is recorded.
/// Webhook payloads are signed with Stripe's own node library (npm stripe, webhooks.generateTestHeaderString).
/// </summary>
public sealed class FakeStripe : IAsyncLifetime
{
    public const string Key = "sk_test_parley_standin";
    public const string WebhookSecret = "whsec_parley_standin";
    private WebApplication? server;
    public int Port { get; private set; }
    public string ApiBase => $"http://127.0.0.1:{Port}";
    public ConcurrentQueue<(string Method, string Path, Dictionary<string, string> Form, string? IdempotencyKey)> Requests { get; } = new();
    public ConcurrentQueue<string> Violations { get; } = new();
    private readonly ConcurrentDictionary<string, (string Request, string Response, int Status)> idempotency = new();
    private readonly object gate = new();
    private int next;

    public Dictionary<string, (string Id, long Amount)> Prices { get; } = new()
    {
        ["parley_silver"] = ("price_silver", 2900), ["parley_gold"] = ("price_gold", 7900), ["parley_premium"] = ("price_premium", 24900),
        ["parley_addon_remove-branding"] = ("price_branding", 3900), ["parley_addon_extra-messages"] = ("price_messages", 3900), ["parley_addon_extra-bot"] = ("price_bot", 900),
    };
    public ConcurrentDictionary<string, JsonObject> Customers { get; } = new();
    public ConcurrentDictionary<string, JsonObject> Sessions { get; } = new();
    public ConcurrentDictionary<string, Sub> Subscriptions { get; } = new();
    public ConcurrentDictionary<string, JsonObject> Invoices { get; } = new();

    public sealed class Sub
    {
        public required string Id { get; init; }
        public required string Customer { get; init; }
        public string Status { get; set; } = "active";
        public List<(string Id, string Price, long Quantity)> Items { get; } = [];
        public bool CancelAtPeriodEnd { get; set; }
        public string? CancelComment { get; set; }
        public DateTimeOffset Start { get; set; } = DateTimeOffset.UtcNow;
        public DateTimeOffset End { get; set; } = DateTimeOffset.UtcNow.AddMonths(1);
    }

    public string NewId(string prefix) => $"{prefix}_standin{Interlocked.Increment(ref next):D6}";

    public async Task InitializeAsync()
    {
        (server, Port) = await LoopbackServer.StartAsync(app => app.Map("/v1/{**path}", HandleAsync));
    }

    public async Task DisposeAsync() { if (server is not null) await server.DisposeAsync(); }

    private async Task HandleAsync(HttpContext c)
    {
        var path = c.Request.Path.Value!["/v1".Length..];
        Dictionary<string, string> form = [];
        if (HttpMethods.IsPost(c.Request.Method))
        {
            if (c.Request.ContentType?.StartsWith("application/x-www-form-urlencoded") != true && (c.Request.ContentLength ?? 0) > 0)
            { await Violation(c, $"POST {path}: the body must be application/x-www-form-urlencoded, not {c.Request.ContentType}."); return; }
            if (c.Request.HasFormContentType) form = (await c.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        }
        foreach (var q in c.Request.Query) form.TryAdd(q.Key, q.Value.ToString());
        var key = c.Request.Headers["Idempotency-Key"].ToString();
        Requests.Enqueue((c.Request.Method, path, form, key.Length == 0 ? null : key));

        if (c.Request.Headers.Authorization.ToString() != $"Bearer {Key}") { await Error(c, 401, "invalid_request_error", "Invalid API Key provided."); return; }
        if (c.Request.Headers["Stripe-Version"].ToString() != Stripe.StripeConfiguration.ApiVersion)
        { await Violation(c, $"Stripe-Version must be {Stripe.StripeConfiguration.ApiVersion}, was '{c.Request.Headers["Stripe-Version"]}'."); return; }
        if (HttpMethods.IsPost(c.Request.Method))
        {
            if (!key.StartsWith("parley:")) { await Violation(c, $"POST {path} carries no idempotency key of ours ('{key}')."); return; }
            var signature = $"{path}?{string.Join("&", form.OrderBy(f => f.Key).Select(f => $"{f.Key}={f.Value}"))}";
            if (idempotency.TryGetValue(key, out var earlier))
            {
                if (earlier.Request != signature)
                { await Error(c, 400, "idempotency_error", $"Keys for idempotent requests can only be used with the same parameters they were first used with."); Violations.Enqueue($"Idempotency key {key} reused for {signature}"); return; }
                c.Response.StatusCode = earlier.Status;
                c.Response.Headers["Idempotent-Replayed"] = "true";
                await c.Response.WriteAsync(earlier.Response);
                return;
            }
            var (status, body) = Route(c.Request.Method, path, form);
            idempotency[key] = (signature, body.ToJsonString(), status);
            await Write(c, status, body);
            return;
        }
        var (s, b) = Route(c.Request.Method, path, form);
        await Write(c, s, b);
    }

    private static Task Write(HttpContext c, int status, JsonNode body)
    {
        c.Response.StatusCode = status;
        c.Response.ContentType = "application/json";
        return c.Response.WriteAsync(body.ToJsonString());
    }

    private Task Violation(HttpContext c, string message) { Violations.Enqueue(message); return Error(c, 400, "invalid_request_error", message); }

    private static Task Error(HttpContext c, int status, string type, string message) =>
        Write(c, status, new JsonObject { ["error"] = new JsonObject { ["type"] = type, ["message"] = message } });

    private static (int, JsonNode) Fail(string message, string? param = null) =>
        (400, new JsonObject { ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["message"] = message, ["param"] = param } });

    private static (int, JsonNode) Missing(string id) =>
        (404, new JsonObject { ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["code"] = "resource_missing", ["message"] = $"No such object: '{id}'" } });

    private static List<Dictionary<string, string>> Indexed(Dictionary<string, string> form, string prefix)
    {
        var list = new List<Dictionary<string, string>>();
        for (var i = 0; ; i++)
        {
            var p = $"{prefix}[{i}]";
            var entry = form.Where(f => f.Key.StartsWith(p + "[")).ToDictionary(f => f.Key[(p.Length + 1)..^1], f => f.Value);
            if (entry.Count == 0) return list;
            list.Add(entry);
        }
    }

    private (int, JsonNode) Route(string method, string path, Dictionary<string, string> f)
    {
        lock (gate)
        {
            var parts = path.Trim('/').Split('/');
            switch (method, parts)
            {
                case ("GET", ["prices"]):
                    var keys = form(f, "lookup_keys");
                    return (200, List(Prices.Where(p => keys.Contains(p.Key)).Select(p => PriceJson(p.Key))));
                case ("POST", ["customers"]):
                    var customer = new JsonObject { ["id"] = NewId("cus"), ["object"] = "customer", ["name"] = f.GetValueOrDefault("name"), ["email"] = f.GetValueOrDefault("email"),
                        ["metadata"] = new JsonObject { ["tenant_id"] = f.GetValueOrDefault("metadata[tenant_id]") } };
                    Customers[customer["id"]!.GetValue<string>()] = customer;
                    return (200, customer);
                case ("POST", ["checkout", "sessions"]):
                    if (f.GetValueOrDefault("mode") != "subscription") return Fail("mode must be subscription for recurring prices.", "mode");
                    if (!Customers.ContainsKey(f.GetValueOrDefault("customer") ?? "")) return Missing(f.GetValueOrDefault("customer") ?? "customer");
                    if (f.GetValueOrDefault("success_url")?.Contains("{CHECKOUT_SESSION_ID}") != true) return Fail("success_url should carry {CHECKOUT_SESSION_ID}.", "success_url");
                    if (!f.ContainsKey("cancel_url")) return Fail("cancel_url is required.", "cancel_url");
                    var lines = Indexed(f, "line_items");
                    if (lines.Count == 0 || lines.Any(l => !Prices.Values.Any(p => p.Id == l.GetValueOrDefault("price")) || !long.TryParse(l.GetValueOrDefault("quantity"), out _)))
                        return Fail("Each line item needs a known price and a quantity.", "line_items");
                    var session = new JsonObject
                    {
                        ["id"] = NewId("cs_test"), ["object"] = "checkout.session", ["mode"] = "subscription", ["status"] = "open", ["customer"] = f["customer"],
                        ["client_reference_id"] = f.GetValueOrDefault("client_reference_id"), ["success_url"] = f["success_url"], ["cancel_url"] = f["cancel_url"],
                        ["allow_promotion_codes"] = f.GetValueOrDefault("allow_promotion_codes") == "true", ["subscription"] = null,
                        ["metadata"] = new JsonObject { ["tenant_id"] = f.GetValueOrDefault("subscription_data[metadata][tenant_id]") },
                        ["line_items_standin"] = new JsonArray(lines.Select(l => (JsonNode)new JsonObject { ["price"] = l["price"], ["quantity"] = long.Parse(l["quantity"]) }).ToArray()),
                    };
                    session["url"] = $"https://checkout.stripe.test/c/pay/{session["id"]}";
                    Sessions[session["id"]!.GetValue<string>()] = session;
                    return (200, Public(session));
                case ("GET", ["checkout", "sessions", var id]):
                    return Sessions.TryGetValue(id, out var s) ? (200, Public(s)) : Missing(id);
                case ("GET", ["subscriptions", var id]):
                    return Subscriptions.TryGetValue(id, out var sub) ? (200, SubscriptionJson(sub)) : Missing(id);
                case ("POST", ["subscriptions", var id]):
                {
                    if (!Subscriptions.TryGetValue(id, out var sub2)) return Missing(id);
                    foreach (var item in Indexed(f, "items"))
                    {
                        var at = sub2.Items.FindIndex(i => i.Id == item.GetValueOrDefault("id"));
                        if (at < 0 || !Prices.Values.Any(p => p.Id == item.GetValueOrDefault("price"))) return Fail("items[][id] must name an item of this subscription and items[][price] a price.", "items");
                        sub2.Items[at] = (sub2.Items[at].Id, item["price"], sub2.Items[at].Quantity);
                    }
                    if (f.TryGetValue("proration_behavior", out var pb) && pb is not ("create_prorations" or "always_invoice" or "none")) return Fail("Invalid proration_behavior.", "proration_behavior");
                    if (f.TryGetValue("cancel_at_period_end", out var cancel)) sub2.CancelAtPeriodEnd = cancel == "true";
                    if (f.TryGetValue("cancellation_details[comment]", out var comment)) sub2.CancelComment = comment;
                    return (200, SubscriptionJson(sub2));
                }
                case ("POST", ["subscription_items"]):
                {
                    if (!Subscriptions.TryGetValue(f.GetValueOrDefault("subscription") ?? "", out var sub3)) return Missing(f.GetValueOrDefault("subscription") ?? "subscription");
                    if (!Prices.Values.Any(p => p.Id == f.GetValueOrDefault("price"))) return Fail("No such price.", "price");
                    if (sub3.Items.Any(i => i.Price == f["price"])) return Fail("The price is already on this subscription; update that item's quantity.", "price");
                    var item = (NewId("si"), f["price"], long.Parse(f.GetValueOrDefault("quantity") ?? "1"));
                    sub3.Items.Add(item);
                    return (200, ItemJson(sub3, item));
                }
                case ("POST", ["subscription_items", var id]):
                {
                    var sub4 = Subscriptions.Values.FirstOrDefault(s => s.Items.Any(i => i.Id == id));
                    if (sub4 is null) return Missing(id);
                    var at = sub4.Items.FindIndex(i => i.Id == id);
                    if (f.TryGetValue("quantity", out var q)) sub4.Items[at] = (id, sub4.Items[at].Price, long.Parse(q));
                    return (200, ItemJson(sub4, sub4.Items[at]));
                }
                case ("DELETE", ["subscription_items", var id]):
                {
                    var sub5 = Subscriptions.Values.FirstOrDefault(s => s.Items.Any(i => i.Id == id));
                    if (sub5 is null) return Missing(id);
                    sub5.Items.RemoveAll(i => i.Id == id);
                    return (200, new JsonObject { ["id"] = id, ["object"] = "subscription_item", ["deleted"] = true });
                }
                case ("POST", ["invoices", "create_preview"]):
                {
                    if (!Subscriptions.TryGetValue(f.GetValueOrDefault("subscription") ?? "", out var sub6)) return Missing(f.GetValueOrDefault("subscription") ?? "subscription");
                    var change = Indexed(f, "subscription_details[items]").FirstOrDefault();
                    var item = sub6.Items.FirstOrDefault(i => i.Id == change?.GetValueOrDefault("id"));
                    if (change is null || item.Id is null || !Prices.Values.Any(p => p.Id == change.GetValueOrDefault("price"))) return Fail("subscription_details[items][0] must name an item and a price.", "subscription_details");
                    var left = (sub6.End - DateTimeOffset.UtcNow).TotalSeconds / (sub6.End - sub6.Start).TotalSeconds;
                    var amount = (long)Math.Round((Amount(change["price"]) - Amount(item.Price)) * left);
                    return (200, new JsonObject { ["object"] = "invoice", ["id"] = null, ["customer"] = sub6.Customer, ["currency"] = "usd", ["amount_due"] = Math.Max(0, amount),
                        ["total"] = amount, ["status"] = "draft", ["lines"] = List([]) });
                }
                case ("GET", ["invoices", var id]):
                    return Invoices.TryGetValue(id, out var invoice) ? (200, invoice.DeepClone()) : Missing(id);
                case ("POST", ["billing_portal", "sessions"]):
                    if (!Customers.ContainsKey(f.GetValueOrDefault("customer") ?? "")) return Missing(f.GetValueOrDefault("customer") ?? "customer");
                    var portal = NewId("bps");
                    return (200, new JsonObject { ["id"] = portal, ["object"] = "billing_portal.session", ["customer"] = f["customer"], ["return_url"] = f.GetValueOrDefault("return_url"),
                        ["url"] = $"https://billing.stripe.test/p/session/{portal}" });
                default:
                    Violations.Enqueue($"{method} {path} is not an endpoint the stand-in knows.");
                    return (404, new JsonObject { ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["message"] = $"Unrecognized request URL ({method}: /v1{path})." } });
            }
        }

        static List<string> form(Dictionary<string, string> f, string prefix) => f.Where(x => x.Key.StartsWith(prefix + "[")).Select(x => x.Value).ToList();
    }

    private long Amount(string priceId) => Prices.Values.First(p => p.Id == priceId).Amount;
    private static JsonObject Public(JsonObject session) { var copy = (JsonObject)session.DeepClone(); copy.Remove("line_items_standin"); return copy; }
    private static JsonObject List(IEnumerable<JsonNode> items) => new() { ["object"] = "list", ["has_more"] = false, ["data"] = new JsonArray(items.ToArray()) };

    private JsonObject PriceJson(string lookupKey) => new()
    {
        ["id"] = Prices[lookupKey].Id, ["object"] = "price", ["lookup_key"] = lookupKey, ["unit_amount"] = Prices[lookupKey].Amount, ["currency"] = "usd", ["active"] = true,
        ["recurring"] = new JsonObject { ["interval"] = "month", ["interval_count"] = 1 }, ["type"] = "recurring",
    };

    private JsonObject ItemJson(Sub s, (string Id, string Price, long Quantity) item) => new()
    {
        ["id"] = item.Id, ["object"] = "subscription_item", ["subscription"] = s.Id, ["quantity"] = item.Quantity,
        ["price"] = PriceJson(Prices.First(p => p.Value.Id == item.Price).Key),
        ["current_period_start"] = s.Start.ToUnixTimeSeconds(), ["current_period_end"] = s.End.ToUnixTimeSeconds(),
    };

    public JsonObject SubscriptionJson(Sub s) => new()
    {
        ["id"] = s.Id, ["object"] = "subscription", ["customer"] = s.Customer, ["status"] = s.Status, ["cancel_at_period_end"] = s.CancelAtPeriodEnd,
        ["cancellation_details"] = new JsonObject { ["comment"] = s.CancelComment }, ["trial_end"] = null, ["created"] = s.Start.ToUnixTimeSeconds(),
        ["items"] = List(s.Items.Select(i => (JsonNode)ItemJson(s, i))), ["metadata"] = new JsonObject(),
    };

    /// <summary>What Stripe does when the customer pays at Checkout: the subscription from the session's line items, and its first invoice, paid.</summary>
    public (JsonObject Session, Sub Subscription, JsonObject Invoice) CompleteCheckout(string sessionId)
    {
        lock (gate)
        {
            var session = Sessions[sessionId];
            var sub = new Sub { Id = NewId("sub"), Customer = session["customer"]!.GetValue<string>() };
            foreach (var line in session["line_items_standin"]!.AsArray())
                sub.Items.Add((NewId("si"), line!["price"]!.GetValue<string>(), line["quantity"]!.GetValue<long>()));
            Subscriptions[sub.Id] = sub;
            session["status"] = "complete";
            session["subscription"] = sub.Id;
            var invoice = Invoice(sub, "subscription_create", paid: true);
            return (Public(session), sub, invoice);
        }
    }

    /// <summary>An invoice for the subscription's items as they are now: paid, or open after a failed attempt.</summary>
    public JsonObject Invoice(Sub sub, string reason, bool paid)
    {
        var total = sub.Items.Sum(i => Amount(i.Price) * i.Quantity);
        var id = NewId("in");
        var invoice = new JsonObject
        {
            ["id"] = id, ["object"] = "invoice", ["customer"] = sub.Customer, ["status"] = paid ? "paid" : "open", ["currency"] = "usd", ["billing_reason"] = reason,
            ["amount_due"] = total, ["amount_paid"] = paid ? total : 0, ["amount_remaining"] = paid ? 0 : total, ["attempt_count"] = 1, ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["hosted_invoice_url"] = $"https://invoice.stripe.test/i/{id}",
            ["parent"] = new JsonObject { ["type"] = "subscription_details", ["subscription_details"] = new JsonObject { ["subscription"] = sub.Id } },
            ["lines"] = List(sub.Items.Select(i => (JsonNode)new JsonObject { ["id"] = NewId("il"), ["object"] = "line_item", ["description"] = $"{i.Quantity} × {Prices.First(p => p.Value.Id == i.Price).Key}", ["amount"] = Amount(i.Price) * i.Quantity })),
            ["payments"] = List(paid ? [new JsonObject { ["id"] = NewId("inpay"), ["object"] = "invoice_payment", ["status"] = "paid", ["amount_paid"] = total,
                ["payment"] = new JsonObject { ["type"] = "payment_intent", ["payment_intent"] = NewId("pi") } }] : []),
        };
        Invoices[id] = invoice;
        return invoice;
    }

    /// <summary>An event as Stripe sends it: a snapshot of the object at the time of the event.</summary>
    public string Event(string type, JsonNode obj, DateTimeOffset? created = null) => new JsonObject
    {
        ["id"] = NewId("evt"), ["object"] = "event", ["api_version"] = Stripe.StripeConfiguration.ApiVersion, ["created"] = (created ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(),
        ["type"] = type, ["livemode"] = false, ["pending_webhooks"] = 1, ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["data"] = new JsonObject { ["object"] = obj.DeepClone() },
    }.ToJsonString();

    /// <summary>The Stripe-Signature header Stripe's node library makes for this payload (t=…,v1=…).</summary>
    public static async Task<string> SignAsync(string payload, string secret, DateTimeOffset at)
    {
        var library = Environment.GetEnvironmentVariable("PARLEY_STRIPE_NODE") ?? Path.Combine(RepoRoot(), ".tools", "node_modules", "stripe");
        Assert.True(Directory.Exists(library), $"npm stripe is not installed at {library} (the test command installs it).");
        var script = "const Stripe=require(process.argv[1]);const s=new Stripe('sk_test_sign');let p='';process.stdin.on('data',d=>p+=d).on('end',()=>" +
                     "process.stdout.write(s.webhooks.generateTestHeaderString({payload:p,secret:process.argv[2],timestamp:Number(process.argv[3])})));";
        var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-e", script, library, secret, at.ToUnixTimeSeconds().ToString() }) start.ArgumentList.Add(a);
        using var node = Process.Start(start)!;
        await node.StandardInput.WriteAsync(payload);
        node.StandardInput.Close();
        var header = await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, await node.StandardError.ReadToEndAsync());
        return header;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "App.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("App.sln not found above the test binaries.");
    }
}
