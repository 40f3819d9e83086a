import JSONCore

/// How Go's `encoding/json` fills a struct field from an object, which is how Kubeflow's profile controller reads a
/// plugin's `spec`: a key matches the field's name case-insensitively (Go folds `ſ` to `s` and the Kelvin sign to `k`
/// too), unknown keys are ignored, a later matching key overwrites an earlier one, and `null` leaves the field as it was.
enum GoJSONFields {
    /// The value Go would decode into the field named `name`, or nil when no key matches (or only nulls do).
    static func value(of name: String, in object: JSONObject) -> JSONValue? {
        let wanted = folded(name)
        var found: JSONValue?
        for (key, value) in object where !value.isNull && folded(key) == wanted {
            found = value
        }
        return found
    }

    /// Go 1.21's `foldName`: ASCII letters upper-cased, every other rune mapped through ToUpper(ToLower(r)).
    static func folded(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "a"..."z": result.append(Unicode.Scalar(scalar.value - 0x20)!)
            case "\u{017F}": result.append("S")  // LATIN SMALL LETTER LONG S
            case "\u{212A}": result.append("K")  // KELVIN SIGN
            default:
                if scalar.isASCII {
                    result.append(scalar)
                } else {
                    result.append(contentsOf: String(scalar).lowercased().uppercased().unicodeScalars)
                }
            }
        }
        return String(result)
    }
}
