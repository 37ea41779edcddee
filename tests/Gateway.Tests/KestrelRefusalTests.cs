using System.Net.Sockets;
using System.Text;
using Dispatch.Testing;

namespace Dispatch.Gateway.Tests;

/// <summary>The embedded gateway behind real Kestrel, on a free loopback port.</summary>
public class KestrelGatewayFactory : GatewayFactory
{
    public KestrelGatewayFactory()
    {
        Port = LocalMachine.FreePort();
        UseKestrel(Port);
    }

    public int Port { get; }
}

/// <summary>
/// Malformed HTTP that Kestrel refuses before the application sees it: a 4xx, never a 5xx, with an
/// empty body (Kestrel offers no hook to make it problem+json; the README says so). What does reach
/// the application is problem+json with nosniff, over Kestrel as over the test server.
/// </summary>
public sealed class KestrelRefusalTests(KestrelGatewayFactory gateway) : IClassFixture<KestrelGatewayFactory>
{
    [Theory]
    [InlineData("NUL in the path", "GET /api/v1/incidents/%00 HTTP/1.1\r\nHost: localhost\r\n\r\n", 400)]
    [InlineData("raw NUL in the request line", "GET /api/v1/catalog\0 HTTP/1.1\r\nHost: localhost\r\n\r\n", 400)]
    [InlineData("CR inside a header value", "GET /api/v1/catalog HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: a\rb\r\n\r\n", 400)]
    [InlineData("a header without a colon", "GET /api/v1/catalog HTTP/1.1\r\nHost: localhost\r\nX-Api-Key\r\n\r\n", 400)]
    [InlineData("no Host header", "GET /api/v1/catalog HTTP/1.1\r\n\r\n", 400)]
    [InlineData("a request line over 8 KiB", "GET /api/v1/catalog?x={long} HTTP/1.1\r\nHost: localhost\r\n\r\n", 414)]
    [InlineData("headers over 32 KiB", "GET /api/v1/catalog HTTP/1.1\r\nHost: localhost\r\nX-Filler: {long}{long}{long}{long}\r\n\r\n", 431)]
    public async Task Kestrel_refuses_malformed_http_with_a_4xx_of_its_own(string what, string request, int status)
    {
        var (line, _) = await Raw(request.Replace("{long}", new string('a', 9 * 1024), StringComparison.Ordinal));
        Assert.True(line.StartsWith($"HTTP/1.1 {status} ", StringComparison.Ordinal), $"{what}: {line}");
    }

    [Fact]
    public async Task What_reaches_the_application_is_problem_json_with_nosniff()
    {
        var (line, headers) = await Raw("GET /api/v1/catalog HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 401 ", line, StringComparison.Ordinal);
        Assert.Contains("content-type: application/problem+json", headers, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("x-content-type-options: nosniff", headers, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Sends bytes as they are and reads the status line and headers of the answer.</summary>
    private async Task<(string StatusLine, string Headers)> Raw(string request)
    {
        _ = gateway.Services; // starts the server
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", gateway.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            answer.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }

        var text = answer.ToString();
        var end = text.IndexOf("\r\n", StringComparison.Ordinal);
        return (end < 0 ? text : text[..end], text);
    }
}
