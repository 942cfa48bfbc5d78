using System.Net;
using System.Net.Sockets;

namespace Florascope.Tests.TestSupport;

/// <summary>A loopback port nothing listens on (bound once by the system, then released): a server that is down.</summary>
public static class ClosedPort
{
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
