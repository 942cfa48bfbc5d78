namespace Florascope.Geography;

/// <summary>WGS84 coordinates in degrees. NaN compares false to every bound, so finiteness is checked first.</summary>
public static class WgsDegrees
{
    public static bool IsLatitude(double value) => double.IsFinite(value) && value is >= -90 and <= 90;

    public static bool IsLongitude(double value) => double.IsFinite(value) && value is >= -180 and <= 180;
}
