using System.Reflection;
using SpaceSync.Core.Sites;
using Xunit;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>
/// The cmdlet assembly may use only Core's own types (plus the BCL): no Polly, Microsoft.Extensions,
/// Bcl packages or System.Text.Json may appear in a public signature of the Sites API.
/// </summary>
public sealed class PublicSurfaceTests
{
    private static readonly string[] Forbidden = { "Polly", "Microsoft.Extensions", "Microsoft.Bcl", "System.Text.Json" };

    [Fact]
    public void The_public_sites_api_exposes_no_third_party_types()
    {
        var types = typeof(IConfluenceSite).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == typeof(IConfluenceSite).Namespace || t.Namespace == "SpaceSync.Core.Http")
            .ToList();
        Assert.Contains(typeof(SiteClientFactory), types);
        Assert.DoesNotContain(types, t => t.Namespace == "SpaceSync.Core.Http"); // plumbing stays internal

        var leaks = new List<string>();
        foreach (var type in types)
        {
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var method in type.GetMethods(flags))
            {
                Check(type, method.Name, method.ReturnType, leaks);
                foreach (var parameter in method.GetParameters()) Check(type, method.Name, parameter.ParameterType, leaks);
            }

            foreach (var constructor in type.GetConstructors(flags))
                foreach (var parameter in constructor.GetParameters()) Check(type, ".ctor", parameter.ParameterType, leaks);
            foreach (var property in type.GetProperties(flags)) Check(type, property.Name, property.PropertyType, leaks);
            if (type.BaseType != null) Check(type, "base", type.BaseType, leaks);
            foreach (var contract in type.GetInterfaces()) Check(type, "interface", contract, leaks);
        }

        Assert.Empty(leaks);
    }

    private static void Check(Type owner, string member, Type type, List<string> leaks)
    {
        foreach (var part in Flatten(type))
        {
            var assembly = part.Assembly.GetName().Name ?? "";
            if (Forbidden.Any(f => assembly.StartsWith(f, StringComparison.Ordinal)))
            {
                leaks.Add($"{owner.Name}.{member}: {part.FullName} ({assembly})");
            }
        }
    }

    private static IEnumerable<Type> Flatten(Type type)
    {
        if (type.HasElementType)
        {
            foreach (var inner in Flatten(type.GetElementType()!)) yield return inner;
            yield break;
        }

        yield return type;
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments())
                foreach (var inner in Flatten(argument)) yield return inner;
        }
    }
}
