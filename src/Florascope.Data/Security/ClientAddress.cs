using System.Net;
using System.Net.Sockets;

namespace Florascope.Data.Security;

/// <summary>
/// What one client is, for every per-address limit (the concurrency cap, the daily limit without an
/// account, sign-in throttling): an IPv4 address itself (also when written as IPv4-mapped IPv6), an
/// IPv6 address by its /64, which one subscriber usually holds whole; counting single IPv6 addresses
/// would let one host rotate through its /64 past every limit.
/// </summary>
public static class ClientAddress
{
    public static string Key(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
