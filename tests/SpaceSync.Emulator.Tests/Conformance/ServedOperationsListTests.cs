using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace SpaceSync.Emulator.Tests.Conformance;

/// <summary>
/// served-operations.txt must name exactly what the emulator routes: every API route of a started emulator is mapped to
/// its document operation and compared with the list. A route added to the emulator therefore shows up here first,
/// then (once listed) in <see cref="ServedOperationsCoverageTests"/> until a conformance test checks it.
/// </summary>
public sealed class ServedOperationsListTests
{
    /// <summary>Routes no Atlassian REST document describes, on purpose (servlets, the emulator's own control surface).</summary>
    private static readonly string[] NonApiPrefixes = { "/__emulator", "/wiki/download/", "/download/" };

    [Theory]
    [InlineData(EmulatorFlavor.Cloud, "cloud")]
    [InlineData(EmulatorFlavor.DataCenter, "datacenter")]
    public async Task The_list_names_exactly_the_operations_the_emulator_routes(EmulatorFlavor flavor, string flavorName)
    {
        await using var emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Flavor = flavor });
        var routed = new HashSet<OperationKey>();
        var undocumented = new List<string>();
        foreach (var (method, pattern) in Routes(emulator))
        {
            if (NonApiPrefixes.Any(p => pattern.StartsWith(p, StringComparison.Ordinal)))
            {
                continue;
            }

            // A concrete URL for the pattern: every {parameter} becomes a plausible id.
            var path = string.Join('/', pattern.Split('/').Select(s => s.StartsWith('{') ? "1" : s));
            var url = new Uri(new Uri(emulator.BaseUrl.GetLeftPart(UriPartial.Authority)), emulator.BaseUrl.AbsolutePath.TrimEnd('/') + (flavor == EmulatorFlavor.Cloud ? path["/wiki".Length..] : path));
            var located = OperationMatcher.Locate(flavor, emulator.BaseUrl, url);
            var matched = located is null ? null : OperationMatcher.Match(await ApiDocuments.GetAsync(located.Value.Document), method, located.Value.DocumentPath);
            if (located is null || matched is null)
            {
                undocumented.Add($"  {method} {pattern}");
                continue;
            }

            routed.Add(new OperationKey(located.Value.Document, method, matched.Value.Template));
        }

        var listed = ServedOperations.Load().Where(s => s.Flavor == flavorName).Select(s => s.Operation).ToHashSet();
        var problems = new List<string>();
        if (undocumented.Count > 0)
        {
            problems.Add("Routed but described by no Atlassian document (a real site would not serve it):" + Environment.NewLine + string.Join(Environment.NewLine, undocumented));
        }

        var notListed = routed.Except(listed).Select(o => $"  {flavorName} {o}").OrderBy(x => x, StringComparer.Ordinal).ToList();
        if (notListed.Count > 0)
        {
            problems.Add("Routed but missing from Conformance/served-operations.txt (add the line, then a conformance test):" + Environment.NewLine + string.Join(Environment.NewLine, notListed));
        }

        var notRouted = listed.Except(routed).Select(o => $"  {flavorName} {o}").OrderBy(x => x, StringComparer.Ordinal).ToList();
        if (notRouted.Count > 0)
        {
            problems.Add("Listed but not routed by the emulator (remove the line or restore the route):" + Environment.NewLine + string.Join(Environment.NewLine, notRouted));
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>
    /// (METHOD, "/route/pattern") of every endpoint. RunningEmulator keeps its WebApplication private, so it is found by
    /// type; the endpoint list comes from ASP.NET Core's own EndpointDataSource.
    /// </summary>
    private static IEnumerable<(string Method, string Pattern)> Routes(RunningEmulator emulator)
    {
        var app = typeof(RunningEmulator).GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            .Where(f => typeof(WebApplication).IsAssignableFrom(f.FieldType))
            .Select(f => (WebApplication?)f.GetValue(emulator))
            .FirstOrDefault()
            ?? throw new InvalidOperationException("RunningEmulator no longer holds a WebApplication field; update ServedOperationsListTests.Routes.");
        var sources = app.Services.GetServices<EndpointDataSource>().ToList();
        // WebApplication registers its route builder's data sources lazily; the app itself is an IEndpointRouteBuilder.
        var endpoints = ((IEndpointRouteBuilder)app).DataSources.Concat(sources).SelectMany(s => s.Endpoints).OfType<RouteEndpoint>().Distinct();
        foreach (var endpoint in endpoints)
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? Array.Empty<string>();
            foreach (var method in methods)
            {
                yield return (method.ToUpperInvariant(), pattern);
            }
        }
    }
}
