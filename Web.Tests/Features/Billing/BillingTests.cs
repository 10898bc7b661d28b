using Parley.Features.Billing;
using Parley.Features.Plans;

namespace Parley.Tests.Features.Billing;

/// <summary>
/// Seed 000's billing cases through the Billing page and the test-mode checkout (no Stripe key, the embedded default), on
/// both databases. The Stripe path of the same cases (webhooks, refunds) is in <see cref="StripeBillingTests{TApp}"/>.
/// </summary>
public abstract class BillingTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    [Fact]
    public async Task Case_01_first_purchase_makes_the_plan_records_the_payment_and_keeps_the_free_row()
    {
        var ws = await app.SignUpAsync();
        var page = await (await ws.Tenant.GetAsync("/billing")).TextAsync();
        Assert.Contains("Test mode", page);
        Assert.Contains("Free plan", page);
        var paid = await ws.CheckoutAsync(PlanCatalog.Silver);
        Assert.Equal("/billing?checkout=paid", paid.RedirectTarget());

        var books = await app.BooksAsync(ws.TenantId);
        Assert.Equal(2, books.Subscriptions.Count);
        Assert.Equal(SubscriptionStatus.Canceled, books.Subscriptions[0].Status);
        Assert.Equal(PlanCatalog.Silver, books.Current.Plan!.Code);
        Assert.True(books.Current.Paid);
        Assert.Equal(SubscriptionStatus.Active, books.Current.Status);
        var payment = Assert.Single(books.Payments);
        Assert.Equal((PaymentStatus.Paid, 29m, PaymentKind.Subscription), (payment.Status, payment.Amount, payment.Kind));
        Assert.Equal(2, books.Limits.Bots);
        Assert.Equal(3_000, books.Limits.MessagesPerMonth);

        var after = await (await ws.Tenant.GetAsync("/billing?checkout=paid")).TextAsync();
        Assert.Contains("Silver plan", after);
        Assert.Contains("next invoice $29.00", after);
        Assert.Contains("Silver plan", after);
        // The receipt the payments table links to.
        Assert.Contains("$29.00 USD", await (await ws.Tenant.GetAsync(payment.InvoiceUrl!)).TextAsync());
        // The same checkout sent twice (a double click) pays once.
        Assert.Single((await app.BooksAsync(ws.TenantId)).Payments);
    }

    [Fact]
    public async Task Case_02_a_plan_bought_with_add_ons_is_one_payment_and_the_add_ons_count_in_the_limits()
    {
        var ws = await app.SignUpAsync();
        (await ws.CheckoutAsync(PlanCatalog.Gold, false, BillingCatalog.RemoveBranding, BillingCatalog.ExtraMessages)).AssertStatus(HttpStatusCode.SeeOther);
        var books = await app.BooksAsync(ws.TenantId);
        var payment = Assert.Single(books.Payments);
        Assert.Equal(79m + 39m + 39m, payment.Amount);
        Assert.Contains("Remove Parley branding", payment.Description);
        Assert.Equal(2, books.AddOns.Count(a => a.Active && a.SubscriptionId == books.Current.Id));
        Assert.True(books.Limits.RemoveBranding);
        Assert.Equal(12_000 + 5_000, books.Limits.MessagesPerMonth);
    }

    [Fact]
    public async Task Case_03_and_04_add_ons_bought_later_are_prorated_stack_where_they_may_and_can_be_removed()
    {
        var ws = await app.SignUpAsync();
        // On Free an add-on is refused with the way forward.
        Assert.Contains("come with a paid plan", await (await ws.BillingPostAsync("AddOn", ("code", BillingCatalog.ExtraBot), ("quantity", "1"))).TextAsync());
        await ws.CheckoutAsync(PlanCatalog.Silver);
        (await ws.BillingPostAsync("AddOn", ("code", BillingCatalog.ExtraBot), ("quantity", "1"))).AssertStatus(HttpStatusCode.OK);
        (await ws.BillingPostAsync("AddOn", ("code", BillingCatalog.ExtraMessages), ("quantity", "1"))).AssertStatus(HttpStatusCode.OK);
        (await ws.BillingPostAsync("AddOn", ("code", BillingCatalog.ExtraMessages), ("quantity", "1"))).AssertStatus(HttpStatusCode.OK);
        (await ws.BillingPostAsync("AddOn", ("code", BillingCatalog.RemoveBranding), ("quantity", "1"))).AssertStatus(HttpStatusCode.OK);
        var second = await ws.BillingPostAsync("AddOn", ("code", BillingCatalog.RemoveBranding), ("quantity", "1"));
        second.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("already on this workspace", await second.TextAsync());

        var books = await app.BooksAsync(ws.TenantId);
        Assert.Equal(4, books.AddOns.Count(a => a.Active));
        Assert.Equal(2, books.AddOns.Count(a => a.Active && a.Kind == AddOnKind.ExtraMessages));
        Assert.Equal(3, books.Limits.Bots);
        Assert.Equal(3_000 + 10_000, books.Limits.MessagesPerMonth);
        var addOnPayments = books.Payments.Where(p => p.Kind == PaymentKind.AddOn).ToList();
        Assert.Equal(4, addOnPayments.Count);
        // Bought at the start of the period: almost the whole month's price, never more.
        Assert.All(addOnPayments, p => Assert.InRange(p.Amount, 8.5m, 39m));

        (await ws.BillingPostAsync("RemoveAddOn", ("code", BillingCatalog.ExtraMessages))).AssertStatus(HttpStatusCode.OK);
        books = await app.BooksAsync(ws.TenantId);
        Assert.Equal(3_000 + 5_000, books.Limits.MessagesPerMonth);
        Assert.Single(books.AddOns, a => !a.Active && a.EndedAt is not null);
        var page = await (await ws.Tenant.GetAsync("/billing")).TextAsync();
        Assert.Contains("You have 1.", page);
    }

    [Fact]
    public async Task Case_05_upgrade_shows_the_proration_first_then_starts_a_new_row_downgrade_waits_for_the_workspace_to_fit()
    {
        var ws = await app.SignUpAsync();
        await ws.CheckoutAsync(PlanCatalog.Silver);
        var preview = await ws.BillingPostAsync("Preview", ("plan", PlanCatalog.Gold));
        var text = await preview.TextAsync();
        Assert.Contains("Move to Gold", text);
        Assert.Matches(@"You pay <strong>\$(49|50)\.\d\d</strong> now", text);
        Assert.Equal(PlanCatalog.Silver, (await app.BooksAsync(ws.TenantId)).Current.Plan!.Code); // a preview changes nothing

        (await ws.BillingPostAsync("Change", ("plan", PlanCatalog.Gold))).AssertStatus(HttpStatusCode.OK);
        var books = await app.BooksAsync(ws.TenantId);
        Assert.Equal(PlanCatalog.Gold, books.Current.Plan!.Code);
        Assert.Equal(3, books.Subscriptions.Count);
        Assert.Equal(2, books.Subscriptions.Count(s => s.Status == SubscriptionStatus.Canceled));
        var proration = Assert.Single(books.Payments, p => p.Kind == PaymentKind.Proration);
        Assert.InRange(proration.Amount, 49m, 50m);

        // Three bots on Gold: Silver (two) is refused until one goes.
        foreach (var name in new[] { "One", "Two", "Three" }) await ws.Tenant.CreateBotAsync(name);
        var refused = await ws.BillingPostAsync("Change", ("plan", PlanCatalog.Silver));
        refused.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Delete 1 first", await refused.TextAsync());
        await app.InTenantAsync(ws.TenantId, async sp => await sp.GetRequiredService<AppDbContext>().Chatbots.Take(1).ExecuteDeleteAsync());
        (await ws.BillingPostAsync("Change", ("plan", PlanCatalog.Silver))).AssertStatus(HttpStatusCode.OK);
        books = await app.BooksAsync(ws.TenantId);
        Assert.Equal(PlanCatalog.Silver, books.Current.Plan!.Code);
        Assert.Contains(books.Payments, p => p.Kind == PaymentKind.Proration && p.Amount < 0 && p.Description.StartsWith("Credit for unused time on Gold"));
    }

    [Fact]
    public async Task Case_06_07_referral_link_welcomes_the_new_workspace_and_rewards_the_referrer_once_it_pays()
    {
        var referrer = await app.SignUpAsync();
        var page = await (await referrer.Tenant.GetAsync("/billing")).BodyAsync();
        var code = System.Text.RegularExpressions.Regex.Match(page, @"signup\?ref=([0-9a-f]+)").Groups[1].Value;
        Assert.NotEmpty(code);

        // The referred business signs up through the link (the form carries the code).
        var slug = Workspaces.UniqueSlug("ref");
        var root = app.Client();
        var signup = await root.PostFormAsync($"/signup?ref={code}", "/signup", Http.Form(("Input.FullName", "Bea"), ("Input.Email", $"{slug}@example.test"),
            ("Input.Password", Workspaces.Password), ("Input.WorkspaceName", "Referred"), ("Input.Slug", slug), ("Input.Ref", code)));
        Assert.NotNull(signup.RedirectTarget());
        var referredId = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Tenants.Where(t => t.Slug == slug).Select(t => t.Id).SingleAsync());
        var referred = await app.BooksAsync(referredId);
        var welcome = Assert.Single(referred.Bonuses);
        Assert.Equal((BonusReason.ReferralJoined, 100, referrer.TenantId), (welcome.Reason, welcome.Messages, welcome.ReferralTenantId));
        Assert.Equal(100 + 100, referred.Limits.MessagesPerMonth);
        Assert.Empty((await app.BooksAsync(referrer.TenantId)).Bonuses); // nothing yet: the reward comes with the first payment

        var owner = await app.SignInAsync(slug, $"{slug}@example.test");
        var asReferred = new SignedUp(slug, $"{slug}@example.test", Workspaces.Password, root, owner, referredId, Guid.Empty);
        await asReferred.CheckoutAsync(PlanCatalog.Silver);
        await asReferred.BillingPostAsync("AddOn", ("code", BillingCatalog.ExtraBot), ("quantity", "1")); // a second payment rewards nothing more
        var reward = Assert.Single((await app.BooksAsync(referrer.TenantId)).Bonuses);
        Assert.Equal((BonusReason.ReferralReward, 250, 100, referredId), (reward.Reason, reward.Messages, reward.Pages, reward.ReferralTenantId));
        var limits = (await app.BooksAsync(referrer.TenantId)).Limits;
        Assert.Equal((100 + 250, 100 + 100), (limits.MessagesPerMonth, limits.Pages));
        Assert.Contains("Referred became a customer", await (await referrer.Tenant.GetAsync("/billing")).TextAsync());
    }

    [Fact]
    public async Task Case_08_a_promotion_bonus_counts_until_it_expires_and_is_redeemed_once()
    {
        var ws = await app.SignUpAsync();
        (await ws.BillingPostAsync("Redeem", ("code", "welcome2026"))).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(100 + 500, (await app.BooksAsync(ws.TenantId)).Limits.MessagesPerMonth);
        var again = await ws.BillingPostAsync("Redeem", ("code", "WELCOME2026"));
        again.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("already redeemed", await again.TextAsync());
        Assert.Contains("There is no promotion NOPE", await (await ws.BillingPostAsync("Redeem", ("code", "nope"))).TextAsync());

        // A year later the bonus has expired: the limits are the plan's again, and Billing says so.
        await app.InTenantAsync(ws.TenantId, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            await db.Bonuses.ExecuteUpdateAsync(u => u.SetProperty(b => b.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
            await db.TouchTenantAsync(ws.TenantId);
            return 0;
        });
        Assert.Equal(100, (await app.BooksAsync(ws.TenantId)).Limits.MessagesPerMonth);
        Assert.Contains("Expired", await (await ws.Tenant.GetAsync("/billing")).TextAsync());
    }

    [Fact]
    public async Task Case_12_13_14_usage_resets_each_month_counts_per_model_and_the_limit_warns_at_80_and_100_percent()
    {
        var (ws, bot) = await app.WorkspaceWithTrainedBotAsync("Kettle", "Warranty", "The kettle's warranty lasts two years.");
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.MessagesPerMonth, 5);
        // Last month used every message; this month starts again from nothing.
        await app.InTenantAsync(ws.TenantId, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.UsagePeriods.Add(new Parley.Features.Chat.UsagePeriod { Period = Parley.Features.Chat.UsageMeter.Period(DateTimeOffset.UtcNow.AddMonths(-1)), Messages = 5 });
            return await db.SaveChangesAsync();
        });
        var visitor = new WidgetClient(app, bot);
        await visitor.StartAsync();
        for (var i = 0; i < 4; i++) Assert.Contains("two years", (await visitor.AskAsync($"How long is the warranty? ({i})")).Answer.Done);
        var near = await app.Mail.WaitForAsync(ws.Email, "80% of this month's messages");
        Assert.Contains("4 of the 5 messages", near.Text);
        Assert.Contains("4 of this month's 5 messages are used (80%)", await (await ws.Tenant.GetAsync("/dashboard")).TextAsync());
        Assert.Contains("two years", (await visitor.AskAsync("And the warranty once more?")).Answer.Done);
        await app.Mail.WaitForAsync(ws.Email, "has used this month's 5 messages");
        Assert.Contains("reached its limit for the month", await visitor.SendAsync("One more?"));
        Assert.Contains("messages are used: visitors see a polite notice", await (await ws.Tenant.GetAsync("/dashboard")).TextAsync());

        var usage = await app.InTenantAsync(ws.TenantId, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            return (await db.UsagePeriods.AsNoTracking().OrderBy(u => u.Period).ToListAsync(), await db.ModelUsages.AsNoTracking().ToListAsync());
        });
        Assert.Equal([5, 5], usage.Item1.Select(u => u.Messages));
        var model = Assert.Single(usage.Item2);
        Assert.Equal(5, model.Messages);
        await Task.Delay(300);
        Assert.Equal(1, await app.Mail.CountAsync(ws.Email, "80%"));
        Assert.Equal(1, await app.Mail.CountAsync(ws.Email, "has used this month's 5"));

        // Extra messages lift the limit at once (the Owner bought them on Billing).
        await app.SetLimitAsync(ws.TenantId, s => s.Paid, true);
        await app.InTenantAsync(ws.TenantId, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var silver = await db.Plans.SingleAsync(p => p.Code == PlanCatalog.Silver);
            await db.Subscriptions.ExecuteUpdateAsync(u => u.SetProperty(s => s.PlanId, silver.Id));
            await db.TouchTenantAsync(ws.TenantId);
            return 0;
        });
        (await ws.BillingPostAsync("AddOn", ("code", BillingCatalog.ExtraMessages), ("quantity", "1"))).AssertStatus(HttpStatusCode.OK);
        Assert.Contains("two years", (await visitor.AskAsync("Warranty, please?")).Answer.Done);
    }

    [Fact]
    public async Task Case_14_a_one_seat_plan_disables_the_invite_form_with_an_upgrade_link_and_the_bot_limit_prompts_too()
    {
        var ws = await app.SignUpAsync();
        var team = await (await ws.Tenant.GetAsync("/team")).BodyAsync();
        Assert.Contains("data-testid=\"upgrade-prompt\"", team);
        Assert.Contains("href=\"/billing\"", team);
        Assert.Matches("<fieldset disabled", team);
        await ws.Tenant.CreateBotAsync("Only");
        var bots = await (await ws.Tenant.GetAsync("/bots")).TextAsync();
        Assert.Contains("Your plan includes 1 chatbot and you're using it. Upgrade to add another.", bots);

        // Sources: at the limit the Knowledge page says so where sources are added.
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.Sources, 1);
        var bot = await app.InTenantAsync(ws.TenantId, sp => sp.GetRequiredService<AppDbContext>().Chatbots.Select(b => b.PublicId).SingleAsync());
        var knowledge = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(knowledge, $"{knowledge}?handler=Text", Http.Form(("title", "Hours"), ("content", "Open daily from nine.")));
        Assert.Contains("Your plan includes 1 source, and they are all used. Upgrade, or remove sources you no longer need.", await (await ws.Tenant.GetAsync(knowledge)).TextAsync());

        await ws.CheckoutAsync(PlanCatalog.Gold);
        Assert.DoesNotContain("<fieldset disabled", await (await ws.Tenant.GetAsync("/team")).BodyAsync());
        Assert.DoesNotContain("upgrade-prompt", await (await ws.Tenant.GetAsync("/bots")).BodyAsync());
    }

    [Fact]
    public async Task Case_15_a_declined_card_records_the_failure_and_changes_nothing()
    {
        var ws = await app.SignUpAsync();
        var declined = await ws.CheckoutAsync(PlanCatalog.Gold, declined: true);
        declined.AssertStatus(HttpStatusCode.PaymentRequired);
        Assert.Contains("The card was declined (test mode)", await declined.TextAsync());
        var books = await app.BooksAsync(ws.TenantId);
        Assert.Equal(PlanCatalog.Free, books.Current.Plan!.Code);
        var failed = Assert.Single(books.Payments);
        Assert.Equal((PaymentStatus.Failed, "card_declined"), (failed.Status, failed.FailureCode));
        Assert.Contains("Failed (card_declined)", await (await ws.Tenant.GetAsync("/billing")).TextAsync());
    }

    [Fact]
    public async Task A_trial_from_the_plans_page_has_the_plan_s_limits_reminds_twice_and_ends_on_free()
    {
        var landing = await (await app.Client().GetAsync("/")).BodyAsync();
        Assert.Contains("href=\"/signup?plan=gold\"", landing);
        Assert.DoesNotContain("API access", landing);
        Assert.Contains("100 pages of knowledge", landing);
        Assert.Contains("14-day Gold trial", await (await app.Client().GetAsync("/signup?plan=gold")).TextAsync());

        var slug = Workspaces.UniqueSlug("trial");
        var root = app.Client();
        await root.PostFormAsync("/signup?plan=gold", "/signup", Http.Form(("Input.FullName", "Tri Al"), ("Input.Email", $"{slug}@example.test"),
            ("Input.Password", Workspaces.Password), ("Input.WorkspaceName", "Trial"), ("Input.Slug", slug), ("Input.Plan", "gold")));
        var id = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Tenants.Where(t => t.Slug == slug).Select(t => t.Id).SingleAsync());
        var books = await app.BooksAsync(id);
        Assert.Equal((PlanCatalog.Gold, SubscriptionStatus.Trialing, false), (books.Current.Plan!.Code, books.Current.Status, books.Current.Paid));
        Assert.Equal(5, books.Limits.Bots);
        Assert.InRange(books.Current.TrialEnd!.Value, DateTimeOffset.UtcNow.AddDays(13.9), DateTimeOffset.UtcNow.AddDays(14.1));

        async Task TrialEndsIn(TimeSpan left) => await app.UpdateSubscriptionAsync(id, u => u.SetProperty(s => s.TrialEnd, DateTimeOffset.UtcNow + left));
        await app.SweepAsync(id);
        Assert.Equal(0, await app.Mail.CountAsync($"{slug}@example.test", "trial ends"));
        await TrialEndsIn(TimeSpan.FromDays(2.5));
        await app.SweepAsync(id);
        await app.SweepAsync(id);
        await app.Mail.WaitForAsync($"{slug}@example.test", "Your Gold trial ends on");
        await TrialEndsIn(TimeSpan.FromHours(20));
        await app.SweepAsync(id);
        await app.Mail.WaitForAsync($"{slug}@example.test", "Your Gold trial ends tomorrow");
        var owner = await app.SignInAsync(slug, $"{slug}@example.test");
        Assert.Contains("The Gold trial ends on", await (await owner.GetAsync("/dashboard")).TextAsync());

        await TrialEndsIn(TimeSpan.FromMinutes(-1));
        // Even before the sweep runs, the limits in force are Free's.
        Assert.Equal(1, (await app.BooksAsync(id)).Limits.Bots);
        await app.SweepAsync(id);
        books = await app.BooksAsync(id);
        Assert.Equal((PlanCatalog.Free, SubscriptionStatus.Active), (books.Current.Plan!.Code, books.Current.Status));
        await app.Mail.WaitForAsync($"{slug}@example.test", "Your Gold trial has ended");
        Assert.Equal(2, await app.Mail.CountAsync($"{slug}@example.test", "trial ends"));
    }

    [Fact]
    public async Task Test_mode_renews_each_period_once_and_a_cancelled_plan_ends_on_free_with_its_reason_kept()
    {
        var ws = await app.SignUpAsync();
        await ws.CheckoutAsync(PlanCatalog.Silver, false, BillingCatalog.ExtraBot);
        await app.UpdateSubscriptionAsync(ws.TenantId, u => u.SetProperty(s => s.CurrentPeriodEnd, DateTimeOffset.UtcNow.AddMinutes(-1)));
        await app.SweepAsync(ws.TenantId);
        await app.SweepAsync(ws.TenantId);
        var books = await app.BooksAsync(ws.TenantId);
        var renewal = Assert.Single(books.Payments, p => p.InvoiceId.StartsWith("test_in_renew_"));
        Assert.Equal(29m + 9m, renewal.Amount);
        Assert.True(books.Current.CurrentPeriodEnd > DateTimeOffset.UtcNow.AddDays(27));

        var noReason = await ws.BillingPostAsync("Cancel", ("reason", ""));
        Assert.Contains("Tell us why", await noReason.TextAsync());
        var cancelled = await ws.BillingPostAsync("Cancel", ("reason", "Too expensive"), ("comment", "Budget cut"));
        Assert.Contains("Silver ends on", await cancelled.TextAsync());
        Assert.Contains("Keep Silver", await (await ws.Tenant.GetAsync("/billing")).TextAsync());
        (await ws.BillingPostAsync("Resume")).AssertStatus(HttpStatusCode.OK);
        Assert.False((await app.BooksAsync(ws.TenantId)).Current.CancelAtPeriodEnd);
        await ws.BillingPostAsync("Cancel", ("reason", "Too expensive"), ("comment", "Budget cut"));
        await app.UpdateSubscriptionAsync(ws.TenantId, u => u.SetProperty(s => s.CurrentPeriodEnd, DateTimeOffset.UtcNow.AddMinutes(-1)));
        await app.SweepAsync(ws.TenantId);
        books = await app.BooksAsync(ws.TenantId);
        Assert.Equal(PlanCatalog.Free, books.Current.Plan!.Code);
        Assert.All(books.AddOns, a => Assert.False(a.Active));
        Assert.Single(books.Payments, p => p.InvoiceId.StartsWith("test_in_renew_"));
        var audit = await app.InTenantAsync(ws.TenantId, sp => sp.GetRequiredService<AppDbContext>().AuditLogs.Where(a => a.Action.StartsWith("billing.")).Select(a => a.Action + " " + a.NewValues).ToListAsync());
        Assert.Contains(audit, a => a.StartsWith("billing.cancelled") && a.Contains("Too expensive: Budget cut"));
        Assert.Contains(audit, a => a.StartsWith("billing.ended"));
    }

    [Fact]
    public async Task Billing_is_the_owner_s_alone()
    {
        var ws = await app.SignUpAsync();
        var admin = await app.AddMemberAsync(ws.TenantId, Parley.Features.Workspaces.Role.Admin);
        var client = await app.SignInAsync(ws.Slug, admin);
        var response = await client.GetAsync("/billing");
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("href=\"/billing\"", await (await client.GetAsync("/dashboard")).BodyAsync());
        Assert.Contains("href=\"/billing\"", await (await ws.Tenant.GetAsync("/dashboard")).BodyAsync());
    }
}

public sealed class BillingTests_Sqlite(SqliteApp app) : BillingTests<SqliteApp>(app)
{
    [Fact]
    public async Task Without_stripe_and_without_test_checkout_billing_says_payments_are_not_set_up_and_gives_no_plan_away()
    {
        await using var off = new SqliteApp { Settings = new() { ["Parley:Billing:Stripe:TestCheckout"] = "false" } };
        await off.InitializeAsync();
        var ws = await off.SignUpAsync();
        Assert.Contains("Payments are not set up on this installation yet", await (await ws.Tenant.GetAsync("/billing")).TextAsync());
        var refused = await ws.BillingPostAsync("Checkout", ("plan", PlanCatalog.Gold));
        refused.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(HttpStatusCode.Redirect, (await ws.Tenant.GetAsync("/billing/checkout?plan=gold&op=abc")).StatusCode);
        Assert.Equal(PlanCatalog.Free, (await off.BooksAsync(ws.TenantId)).Current.Plan!.Code);
    }
}

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class BillingTests_Postgres(PostgresApp app) : BillingTests<PostgresApp>(app);
