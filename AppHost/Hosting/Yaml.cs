using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Auth.Platform.AppHost.Hosting;

/// <summary>An ordered YAML mapping; null values are left out.</summary>
public sealed class YamlMap : List<KeyValuePair<string, object?>>
{
    public object? this[string key]
    {
        set => Add(new(key, value));
    }
}

/// <summary>
/// Just enough YAML for Kubernetes manifests: block mappings and sequences, every string double-quoted (JSON
/// escaping is valid YAML), so no value is ever misread as a number, boolean or null.
/// </summary>
public static class Yaml
{
    // JSON escaping of '+', '<', '&' (\u002B) is HTML paranoia; YAML needs only quotes, backslashes and controls escaped.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Documents(IEnumerable<YamlMap> documents) =>
        string.Join("---\n", documents.Select(d => Write(d, 0)));

    private static string Write(object value, int indent)
    {
        var builder = new StringBuilder();
        switch (value)
        {
            case YamlMap map:
                foreach (var (key, item) in map.Where(e => e.Value is not null))
                {
                    builder.Append(' ', indent).Append(key).Append(':');
                    AppendValue(builder, item!, indent);
                }
                break;
            case IEnumerable<object> list:
                foreach (var item in list)
                {
                    if (item is YamlMap { Count: > 0 } nested)
                    {
                        var text = Write(nested, indent + 2);
                        builder.Append(' ', indent).Append("- ").Append(text.AsSpan(indent + 2));
                    }
                    else
                    {
                        builder.Append(' ', indent).Append("- ").Append(Scalar(item)).Append('\n');
                    }
                }
                break;
        }
        return builder.ToString();
    }

    private static void AppendValue(StringBuilder builder, object item, int indent)
    {
        switch (item)
        {
            case YamlMap { Count: 0 }:
                builder.Append(" {}\n");
                break;
            case YamlMap map:
                builder.Append('\n').Append(Write(map, indent + 2));
                break;
            case IEnumerable<object> list when !list.Any():
                builder.Append(" []\n");
                break;
            case IEnumerable<object> list:
                builder.Append('\n').Append(Write(list, indent + 2));
                break;
            default:
                builder.Append(' ').Append(Scalar(item)).Append('\n');
                break;
        }
    }

    private static string Scalar(object value) => value switch
    {
        string s => JsonSerializer.Serialize(s, Relaxed),
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException(value.GetType().Name),
    };
}
