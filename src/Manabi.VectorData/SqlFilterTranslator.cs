using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.VectorData.ProviderServices;
using Microsoft.Extensions.VectorData.ProviderServices.Filter;

namespace Manabi.VectorData;

/// <summary>
/// Turns a LINQ filter over records into a SQL condition over the collection's columns. The SQL is written to give
/// the same answer as running the lambda over the records (LINQ to objects): equality is null-safe (IS / IS NOT),
/// and a comparison with a null column is false even under NOT.
/// </summary>
internal sealed class SqlFilterTranslator : FilterTranslatorBase
{
    private readonly StringBuilder _sql = new();
    private readonly List<object> _parameters;
    private readonly Func<PropertyModel, string> _column;

    private SqlFilterTranslator(List<object> parameters, Func<PropertyModel, string> column)
    {
        _parameters = parameters;
        _column = column;
    }

    /// <summary>The SQL condition; its values are appended to <paramref name="parameters"/> as @f0, @f1, ...</summary>
    public static string Translate(LambdaExpression filter, CollectionModel model, List<object> parameters, Func<PropertyModel, string> column)
    {
        var translator = new SqlFilterTranslator(parameters, column);
        var body = translator.PreprocessFilter(filter, model, new FilterPreprocessingOptions { SupportsParameterization = true });
        translator.Visit(body);
        return translator._sql.ToString();
    }

    private void Visit(Expression node)
    {
        switch (node)
        {
            case BinaryExpression { NodeType: ExpressionType.AndAlso or ExpressionType.OrElse } logical:
                _sql.Append('(');
                Visit(logical.Left);
                _sql.Append(logical.NodeType == ExpressionType.AndAlso ? " AND " : " OR ");
                Visit(logical.Right);
                _sql.Append(')');
                return;
            case BinaryExpression binary when IsComparison(binary.NodeType):
                VisitComparison(binary);
                return;
            case UnaryExpression { NodeType: ExpressionType.Not } not:
                _sql.Append("(NOT ");
                Visit(not.Operand);
                _sql.Append(')');
                return;
            case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert when convert.Type == typeof(bool) || convert.Type == typeof(bool?):
                Visit(convert.Operand);
                return;
            case MethodCallExpression call:
                VisitCall(call);
                return;
            default:
                if (TryBind(node, out var property) && ValueCodec.Underlying(property.Type) == typeof(bool))
                {
                    // A bool member on its own: true only when the column holds 1 (a null bool? is not true).
                    _sql.Append("COALESCE(").Append(_column(property)).Append(" = 1, 0)");
                    return;
                }
                if (TryValue(node, out var value) && value is bool b)
                {
                    _sql.Append(b ? "1" : "0");
                    return;
                }
                throw Unsupported(node);
        }
    }

    private static bool IsComparison(ExpressionType type) => type is ExpressionType.Equal or ExpressionType.NotEqual
        or ExpressionType.LessThan or ExpressionType.LessThanOrEqual or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual;

    private void VisitComparison(BinaryExpression binary)
    {
        var type = binary.NodeType;
        PropertyModel property;
        object? value;
        if (TryBind(binary.Left, out property) && TryValue(binary.Right, out value))
        {
        }
        else if (TryBind(binary.Right, out property) && TryValue(binary.Left, out value))
        {
            // value op column: the same test as column flipped-op value.
            type = type switch
            {
                ExpressionType.LessThan => ExpressionType.GreaterThan,
                ExpressionType.LessThanOrEqual => ExpressionType.GreaterThanOrEqual,
                ExpressionType.GreaterThan => ExpressionType.LessThan,
                ExpressionType.GreaterThanOrEqual => ExpressionType.LessThanOrEqual,
                _ => type,
            };
        }
        else
        {
            throw Unsupported(binary);
        }
        var column = _column(property);
        if (value is null)
        {
            switch (type)
            {
                case ExpressionType.Equal: _sql.Append('(').Append(column).Append(" IS NULL)"); return;
                case ExpressionType.NotEqual: _sql.Append('(').Append(column).Append(" IS NOT NULL)"); return;
                default: _sql.Append('0'); return; // an ordering against null is false in C#
            }
        }
        var parameter = Parameter(ValueCodec.ToComparable(value));
        var op = type switch
        {
            ExpressionType.Equal => " IS ",
            ExpressionType.NotEqual => " IS NOT ",
            ExpressionType.LessThan => " < ",
            ExpressionType.LessThanOrEqual => " <= ",
            ExpressionType.GreaterThan => " > ",
            _ => " >= ",
        };
        if (type is ExpressionType.Equal or ExpressionType.NotEqual)
        {
            _sql.Append('(').Append(column).Append(op).Append(parameter).Append(')');
        }
        else
        {
            _sql.Append("COALESCE(").Append(column).Append(op).Append(parameter).Append(", 0)");
        }
    }

    private void VisitCall(MethodCallExpression call)
    {
        if (TryBind(call, out var boolProperty) && ValueCodec.Underlying(boolProperty.Type) == typeof(bool))
        {
            // A dynamic record's bool: (bool)r["Open"].
            _sql.Append("COALESCE(").Append(_column(boolProperty)).Append(" = 1, 0)");
            return;
        }
        if (TryMatchContains(call, out var source, out var item))
        {
            if (TryBind(source, out var listProperty) && TryValue(item, out var element))
            {
                // An array or list property holding the value.
                _sql.Append("EXISTS (SELECT 1 FROM json_each(").Append(_column(listProperty)).Append(") WHERE value IS ")
                    .Append(Parameter(ValueCodec.ToComparable(element))).Append(')');
                return;
            }
            if (TryValue(source, out var collection) && TryBind(item, out var property))
            {
                // A captured collection holding the column's value.
                AppendIn(_column(property), (IEnumerable?)collection);
                return;
            }
            throw Unsupported(call);
        }
        if (call.Method.DeclaringType == typeof(Enumerable) && call.Method.Name == nameof(Enumerable.Any))
        {
            if (!TryBind(call.Arguments[0], out var listProperty))
            {
                throw Unsupported(call);
            }
            var column = _column(listProperty);
            if (call.Arguments.Count == 1)
            {
                _sql.Append("(COALESCE(json_array_length(").Append(column).Append("), 0) > 0)");
                return;
            }
            // list.Any(x => captured.Contains(x)): some element of the property is in the captured collection.
            if (call.Arguments[1] is LambdaExpression { Body: MethodCallExpression inner } lambda
                && TryMatchContains(inner, out var innerSource, out var innerItem)
                && innerItem == lambda.Parameters[0]
                && TryValue(innerSource, out var values))
            {
                _sql.Append("EXISTS (SELECT 1 FROM json_each(").Append(column).Append(") WHERE ");
                AppendIn("value", (IEnumerable?)values);
                _sql.Append(')');
                return;
            }
        }
        throw Unsupported(call);
    }

    private void AppendIn(string column, IEnumerable? values)
    {
        var parameters = new List<string>();
        var hasNull = false;
        foreach (var v in values ?? Array.Empty<object>())
        {
            if (v is null)
            {
                hasNull = true;
            }
            else
            {
                parameters.Add(Parameter(ValueCodec.ToComparable(v)));
            }
        }
        _sql.Append('(');
        _sql.Append(parameters.Count == 0 ? "0" : $"{column} IN ({string.Join(", ", parameters)})");
        if (hasNull)
        {
            _sql.Append(" OR ").Append(column).Append(" IS NULL");
        }
        _sql.Append(')');
    }

    private string Parameter(object value)
    {
        _parameters.Add(value);
        return "@f" + (_parameters.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private bool TryBind(Expression expression, out PropertyModel property)
    {
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
        {
            expression = convert.Operand;
        }
        // x.Prop.Value on a nullable property is the property itself.
        if (expression is MemberExpression { Member.Name: "Value", Expression: { } inner } && Nullable.GetUnderlyingType(inner.Type) is not null)
        {
            expression = inner;
        }
        property = null!;
        return TryBindProperty(expression, out property!);
    }

    /// <summary>A value that does not depend on the record (constants, captured variables, expressions over them).</summary>
    private bool TryValue(Expression expression, out object? value)
    {
        switch (expression)
        {
            case ConstantExpression constant:
                value = constant.Value;
                return true;
            case QueryParameterExpression parameter:
                value = parameter.Value;
                return true;
            case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert when TryValue(convert.Operand, out var inner):
                value = inner is null || ValueCodec.Underlying(convert.Type).IsInstanceOfType(inner) || !ValueCodec.IsScalar(convert.Type)
                    ? inner
                    : Convert.ChangeType(inner, ValueCodec.Underlying(convert.Type), System.Globalization.CultureInfo.InvariantCulture);
                return true;
            case NewArrayExpression array when array.Expressions.All(e => TryValue(e, out _)):
                value = array.Expressions.Select(e => { TryValue(e, out var v); return v; }).ToArray();
                return true;
            case MemberExpression { Expression: { } target } member when TryValue(target, out var owner) && owner is not null:
                value = member.Member switch
                {
                    FieldInfo f => f.GetValue(owner),
                    PropertyInfo p => p.GetValue(owner),
                    _ => null,
                };
                return member.Member is FieldInfo or PropertyInfo;
            case MemberExpression { Expression: null, Member: FieldInfo staticField }:
                value = staticField.GetValue(null);
                return true;
            case MemberExpression { Expression: null, Member: PropertyInfo staticProperty }:
                value = staticProperty.GetValue(null);
                return true;
            default:
                value = null;
                return false;
        }
    }

    private static NotSupportedException Unsupported(Expression expression) =>
        new($"the filter expression '{expression}' is not supported by the Manabi vector store; supported: ==, !=, <, <=, >, >=, " +
            "&&, ||, !, null checks, bool members, Contains/Any over array and list properties and over captured collections");
}
