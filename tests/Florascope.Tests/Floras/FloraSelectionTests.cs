using Florascope.Floras;

namespace Florascope.Tests.Floras;

/// <summary>The cap and the split choose whole occurrences, deterministically; no occurrence is ever on both sides.</summary>
public sealed class FloraSelectionTests
{
    private static readonly Dictionary<string, FloraTaxon> Taxa = new(StringComparer.Ordinal);

    private static FloraTaxon Taxon(string key)
    {
        lock (Taxa)
        {
            if (!Taxa.TryGetValue(key, out var taxon)) Taxa[key] = taxon = new FloraTaxon(key, "Species " + key, "L.", "Genus", "Family");
            return taxon;
        }
    }

    private static FloraOccurrence Occurrence(string id, string species, int photos) =>
        new(id, Taxon(species), "https://www.gbif.org/occurrence/" + id,
            [.. Enumerable.Range(0, photos).Select(i => new FloraPhoto(id, $"http://127.0.0.1/{id}/{i}.jpg", PhotoLicence.CcBy, null, null, null, null, null))]);

    private static int PhotosOf(IEnumerable<FloraOccurrence> occurrences, string species) =>
        occurrences.Where(o => o.Taxon.SpeciesKey == species).Sum(o => o.Photos.Count);

    [Fact]
    public void CapTakesWholeOccurrencesUpToTheCap()
    {
        FloraOccurrence[] input =
        [
            Occurrence("a1", "A", 2), Occurrence("a2", "A", 2), Occurrence("a3", "A", 2),
            Occurrence("b1", "B", 5), Occurrence("b2", "B", 1),
            Occurrence("c1", "C", 1),
        ];
        var capped = FloraSelection.Cap(input, 4);
        // A: two of its three 2-photo occurrences; B: the 5-photo one does not fit, the 1-photo one does; C: under the cap.
        Assert.Equal(4, PhotosOf(capped, "A"));
        Assert.Equal(2, capped.Count(o => o.Taxon.SpeciesKey == "A"));
        Assert.Equal(["b2", "c1"], capped.Where(o => o.Taxon.SpeciesKey != "A").Select(o => o.OccurrenceId));
        // The input's order is kept, and the same input in another order makes the same choice.
        Assert.Equal(capped, input.Where(capped.Contains));
        Assert.Equal(capped.Select(o => o.OccurrenceId).Order(), FloraSelection.Cap([.. input.Reverse()], 4).Select(o => o.OccurrenceId).Order());
        Assert.Throws<ArgumentOutOfRangeException>(() => FloraSelection.Cap(input, 0));
    }

    [Fact]
    public void SplitIsByOccurrenceWithAboutTheFractionOnValidation()
    {
        var input = new List<FloraOccurrence>();
        input.AddRange(Enumerable.Range(1, 10).Select(i => Occurrence($"ten-{i}", "Ten", 1)));
        input.Add(Occurrence("two-1", "Two", 3));
        input.Add(Occurrence("two-2", "Two", 3));
        input.Add(Occurrence("one-1", "One", 30));
        input.Add(Occurrence("few-1", "Few", 2));
        input.Add(Occurrence("few-2", "Few", 1));
        input.Add(Occurrence("empty-1", "Ten", 0));
        var split = FloraSelection.Split(input, minImages: 5, validationFraction: 0.2);

        // Ten photos in ten occurrences: 2 on validation (0.2 x 10), 8 on training.
        Assert.Equal(2, split.Validation.Count(o => o.Taxon.SpeciesKey == "Ten"));
        Assert.Equal(8, split.Train.Count(o => o.Taxon.SpeciesKey == "Ten"));
        // Two occurrences: one on each side, though 3 of 6 photos is more than 0.2.
        Assert.Single(split.Validation, o => o.Taxon.SpeciesKey == "Two");
        Assert.Single(split.Train, o => o.Taxon.SpeciesKey == "Two");
        // One occurrence cannot be split: all its photos train.
        Assert.Single(split.Train, o => o.Taxon.SpeciesKey == "One");
        Assert.DoesNotContain(split.Validation, o => o.Taxon.SpeciesKey == "One");
        // Three photos, under the minimum of five: left out, on neither side.
        var tooFew = Assert.Single(split.TooFew);
        Assert.Equal(("Few", 3), (tooFew.Taxon.SpeciesKey, tooFew.Photos));
        Assert.DoesNotContain(split.Train.Concat(split.Validation), o => o.Taxon.SpeciesKey == "Few" || o.Photos.Count == 0);
        // Deterministic: the same choice from the input in another order.
        var again = FloraSelection.Split([.. Enumerable.Reverse(input)], 5, 0.2);
        Assert.Equal(split.Validation.Select(o => o.OccurrenceId).Order(), again.Validation.Select(o => o.OccurrenceId).Order());
    }

    [Fact]
    public void AZeroFractionLeavesValidationEmpty()
    {
        var split = FloraSelection.Split([Occurrence("x1", "X", 1), Occurrence("x2", "X", 1)], 0, 0);
        Assert.Empty(split.Validation);
        Assert.Equal(2, split.Train.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => FloraSelection.Split([], 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => FloraSelection.Split([], 0, double.NaN));
    }

    /// <summary>Property-style: over many random inputs, no occurrence on both sides, every species kept with two occurrences has both sides, caps hold.</summary>
    [Fact]
    public void PropertiesHoldOverManyRandomInputs()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var input = new List<FloraOccurrence>();
            var speciesCount = random.Next(1, 8);
            for (var s = 0; s < speciesCount; s++)
                for (int i = 0, n = random.Next(1, 30); i < n; i++)
                    input.Add(Occurrence($"{seed}-{s}-{i}", $"S{s}", random.Next(0, 6)));
            var minImages = random.Next(0, 12);
            var fraction = new[] { 0.1, 0.2, 0.3, 0.5 }[random.Next(4)];
            var split = FloraSelection.Split(input, minImages, fraction);

            var trainIds = split.Train.Select(o => o.OccurrenceId).ToHashSet();
            Assert.DoesNotContain(split.Validation, o => trainIds.Contains(o.OccurrenceId));
            foreach (var species in input.GroupBy(o => o.Taxon.SpeciesKey))
            {
                var withPhotos = species.Where(o => o.Photos.Count > 0).ToList();
                var photos = withPhotos.Sum(o => o.Photos.Count);
                var train = split.Train.Where(o => o.Taxon.SpeciesKey == species.Key).ToList();
                var validation = split.Validation.Where(o => o.Taxon.SpeciesKey == species.Key).ToList();
                if (photos < minImages)
                {
                    Assert.Empty(train.Concat(validation));
                    if (withPhotos.Count > 0) Assert.Contains(split.TooFew, t => t.Taxon.SpeciesKey == species.Key && t.Photos == photos);
                    continue;
                }
                // Every photo is on exactly one side.
                Assert.Equal(withPhotos.Count, train.Count + validation.Count);
                if (withPhotos.Count >= 2)
                {
                    Assert.NotEmpty(validation);
                    Assert.NotEmpty(train);
                }
                var target = fraction * photos;
                var largest = withPhotos.Count == 0 ? 0 : withPhotos.Max(o => o.Photos.Count);
                var onValidation = validation.Sum(o => o.Photos.Count);
                Assert.True(onValidation <= target + largest, $"seed {seed}: {onValidation} photos on validation for a target of {target}");
                Assert.True(onValidation >= target - largest || train.Count == 1, $"seed {seed}: {onValidation} photos on validation for a target of {target}");
            }

            var max = random.Next(1, 40);
            var capped = FloraSelection.Cap(input, max);
            var chosen = capped.ToHashSet();
            foreach (var species in input.GroupBy(o => o.Taxon.SpeciesKey))
            {
                var total = PhotosOf(capped, species.Key);
                Assert.True(total <= max, $"seed {seed}: {total} photos over the cap of {max}");
                // Whatever was passed over did not fit.
                Assert.All(species.Where(o => o.Photos.Count > 0 && !chosen.Contains(o)), o => Assert.True(total + o.Photos.Count > max));
            }
            var shuffled = input.OrderBy(_ => random.Next()).ToList();
            Assert.Equal(capped.Select(o => o.OccurrenceId).Order(), FloraSelection.Cap(shuffled, max).Select(o => o.OccurrenceId).Order());
            Assert.Equal(split.Validation.Select(o => o.OccurrenceId).Order(), FloraSelection.Split(shuffled, minImages, fraction).Validation.Select(o => o.OccurrenceId).Order());
        }
    }
}
