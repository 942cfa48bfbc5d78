using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Florascope.Tests.TestSupport;

/// <summary>
/// The identification contract as JSON Schemas (docs/schemas), evaluated with JsonSchema.Net: a
/// failure names each wrong field and why.
/// </summary>
public static class ContractSchemas
{
    private static readonly Lazy<JsonSchema> LazyIdentify = new(() => Load("identify-v2.schema.json"));
    private static readonly Lazy<JsonSchema> LazyError = new(() => Load("api-error.schema.json"));

    /// <summary>The 200 answer of POST /v2/identify/{project}.</summary>
    public static JsonSchema Identify => LazyIdentify.Value;

    /// <summary>The error body {"statusCode", "error", "message"}.</summary>
    public static JsonSchema Error => LazyError.Value;

    public static string PathOf(string file) => System.IO.Path.Combine(RepoPaths.Root, "docs", "schemas", file);

    /// <summary>Fails with every violation listed when <paramref name="body"/> does not follow <paramref name="schema"/>.</summary>
    public static void AssertValid(JsonSchema schema, JsonNode body)
    {
        var errors = Violations(schema, body);
        Assert.True(errors.Count == 0, "The body breaks the schema:\n" + string.Join("\n", errors) + "\n" + body.ToJsonString());
    }

    /// <summary>Each violation as "instance location: message"; empty when valid.</summary>
    public static IReadOnlyList<string> Violations(JsonSchema schema, JsonNode body)
    {
        using var document = JsonDocument.Parse(body.ToJsonString());
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (result.IsValid) return [];
        return [.. (result.Details ?? []).Append(result)
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))];
    }

    private static JsonSchema Load(string file) => JsonSchema.FromText(File.ReadAllText(PathOf(file)));
}
