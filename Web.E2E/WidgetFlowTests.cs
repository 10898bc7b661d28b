using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.E2E.Infrastructure;
using Parley.Tests.Infrastructure;

namespace Parley.E2E;

/// <summary>The widget on a customer's page on another origin: open, ask, watch the answer stream, see the source, reload, come back.</summary>
public class WidgetFlowTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Appearance_changes_show_in_the_preview_while_typing_and_on_the_customer_site_once_saved()
    {
        var (page, slug, bot) = await app.WorkspaceWithBotAsync("look");
        var scriptTag = await app.EmbedOnAsync(page, slug, bot, "look.localhost");

        await page.GotoAsync($"{app.TenantUrl(slug)}/bots/{bot}/settings/appearance");
        await page.Locator("#a-BrandColor").FillAsync("#b91c1c");
        await page.GetByLabel("Name shown in the chat").FillAsync("Kettle Kate");
        await page.GetByLabel("Position").SelectOptionAsync("Left");
        // The preview follows before anything is saved.
        await Assertions.Expect(page.GetByTestId("preview").Locator("[data-p=name]")).ToHaveTextAsync("Kettle Kate");
        Assert.Equal("#b91c1c", await page.GetByTestId("preview").EvaluateAsync<string>("e => e.style.getPropertyValue('--p-brand')"));
        Assert.NotEqual("", await page.GetByTestId("preview").Locator("[data-p=launcher]").EvaluateAsync<string>("e => e.style.left"));
        Assert.NotEqual("", await page.GetByTestId("preview").Locator("[data-p=window]").EvaluateAsync<string>("e => e.style.left"));
        await app.ScreenshotAsync(page, "settings-appearance");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save appearance" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("appearance")).ToContainTextAsync("Saved.");

        await page.GetByRole(AriaRole.Link, new() { Name = "Starters" }).ClickAsync();
        await page.GetByLabel("Title").FillAsync("Opening hours");
        await page.GetByLabel("Message it sends (buttons)").FillAsync("When are you open?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add starter" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("starters")).ToContainTextAsync("Added \"Opening hours\"");
        await app.ScreenshotAsync(page, "settings-starters");
        await page.GetByRole(AriaRole.Link, new() { Name = "Personas" }).ClickAsync();
        await page.GetByLabel("Title").FillAsync("Support specialist");
        await page.GetByLabel("Instructions").FillAsync("Calm and precise; offer to open a ticket when unsure.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save persona" }).ClickAsync();
        await page.Locator("[data-persona='Support specialist']").GetByRole(AriaRole.Button, new() { Name = "Use this" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("personas")).ToContainTextAsync("now answers as \"Support specialist\"");
        await app.ScreenshotAsync(page, "settings-personas");
        await page.GetByRole(AriaRole.Link, new() { Name = "Behavior" }).ClickAsync();
        await page.GetByLabel("Visitors must accept the terms before their first message").CheckAsync();
        await page.GetByLabel("Disclaimer under the message box").FillAsync("Answers may be wrong; check your manual.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save behavior" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("behavior")).ToContainTextAsync("Saved.");
        await app.ScreenshotAsync(page, "settings-behavior");

        app.Site.Pages["/"] = new($"<!doctype html><html><head><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Shop</title></head><body><h1>Shop</h1>{scriptTag}</body></html>");
        var shop = await app.NewPageAsync(await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } }));
        await shop.GotoAsync($"http://look.localhost:{app.Site.Port}/");
        var launcher = shop.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle Kate" });
        await Assertions.Expect(launcher).ToBeVisibleAsync();
        Assert.Equal("rgb(185, 28, 28)", await launcher.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        Assert.True((await launcher.BoundingBoxAsync())!.X < 200, "The launcher should sit on the left.");
        await launcher.ClickAsync();
        var header = shop.FrameLocator("iframe[title=Chat]").Locator("header");
        await Assertions.Expect(header).ToContainTextAsync("Kettle Kate");
        Assert.Equal("rgb(185, 28, 28)", await header.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        var frame = shop.FrameLocator("iframe[title=Chat]");
        await Assertions.Expect(frame.GetByTestId("terms")).ToContainTextAsync("I agree to the terms");
        await Assertions.Expect(frame.GetByTestId("disclaimer")).ToHaveTextAsync("Answers may be wrong; check your manual.");
        await frame.GetByLabel("Your message").FillAsync("Hello?");
        await frame.GetByLabel("Your message").PressAsync("Enter");
        await shop.WaitForTimeoutAsync(500);
        Assert.Equal(0, await frame.Locator("[data-role=user]").CountAsync()); // the browser holds the form until the box is ticked
        await Assertions.Expect(frame.GetByTestId("starters")).ToContainTextAsync("Opening hours");
        await frame.GetByTestId("terms").Locator("input").CheckAsync();
        await frame.GetByLabel("Your message").PressAsync("Enter");
        await Assertions.Expect(frame.Locator("[data-role=user]")).ToContainTextAsync("Hello?");
        await app.ScreenshotAsync(shop, "widget-custom-look");
    }

    [Fact]
    public async Task Visitor_on_a_verified_site_chats_with_a_streamed_answer_and_finds_it_after_a_reload()
    {
        var (page, slug, bot) = await app.WorkspaceWithBotAsync("widget");
        await page.GetByRole(AriaRole.Link, new() { Name = "Open knowledge" }).ClickAsync();
        await page.SetInputFilesAsync("#upload-input", new FilePayload
        {
            Name = "care-guide.pdf", MimeType = "application/pdf",
            Buffer = TestFiles.Pdf("Kettle care guide. Read before first use.",
                "Descaling: descale the kettle every month with citric acid.\nFill it halfway, boil, leave it for an hour,\nthen rinse twice with clean water.\nNever use vinegar on the steel models."),
        });
        await Assertions.Expect(page.Locator("[data-testid=sources] [data-status=Ready]")).ToHaveCountAsync(1, new() { Timeout = 30_000 });

        // Pick the verified domain the widget may run on, and copy the script tag.
        var scriptTag = await app.EmbedOnAsync(page, slug, bot, "shop.localhost");
        Assert.Contains($"data-bot=\"{bot}\"", scriptTag);
        await app.ScreenshotAsync(page, "embed");

        app.Site.Pages["/"] = new($"<!doctype html><html><head><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Kettle Co shop</title></head><body><h1>Kettle Co</h1><p>Our kettles.</p>{scriptTag}</body></html>");
        var shop = await app.NewPageAsync(await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } }));
        await shop.GotoAsync($"http://shop.localhost:{app.Site.Port}/");
        await shop.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle helper" }).ClickAsync();
        var widget = shop.FrameLocator("iframe[title=Chat]");
        await Assertions.Expect(widget.GetByTestId("widget-home")).ToBeVisibleAsync();
        await app.ScreenshotAsync(shop, "widget-home");

        await widget.GetByLabel("Your message").FillAsync("How do I descale my kettle?");
        await widget.GetByLabel("Your message").PressAsync("Enter");
        // The answer grows while it streams: part of it is on screen before the finished message replaces it.
        var streaming = widget.Locator("[data-state=streaming] [data-testid=streaming]");
        await Assertions.Expect(streaming).Not.ToBeEmptyAsync(new() { Timeout = 10_000 });
        var partial = await streaming.InnerTextAsync();
        await app.ScreenshotAsync(shop, "widget-streaming");
        var final = widget.Locator("[data-role=assistant][data-message]").Last;
        await Assertions.Expect(final).ToContainTextAsync("citric acid", new() { Timeout = 15_000 });
        await Assertions.Expect(final).ToContainTextAsync("rinse twice"); // the steps that follow the matching sentence
        var finished = await final.Locator(".answer").InnerTextAsync();
        Assert.True(partial.Trim().Length > 0 && partial.Trim().Length < finished.Trim().Length, $"Partial '{partial}' should be shorter than '{finished}'.");
        await Assertions.Expect(final.GetByTestId("sources")).ToContainTextAsync("care-guide, page 2");
        await app.ScreenshotAsync(shop, "widget-answer");

        // A second tab of the same visitor follows the conversation live; with its chat closed, the launcher shows a badge.
        var secondTab = await app.NewPageAsync(shop.Context);
        await secondTab.GotoAsync($"http://shop.localhost:{app.Site.Port}/");
        await secondTab.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle helper" }).ClickAsync();
        var widget2 = secondTab.FrameLocator("iframe[title=Chat]");
        await widget2.GetByTestId("recent-conversations").GetByRole(AriaRole.Button).First.ClickAsync();
        await Assertions.Expect(widget2.GetByTestId("messages")).ToContainTextAsync("citric acid");
        await widget.GetByLabel("Your message").FillAsync("Can I use vinegar?");
        await widget.GetByLabel("Your message").PressAsync("Enter");
        await Assertions.Expect(widget2.GetByTestId("messages")).ToContainTextAsync("Can I use vinegar?", new() { Timeout = 10_000 });
        await Assertions.Expect(widget2.GetByTestId("messages")).ToContainTextAsync("Never use vinegar", new() { Timeout = 15_000 });
        await secondTab.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle helper" }).ClickAsync(); // closes it
        await widget.GetByLabel("Your message").FillAsync("What about the warranty?");
        await widget.GetByLabel("Your message").PressAsync("Enter");
        await Assertions.Expect(secondTab.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle helper" })).ToContainTextAsync(new Regex("[1-9]"), new() { Timeout = 15_000 });
        await app.ScreenshotAsync(secondTab, "widget-badge");
        await secondTab.CloseAsync();

        // After a reload the conversation is still there.
        await shop.ReloadAsync();
        await shop.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle helper" }).ClickAsync();
        await Assertions.Expect(widget.GetByTestId("recent-conversations")).ToContainTextAsync("How do I descale my kettle?");
        await widget.GetByTestId("recent-conversations").GetByRole(AriaRole.Button).First.ClickAsync();
        await Assertions.Expect(widget.GetByTestId("messages")).ToContainTextAsync("citric acid");

        // The conversation reached the dashboard's history with its page.
        await page.GotoAsync($"{app.TenantUrl(slug)}/bots/{bot}/conversations");
        await Assertions.Expect(page.GetByTestId("history")).ToContainTextAsync("How do I descale my kettle?");
        await Assertions.Expect(page.GetByTestId("history")).ToContainTextAsync("shop.localhost");
        await app.ScreenshotAsync(page, "conversations");

        // The playground: the same pipeline inside the dashboard, with what each answer was made from.
        await page.GotoAsync($"{app.TenantUrl(slug)}/bots/{bot}/playground");
        await page.GetByLabel("Your message").FillAsync("What should I never use on steel kettles?");
        await page.GetByLabel("Your message").PressAsync("Enter");
        var debug = page.GetByTestId("debug").Last;
        await Assertions.Expect(debug).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await debug.Locator("summary").ClickAsync();
        await Assertions.Expect(debug).ToContainTextAsync("care-guide, page 2");
        await app.ScreenshotAsync(page, "playground");

        // On a phone the chat takes the whole screen and the conversation is there too.
        var phone = await app.NewPageAsync(await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true }));
        await phone.GotoAsync($"http://shop.localhost:{app.Site.Port}/");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle helper" }).ClickAsync();
        var phoneWidget = phone.FrameLocator("iframe[title=Chat]");
        await phoneWidget.GetByLabel("Your message").FillAsync("How do I descale it?");
        await phoneWidget.GetByLabel("Your message").PressAsync("Enter");
        await Assertions.Expect(phoneWidget.Locator("[data-role=assistant][data-message]").Last).ToContainTextAsync("citric acid", new() { Timeout = 15_000 });
        var box = await phone.Locator("iframe[title=Chat]").BoundingBoxAsync();
        Assert.Equal((390f, 844f), (box!.Width, box.Height));
        await app.ScreenshotAsync(phone, "widget-phone");

        // The same snippet on a site that is not verified for the bot: no launcher at all (no broken frame), and the
        // Embed page tells the owner which page tried and how to allow it.
        var other = await app.NewPageAsync(await app.Browser.NewContextAsync());
        var config = other.WaitForResponseAsync(r => r.Url.Contains("handler=Config"));
        await other.GotoAsync($"http://other.localhost:{app.Site.Port}/");
        await config;
        await other.WaitForTimeoutAsync(500);
        Assert.Equal(0, await other.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle helper" }).CountAsync());
        Assert.Equal(0, await other.Locator("iframe[title=Chat]").CountAsync());
        await page.GotoAsync($"{app.TenantUrl(slug)}/bots/{bot}/embed");
        await Assertions.Expect(page.GetByTestId("refused-origin")).ToContainTextAsync($"http://other.localhost:{app.Site.Port} tried to show Kettle helper");
        await app.ScreenshotAsync(page, "embed-refused-origin");
    }

    [Fact]
    public async Task Lead_form_after_two_messages_escalation_to_a_person_and_the_widget_in_spanish_and_arabic()
    {
        var (page, slug, bot) = await app.WorkspaceWithBotAsync("leads");
        await page.GetByRole(AriaRole.Link, new() { Name = "Open knowledge" }).ClickAsync();
        await page.SetInputFilesAsync("#upload-input", new FilePayload
        {
            Name = "care-guide.pdf", MimeType = "application/pdf",
            Buffer = TestFiles.Pdf("Kettle care guide.", "Descaling: descale the kettle every month with citric acid.\nNever use vinegar on the steel models.\nThe warranty covers two years."),
        });
        await Assertions.Expect(page.Locator("[data-testid=sources] [data-status=Ready]")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        var scriptTag = await app.EmbedOnAsync(page, slug, bot, "leads.localhost");

        // Leads: a template fills the fields in, then ask after two messages and mail sales.
        var sales = $"sales-{slug}@example.test";
        await page.GotoAsync($"{app.TenantUrl(slug)}/bots/{bot}/settings/leads");
        await page.GetByLabel("Collect leads in the chat").CheckAsync();
        await page.GetByLabel("Start from").SelectOptionAsync("saas");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply template" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("leads")).ToContainTextAsync("Filled in from the SaaS/Software template");
        await Assertions.Expect(page.GetByLabel("Field 1 label")).ToHaveValueAsync("Company");
        await page.GetByLabel("After a number of messages").CheckAsync();
        await page.GetByLabel("Messages before asking").FillAsync("2");
        await page.GetByLabel("Email each new lead").CheckAsync();
        await page.GetByLabel("Send to").FillAsync(sales);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save leads" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("leads")).ToContainTextAsync("Saved.");
        await app.ScreenshotAsync(page, "settings-leads");

        // Human support, with a mail to the support address.
        var support = $"support-{slug}@example.test";
        await page.GetByRole(AriaRole.Link, new() { Name = "Human support" }).ClickAsync();
        await page.GetByLabel("Let visitors ask for a person").CheckAsync();
        await page.GetByLabel("Email when a visitor asks for a person").CheckAsync();
        await page.GetByLabel("Send to").FillAsync(support);
        await page.GetByLabel("Mail only when nobody is in the inbox for").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save human support" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("human-support")).ToContainTextAsync("Saved.");
        await app.ScreenshotAsync(page, "settings-human-support");

        // Localization: the preview follows the Spanish texts as they are typed.
        await page.GetByRole(AriaRole.Link, new() { Name = "Localization" }).ClickAsync();
        await page.GetByTestId("languages").GetByRole(AriaRole.Link, new() { Name = "Spanish" }).ClickAsync();
        await page.Locator("#t-home_title").FillAsync("¡Hola desde Kettle Co!");
        await Assertions.Expect(page.GetByTestId("preview").Locator("[data-t=home_title]")).ToHaveTextAsync("¡Hola desde Kettle Co!");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save Spanish texts" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("texts")).ToContainTextAsync("Saved.");
        await app.ScreenshotAsync(page, "settings-localization");
        await page.GetByTestId("languages").GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Arabic") }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("preview")).ToHaveAttributeAsync("dir", "rtl");
        await app.ScreenshotAsync(page, "settings-localization-arabic");

        // On the customer's site: two questions, then the lead form under the second answer.
        app.Site.Pages["/"] = new($"<!doctype html><html><head><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Kettle Co</title></head><body><h1>Kettle Co</h1>{scriptTag}</body></html>");
        var shop = await app.NewPageAsync(await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "en-GB" }));
        await shop.GotoAsync($"http://leads.localhost:{app.Site.Port}/");
        await shop.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle helper" }).ClickAsync();
        var widget = shop.FrameLocator("iframe[title=Chat]");
        await widget.GetByLabel("Your message").FillAsync("How do I descale my kettle?");
        await widget.GetByLabel("Your message").PressAsync("Enter");
        await Assertions.Expect(widget.Locator("[data-role=assistant][data-message]").Last).ToContainTextAsync("citric acid", new() { Timeout = 15_000 });
        Assert.Equal(0, await widget.GetByTestId("lead-form").CountAsync());
        await Assertions.Expect(widget.GetByTestId("escalation")).ToContainTextAsync("Talk to a person");
        await widget.GetByLabel("Your message").FillAsync("Can I use vinegar?");
        await widget.GetByLabel("Your message").PressAsync("Enter");
        var form = widget.GetByTestId("lead-form");
        await Assertions.Expect(form).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(form).ToContainTextAsync("Can we stay in touch?");
        await form.GetByLabel("Name *").FillAsync("Kim Lee");
        await form.GetByLabel("Email *").FillAsync("kim-at-example");
        await form.GetByLabel("Company *").FillAsync("Kettle Works");
        await form.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await Assertions.Expect(widget.GetByTestId("lead-form")).ToContainTextAsync("Please enter an email address like name@example.com.");
        await app.ScreenshotAsync(shop, "widget-lead-form");
        await widget.GetByTestId("lead-form").GetByLabel("Email *").FillAsync("kim@example.com");
        await widget.GetByTestId("lead-form").GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await Assertions.Expect(widget.GetByTestId("lead-thanks")).ToContainTextAsync("We've got your details");
        var mail = await app.Mail.WaitForAsync(sales, "New lead from Kettle helper: Kim Lee");
        Assert.Contains("Company: Kettle Works", mail.Text);
        await page.GotoAsync($"{app.TenantUrl(slug)}/leads");
        await Assertions.Expect(page.GetByTestId("leads-table")).ToContainTextAsync("Kim Lee");
        await Assertions.Expect(page.GetByTestId("leads-table")).ToContainTextAsync("Kettle Works");
        await app.ScreenshotAsync(page, "leads");

        // Asking for a person: a confirmation first, then the hand-over message, and a mail to support.
        var ask = widget.GetByTestId("escalation").Last;
        await ask.GetByRole(AriaRole.Button, new() { Name = "Talk to a person" }).ClickAsync();
        await Assertions.Expect(ask.GetByTestId("escalate-confirm")).ToContainTextAsync("Talk to a person?");
        await app.ScreenshotAsync(shop, "widget-escalate-confirm");
        await ask.GetByRole(AriaRole.Button, new() { Name = "Yes, continue" }).ClickAsync();
        await Assertions.Expect(widget.Locator("[data-role=activity]").Last).ToContainTextAsync("You're now chatting with our team");
        await Assertions.Expect(widget.GetByTestId("escalation")).ToHaveCountAsync(0);
        await app.ScreenshotAsync(shop, "widget-escalated");
        var handover = await app.Mail.WaitForAsync(support, "asked for a person on Kettle helper");
        Assert.Contains("/inbox?c=", handover.Text);
        await page.GotoAsync($"{app.TenantUrl(slug)}/bots/{bot}/conversations");
        await Assertions.Expect(page.GetByTestId("status-badge").First).ToHaveTextAsync("Waiting for a person");

        // A Spanish browser gets the Spanish widget (with the bot's own title); an Arabic one gets it mirrored.
        var spanish = await app.NewPageAsync(await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "es-ES" }));
        await spanish.GotoAsync($"http://leads.localhost:{app.Site.Port}/");
        await spanish.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle helper" }).ClickAsync();
        var es = spanish.FrameLocator("iframe[title=Chat]");
        await Assertions.Expect(es.Locator("header")).ToContainTextAsync("Suele responder al instante");
        await Assertions.Expect(es.GetByTestId("home-title")).ToHaveTextAsync("¡Hola desde Kettle Co!");
        await Assertions.Expect(es.GetByLabel("Tu mensaje")).ToBeVisibleAsync();
        await app.ScreenshotAsync(spanish, "widget-spanish");
        var arabic = await app.NewPageAsync(await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "ar-EG" }));
        await arabic.GotoAsync($"http://leads.localhost:{app.Site.Port}/");
        await arabic.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle helper" }).ClickAsync();
        var ar = arabic.FrameLocator("iframe[title=Chat]");
        await Assertions.Expect(ar.Locator("header")).ToContainTextAsync("يردّ عادةً على الفور");
        Assert.Equal("rtl", await ar.Locator("html").GetAttributeAsync("dir"));
        await ar.GetByLabel("رسالتك").FillAsync("How do I descale my kettle?");
        await ar.GetByLabel("رسالتك").PressAsync("Enter");
        var user = ar.Locator("[data-role=user] p").Last;
        await Assertions.Expect(user).ToBeVisibleAsync();
        await Assertions.Expect(ar.Locator("[data-role=assistant][data-message]").Last).ToContainTextAsync("citric acid", new() { Timeout = 15_000 });
        // Mirrored: the visitor's own message sits on the left in a right-to-left widget.
        var frameBox = await arabic.Locator("iframe[title=Chat]").BoundingBoxAsync();
        var userBox = await user.BoundingBoxAsync();
        Assert.True(userBox!.X - frameBox!.X < frameBox.Width / 3, "In RTL the visitor's message should sit on the left.");
        await app.ScreenshotAsync(arabic, "widget-rtl");

        // Dark mode.
        await page.GotoAsync($"{app.TenantUrl(slug)}/bots/{bot}/settings/appearance");
        await page.Locator("input[name='Input.DarkMode']").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save appearance" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("appearance")).ToContainTextAsync("Saved.");
        await shop.ReloadAsync();
        await shop.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle helper" }).ClickAsync();
        await Assertions.Expect(widget.Locator("html")).ToHaveClassAsync(new Regex("dark"));
        await widget.GetByTestId("recent-conversations").GetByRole(AriaRole.Button).First.ClickAsync();
        await Assertions.Expect(widget.Locator("#status-line")).ToHaveTextAsync("Usually replies in a few minutes");
        await app.ScreenshotAsync(shop, "widget-dark");
    }

    [Fact]
    public async Task Icons_reach_the_customer_site_and_the_behavior_preview_follows_each_switch()
    {
        var (page, slug, bot) = await app.WorkspaceWithBotAsync("icons");
        await page.GotoAsync($"{app.TenantUrl(slug)}/bots/{bot}/settings/general");
        await Assertions.Expect(page.GetByTestId("general")).ToBeVisibleAsync();
        await app.ScreenshotAsync(page, "settings-general");
        var scriptTag = await app.EmbedOnAsync(page, slug, bot, "icons.localhost");

        await page.GotoAsync($"{app.TenantUrl(slug)}/bots/{bot}/settings/appearance");
        await page.SetInputFilesAsync("#icon-Bot", new FilePayload { Name = "bot.png", MimeType = "image/png", Buffer = TestFiles.Png(64, (245, 158, 11), (255, 255, 255)) });
        await page.Locator("[data-icon=Bot]").GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("icons")).ToContainTextAsync("Bot icon saved.");
        await page.SetInputFilesAsync("#icon-Bubble", new FilePayload { Name = "bubble.png", MimeType = "image/png", Buffer = TestFiles.Png(96, (255, 255, 255), (22, 163, 74)) });
        await page.Locator("[data-icon=Bubble]").GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("icons")).ToContainTextAsync("Bubble icon saved.");
        await Assertions.Expect(page.Locator("[data-icon=Bubble] img")).ToHaveJSPropertyAsync("naturalWidth", 96);
        await app.ScreenshotAsync(page, "settings-appearance-icons");

        // Behavior: the preview follows each switch before saving.
        await page.GetByRole(AriaRole.Link, new() { Name = "Behavior" }).ClickAsync();
        var preview = page.GetByTestId("preview");
        await Assertions.Expect(preview.Locator("[data-b=refresh]")).ToBeVisibleAsync();
        await page.GetByLabel("Hide the refresh button").CheckAsync();
        await Assertions.Expect(preview.Locator("[data-b=refresh]")).ToBeHiddenAsync();
        await page.GetByLabel("Follow-up suggestions after an answer").FillAsync("1");
        await Assertions.Expect(preview.Locator("[data-b=followup]:visible")).ToHaveCountAsync(1);
        await page.GetByLabel("Disclaimer under the message box").FillAsync("Answers may be wrong.");
        await Assertions.Expect(preview.Locator("[data-b=disclaimer]")).ToHaveTextAsync("Answers may be wrong.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save behavior" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("behavior")).ToContainTextAsync("Saved.");
        await app.ScreenshotAsync(page, "settings-behavior-preview");

        app.Site.Pages["/"] = new($"<!doctype html><html><head><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Kettle Co</title></head><body><h1>Kettle Co</h1>{scriptTag}</body></html>");
        var shop = await app.NewPageAsync(await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } }));
        await shop.GotoAsync($"http://icons.localhost:{app.Site.Port}/");
        var launcher = shop.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle helper" });
        await Assertions.Expect(launcher.Locator("img")).ToHaveJSPropertyAsync("naturalWidth", 96);
        await launcher.ClickAsync();
        var widget = shop.FrameLocator("iframe[title=Chat]");
        await Assertions.Expect(widget.GetByTestId("bot-icon")).ToHaveJSPropertyAsync("naturalWidth", 64);
        await Assertions.Expect(widget.GetByTestId("bottom-nav")).ToBeVisibleAsync();
        Assert.Equal(0, await widget.Locator("#refresh-button").CountAsync());
        await widget.GetByTestId("bottom-nav").GetByRole(AriaRole.Button, new() { Name = "Conversations" }).ClickAsync();
        await Assertions.Expect(widget.GetByTestId("no-messages")).ToBeVisibleAsync();
        await app.ScreenshotAsync(shop, "widget-icons");
        // Expand asks the page for a wider window.
        var frame = shop.Locator("iframe[title=Chat]");
        var before = (await frame.BoundingBoxAsync())!.Width;
        await widget.Locator("#expand-button").ClickAsync();
        await shop.WaitForFunctionAsync("() => document.querySelector('iframe[title=Chat]').getBoundingClientRect().width > 500");
        Assert.True((await frame.BoundingBoxAsync())!.Width > before);
    }
}
