using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Florascope.Bundles;
using Florascope.Identification;
using Florascope.Imaging;

namespace Florascope.Cli;

public static class IdentifyCommand
{
    public static Command Create()
    {
        var images = new Argument<string[]>("images") { Description = "1 to 5 photos (JPEG or PNG) of one plant.", Arity = ArgumentArity.OneOrMore };
        var organs = new Option<string[]>("--organ") { Description = "Organ shown by each photo, repeated in the order of the photos: leaf, flower, fruit, bark, habit, other or auto (default: auto for all)." };
        var project = new Option<string>("--project") { Description = "Flora to identify within: all, weurope, namerica, useful.", DefaultValueFactory = _ => "all" };
        var lang = new Option<string>("--lang") { Description = "Language of the vernacular names (en, fr, de, es, it, nl, pt, pl, cs, ja, zh, ar, ru).", DefaultValueFactory = _ => "en" };
        var results = new Option<int>("--results") { Description = "Number of results to show.", DefaultValueFactory = _ => 5 };
        var noReject = new Option<bool>("--no-reject") { Description = "Never answer 'Species not found' for photos judged not to show a plant." };
        var json = new Option<bool>("--json") { Description = "Print the result as the API v2 JSON response." };
        var related = new Option<bool>("--related") { Description = "With --json, include the reference photos of each result." };
        var model = new Option<string?>("--model") { Description = "Model bundle folder (default: the shipped models/demo)." };

        var command = new Command("identify", "Name the plant in 1-5 photos.") { images, organs, project, lang, results, noReject, json, related, model };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var paths = parse.GetValue(images) ?? [];
            var organList = parse.GetValue(organs) ?? [];
            if (organList.Length != 0 && organList.Length != paths.Length)
                throw new IdentifyException(IdentifyError.OrganCountMismatch, $"{organList.Length} organs for {paths.Length} images: give one --organ per image, in order, or none.");
            if (paths.Length > IdentifyRequest.MaxImages)
                throw new IdentifyException(IdentifyError.TooManyImages, $"Too many images: {paths.Length}; at most {IdentifyRequest.MaxImages} photos of one plant.");
            var bundle = EngineFactory.LoadBundle(parse.GetValue(model));
            var request = new IdentifyRequest
            {
                Images = paths.Select((p, i) => new IdentifyImage(ReadImageFile(p), organList.Length == 0 ? "auto" : organList[i], Path.GetFileName(p))).ToList(),
                Project = parse.GetValue(project)!,
                Lang = parse.GetValue(lang)!,
                MaxResults = parse.GetValue(results),
                NoReject = parse.GetValue(noReject),
            };
            using var backbone = EngineFactory.CreateBackbone();
            var engine = EngineFactory.CreateEngine(bundle, backbone);
            var result = engine.Identify(request);

            if (result.Rejected)
            {
                if (parse.GetValue(json))
                    Console.WriteLine(JsonSerializer.Serialize(new ApiError(404, "Not Found", "Species not found"), CliJson.Options));
                Console.Error.WriteLine($"florascope: Species not found: the photos do not seem to show a plant (plant probability {result.PlantProbability:F2}); use --no-reject to identify anyway.");
                return ExitCodes.NotAPlant;
            }
            if (parse.GetValue(json))
            {
                var dataRoot = ModelBundle.DefaultDataDirectory;
                var body = ApiV2.Build(result, parse.GetValue(related), null, r =>
                {
                    var uri = new Uri(Path.GetFullPath(Path.Combine(dataRoot, r.Path))).AbsoluteUri;
                    return new ApiImageUrl(uri, uri, uri);
                });
                Console.WriteLine(JsonSerializer.Serialize(body, CliJson.Options));
            }
            else
            {
                PrintTable(result, request);
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Reads a photo, refusing huge files before reading them.</summary>
    public static byte[] ReadImageFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"No such image file: {path}");
        if (info.Length > DecodeLimits.Default.MaxBytes)
            throw new ImageInputException(ImageProblem.TooLarge, $"{path}: {info.Length} bytes; the limit is {DecodeLimits.Default.MaxBytes}.");
        return File.ReadAllBytes(path);
    }

    private static void PrintTable(IdentificationResult r, IdentifyRequest request)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"Model {r.ModelVersion} · project {r.Project} · {r.ImageHashes.Count} photo(s) · plant probability {r.PlantProbability.ToString("F2", inv)}");
        for (var i = 0; i < r.PredictedOrgans.Count; i++)
        {
            var o = r.PredictedOrgans[i];
            Console.WriteLine($"  photo {i + 1} {o.FileName}: organ {request.Images[i].Organ}, predicted {o.Organ} ({o.Score.ToString("F2", inv)})");
        }
        Console.WriteLine();
        Console.WriteLine($"{"#",2}  {"score",7}  {"taxon",-44} {"family",-16} common name ({r.Language})");
        var rank = 0;
        foreach (var t in r.Results)
        {
            rank++;
            var names = t.Taxon.NamesIn(r.Language);
            Console.WriteLine($"{rank,2}  {(t.Score * 100).ToString("F2", inv),6}%  {Trim(t.Taxon.ScientificName, 44),-44} {Trim(t.Taxon.Family, 16),-16} {(names.Count > 0 ? names[0] : "")}");
            if (t.References.Count > 0)
                Console.WriteLine($"{"",13}similar: {string.Join(", ", t.References.Select(m => $"{Path.GetFileName(m.Image.Path)} ({m.Similarity.ToString("F2", inv)})"))}");
        }
    }

    private static string Trim(string s, int width) => s.Length <= width ? s : s[..(width - 1)] + "…";
}

public static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
