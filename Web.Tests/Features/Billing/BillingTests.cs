using Parley.Features.Billing;
using Parley.Features.Plans;

namespace Parley.Tests.Features.Billing;

/// <summary>
/// Seed 000's billing cases through the Billing page and the test-mode checkout (no Stripe key, the embedded default), on
/// both databases. The Stripe path (webhooks, payment failure and grace, case 16's refunds) is in
/// <see cref="StripeBillingTests{TApp}"/>; cases 9-11 (invite, accept, remove a member) are the Team tests.
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
    public async Task Case_03_an_add_on_bought_mid_cycle_is_prorated_and_counts_at_once()
    {
        var ws = await app.SignUpAsync();
        // On Free an add-on is refused with the way forward.
        Assert.Contains("come with a paid plan", await (await ws.BillingPostAsync("AddOn", ("code", BillingCatalog.ExtraBot), ("quantity", "1"))).TextAsync());
        await ws.CheckoutAsync(PlanCatalog.Silver);
        (await ws.BillingPostAsync("AddOn", ("code", BillingCatalog.ExtraBot), ("quantity", "1"))).AssertStatus(HttpStatusCode.OK);
        var books = await app.BooksAsync(ws.TenantId);
        var unit = Assert.Single(books.AddOns, a => a.Active);
        Assert.Equal((AddOnKind.ExtraBots, books.Current.Id, 9m), (unit.Kind, unit.SubscriptionId, unit.PricePaid));
        Assert.Equal(3, books.Limits.Bots);
        var payment = Assert.Single(books.Payments, p => p.Kind == PaymentKind.AddOn);
        // Bought at the start of the period: almost the whole month's price, never more.
        Assert.InRange(payment.Amount, 8.5m, 9m);
        Assert.Equal(2, books.Payments.Count);
    }

    [Fact]
    public async Task Case_04_several_of_one_add_on_stack_where_they_may_and_one_can_be_removed()
    {
        var ws = await app.SignUpAsync();
        await ws.CheckoutAsync(PlanCatalog.Silver);
        (await ws.BillingPostAsync("AddOn", ("code", BillingCatalog.ExtraMessages), ("quantity", "1"))).AssertStatus(HttpStatusCode.OK);
        (await ws.BillingPostAsync("AddOn", ("code", BillingCatalog.ExtraMessages), ("quantity", "1"))).AssertStatus(HttpStatusCode.OK);
        (await ws.BillingPostAsync("AddOn", ("code", BillingCatalog.RemoveBranding), ("quantity", "1"))).AssertStatus(HttpStatusCode.OK);
        var second = await ws.BillingPostAsync("AddOn", ("code", BillingCatalog.RemoveBranding), ("quantity", "1"));
        second.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("already on this workspace", await second.TextAsync());

        var books = await app.BooksAsync(ws.TenantId);
        Assert.Equal(2, books.AddOns.Count(a => a.Active && a.Kind == AddOnKind.ExtraMessages));
        Assert.Equal(3_000 + 10_000, books.Limits.MessagesPerMonth);
        Assert.True(books.Limits.RemoveBranding);
        Assert.Equal(3, books.Payments.Count(p => p.Kind == PaymentKind.AddOn));

        (await ws.BillingPostAsync("RemoveAddOn", ("code", BillingCatalog.ExtraMessages))).AssertStatus(HttpStatusCode.OK);
        books = await app.BooksAsync(ws.TenantId);
        Assert.Equal(3_000 + 5_000, books.Limits.MessagesPerMonth);
        Assert.Single(books.AddOns, a => !a.Active && a.EndedAt is not null);
        Assert.Contains("You have 1.", await (await ws.Tenant.GetAsync("/billing")).TextAsync());
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

    /// <summary>A business signs up through another workspace's referral link (the form carries the code).</summary>
    private async Task<(SignedUp Referrer, SignedUp Referred)> ReferredAsync()
    {
        var referrer = await app.SignUpAsync();
        var page = await (await referrer.Tenant.GetAsync("/billing")).BodyAsync();
        var code = System.Text.RegularExpressions.Regex.Match(page, @"signup\?ref=([0-9a-f]+)").Groups[1].Value;
        Assert.NotEmpty(code);
        var slug = Workspaces.UniqueSlug("ref");
        var root = app.Client();
        var signup = await root.PostFormAsync($"/signup?ref={code}", "/signup", Http.Form(("Input.FullName", "Bea"), ("Input.Email", $"{slug}@example.test"),
            ("Input.Password", Workspaces.Password), ("Input.WorkspaceName", "Referred"), ("Input.Slug", slug), ("Input.Ref", code)));
        Assert.NotNull(signup.RedirectTarget());
        var id = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Tenants.Where(t => t.Slug == slug).Select(t => t.Id).SingleAsync());
        var owner = await app.SignInAsync(slug, $"{slug}@example.test");
        return (referrer, new SignedUp(slug, $"{slug}@example.test", Workspaces.Password, root, owner, id, Guid.Empty));
    }

    [Fact]
    public async Task Case_06_a_workspace_that_joins_through_a_referral_link_starts_with_its_bonus()
    {
        var (referrer, referred) = await ReferredAsync();
        var books = await app.BooksAsync(referred.TenantId);
        var welcome = Assert.Single(books.Bonuses);
        Assert.Equal((BonusReason.ReferralJoined, 100, referrer.TenantId), (welcome.Reason, welcome.Messages, welcome.ReferralTenantId));
        Assert.Equal(100 + 100, books.Limits.MessagesPerMonth);
        Assert.Contains("Joined through a referral link", await (await referred.Tenant.GetAsync("/billing")).TextAsync());
        Assert.Empty((await app.BooksAsync(referrer.TenantId)).Bonuses); // nothing yet: the reward comes with the first payment
    }

    [Fact]
    public async Task Case_07_the_referrer_is_rewarded_once_when_the_referred_workspace_first_pays()
    {
        var (referrer, referred) = await ReferredAsync();
        await referred.CheckoutAsync(PlanCatalog.Silver);
        await referred.BillingPostAsync("AddOn", ("code", BillingCatalog.ExtraBot), ("quantity", "1")); // a second payment rewards nothing more
        var books = await app.BooksAsync(referrer.TenantId);
        var reward = Assert.Single(books.Bonuses);
        Assert.Equal((BonusReason.ReferralReward, 250, 100, referred.TenantId), (reward.Reason, reward.Messages, reward.Pages, reward.ReferralTenantId));
        Assert.Equal((100 + 250, 100 + 100), (books.Limits.MessagesPerMonth, books.Limits.Pages));
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
    public async Task Case_12_the_message_count_starts_again_each_month()
    {
        var (ws, bot) = await app.WorkspaceWithTrainedBotAsync("Kettle", "Warranty", "The kettle's warranty lasts two years.");
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.MessagesPerMonth, 2);
        // Last month used every message; this month starts again from nothing, in a row of its own.
        await app.InTenantAsync(ws.TenantId, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.UsagePeriods.Add(new Parley.Features.Chat.UsagePeriod { Period = Parley.Features.Chat.UsageMeter.Period(DateTimeOffset.UtcNow.AddMonths(-1)), Messages = 2, LimitNoticeSentAt = DateTimeOffset.UtcNow.AddMonths(-1) });
            return await db.SaveChangesAsync();
        });
        var visitor = new WidgetClient(app, bot);
        await visitor.StartAsync();
        Assert.Contains("two years", (await visitor.AskAsync("How long is the warranty?")).Answer.Done);
        var periods = await app.InTenantAsync(ws.TenantId, sp => sp.GetRequiredService<AppDbContext>().UsagePeriods.AsNoTracking().OrderBy(u => u.Period).ToListAsync());
        Assert.Equal([2, 1], periods.Select(u => u.Messages));
        Assert.Null(periods[1].LimitNoticeSentAt);
    }

    [Fact]
    public async Task Case_13_each_answer_counts_toward_the_month_and_its_model()
    {
        var (ws, bot) = await app.WorkspaceWithTrainedBotAsync("Kettle", "Warranty", "The kettle's warranty lasts two years.");
        var visitor = new WidgetClient(app, bot);
        await visitor.StartAsync();
        for (var i = 0; i < 3; i++) await visitor.AskAsync($"How long is the warranty? ({i})");
        var (period, model) = await app.InTenantAsync(ws.TenantId, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            return (await db.UsagePeriods.AsNoTracking().SingleAsync(), await db.ModelUsages.AsNoTracking().SingleAsync());
        });
        Assert.Equal(3, period.Messages);
        Assert.Equal((3, Parley.Features.Chat.UsageMeter.Period(DateTimeOffset.UtcNow)), (model.Messages, model.Period));
        Assert.True(model.TokensIn > 0 && model.TokensOut > 0);
        Assert.Contains("3 of 100 messages a month", await (await ws.Tenant.GetAsync("/billing")).TextAsync());
    }

    [Fact]
    public async Task Case_14_the_message_limit_warns_at_80_and_100_percent_once_and_an_add_on_lifts_it()
    {
        var (ws, bot) = await app.WorkspaceWithTrainedBotAsync("Kettle", "Warranty", "The kettle's warranty lasts two years.");
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.MessagesPerMonth, 5);
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
        await Task.Delay(300);
        Assert.Equal(1, await app.Mail.CountAsync(ws.Email, "80%"));
        Assert.Equal(1, await app.Mail.CountAsync(ws.Email, "has used this month's 5"));

        // Extra messages lift the limit at once (on a paid plan, bought on Billing).
        await app.InTenantAsync(ws.TenantId, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var silver = await db.Plans.SingleAsync(p => p.Code == PlanCatalog.Silver);
            await db.Subscriptions.ExecuteUpdateAsync(u => u.SetProperty(s => s.PlanId, silver.Id).SetProperty(s => s.Paid, true));
            await db.TouchTenantAsync(ws.TenantId);
            return 0;
        });
        (await ws.BillingPostAsync("AddOn", ("code", BillingCatalog.ExtraMessages), ("quantity", "1"))).AssertStatus(HttpStatusCode.OK);
        Assert.Contains("two years", (await visitor.AskAsync("Warranty, please?")).Answer.Done);
    }

    [Fact]
    public async Task Case_14_seat_bot_and_source_limits_show_an_upgrade_prompt_where_they_are_reached()
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
}

public sealed class BillingTests_Sqlite(SqliteApp app) : BillingTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class BillingTests_Postgres(PostgresApp app) : BillingTests<PostgresApp>(app);
