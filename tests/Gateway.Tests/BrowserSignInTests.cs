using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dispatch.Gateway.Tests;

/// <summary>
/// A browser reaches the Orleans dashboard by signing in with an admin key once: the key goes in a
/// form, a cookie carries the sign-in, and the API keeps wanting its header.
/// </summary>
public sealed partial class BrowserSignInTests(ObservedGatewayFactory gateway) : IClassFixture<ObservedGatewayFactory>
{
    [Fact]
    public async Task A_browser_without_a_sign_in_is_sent_to_the_sign_in_page_and_back_after_it()
    {
        using var browser = Browser();
        using var first = await browser.GetAsync("/orleans-dashboard/");
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/sign-in?returnUrl=%2Forleans-dashboard%2F", first.Headers.Location!.PathAndQuery);

        using var signedIn = await SignInAsync(browser, GatewayFactory.Admin, "%2Forleans-dashboard%2F");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/orleans-dashboard/", signedIn.Headers.Location!.OriginalString);
        Assert.DoesNotContain(GatewayFactory.Admin, string.Join(";", signedIn.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);

        using var dashboard = await browser.GetAsync("/orleans-dashboard/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("text/html", dashboard.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);

        // The cookie is for pages: the API still wants X-Api-Key.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/incidents")).StatusCode);

        using var signOut = await browser.SendAsync(await FormPostAsync(browser, "/sign-out", []));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/orleans-dashboard/")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_key_is_refused_on_the_page_and_signs_nobody_in()
    {
        using var browser = Browser();
        using var refused = await SignInAsync(browser, "not-a-key", "%2Forleans-dashboard%2F");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("That key is not known here.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/orleans-dashboard/")).StatusCode);
    }

    [Fact]
    public async Task A_key_that_is_not_an_admins_signs_in_but_does_not_open_the_dashboard()
    {
        using var browser = Browser();
        using var signedIn = await SignInAsync(browser, GatewayFactory.Operator, "%2Forleans-dashboard%2F");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        using var denied = await browser.GetAsync("/orleans-dashboard/");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        using var page = await browser.GetAsync(denied.Headers.Location);
        Assert.Contains("which may not open", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sign_in_form_without_its_antiforgery_token_is_refused()
    {
        using var browser = Browser();
        using var refused = await browser.PostAsync("/sign-in?returnUrl=%2Forleans-dashboard%2F",
            new FormUrlEncodedContent([new("key", GatewayFactory.Admin)]));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/orleans-dashboard/")).StatusCode);
    }

    [Theory]
    [InlineData("https%3A%2F%2Fexample.com%2F")]
    [InlineData("%2F%2Fexample.com%2F")]
    [InlineData("%2F%5Cexample.com%2F")]
    [InlineData("%2F%09%2Fexample.com%2F")]
    public async Task After_sign_in_the_browser_stays_on_this_server(string returnUrl)
    {
        using var browser = Browser();
        using var signedIn = await SignInAsync(browser, GatewayFactory.Admin, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/orleans-dashboard/", signedIn.Headers.Location!.OriginalString);
    }

    /// <summary>A client that keeps cookies and shows redirects, as a browser's network log would.</summary>
    private HttpClient Browser() => gateway.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string key, string returnUrl) =>
        await browser.SendAsync(await FormPostAsync(browser, $"/sign-in?returnUrl={returnUrl}", [new("key", key)]));

    /// <summary>A form post as the sign-in page makes it: with the antiforgery token the page carries.</summary>
    private static async Task<HttpRequestMessage> FormPostAsync(HttpClient browser, string path, List<KeyValuePair<string, string>> fields)
    {
        var page = await browser.GetStringAsync("/sign-in");
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, page);
        fields.Add(new(token.Groups["name"].Value, WebUtility.HtmlDecode(token.Groups["value"].Value)));
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
    }

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)">""")]
    private static partial Regex AntiforgeryField();
}
