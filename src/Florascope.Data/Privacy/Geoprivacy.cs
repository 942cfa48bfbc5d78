namespace Florascope.Data.Privacy;

/// <summary>Who may see an observation's true position; stored as lower-case text.</summary>
public enum Geoprivacy
{
    /// <summary>Everyone sees the true position.</summary>
    Open,
    /// <summary>The public sees a fixed random point of the ~0.2 x 0.2 degree cell containing it.</summary>
    Obscured,
    /// <summary>The public sees no position.</summary>
    Private,
}
