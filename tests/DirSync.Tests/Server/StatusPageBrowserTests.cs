using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Gal;
using DirSync.Core.Hub;
using DirSync.Core.Model;
using DirSync.Tests.Support;
using Microsoft.Playwright;

namespace DirSync.Tests.Server;

/// <summary>The status page in a real browser (Debian's chromium, headless, driven by Playwright), and the same overview as JSON and metrics.</summary>
public sealed class StatusPageBrowserTests : IDisposable
{
    /// <summary>Where Debian installs chromium (scripts/test.sh installs it when missing).</summary>
    public const string Chromium = "/usr/bin/chromium";

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task StatusPage_InChromium_ShowsTheRequestorsAndARefusedMessagesError()
    {
        if (!File.Exists(Chromium))
        {
            // On CI the test script installs chromium, so its absence is a failure there; on a developer's machine it says what to install.
            Assert.True(Environment.GetEnvironmentVariable("CI") is null, $"{Chromium} is missing: scripts/test.sh installs it (apt-get install chromium)");
            Assert.Skip($"{Chromium} is missing: install it with 'apt-get install chromium' (scripts/test.sh does)");
        }

        var inbox = Directory.CreateDirectory(_folder.File("hub-in")).FullName;
        await using (var hub = await StoreFactory.CreateAsync(_folder.File("hub.db"), org: "Corp", site: "HQ", server: "HQ1"))
        {
            var server = new DirSyncServer(hub);
            await server.EnableAsync(inbox, null, "CORP/HQ");
            await server.AddRequestorAsync("CORP/SALES", null, "pw-sales");
            await server.AddRequestorAsync("CORP/PLANT", null, "pw-plant");
        }

        await using var serve = await ServeProcess.StartAsync(_folder.Path, "hub.db");
        await using (var sales = await StoreFactory.CreateAsync(_folder.File("sales.db"), org: "Corp", site: "Sales", server: "S1"))
        await using (var plant = await StoreFactory.CreateAsync(_folder.File("plant.db"), org: "Corp", site: "Plant", server: "P1"))
        {
            await new DirectoryAdmin(sales).AddRecipientAsync(ObjectClass.Mailbox, "ann", new RecipientChanges { DisplayName = "Ann Archer" });
            await new DirectoryAdmin(plant).AddRecipientAsync(ObjectClass.Mailbox, "pete", new RecipientChanges { DisplayName = "Pete Potter" });
            await new Requestor(sales).EnableAsync("CORP/SALES", null, null, "pw-sales", null, false, serverUrl: serve.Url.ToString());
            await new Requestor(plant).EnableAsync("CORP/PLANT", null, null, "not the password", null, false, serverUrl: serve.Url.ToString());
            await new Requestor(sales).SendAsync(full: false);
            var refused = await Assert.ThrowsAsync<DirSyncException>(() => new Requestor(plant).SendAsync(full: false));
            Assert.Contains("(HTTP 403): 156: invalid Dir-Sync password from CORP/PLANT", refused.Message, StringComparison.Ordinal);
            await using (var hub = await Sqlite.SqliteDirectoryStore.OpenAsync(_folder.File("hub.db")))
            {
                await new DirSyncServer(hub).ReceiveAsync();
                await new DirSyncServer(hub).SendAsync();
                await new GalBuilder().RebuildAsync(hub, "CORP/HQ");
            }

            await new Requestor(sales).ReceiveAsync();
        }

        using var playwright = await Playwright.CreateAsync();
        var profile = Directory.CreateDirectory(_folder.File("chromium-profile")).FullName;
        await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            ViewportSize = new ViewportSize { Width = 1360, Height = 900 },
        });
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync(serve.Url.ToString());
        Assert.Equal(200, response!.Status);
        Assert.Equal("DirSync — Corp/HQ/HQ1", await page.TitleAsync());

        var rows = page.Locator("#requestors tbody tr");
        Assert.Equal(2, await rows.CountAsync());
        var plantRow = rows.Filter(new LocatorFilterOptions { HasText = "CORP/PLANT" });
        var salesRow = rows.Filter(new LocatorFilterOptions { HasText = "CORP/SALES" });
        Assert.Equal("bad", await plantRow.GetAttributeAsync("class"));
        var plantError = await plantRow.Locator("td").Nth(8).InnerTextAsync();
        Assert.StartsWith("156: invalid Dir-Sync password from CORP/PLANT: the signature of its POST /hub/messages does not match the password registered here", plantError, StringComparison.Ordinal);
        Assert.Equal("never", await plantRow.Locator("td").Nth(2).InnerTextAsync());
        Assert.Null(await salesRow.GetAttributeAsync("class"));
        Assert.Equal(["CORP/SALES", "http", "1", "1 (0)", "0", "none"], [
            await salesRow.Locator("td b").InnerTextAsync(),
            await salesRow.Locator("td").Nth(1).InnerTextAsync(),
            await salesRow.Locator("td").Nth(3).InnerTextAsync(),
            await salesRow.Locator("td").Nth(4).InnerTextAsync(),
            await salesRow.Locator("td").Nth(7).InnerTextAsync(),
            await salesRow.Locator("td").Nth(8).InnerTextAsync(),
        ]);
        Assert.Contains("156: invalid Dir-Sync password from CORP/PLANT", await page.Locator("#events").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("up to date", await page.Locator("#directory").InnerTextAsync(), StringComparison.Ordinal);

        var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "status-page.png"), FullPage = true });
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);

        // The same overview for scripts and for monitoring.
        using var http = new HttpClient { BaseAddress = serve.Url };
        var json = CliJson.Parse(await http.GetStringAsync("api/status"));
        Assert.Equal(["server"], json.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var plantJson = json.GetProperty("server").GetProperty("requestors").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "CORP/PLANT");
        Assert.Equal(156, plantJson.GetProperty("lastError").GetProperty("code").GetInt32());
        var metrics = await http.GetStringAsync("metrics");
        Assert.Contains("\ndirsync_events_total{code=\"156\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("\ndirsync_recipients{class=\"custom-recipient\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("\ndirsync_requestor_pending_updates{requestor=\"CORP/SALES\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Matches("\ndirsync_requestor_last_refusal_timestamp_seconds\\{requestor=\"CORP/PLANT\",code=\"156\"\\} \\d+(\\.\\d+)?\n", metrics);
    }
}
