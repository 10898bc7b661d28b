using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace Parley.Tests.Features.Deployment;

/// <summary>
/// The published output (`dotnet publish -c Release`) run as the container runs it: `dotnet Web.dll` in Production,
/// against PostgreSQL, Azurite and maildev on loopback, reached through a stand-in for the Container Apps ingress that
/// terminates TLS and sends X-Forwarded-Proto: https.
/// </summary>
[Trait(Providers.Trait, Providers.Postgres)]
[Trait(Providers.Trait, Providers.Azurite)]
[Trait(Providers.Trait, Providers.Maildev)]
public sealed class PublishedBuildTests
{
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    private static async Task<string> PublishAsync()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "App.sln"))) root = root.Parent!;
        var output = Path.Combine(Path.GetTempPath(), $"parley-published-{Guid.NewGuid():n}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "publish", Path.Combine(root.FullName, "Web", "Web.csproj"), "-c", "Release", "-o", output, "--nologo" }) start.ArgumentList.Add(a);
        using var publish = Process.Start(start)!;
        var log = publish.StandardOutput.ReadToEndAsync();
        var err = publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync();
        Assert.True(publish.ExitCode == 0, $"dotnet publish failed:\n{await log}\n{await err}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(output, true); } catch (IOException) { } };
        return output;
    }

    /// <summary>One published instance on a free port, with the settings Production requires; killed on dispose.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        private readonly Process process;
        private readonly System.Text.StringBuilder output = new();
        public int Port { get; }

        private Instance(Process process, int port) => (this.process, Port) = (process, port);

        public static async Task<Instance> StartAsync(string published, string database, string container)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = published, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(published, "Web.dll"));
            var env = start.Environment;
            env["ASPNETCORE_ENVIRONMENT"] = "Production";
            env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            env["Parley__AppDomain"] = "localhost";
            env["Parley__PublicBaseUrl"] = "https://localhost";
            env["Parley__ForwardedHeaders"] = "true";
            env["Parley__Database__Provider"] = "Postgres";
            env["Parley__Database__ConnectionString"] = database;
            env["Parley__Storage__Provider"] = "AzureBlob";
            env["Parley__Storage__AzureServiceUri"] = Environment.GetEnvironmentVariable("PARLEY_TEST_AZURITE_BLOB") ?? throw new InvalidOperationException("PARLEY_TEST_AZURITE_BLOB is not set.");
            env["Parley__Storage__AzureContainer"] = container;
            env["Parley__Storage__AzureAccountName"] = Storage.BlobStoreContractTests_Azurite.AccountName;
            env["Parley__Storage__AzureAccountKey"] = Storage.BlobStoreContractTests_Azurite.AccountKey;
            env["Parley__Mail__SmtpHost"] = "127.0.0.1";
            env["Parley__Mail__SmtpPort"] = Environment.GetEnvironmentVariable("PARLEY_TEST_SMTP_PORT") ?? throw new InvalidOperationException("PARLEY_TEST_SMTP_PORT is not set.");
            env["Parley__Mail__From"] = "hello@parley.test";
            env["Parley__Jobs__Workers"] = "2";
            env["Parley__Throttling__SignInPerMinute"] = "100000";
            var instance = new Instance(Process.Start(start)!, port);
            instance.process.OutputDataReceived += (_, e) => { lock (instance.output) instance.output.AppendLine(e.Data); };
            instance.process.ErrorDataReceived += (_, e) => { lock (instance.output) instance.output.AppendLine(e.Data); };
            instance.process.BeginOutputReadLine();
            instance.process.BeginErrorReadLine();
            using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            for (var i = 0; i < 300; i++)
            {
                if (instance.process.HasExited) break;
                try { if ((await probe.GetAsync("/readyz")).IsSuccessStatusCode) return instance; } catch (HttpRequestException) { }
                await Task.Delay(200);
            }
            await instance.DisposeAsync();
            throw new Xunit.Sdk.XunitException($"The published app did not become ready:\n{instance.Output}");
        }

        public string Output { get { lock (output) return output.ToString(); } }

        /// <summary>A browser on one host, behind the ingress: every request arrives over "https".</summary>
        public HttpClient Client(string host, Ingress? ingress = null) =>
            new(ingress ?? new Ingress(Port)) { BaseAddress = new Uri($"http://{host}") };

        public async ValueTask DisposeAsync()
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync();
            process.Dispose();
        }

        private static int FreePort()
        {
            using var l = new TcpListener(System.Net.IPAddress.Loopback, 0);
            l.Start();
            return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        }
    }

    /// <summary>
    /// The ingress: connects to the instance, keeps each host's cookies (Secure ones included, since the browser saw
    /// https), records every Set-Cookie, and adds X-Forwarded-Proto: https.
    /// </summary>
    public sealed class Ingress(int port) : DelegatingHandler(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.All })
    {
        private readonly Dictionary<string, Dictionary<string, string>> jars = [];
        public List<string> SetCookies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var host = request.RequestUri!.Host;
            request.Headers.Host = host;
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.RequestUri = new UriBuilder(request.RequestUri) { Host = "127.0.0.1", Port = port }.Uri;
            lock (jars)
                if (jars.TryGetValue(host, out var jar) && jar.Count > 0) request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}")));
            var response = await base.SendAsync(request, ct);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
                lock (jars)
                {
                    var jar = jars.TryGetValue(host, out var j) ? j : jars[host] = [];
                    foreach (var cookie in set)
                    {
                        SetCookies.Add(cookie);
                        var pair = cookie.Split(';')[0].Split('=', 2);
                        if (cookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) jar.Remove(pair[0]);
                        else jar[pair[0]] = pair[1];
                    }
                }
            return response;
        }
    }

    private static async Task<string> NewDatabaseAsync()
    {
        var server = Environment.GetEnvironmentVariable("PARLEY_TEST_POSTGRES") ?? throw new InvalidOperationException("PARLEY_TEST_POSTGRES is not set.");
        var name = "parley_published_" + Guid.NewGuid().ToString("n")[..12];
        await using var admin = new NpgsqlConnection(server);
        await admin.OpenAsync();
        await using (var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin)) await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true }.ConnectionString;
    }

    [Fact]
    public async Task The_published_build_runs_a_whole_flow_in_Production_behind_https()
    {
        var published = await Published.Value;
        await using var app = await Instance.StartAsync(published, await NewDatabaseAsync(), "published-" + Guid.NewGuid().ToString("n")[..10]);
        var ingress = new Ingress(app.Port);
        var root = app.Client("localhost", ingress);

        // Static assets: served, not empty, cached for long under their versioned URLs.
        var landing = await (await root.GetAsync("/")).Content.ReadAsStringAsync();
        var css = Regex.Match(landing, "href=\"(/css/app\\.css\\?v=[^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(css);
        foreach (var asset in new[] { System.Net.WebUtility.HtmlDecode(css), System.Net.WebUtility.HtmlDecode(Regex.Match(landing, "src=\"(/lib/htmx\\.min\\.js\\?v=[^\"]+)\"").Groups[1].Value) })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, asset);
            request.Headers.AcceptEncoding.ParseAdd("br, gzip");
            var response = await root.SendAsync(request);
            response.AssertStatus(HttpStatusCode.OK);
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 5_000, $"{asset} came back (nearly) empty.");
            Assert.Contains("max-age=31536000", response.Headers.CacheControl?.ToString());
        }
        (await root.GetAsync("/dev/mail")).AssertStatus(HttpStatusCode.NotFound);
        var missing = await root.GetAsync("/no-such-page");
        missing.AssertStatus(HttpStatusCode.NotFound);
        Assert.DoesNotContain("Exception", await missing.Content.ReadAsStringAsync());

        // Sign-up on the root host, hand-over to the tenant host: the session cookie is Secure (the ingress said https).
        var slug = Workspaces.UniqueSlug("pub");
        var signup = await root.PostFormAsync("/signup", Http.Form(("Input.FullName", "Pat Published"), ("Input.Email", $"{slug}@example.test"),
            ("Input.Password", Workspaces.Password), ("Input.WorkspaceName", "Published Co"), ("Input.Slug", slug)));
        var handover = signup.RedirectTarget() ?? throw new Xunit.Sdk.XunitException($"Sign-up did not redirect: {(int)signup.StatusCode} {await signup.BodyAsync()}");
        Assert.StartsWith($"https://{slug}.localhost/", handover);
        var tenant = app.Client($"{slug}.localhost", ingress);
        (await tenant.GetAsync(new Uri(handover).PathAndQuery)).AssertStatus(HttpStatusCode.Redirect);
        var session = ingress.SetCookies.Last(c => c.StartsWith("parley.session="));
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        (await tenant.GetAsync("/dashboard")).AssertStatus(HttpStatusCode.OK);

        // A bot trained on a PDF (through Azurite and the job queue on PostgreSQL), answering in the widget over SSE.
        var bot = await tenant.CreateBotAsync("Published helper");
        var knowledge = $"/bots/{bot}/knowledge";
        (await tenant.UploadAsync(knowledge, $"{knowledge}?handler=Upload", "guide.pdf", TestFiles.Pdf("Kettle guide.", "Warranty: every kettle is covered for two years from the day of purchase."))).AssertStatus(HttpStatusCode.OK);
        var ready = false;
        for (var i = 0; i < 120 && !ready; i++)
        {
            ready = (await (await tenant.GetAsync(knowledge)).Content.ReadAsStringAsync()).Contains("data-status=\"Ready\"");
            if (!ready) await Task.Delay(500);
        }
        Assert.True(ready, $"The file was not trained:\n{app.Output}");
        var widget = new WidgetClient(app.Client("localhost", new Ingress(app.Port)), bot) { Origin = "https://localhost" };
        await widget.StartAsync();
        var (_, answer) = await widget.AskAsync("How long is the warranty?");
        Assert.True(answer.Done.Contains("two years"), answer.Done);
    }

    /// <summary>Reads one number from the shared database (Hangfire's tables and the app's, as an operator would).</summary>
    private static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Two_published_instances_on_one_database_run_a_job_once_share_live_events_and_settings()
    {
        var published = await Published.Value;
        var database = await NewDatabaseAsync();
        var container = "published-" + Guid.NewGuid().ToString("n")[..10];
        await using var a = await Instance.StartAsync(published, database, container);
        await using var b = await Instance.StartAsync(published, database, container);

        // Signed up through A; the same person signs in on B (sessions and keys live in the shared database).
        var slug = Workspaces.UniqueSlug("two");
        var email = $"{slug}@example.test";
        var ingressA = new Ingress(a.Port);
        var signup = await a.Client("localhost", ingressA).PostFormAsync("/signup", Http.Form(("Input.FullName", "Tia Two"), ("Input.Email", email),
            ("Input.Password", Workspaces.Password), ("Input.WorkspaceName", "Two Co"), ("Input.Slug", slug)));
        var onA = a.Client($"{slug}.localhost", ingressA);
        (await onA.GetAsync(new Uri(signup.RedirectTarget()!).PathAndQuery)).AssertStatus(HttpStatusCode.Redirect);
        var onB = b.Client($"{slug}.localhost");
        Assert.Equal("/dashboard", (await onB.PostFormAsync("/account/login", Http.Form(("Input.Email", email), ("Input.Password", Workspaces.Password)))).RedirectTarget());

        // A job queued through A runs once, on whichever instance takes it.
        var bot = await onA.CreateBotAsync("Twin helper");
        var knowledge = $"/bots/{bot}/knowledge";
        await onA.PostFormAsync(knowledge, $"{knowledge}?handler=Text", Http.Form(("title", "Warranty"), ("content", "# Warranty\nEvery kettle is covered for two years.")));
        for (var i = 0; i < 120 && !(await (await onB.GetAsync(knowledge)).Content.ReadAsStringAsync()).Contains("data-status=\"Ready\""); i++) await Task.Delay(500);
        Assert.Equal(1, await ScalarAsync(database, """SELECT count(*) FROM hangfire.state s JOIN hangfire.job j ON j.id = s.jobid WHERE s.name = 'Processing' AND j.invocationdata::text LIKE '%IngestionJob%'"""));
        Assert.Equal(1, await ScalarAsync(database, """SELECT count(*) FROM "IngestionEvents" WHERE "Step" = 'Ready'"""));

        // A setting saved on A is what the widget on B serves at once.
        var appearance = $"/bots/{bot}/settings/appearance";
        var page = await (await onA.GetAsync(appearance)).Content.ReadAsStringAsync();
        var stamp = Regex.Match(page, "name=\"Input.UpdatedAt\" value=\"([^\"]*)\"").Groups[1].Value;
        (await onA.PostFormAsync(appearance, appearance, Http.Form(("Input.DisplayName", "Twin Kate"), ("Input.UpdatedAt", System.Net.WebUtility.HtmlDecode(stamp))))).AssertStatus(HttpStatusCode.OK);
        Assert.Contains("\"name\":\"Twin Kate\"", await (await b.Client("localhost").GetAsync($"/widget/{bot}?handler=Config")).Content.ReadAsStringAsync());

        // Human support on; a visitor on A asks for a person, the owner's inbox is on B: each sees the other live.
        await onA.EnableHumanSupportAsync(bot);
        var inboxResponse = await onB.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/inbox/live"), HttpCompletionOption.ResponseHeadersRead);
        inboxResponse.AssertStatus(HttpStatusCode.OK);
        await using var inbox = new WidgetClient.LiveStream(inboxResponse, new StreamReader(await inboxResponse.Content.ReadAsStreamAsync()));
        var visitor = new WidgetClient(a.Client("localhost"), bot) { Origin = "https://localhost" };
        await visitor.StartAsync();
        await using var widget = await visitor.OpenLiveAsync();
        var (html, _) = await visitor.AskAsync("How long is the warranty?");
        var id = WidgetClient.ConversationOf(html);
        (await visitor.PostAsync($"?handler=Escalate&conversationId={id}", [])).AssertStatus(HttpStatusCode.OK);
        async Task HeardAsync(WidgetClient.LiveStream live, string name)
        {
            var until = DateTime.UtcNow.AddSeconds(15);
            while (DateTime.UtcNow < until && !live.Events.Any(e => e.Event == name)) await Task.Delay(50);
            Assert.Contains(live.Events, e => e.Event == name);
        }
        await HeardAsync(inbox, $"s-{id}");
        widget.Events.Clear();
        (await onB.PostFormAsync("/inbox", $"/inbox?handler=Send&id={id}", Http.Form(("text", "Hello from instance B"), ("kind", "reply")))).AssertStatus(HttpStatusCode.NoContent);
        await HeardAsync(widget, $"c-{id}");
        Assert.Contains("Hello from instance B", await (await visitor.GetAsync($"?handler=Conversation&id={id}")).Content.ReadAsStringAsync());
        inbox.Events.Clear();
        await visitor.SendAsync("Thanks, B!", id);
        await HeardAsync(inbox, $"c-{id}");
    }
}
