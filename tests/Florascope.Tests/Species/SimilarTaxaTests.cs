using Florascope.Species;

namespace Florascope.Tests.Species;

public sealed class SimilarTaxaTests
{
    [Fact]
    public void VotesComeFirstThenTheModelAndATaxonInBothIsOneEntry()
    {
        var similar = SimilarTaxa.Merge("Acer campestre",
            [("Acer palmatum", 1), ("Platanus × hispanica", 3), ("Crataegus crus-galli", 1)],
            [("Acer palmatum", 0.9f), ("Morus rubra", 0.8f), ("Celtis occidentalis", 0.7f)]);
        Assert.Equal(
            [
                new SimilarTaxon("Platanus × hispanica", 3, null),
                new SimilarTaxon("Acer palmatum", 1, 0.9f),
                new SimilarTaxon("Crataegus crus-galli", 1, null),
                new SimilarTaxon("Morus rubra", 0, 0.8f),
                new SimilarTaxon("Celtis occidentalis", 0, 0.7f),
            ], similar);
    }

    [Fact]
    public void TheTaxonItselfAndEmptyCountsAreNeverListedAndTheListIsCapped()
    {
        var similar = SimilarTaxa.Merge("Tulipa", [("Tulipa", 5), ("Rosa", 0)], [("Tulipa", 1f), ("Rosa", 0.5f), ("Iris × germanica", 0.4f)], count: 1);
        Assert.Equal([new SimilarTaxon("Rosa", 0, 0.5f)], similar);
        Assert.Empty(SimilarTaxa.Merge("Tulipa", [], []));
    }
}
