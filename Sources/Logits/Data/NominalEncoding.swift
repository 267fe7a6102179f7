/// One-hot encoding of a nominal (categorical) feature attribute, such as an ARFF
/// `@attribute colour {red, green, blue}`, up to a cardinality limit.
///
/// Loaders code a nominal value by its position in the declared list (`0 ..< V`); coding an
/// identifier attribute that way and then scaling it makes a meaningless number. `plan` decides
/// instead, from the declared values alone:
/// - `V` in `2 ... limit`: `V` indicator columns named `"NAME=VALUE"`, row `r` gets 1 in the
///   column of its value and 0 elsewhere (scikit-learn's `OneHotEncoder()` with no dropped
///   level, so that a file declaring the values in another order gives the same named columns;
///   `Dataset.encodingNominalFeatures` leaves a `{0,1}` attribute as its one column);
/// - `V > limit`: dropped, with a warning naming the attribute (an identifier-like attribute);
/// - `V == 1`: dropped, with a warning (a constant).
public enum NominalEncoding {
    /// The default cardinality limit: nominal attributes with more values are dropped.
    public static let defaultLimit = 32

    /// What to do with one nominal attribute.
    public enum Plan: Sendable, Equatable {
        /// Expand into these indicator columns (`"NAME=VALUE"`); `values[k]` is the declared
        /// value (position) that column `k` indicates.
        case oneHot(columnNames: [String], values: [Int])
        /// Leave the attribute out; `warning` names it and says why.
        case drop(warning: String)

        /// The new column names (empty for `.drop`).
        public var columnNames: [String] {
            if case .oneHot(let names, _) = self { return names }
            return []
        }
    }

    /// The plan for attribute `name` with the declared `values` (in declaration order).
    /// - Parameters:
    ///   - name: the attribute's name (used in the column names and the warning).
    ///   - values: the declared values, in declaration order.
    ///   - limit: the largest number of values that is expanded (default 32).
    public static func plan(attribute name: String, values: [String], limit: Int = defaultLimit) -> Plan {
        switch values.count {
        case 0, 1:
            return .drop(warning: "nominal attribute '\(name)' has \(values.count) value(s); dropped (constant)")
        case let v where v > limit:
            return .drop(warning: "nominal attribute '\(name)' has \(v) values, more than the one-hot limit \(limit); dropped (an identifier?)")
        default:
            return .oneHot(columnNames: values.map { "\(name)=\($0)" }, values: Array(values.indices))
        }
    }

    /// `plan`, but an attribute the user asked for must be usable: a plan to drop it throws.
    /// - Throws: `LogitsError.invalidValue` with the drop warning.
    public static func requiredPlan(attribute name: String, values: [String], limit: Int = defaultLimit) throws -> Plan {
        let plan = plan(attribute: name, values: values, limit: limit)
        if case .drop(let warning) = plan {
            throw LogitsError.invalidValue(warning + "; it was requested, so it cannot be left out (raise the limit or remove it)")
        }
        return plan
    }

    /// The one-hot values for `N` rows whose nominal values are coded by position (`codes[r]`
    /// in `0 ..< cardinality`, as loaders store them): an `N x K` matrix, `K` the plan's column
    /// count, with `out[r, k] = 1` when `codes[r] == values[k]`, else 0. A `.drop` plan gives `N x 0`.
    /// - Throws: `LogitsError.invalidValue` for a code that is not a whole number in
    ///   `0 ..< cardinality` (naming the row).
    public static func expand(codes: [Float], cardinality: Int, plan: Plan) throws -> Matrix {
        let values: [Int]
        switch plan {
        case .oneHot(_, let v): values = v
        case .drop: values = []
        }
        var column = [Int](repeating: -1, count: max(cardinality, 0))
        for (k, v) in values.enumerated() where v >= 0 && v < cardinality { column[v] = k }
        var out = Matrix(rows: codes.count, cols: values.count)
        for (r, code) in codes.enumerated() {
            guard code >= 0, code < Float(cardinality), code.rounded(.towardZero) == code else {
                throw LogitsError.invalidValue("row \(r): nominal code \(code); expected a whole number in 0..<\(cardinality)")
            }
            let k = column[Int(code)]
            if k >= 0 { out[r, k] = 1 }
        }
        return out
    }
}
