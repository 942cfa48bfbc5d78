using Florascope.Identification;
using Florascope.Taxonomy;

namespace Florascope.Tests.Identification;

public class ProjectChoiceTests
{
    // Four taxa: a and b in weurope, b and c in useful, d in no regional flora.
    private static readonly Checklist Flora = new([
        new Taxon { ScientificNameWithoutAuthor = "A a", Projects = ["weurope"] },
        new Taxon { ScientificNameWithoutAuthor = "B b", Projects = ["weurope", "useful"] },
        new Taxon { ScientificNameWithoutAuthor = "C c", Projects = ["useful"] },
        new Taxon { ScientificNameWithoutAuthor = "D d", Projects = [] },
    ]);

    [Fact]
    public void TheSmallestFloraHoldingNearlyAllTheProbabilityIsChosen() =>
        Assert.Equal("weurope", ProjectChoice.Choose([0.5, 0.45, 0.03, 0.02], Flora));

    [Fact]
    public void AProbabilitySpreadOverFlorasStaysInAll() =>
        Assert.Equal(Checklist.AllProject, ProjectChoice.Choose([0.4, 0.1, 0.1, 0.4], Flora));

    [Fact]
    public void OfTwoFlorasOfOneSizeTheOneWithMoreMassWins() =>
        Assert.Equal("useful", ProjectChoice.Choose([0.02, 0.48, 0.5, 0], Flora));

    [Fact]
    public void TheShareIsAParameter()
    {
        Assert.Equal(Checklist.AllProject, ProjectChoice.Choose([0.85, 0.0, 0.0, 0.15], Flora));
        Assert.Equal("weurope", ProjectChoice.Choose([0.85, 0.0, 0.0, 0.15], Flora, share: 0.8));
    }

    [Fact]
    public void NoProbabilityAtAllIsAll() =>
        Assert.Equal(Checklist.AllProject, ProjectChoice.Choose([0, 0, 0, 0], Flora));
}
