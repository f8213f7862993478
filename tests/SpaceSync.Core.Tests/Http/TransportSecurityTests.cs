using System.Net;
using SpaceSync.Core.Http;
using Xunit;

namespace SpaceSync.Core.Tests.Http;

public sealed class TransportSecurityTests
{
    [Fact]
    public void Adds_TLS_12_to_the_old_NET_Framework_default()
    {
#pragma warning disable CS0618, SYSLIB0039 // the obsolete protocols are what Windows PowerShell 5.1 starts with
        var legacy = SecurityProtocolType.Ssl3 | SecurityProtocolType.Tls;
        Assert.Equal(legacy | SecurityProtocolType.Tls12, TransportSecurity.Widened(legacy));
#pragma warning restore CS0618, SYSLIB0039
    }

    [Fact]
    public void Leaves_the_operating_systems_choice_alone()
    {
        // SystemDefault (0): the OS picks, TLS 1.3 included; adding a flag would pin the choice.
        Assert.Equal((SecurityProtocolType)0, TransportSecurity.Widened(0));
    }

    [Fact]
    public void Keeps_what_was_allowed_already()
    {
        var modern = SecurityProtocolType.Tls12 | SecurityProtocolType.Tls13;
        Assert.Equal(modern, TransportSecurity.Widened(modern));
    }
}
