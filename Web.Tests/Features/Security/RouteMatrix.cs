namespace Parley.Tests.Features.Security;

/// <summary>Who may use a route. Dashboard rows are ordered by rank: an Agent is below a Manager, below an Admin, below the Owner.</summary>
public enum Who { Anyone, Visitor, SignedIn, Agent, Manager, Admin, Owner }

/// <summary>
/// One row of the isolation and role matrix: the route (as the app names it), who may use it, and a sample request.
/// Samples use tokens the matrix fills with this workspace's ids, or another workspace's for the cross-tenant probe:
/// {bot} {source} {source2} {conversation} {question} {answer} {domain} {domain2} {persona} {persona2} {starter} {starter2}
/// {invitation} {member} {extra} {agentUser} {slug}.
/// </summary>
public sealed record MatrixRow(string Key, Who Who, string Sample, (string Name, string Value)[]? Form = null)
{
    /// <summary>The route is about one bot: Managers and Agents reach it only for a bot they are assigned to.</summary>
    public bool Bot { get; init; }
    /// <summary>The sample removes what it names: after the first allowed role used it, the next may find it gone (404).</summary>
    public bool Destroys { get; init; }
    /// <summary>The sample ends the caller's own session or membership: probed last, on sessions of its own.</summary>
    public bool EndsSession { get; init; }
    /// <summary>Allowed callers may still get 404 for the sample (a one-time stream ticket that is not there, a feature switched off).</summary>
    public bool NotFoundIsAnswer { get; init; }
    /// <summary>The handler itself turns away a role it does not serve, with a 422 and a sentence saying why.</summary>
    public bool RefusesInItsAnswer { get; init; }
}

/// <summary>The expected outcomes, one row per route the app serves; a route without a row fails the matrix.</summary>
public static class RouteMatrix
{
    private static MatrixRow R(string key, Who who, string sample, params (string, string)[] form) => new(key, who, sample, form.Length == 0 ? null : form);
    private static MatrixRow B(string key, Who who, string sample, params (string, string)[] form) => R(key, who, sample, form) with { Bot = true };

    public static readonly MatrixRow[] Rows =
    [
        // Root host and pages anyone may open.
        R("GET /", Who.Anyone, "/"),
        R("GET //workspace-not-found", Who.Anyone, "/workspace-not-found"),
        R("POST //workspace-not-found", Who.Anyone, "/workspace-not-found"),
        R("GET /not-found", Who.Anyone, "/not-found"),
        R("POST /not-found", Who.Anyone, "/not-found"),
        R("GET /error", Who.Anyone, "/error"),
        R("POST /error", Who.Anyone, "/error"),
        R("GET /account/access-denied", Who.Anyone, "/account/access-denied"),
        R("GET /account/confirm-email/{handler?}", Who.Anyone, "/account/confirm-email?userId={agentUser}&code=bad"),
        R("GET /account/confirm-email/{handler?}?handler=Change", Who.Anyone, "/account/confirm-email/change?userId={agentUser}&email=x%40example.test&code=bad"),
        R("GET /account/forgot-password", Who.Anyone, "/account/forgot-password"),
        R("POST /account/forgot-password", Who.Anyone, "/account/forgot-password", ("Input.Email", "nobody-{slug}@example.test")),
        R("GET /account/handover", Who.Anyone, "/account/handover?ticket=forged"),
        R("GET /account/login", Who.Anyone, "/account/login"),
        R("POST /account/login", Who.Anyone, "/account/login", ("Input.Email", "nobody-{slug}@example.test"), ("Input.Password", "wrong password")),
        R("GET /account/login-2fa", Who.Anyone, "/account/login-2fa"),
        R("POST /account/login-2fa", Who.Anyone, "/account/login-2fa", ("Input.Code", "123456")),
        R("GET /account/logout", Who.Anyone, "/account/logout"),
        R("POST /account/logout", Who.Anyone, "/account/logout"),
        R("GET /account/reset-password", Who.Anyone, "/account/reset-password?email=x%40example.test&code=bad"),
        R("POST /account/reset-password", Who.Anyone, "/account/reset-password", ("Input.Email", "nobody-{slug}@example.test"), ("Input.Code", "bad"), ("Input.Password", "a long new password")),
        R("GET /dev/mail", Who.Anyone, "/dev/mail"),
        R("GET /find-workspace", Who.Anyone, "/find-workspace"),
        R("POST /find-workspace", Who.Anyone, "/find-workspace", ("Input.Email", "nobody-{slug}@example.test")),
        R("GET /invitations/accept", Who.Anyone, "/invitations/accept?token=forged"),
        R("POST /invitations/accept", Who.Anyone, "/invitations/accept", ("Input.Token", "forged")),
        R("GET /signup", Who.Anyone, "/signup"),
        R("GET /terms", Who.Anyone, "/terms"),
        R("GET /signup?handler=CheckSlug", Who.Anyone, "/signup?handler=CheckSlug&slug=free-slug"),
        R("POST /signup", Who.Anyone, "/signup", ("Input.Email", "not an email")),
        R("GET /account/workspaces/{handler?}/{slug?}", Who.SignedIn, "/account/workspaces"),
        R("GET /account/workspaces/{handler?}/{slug?}?handler=Open", Who.SignedIn, "/account/workspaces/open/{slug}"),

        // The widget: anyone who has the bot's id, as a visitor of that bot.
        R("GET /widget/{botId}", Who.Visitor, "/widget/{bot}"),
        R("GET /widget/{botId}?handler=Config", Who.Visitor, "/widget/{bot}?handler=Config"),
        R("GET /widget/{botId}?handler=Conversation", Who.Visitor, "/widget/{bot}?handler=Conversation&id={conversation}"),
        R("GET /widget/{botId}?handler=Home", Who.Visitor, "/widget/{bot}?handler=Home"),
        R("GET /widget/{botId}?handler=Icon", Who.Visitor, "/widget/{bot}?handler=Icon&kind=Bot") with { NotFoundIsAnswer = true },
        R("GET /widget/{botId}/live", Who.Visitor, "/widget/{bot}/live?tab=matrix"),
        R("GET /widget/{botId}?handler=After", Who.Visitor, "/widget/{bot}?handler=After&id={conversation}&after={question}"),
        R("GET /widget/{botId}?handler=State", Who.Visitor, "/widget/{bot}?handler=State&id={conversation}"),
        R("POST /widget/{botId}?handler=Typing", Who.Visitor, "/widget/{bot}?handler=Typing&conversationId={conversation}"),
        R("POST /widget/{botId}?handler=Rate", Who.Visitor, "/widget/{bot}?handler=Rate&conversationId={conversation}", ("rating", "5")),
        R("GET /widget/{botId}?handler=Messages", Who.Visitor, "/widget/{bot}?handler=Messages"),
        R("GET /widget/{botId}?handler=Start", Who.Visitor, "/widget/{bot}?handler=Start"),
        R("GET /widget/{botId}?handler=Stream", Who.Visitor, "/widget/{bot}?handler=Stream&ticket=forged") with { NotFoundIsAnswer = true },
        R("POST /widget/{botId}?handler=Escalate", Who.Visitor, "/widget/{bot}?handler=Escalate&conversationId={conversation}") with { NotFoundIsAnswer = true },
        R("POST /widget/{botId}?handler=Feedback", Who.Visitor, "/widget/{bot}?handler=Feedback&messageId={answer}&value=up"),
        R("POST /widget/{botId}?handler=Helpful", Who.Visitor, "/widget/{bot}?handler=Helpful&messageId={answer}"),
        R("POST /widget/{botId}?handler=Lead", Who.Visitor, "/widget/{bot}?handler=Lead&conversationId={conversation}", ("email", "lead@example.test")) with { NotFoundIsAnswer = true },
        R("POST /widget/{botId}?handler=Retry", Who.Visitor, "/widget/{bot}?handler=Retry&questionId={question}"),
        R("POST /widget/{botId}?handler=Send", Who.Visitor, "/widget/{bot}?handler=Send&conversationId={conversation}", ("text", "And on Sundays?")),
        R("POST /widget/{botId}?handler=Session", Who.Visitor, "/widget/{bot}?handler=Session"),
        // Stripe's events: anyone may post, only a body signed with the endpoint's secret is taken (404 without Stripe configured).
        R("POST /stripe/webhook", Who.Anyone, "/stripe/webhook"),

        // The dashboard, on the workspace's own host.
        R("GET /dashboard", Who.Agent, "/dashboard"),
        R("POST /dashboard?handler=ResendConfirmation", Who.Agent, "/dashboard?handler=ResendConfirmation"),
        R("GET /account/profile", Who.Agent, "/account/profile"),
        R("POST /account/profile", Who.Agent, "/account/profile", ("Input.FullName", "Same Name")),
        R("GET /account/security", Who.Agent, "/account/security"),
        R("POST /account/security?handler=DisableTwoFactor", Who.Agent, "/account/security?handler=DisableTwoFactor", ("password", "wrong")),
        R("POST /account/security?handler=Email", Who.Agent, "/account/security?handler=Email", ("Email.NewEmail", "new@example.test"), ("Email.Password", "wrong")),
        R("POST /account/security?handler=Password", Who.Agent, "/account/security?handler=Password", ("Password.Current", "wrong"), ("Password.New", "another long one")),
        R("POST /account/security?handler=SignOutEverywhere", Who.Agent, "/account/security?handler=SignOutEverywhere") with { EndsSession = true },
        R("GET /account/two-factor", Who.Agent, "/account/two-factor"),
        R("POST /account/two-factor", Who.Agent, "/account/two-factor", ("Input.Code", "000000")),
        R("POST /account/two-factor?handler=RecoveryCodes", Who.Agent, "/account/two-factor?handler=RecoveryCodes"),
        R("GET /audit", Who.Admin, "/audit"),
        R("GET /billing", Who.Owner, "/billing"),
        R("POST /billing?handler=AddOn", Who.Owner, "/billing?handler=AddOn", ("code", "not-an-addon"), ("quantity", "1"), ("op", "matrix")),
        R("POST /billing?handler=Cancel", Who.Owner, "/billing?handler=Cancel", ("reason", ""), ("op", "matrix")),
        R("POST /billing?handler=Change", Who.Owner, "/billing?handler=Change", ("plan", "not-a-plan"), ("op", "matrix")),
        R("POST /billing?handler=Checkout", Who.Owner, "/billing?handler=Checkout", ("plan", "free"), ("op", "matrix")),
        R("POST /billing?handler=Portal", Who.Owner, "/billing?handler=Portal"),
        R("POST /billing?handler=Preview", Who.Owner, "/billing?handler=Preview", ("plan", "not-a-plan")),
        R("POST /billing?handler=Redeem", Who.Owner, "/billing?handler=Redeem", ("code", "NOT-A-CODE")),
        R("POST /billing?handler=RemoveAddOn", Who.Owner, "/billing?handler=RemoveAddOn", ("code", "not-an-addon"), ("op", "matrix")),
        R("POST /billing?handler=Resume", Who.Owner, "/billing?handler=Resume", ("op", "matrix")),
        R("GET /billing/checkout", Who.Owner, "/billing/checkout?plan=gold&op=matrix"),
        R("POST /billing/checkout", Who.Owner, "/billing/checkout", ("plan", "not-a-plan"), ("op", "matrix")),
        R("GET /billing/invoice/{id}", Who.Owner, "/billing/invoice/test_in_none") with { NotFoundIsAnswer = true },
        R("GET /bots", Who.Agent, "/bots"),
        R("POST /bots", Who.Admin, "/bots", ("Input.Name", "")),
        R("GET /domains", Who.Admin, "/domains"),
        R("POST /domains?handler=Add", Who.Admin, "/domains?handler=Add", ("host", "not a domain")),
        R("POST /domains?handler=Remove", Who.Admin, "/domains?handler=Remove&id={domain2}") with { Destroys = true },
        R("POST /domains?handler=UseEverywhere", Who.Admin, "/domains?handler=UseEverywhere&id={domain}"),
        R("POST /domains?handler=Verify", Who.Admin, "/domains?handler=Verify&id={domain}"),
        B("GET /domains/{domainId:guid}/bots/{botId}/conversations", Who.Agent, "/domains/{domain}/bots/{bot}/conversations"),
        R("GET /leads", Who.Agent, "/leads"),
        // The live inbox: every member, only for the bots they may see (the Manager is not assigned to the sample's bot).
        B("GET /inbox", Who.Agent, "/inbox?c={conversation}"),
        R("GET /inbox?handler=List", Who.Agent, "/inbox?handler=List&view=Open"),
        R("GET /inbox/live", Who.Agent, "/inbox/live"),
        B("GET /inbox?handler=Conversation", Who.Agent, "/inbox?handler=Conversation&id={conversation}"),
        B("GET /inbox?handler=Messages", Who.Agent, "/inbox?handler=Messages&id={conversation}"),
        B("GET /inbox?handler=Header", Who.Agent, "/inbox?handler=Header&id={conversation}"),
        B("POST /inbox?handler=Send", Who.Agent, "/inbox?handler=Send&id={conversation}", ("text", "Checking this for you."), ("kind", "note")),
        B("POST /inbox?handler=TakeOver", Who.Agent, "/inbox?handler=TakeOver&id={conversation}"),
        B("POST /inbox?handler=HandBack", Who.Agent, "/inbox?handler=HandBack&id={conversation}"),
        B("POST /inbox?handler=Assign", Who.Agent, "/inbox?handler=Assign&id={conversation}"),
        B("POST /inbox?handler=Snooze", Who.Agent, "/inbox?handler=Snooze&id={conversation}&until=1h"),
        B("POST /inbox?handler=Resolve", Who.Agent, "/inbox?handler=Resolve&id={conversation}"),
        B("POST /inbox?handler=Reopen", Who.Agent, "/inbox?handler=Reopen&id={conversation}"),
        B("POST /inbox?handler=Important", Who.Agent, "/inbox?handler=Important&id={conversation}&on=true"),
        B("POST /inbox?handler=Tags", Who.Agent, "/inbox?handler=Tags&id={conversation}", ("tags", "billing")),
        B("POST /inbox?handler=Typing", Who.Agent, "/inbox?handler=Typing&id={conversation}"),
        R("GET /inbox/replies", Who.Agent, "/inbox/replies"),
        R("POST /inbox/replies", Who.Manager, "/inbox/replies", ("Shortcut", "hours-{slug}"), ("Content", "We are open 9 to 5.")),
        R("POST /inbox/replies?handler=Update", Who.Manager, "/inbox/replies?handler=Update&id={extra}", ("Shortcut", "x"), ("Content", "y")) with { NotFoundIsAnswer = true },
        R("POST /inbox/replies?handler=Delete", Who.Manager, "/inbox/replies?handler=Delete&id={extra}") with { NotFoundIsAnswer = true },
        R("GET /leads?handler=Csv", Who.Agent, "/leads?handler=Csv"),
        R("GET /analytics", Who.Manager, "/analytics?days=7"),
        R("GET /analytics?handler=Csv", Who.Manager, "/analytics?handler=Csv&from=2026-01-01&to=2026-01-31"),
        R("GET /settings/workspace", Who.Admin, "/settings/workspace"),
        R("POST /settings/workspace", Who.Admin, "/settings/workspace", ("Input.Name", "Kept"), ("Input.Slug", "{slug}")),
        R("POST /settings/workspace?handler=Delete", Who.Owner, "/settings/workspace?handler=Delete", ("Delete.Confirmation", "not-the-slug")),
        R("GET /team", Who.Manager, "/team"),
        R("POST /team?handler=Invite", Who.Manager, "/team?handler=Invite", ("email", "not-an-email"), ("role", "Agent")),
        R("POST /team?handler=Remove", Who.Admin, "/team?handler=Remove&id={extra}") with { Destroys = true, RefusesInItsAnswer = true },
        B("POST /team?handler=Resend", Who.Manager, "/team?handler=Resend&id={invitation}"),
        B("POST /team?handler=Revoke", Who.Manager, "/team?handler=Revoke&id={invitation}") with { Destroys = true },
        R("POST /team?handler=Role", Who.Admin, "/team?handler=Role&id={member}&role=Agent") with { RefusesInItsAnswer = true },
        R("POST /team?handler=Transfer", Who.Owner, "/team?handler=Transfer&id={member}&confirmation=wrong") with { RefusesInItsAnswer = true },
        R("GET /team/leave", Who.Agent, "/team/leave"),
        R("POST /team/leave", Who.Agent, "/team/leave") with { EndsSession = true },

        // One bot's pages.
        B("GET /bots/{publicId}", Who.Agent, "/bots/{bot}"),
        B("POST /bots/{publicId}?handler=Assign", Who.Admin, "/bots/{bot}?handler=Assign", ("users", "{agentUser}")),
        B("POST /bots/{publicId}?handler=Delete", Who.Admin, "/bots/{bot}?handler=Delete", ("confirmation", "wrong")),
        B("POST /bots/{publicId}?handler=Edit", Who.Manager, "/bots/{bot}?handler=Edit", ("Input.Name", "")),
        B("POST /bots/{publicId}?handler=Status", Who.Manager, "/bots/{bot}?handler=Status&status=Enabled"),
        B("GET /bots/{publicId}/conversations", Who.Agent, "/bots/{bot}/conversations"),
        B("GET /bots/{publicId}/conversations/{id:guid}", Who.Agent, "/bots/{bot}/conversations/{conversation}"),
        B("GET /bots/{publicId}/embed", Who.Agent, "/bots/{bot}/embed"),
        B("POST /bots/{publicId}/embed?handler=Domains", Who.Manager, "/bots/{bot}/embed?handler=Domains", ("domains", "{domain}")),
        B("GET /bots/{publicId}/knowledge", Who.Agent, "/bots/{bot}/knowledge"),
        B("GET /bots/{publicId}/knowledge?handler=Detail", Who.Agent, "/bots/{bot}/knowledge?handler=Detail&sourceId={source}"),
        B("GET /bots/{publicId}/knowledge?handler=Search", Who.Agent, "/bots/{bot}/knowledge?handler=Search&q=hours"),
        B("GET /bots/{publicId}/knowledge?handler=Sources", Who.Agent, "/bots/{bot}/knowledge?handler=Sources"),
        B("POST /bots/{publicId}/knowledge?handler=Delete", Who.Manager, "/bots/{bot}/knowledge?handler=Delete&sourceId={source2}") with { Destroys = true },
        B("POST /bots/{publicId}/knowledge?handler=Exclude", Who.Manager, "/bots/{bot}/knowledge?handler=Exclude&sourceId={source}&excluded=false"),
        B("POST /bots/{publicId}/knowledge?handler=Qa", Who.Manager, "/bots/{bot}/knowledge?handler=Qa", ("question", ""), ("answer", "")),
        B("POST /bots/{publicId}/knowledge?handler=Retry", Who.Manager, "/bots/{bot}/knowledge?handler=Retry&sourceId={source}"),
        B("POST /bots/{publicId}/knowledge?handler=Text", Who.Manager, "/bots/{bot}/knowledge?handler=Text", ("title", ""), ("content", "")),
        B("POST /bots/{publicId}/knowledge?handler=Upload", Who.Manager, "/bots/{bot}/knowledge?handler=Upload"),
        B("POST /bots/{publicId}/knowledge?handler=Website", Who.Manager, "/bots/{bot}/knowledge?handler=Website", ("url", "not a url")),
        B("GET /bots/{publicId}/playground", Who.Agent, "/bots/{bot}/playground"),
        B("GET /bots/{publicId}/playground?handler=Home", Who.Agent, "/bots/{bot}/playground?handler=Home"),
        B("GET /bots/{publicId}/playground?handler=Stream", Who.Agent, "/bots/{bot}/playground?handler=Stream&ticket=forged") with { NotFoundIsAnswer = true },
        B("POST /bots/{publicId}/playground?handler=Feedback", Who.Agent, "/bots/{bot}/playground?handler=Feedback&messageId={answer}&value=up") with { NotFoundIsAnswer = true },
        B("POST /bots/{publicId}/playground?handler=Retry", Who.Agent, "/bots/{bot}/playground?handler=Retry&questionId={question}") with { NotFoundIsAnswer = true },
        B("POST /bots/{publicId}/playground?handler=Send", Who.Agent, "/bots/{bot}/playground?handler=Send", ("text", "")),
        B("GET /bots/{publicId}/unanswered", Who.Agent, "/bots/{bot}/unanswered"),
        B("POST /bots/{publicId}/unanswered?handler=Answer", Who.Manager, "/bots/{bot}/unanswered?handler=Answer", ("ids", ""), ("question", ""), ("answer", "")),
        B("GET /bots/{publicId}/settings/appearance", Who.Manager, "/bots/{bot}/settings/appearance"),
        B("POST /bots/{publicId}/settings/appearance", Who.Manager, "/bots/{bot}/settings/appearance", ("Input.BrandColor", "not a colour")),
        B("POST /bots/{publicId}/settings/appearance?handler=Icon", Who.Manager, "/bots/{bot}/settings/appearance?handler=Icon&kind=Bot"),
        B("POST /bots/{publicId}/settings/appearance?handler=RemoveIcon", Who.Manager, "/bots/{bot}/settings/appearance?handler=RemoveIcon&kind=Bot"),
        B("GET /bots/{publicId}/settings/behavior", Who.Manager, "/bots/{bot}/settings/behavior"),
        B("POST /bots/{publicId}/settings/behavior", Who.Manager, "/bots/{bot}/settings/behavior", ("Input.FollowUpCount", "-1")),
        B("GET /bots/{publicId}/settings/general", Who.Manager, "/bots/{bot}/settings/general"),
        B("POST /bots/{publicId}/settings/general", Who.Manager, "/bots/{bot}/settings/general", ("Input.HistoryMessages", "-1")),
        B("GET /bots/{publicId}/settings/human-support", Who.Manager, "/bots/{bot}/settings/human-support"),
        B("POST /bots/{publicId}/settings/human-support", Who.Manager, "/bots/{bot}/settings/human-support", ("Input.NotifyEmails", "not an email")),
        B("GET /bots/{publicId}/settings/leads", Who.Manager, "/bots/{bot}/settings/leads"),
        B("POST /bots/{publicId}/settings/leads", Who.Manager, "/bots/{bot}/settings/leads", ("Input.NotifyEmails", "not an email")),
        B("POST /bots/{publicId}/settings/leads?handler=Template", Who.Manager, "/bots/{bot}/settings/leads?handler=Template", ("Input.Industry", "realestate")),
        B("GET /bots/{publicId}/settings/localization/{locale?}", Who.Manager, "/bots/{bot}/settings/localization/en"),
        B("POST /bots/{publicId}/settings/localization/{locale?}", Who.Manager, "/bots/{bot}/settings/localization/en"),
        B("POST /bots/{publicId}/settings/localization/{locale?}?handler=Add", Who.Manager, "/bots/{bot}/settings/localization?handler=Add&code=zz-not-a-language"),
        B("POST /bots/{publicId}/settings/localization/{locale?}?handler=Options", Who.Manager, "/bots/{bot}/settings/localization/en?handler=Options&defaultLocale=en"),
        B("POST /bots/{publicId}/settings/localization/{locale?}?handler=Remove", Who.Manager, "/bots/{bot}/settings/localization/es?handler=Remove") with { Destroys = true },
        B("GET /bots/{publicId}/settings/personas", Who.Manager, "/bots/{bot}/settings/personas"),
        B("POST /bots/{publicId}/settings/personas?handler=Activate", Who.Manager, "/bots/{bot}/settings/personas?handler=Activate&id={persona}"),
        B("POST /bots/{publicId}/settings/personas?handler=Delete", Who.Manager, "/bots/{bot}/settings/personas?handler=Delete&id={persona2}") with { Destroys = true },
        B("POST /bots/{publicId}/settings/personas?handler=Save", Who.Manager, "/bots/{bot}/settings/personas?handler=Save", ("title", ""), ("creativity", "NaN")),
        B("GET /bots/{publicId}/settings/starters/{list?}", Who.Manager, "/bots/{bot}/settings/starters"),
        B("POST /bots/{publicId}/settings/starters/{list?}?handler=Add", Who.Manager, "/bots/{bot}/settings/starters?handler=Add", ("kind", "Button"), ("title", "")),
        B("POST /bots/{publicId}/settings/starters/{list?}?handler=Delete", Who.Manager, "/bots/{bot}/settings/starters?handler=Delete&id={starter2}") with { Destroys = true },
        B("POST /bots/{publicId}/settings/starters/{list?}?handler=Move", Who.Manager, "/bots/{bot}/settings/starters?handler=Move&id={starter}&by=0"),
    ];
}
