using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Florascope.Taxonomy;
using Florascope.Tests.TestSupport;
using SkiaSharp;

namespace Florascope.Tests.Web;

/// <summary>
/// POST /v2/identify/{project} over real HTTP, checked field by field against
/// shared/docs/identify-api-v2.md, with requests shaped as real clients send them.
/// </summary>
[Trait("Category", "Slow")]
[Collection(SharedServerCollection.Name)]
public sealed class IdentifyContractTests(SharedServerFixture fixture)
{
    private static readonly string[] OrganValues = ["leaf", "flower", "fruit", "bark", "habit", "other", "auto"];

    private FlorascopeHost Host => fixture.Host;

    private static Checklist Checklist => SharedServerFixture.Checklist.Value;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static Taxon TaxonOf(JsonNode result) =>
        Checklist.Taxa.Single(t => t.ScientificNameWithoutAuthor == result["species"]!["scientificNameWithoutAuthor"]!.GetValue<string>());

    private static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];

    private async Task<JsonNode> IdentifyOkAsync(HttpContent body, string project = "all", string query = "", TestKey? key = null)
    {
        key ??= await Host.CreateKeyAsync();
        using var response = await Host.Client.IdentifyAsync(key, body, project, query);
        var json = await response.JsonAsync();
        ContractSchemas.AssertValid(ContractSchemas.Identify, json);
        return json;
    }

    [Fact]
    public async Task OneImageWithOrganAutoFollowsTheContractFieldByField()
    {
        var photo = Photos.Plant("Taraxacum_officinale");
        var key = await Host.CreateKeyAsync(quota: 500);
        using var response = await Host.Client.IdentifyAsync(key, Photos.Form(photo, "auto"));
        var body = (await response.JsonAsync()).AsObject();
        ContractSchemas.AssertValid(ContractSchemas.Identify, body);

        // The top-level keys, in the documented order; no "images" key anywhere without include-related-images.
        Assert.Equal(["query", "predictedOrgans", "language", "preferedReferential", "bestMatch", "results", "version", "remainingIdentificationRequests"],
            body.Select(p => p.Key));

        var query = body["query"]!.AsObject();
        Assert.Equal(["project", "images", "organs", "includeRelatedImages", "noReject", "type"], query.Select(p => p.Key));
        Assert.Equal("all", query["project"]!.GetValue<string>());
        Assert.Equal([Sha256(photo.Data)], Strings(query["images"]));
        Assert.Matches("^[0-9a-f]{64}$", Strings(query["images"])[0]);
        Assert.Equal(["auto"], Strings(query["organs"]));
        Assert.False(query["includeRelatedImages"]!.GetValue<bool>());
        Assert.False(query["noReject"]!.GetValue<bool>());
        Assert.Null(query["type"]);
        Assert.True(query.ContainsKey("type"));

        var predicted = Assert.Single(body["predictedOrgans"]!.AsArray())!.AsObject();
        Assert.Equal(["image", "filename", "organ", "score"], predicted.Select(p => p.Key));
        Assert.Equal(Sha256(photo.Data), predicted["image"]!.GetValue<string>());
        Assert.Equal(photo.FileName, predicted["filename"]!.GetValue<string>());
        Assert.Contains(predicted["organ"]!.GetValue<string>(), OrganValues);
        Assert.InRange(predicted["score"]!.GetValue<double>(), 0, 1);

        Assert.Equal("en", body["language"]!.GetValue<string>());
        Assert.Equal("all", body["preferedReferential"]!.GetValue<string>());

        var results = body["results"]!.AsArray();
        Assert.NotEmpty(results);
        Assert.InRange(results.Count, 1, 20);
        var scores = results.Select(r => r!["score"]!.GetValue<double>()).ToList();
        Assert.All(scores, s => Assert.InRange(s, 0, 1));
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.Equal(results[0]!["species"]!["scientificName"]!.GetValue<string>(), body["bestMatch"]!.GetValue<string>());
        Assert.Equal("Taraxacum officinale F.H.Wigg.", body["bestMatch"]!.GetValue<string>());

        foreach (var result in results)
        {
            var r = result!.AsObject();
            Assert.DoesNotContain("images", r.Select(p => p.Key));
            var taxon = TaxonOf(r);
            var species = r["species"]!.AsObject();
            Assert.Equal(["scientificNameWithoutAuthor", "scientificNameAuthorship", "genus", "family", "commonNames", "scientificName"],
                species.Select(p => p.Key));
            Assert.Equal(taxon.Authorship, species["scientificNameAuthorship"]!.GetValue<string>());
            Assert.Equal(taxon.ScientificNameWithoutAuthor, species["scientificNameWithoutAuthor"]!.GetValue<string>());
            Assert.Equal(string.IsNullOrEmpty(taxon.Authorship) ? taxon.ScientificNameWithoutAuthor : $"{taxon.ScientificNameWithoutAuthor} {taxon.Authorship}",
                species["scientificName"]!.GetValue<string>());
            foreach (var (rank, name) in new[] { ("genus", taxon.Genus), ("family", taxon.Family) })
            {
                var n = species[rank]!.AsObject();
                Assert.Equal(["scientificNameWithoutAuthor", "scientificNameAuthorship", "scientificName"], n.Select(p => p.Key));
                Assert.Equal(name, n["scientificNameWithoutAuthor"]!.GetValue<string>());
                Assert.Equal("", n["scientificNameAuthorship"]!.GetValue<string>());
                Assert.Equal(name, n["scientificName"]!.GetValue<string>());
            }
            Assert.Equal(taxon.CommonNames["en"], Strings(species["commonNames"]));
            AssertIds(r, taxon);
        }

        Assert.Equal("florascope-demo-1", body["version"]!.GetValue<string>());
        Assert.Equal(499, body["remainingIdentificationRequests"]!.GetValue<int>());
    }

    /// <summary>gbif.id and powo.id are strings equal to the checklist's keys, and absent when it has none.</summary>
    private static void AssertIds(JsonObject result, Taxon taxon)
    {
        foreach (var (name, id) in new[] { ("gbif", taxon.GbifKey), ("powo", taxon.PowoId) })
        {
            if (id is null)
            {
                Assert.False(result.ContainsKey(name), $"{taxon.ScientificNameWithoutAuthor} has no {name} key, yet the result has {name}.");
                continue;
            }
            var value = result[name]!["id"]!;
            Assert.Equal(System.Text.Json.JsonValueKind.String, value.GetValueKind());
            Assert.Equal(id, value.GetValue<string>());
        }
    }

    [Fact]
    public async Task GbifIsAStringWhenKnownAndOmittedWhenTheChecklistHasNoKey()
    {
        var ranunculus = Checklist.Taxa.Single(t => t.ScientificNameWithoutAuthor == "Ranunculus acris");
        Assert.Null(ranunculus.GbifKey);

        var body = await IdentifyOkAsync(Photos.Form(Photos.Plant("Ranunculus_acris"), "flower"), "weurope", "nb-results=100");

        var results = body["results"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal(Checklist.Taxa.Count(t => t.InProject("weurope")), results.Count);
        var r = results.Single(x => x["species"]!["scientificNameWithoutAuthor"]!.GetValue<string>() == "Ranunculus acris");
        Assert.False(r.ContainsKey("gbif"));
        Assert.Equal("712125-1", r["powo"]!["id"]!.GetValue<string>());
        Assert.Contains(results, x => x.ContainsKey("gbif"));
        foreach (var x in results) AssertIds(x, TaxonOf(x));
    }

    [Fact]
    public async Task NoOrgansFieldMeansAllAuto()
    {
        var photos = new[] { Photos.Plant("Tulipa"), Photos.Plant("Tulipa", 1) };
        var body = await IdentifyOkAsync(Photos.Form(photos));

        Assert.Equal(["auto", "auto"], Strings(body["query"]!["organs"]));
        Assert.Equal(photos.Select(p => Sha256(p.Data)), Strings(body["query"]!["images"]));
        Assert.Equal(photos.Select(p => p.FileName), body["predictedOrgans"]!.AsArray().Select(o => o!["filename"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ThreeImagesKeepTheirOrgansInOrder()
    {
        var photos = new[] { Photos.Plant("Acer_campestre"), Photos.Plant("Rosa"), Photos.Plant("Rosa", 1) };
        var body = await IdentifyOkAsync(Photos.Form(photos, ["leaf", "flower", "auto"]));

        Assert.Equal(["leaf", "flower", "auto"], Strings(body["query"]!["organs"]));
        Assert.Equal(photos.Select(p => Sha256(p.Data)), Strings(body["query"]!["images"]));
        var predicted = body["predictedOrgans"]!.AsArray();
        Assert.Equal(photos.Select(p => Sha256(p.Data)), predicted.Select(o => o!["image"]!.GetValue<string>()));
        Assert.Equal(photos.Select(p => p.FileName), predicted.Select(o => o!["filename"]!.GetValue<string>()));
        // The model's own view of each photo: the leaf scan looks like a leaf, the roses like flowers.
        Assert.Equal(["leaf", "flower", "flower"], predicted.Select(o => o!["organ"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("flower")]
    [InlineData("leaf")]
    [InlineData("fruit")]
    [InlineData("bark")]
    [InlineData("habit")]
    [InlineData("other")]
    public async Task EachDocumentedOrganIsAcceptedAndEchoed(string organ)
    {
        var body = await IdentifyOkAsync(Photos.Form(Photos.Plant("Rosa"), organ), query: "nb-results=1");
        Assert.Equal([organ], Strings(body["query"]!["organs"]));
    }

    [Fact]
    public async Task LangFrGivesFrenchCommonNames()
    {
        var body = await IdentifyOkAsync(Photos.Form(Photos.Plant("Taraxacum_officinale"), "auto"), query: "lang=fr");

        Assert.Equal("fr", body["language"]!.GetValue<string>());
        foreach (var r in body["results"]!.AsArray())
            Assert.Equal(TaxonOf(r!).NamesIn("fr"), Strings(r!["species"]!["commonNames"]));
        Assert.Equal(["pissenlit", "dent-de-lion"], Strings(body["results"]![0]!["species"]!["commonNames"]));
    }

    [Fact]
    public async Task NbResultsCapsTheResults()
    {
        var body = await IdentifyOkAsync(Photos.Form(Photos.Plant("Helianthus_annuus"), "auto"), query: "nb-results=2");
        Assert.Equal(2, body["results"]!.AsArray().Count);
    }

    [Fact]
    public async Task ProjectNamericaReturnsOnlyItsTaxa()
    {
        var body = await IdentifyOkAsync(Photos.Form(Photos.Plant("Acer_campestre"), "leaf"), "namerica", "nb-results=100");

        Assert.Equal("namerica", body["query"]!["project"]!.GetValue<string>());
        Assert.Equal("namerica", body["preferedReferential"]!.GetValue<string>());
        var names = body["results"]!.AsArray().Select(r => r!["species"]!["scientificNameWithoutAuthor"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(Checklist.Taxa.Where(t => t.Projects.Contains("namerica")).Select(t => t.ScientificNameWithoutAuthor).Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task TypeKtIsEchoed()
    {
        var body = await IdentifyOkAsync(Photos.Form(Photos.Plant("Rosa"), "auto"), query: "type=kt&nb-results=1");
        Assert.Equal("kt", body["query"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task RelatedImagesCarryCreditsAndServableUrls()
    {
        var body = await IdentifyOkAsync(Photos.Form(Photos.Plant("Taraxacum_officinale"), "auto"), query: "include-related-images=true&nb-results=3");

        Assert.True(body["query"]!["includeRelatedImages"]!.GetValue<bool>());
        var results = body["results"]!.AsArray();
        Assert.Equal(3, results.Count);
        foreach (var r in results)
        {
            var images = r!["images"]!.AsArray();
            Assert.NotEmpty(images);
            foreach (var image in images)
            {
                foreach (var field in new[] { "organ", "author", "license", "citation" })
                    Assert.False(string.IsNullOrEmpty(image![field]?.GetValue<string>()), $"images[].{field} is empty");
                Assert.Contains(image!["organ"]!.GetValue<string>(), OrganValues);
            }
        }

        // One image of the best result, in its three sizes, fetched as a browser would.
        var url = results[0]!["images"]![0]!["url"]!;
        var sizes = new Dictionary<string, int?> { ["o"] = null, ["m"] = 600, ["s"] = 160 };
        foreach (var (size, longSide) in sizes)
        {
            var address = new Uri(url[size]!.GetValue<string>());
            Assert.Equal(Host.BaseAddress.Authority, address.Authority);
            using var response = await Host.Client.GetAsync(address, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
            var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
            Assert.Equal(Florascope.Imaging.ImageKind.Jpeg, Florascope.Imaging.ImageFormat.Sniff(bytes));
            if (longSide is not { } max) continue;
            using var bitmap = SKBitmap.Decode(bytes);
            Assert.NotNull(bitmap);
            Assert.InRange(Math.Max(bitmap.Width, bitmap.Height), 1, max);
        }
    }

    [Fact]
    public async Task ANonPlantPhotoIsSpeciesNotFound()
    {
        var key = await Host.CreateKeyAsync();
        using var response = await Host.Client.IdentifyAsync(key, Photos.Form(Photos.NonPlant("hammerhead"), "auto"));
        var message = await response.ErrorAsync(404);
        Assert.Equal("Species not found", message);
    }

    [Fact]
    public async Task ANonPlantPhotoWithNoRejectGetsResults()
    {
        var body = await IdentifyOkAsync(Photos.Form(Photos.NonPlant("hammerhead"), "auto"), query: "no-reject=true&nb-results=5");
        Assert.True(body["query"]!["noReject"]!.GetValue<bool>());
        Assert.Equal(5, body["results"]!.AsArray().Count);
        Assert.Equal(body["results"]![0]!["species"]!["scientificName"]!.GetValue<string>(), body["bestMatch"]!.GetValue<string>());
    }

    [Fact]
    public async Task FiveImagesAreAccepted()
    {
        var photos = Enumerable.Range(0, 5).Select(i => Photos.Plant("Rosa", i)).ToList();
        var body = await IdentifyOkAsync(Photos.Form(photos), query: "nb-results=1");
        Assert.Equal(5, body["query"]!["images"]!.AsArray().Count);
        Assert.Equal(5, body["predictedOrgans"]!.AsArray().Count);
    }

    [Fact]
    public async Task ANonAsciiFileNameIsEchoed()
    {
        var photo = Photos.Plant("Taraxacum_officinale") with { FileName = "pissenlit été.jpg" };
        var body = await IdentifyOkAsync(Photos.Form(photo, "auto"), query: "nb-results=1");
        Assert.Equal("pissenlit été.jpg", body["predictedOrgans"]![0]!["filename"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReferencePhotosOfHybridsAreServedDespiteTheTimesSignInTheirPath()
    {
        // "Iris × germanica": the × travels percent-encoded in the media URL.
        var body = await IdentifyOkAsync(Photos.Form(Photos.Plant("Iris_×_germanica"), "flower"), "useful", "include-related-images=true&nb-results=100");
        var iris = body["results"]!.AsArray().Single(r => r!["species"]!["scientificNameWithoutAuthor"]!.GetValue<string>() == "Iris × germanica");
        foreach (var image in iris!["images"]!.AsArray())
        {
            foreach (var size in new[] { "o", "s" })
            {
                using var response = await Host.Client.GetAsync(new Uri(image!["url"]![size]!.GetValue<string>()), Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    [Theory]
    [InlineData("media/demo-flora/val/Rosa/nothing.jpg")]
    [InlineData("media/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("media/../models/demo/manifest.json")]
    public async Task MediaServesOnlyReferencePhotos(string url)
    {
        using var response = await Host.Client.GetAsync(url, Ct);
        await response.ErrorAsync(404);
    }

    [Theory]
    [InlineData("all", "include-related-images=true")]
    [InlineData("all", "include-related-images=true&nb-results=1&lang=fr&type=legacy")]
    [InlineData("useful", "include-related-images=false&no-reject=true&nb-results=100")]
    [InlineData("weurope", "include-related-images=true&no-reject=true&nb-results=100")]
    public async Task EveryAnswerFollowsTheSchema(string project, string query)
    {
        // Several images of one plant, organs mixed; IdentifyOkAsync validates the body.
        var photos = new[] { Photos.Plant("Rosa"), Photos.Plant("Rosa", 1), Photos.Plant("Rosa", 2) };
        var body = await IdentifyOkAsync(Photos.Form(photos, ["flower", "auto", "leaf"]), project, query);

        var related = query.Contains("include-related-images=true", StringComparison.Ordinal);
        Assert.All(body["results"]!.AsArray(), r => Assert.Equal(related, r!.AsObject().ContainsKey("images")));
    }

    [Fact]
    public async Task ANonPlantWithNoRejectFollowsTheSchemaWithRelatedImages()
    {
        var photos = new[] { Photos.NonPlant("hammerhead"), Photos.Plant("Tulipa") };
        await IdentifyOkAsync(Photos.Form(photos), query: "no-reject=true&include-related-images=true&nb-results=5");
    }

    [Fact]
    public async Task EveryRelatedImageHasTheDateOfItsSourceDataSet()
    {
        var body = await IdentifyOkAsync(Photos.Form(Photos.Plant("Taraxacum_officinale"), "auto"), query: "include-related-images=true&nb-results=100");

        var images = body["results"]!.AsArray().SelectMany(r => r!["images"]!.AsArray()).Select(i => i!.AsObject()).ToList();
        Assert.Equal(Checklist.Taxa.Count * 3, images.Count);
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            var date = image["date"]!.AsObject();
            Assert.Equal(["timestamp", "string"], date.Select(p => p.Key));
            Assert.Equal(System.Text.Json.JsonValueKind.Number, date["timestamp"]!.GetValueKind());
            var timestamp = date["timestamp"]!.GetValue<long>();
            // The documented dates (docs/api.md): the publication of the photo's data set, by file prefix.
            var file = Uri.UnescapeDataString(new Uri(image["url"]!["o"]!.GetValue<string>()).AbsolutePath.Split('/')[^1]);
            var (prefix, expected, text) = file.Split('_')[0] switch
            {
                "ox17" => ("ox17", 1150502400000L, "June 17, 2006"),
                "tff" => ("tff", 1451606400000L, "January 1, 2016"),
                "seed" => ("seed", 1510704000000L, "November 15, 2017"),
                "leafsnap" => ("leafsnap", 1349568000000L, "October 7, 2012"),
                var other => throw new InvalidDataException($"A reference photo of unknown provenance: {file} ({other})"),
            };
            prefixes.Add(prefix);
            Assert.Equal(expected, timestamp);
            Assert.Equal(text, date["string"]!.GetValue<string>());
        }
        Assert.Equal(["leafsnap", "ox17", "seed", "tff"], prefixes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ErrorAnswersFollowTheErrorSchema()
    {
        // ErrorAsync validates each body against docs/schemas/api-error.schema.json.
        var key = await Host.CreateKeyAsync(quota: 1);
        var photo = Photos.Plant("Rosa");
        using (var r = await Host.Client.PostAsync("v2/identify/all", Photos.Form(photo, "auto"), Ct)) await r.ErrorAsync(401);
        using (var r = await Host.Client.IdentifyAsync(key, Photos.Form(photo, "auto"), "nowhere")) await r.ErrorAsync(404);
        using (var r = await Host.Client.IdentifyAsync(key, Photos.Form(photo, "auto"), query: "no-reject=maybe")) await r.ErrorAsync(400);
        using (var r = await Host.Client.IdentifyAsync(key, new MultipartFormDataContent { { new StringContent("leaf"), "organs" } })) await r.ErrorAsync(400);
        using (var r = await Host.Client.IdentifyAsync(key, Photos.Form(Photos.Made("a.jpg", "not an image"u8.ToArray())))) await r.ErrorAsync(400);
        using (var r = await Host.Client.IdentifyAsync(key, Photos.Form(Photos.Made("a.gif", [.. "GIF89a"u8, .. new byte[64]])))) await r.ErrorAsync(415);
        using (var r = await Host.Client.IdentifyAsync(key, Photos.Form(Photos.NonPlant("hammerhead"), "auto"))) await r.ErrorAsync(404);
        using (var r = await Host.Client.IdentifyAsync(key, Photos.Form(photo, "auto"), query: "nb-results=1")) await r.ErrorAsync(429);
        using (var r = await Host.Client.GetAsync("no/such/resource", Ct)) await r.ErrorAsync(404);
    }

    [Fact]
    public void TheSchemaRefusesWhatRealClientsTripOn()
    {
        var image = new JsonObject
        {
            ["organ"] = "flower", ["author"] = "a", ["license"] = "l", ["citation"] = "c",
            ["date"] = new JsonObject { ["timestamp"] = 1150502400000L, ["string"] = "June 17, 2006" },
            ["url"] = new JsonObject { ["o"] = "http://127.0.0.1/o", ["m"] = "http://127.0.0.1/m", ["s"] = "http://127.0.0.1/s" },
        };
        var name = new JsonObject { ["scientificNameWithoutAuthor"] = "Rosa", ["scientificNameAuthorship"] = "", ["scientificName"] = "Rosa" };
        JsonObject Body() => new()
        {
            ["query"] = new JsonObject
            {
                ["project"] = "all", ["images"] = new JsonArray("h"), ["organs"] = new JsonArray("auto"),
                ["includeRelatedImages"] = true, ["noReject"] = false, ["type"] = null,
            },
            ["predictedOrgans"] = new JsonArray(new JsonObject { ["image"] = "h", ["filename"] = "a.jpg", ["organ"] = "flower", ["score"] = 0.9 }),
            ["language"] = "en",
            ["preferedReferential"] = "all",
            ["bestMatch"] = "Rosa L.",
            ["results"] = new JsonArray(new JsonObject
            {
                ["score"] = 0.5,
                ["species"] = new JsonObject
                {
                    ["scientificNameWithoutAuthor"] = "Rosa", ["scientificNameAuthorship"] = "L.", ["genus"] = name.DeepClone(),
                    ["family"] = new JsonObject { ["scientificNameWithoutAuthor"] = "Rosaceae", ["scientificNameAuthorship"] = "", ["scientificName"] = "Rosaceae" },
                    ["commonNames"] = new JsonArray("rose"), ["scientificName"] = "Rosa L.",
                },
                ["gbif"] = new JsonObject { ["id"] = "8395064" },
                ["images"] = new JsonArray(image.DeepClone()),
                ["iucn"] = new JsonObject { ["id"] = "1", ["category"] = "LC" },
            }),
            ["version"] = "v",
            ["remainingIdentificationRequests"] = 3,
            ["otherResults"] = new JsonArray(),
        };
        Assert.Empty(ContractSchemas.Violations(ContractSchemas.Identify, Body()));

        var breaks = new (string Why, Action<JsonObject> Break)[]
        {
            ("an image without date", b => b["results"]![0]!["images"]![0]!.AsObject().Remove("date")),
            ("a date without its string", b => b["results"]![0]!["images"]![0]!["date"]!.AsObject().Remove("string")),
            ("a timestamp as a string", b => b["results"]![0]!["images"]![0]!["date"]!["timestamp"] = "1150502400000"),
            ("gbif null", b => b["results"]![0]!["gbif"] = null),
            ("gbif id as a number", b => b["results"]![0]!["gbif"]!["id"] = 8395064),
            ("powo null", b => b["results"]![0]!["powo"] = null),
            ("no query.type", b => b["query"]!.AsObject().Remove("type")),
            ("bestMatch null", b => b["bestMatch"] = null),
            ("no remaining count", b => b.Remove("remainingIdentificationRequests")),
            ("a score over 1", b => b["results"]![0]!["score"] = 1.5),
            ("an unknown organ", b => b["query"]!["organs"]![0] = "root"),
            ("no results", b => b["results"] = new JsonArray()),
            ("a relative image URL", b => b["results"]![0]!["images"]![0]!["url"]!["o"] = "/media/x.jpg"),
        };
        foreach (var (why, change) in breaks)
        {
            var body = Body();
            change(body);
            Assert.True(ContractSchemas.Violations(ContractSchemas.Identify, body).Count > 0, $"The schema accepts {why}.");
        }

        var error = new JsonObject { ["statusCode"] = 400, ["error"] = "Bad Request", ["message"] = "m" };
        Assert.Empty(ContractSchemas.Violations(ContractSchemas.Error, error));
        error["stack"] = "at ...";
        Assert.NotEmpty(ContractSchemas.Violations(ContractSchemas.Error, error));
    }
}
