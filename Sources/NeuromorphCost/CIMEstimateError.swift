import NeuromorphCore

// MARK: - Errors

/// A user-input error in a compute-in-memory cost estimate: a field with a bad value, an ADC
/// that cannot resolve its partial sums, or a layer that cannot be mapped onto sub-arrays.
///
/// Every message names the field and the expected form, e.g.
/// `macro.rowsOnAtOnce = 0: expected an integer in 1...computeRows`.
public enum CIMEstimateError: UserFacingError, Sendable, Equatable {
    /// `field` holds `value`, which is not of the `expected` form.
    case invalidParameter(field: String, value: String, expected: String)
    /// The largest partial sum of `rowsOn` rows of `cellBits`-bit cells (binary inputs) needs
    /// more levels than a `adcBits`-bit ADC gives, and the policy asks for lossless sensing.
    case adcTooSmall(rowsOn: Int, cellBits: Int, adcBits: Int, requiredBits: Int)
    /// Layer `layer` cannot be mapped: `reason`.
    case unmappableLayer(layer: String, reason: String)
    /// A name (model zoo entry, preset, technology node) that is not known.
    case unknownName(field: String, value: String, known: [String])

    public var description: String {
        switch self {
        case let .invalidParameter(field, value, expected):
            return "\(field) = \(value): expected \(expected)"
        case let .adcTooSmall(rowsOn, cellBits, adcBits, requiredBits):
            return "macro.adc.bits = \(adcBits): \(rowsOn) rows on at once with \(cellBits)-bit cells "
                + "give partial sums up to \(rowsOn * ((1 << cellBits) - 1)), which need at least "
                + "\(requiredBits) ADC bits (or set macro.adcRangePolicy = \"quantizing\" to accept saturation)"
        case let .unmappableLayer(layer, reason):
            return "network layer \"\(layer)\" cannot be mapped: \(reason)"
        case let .unknownName(field, value, known):
            return "\(field) = \"\(value)\": expected one of \(known.joined(separator: ", "))"
        }
    }
}

// MARK: - Validation helpers

extension CIMEstimateError {
    /// Throws unless `value` is a finite number `> 0`.
    static func requirePositive(_ value: Double, _ field: String) throws {
        guard value.isFinite, value > 0 else {
            throw CIMEstimateError.invalidParameter(field: field, value: "\(value)", expected: "a finite number > 0")
        }
    }

    /// Throws unless `value` is a finite number `>= 0`.
    static func requireNonNegative(_ value: Double, _ field: String) throws {
        guard value.isFinite, value >= 0 else {
            throw CIMEstimateError.invalidParameter(field: field, value: "\(value)", expected: "a finite number >= 0")
        }
    }

    /// Throws unless `value` lies in `range`.
    static func require(_ value: Int, in range: ClosedRange<Int>, _ field: String) throws {
        guard range.contains(value) else {
            throw CIMEstimateError.invalidParameter(
                field: field, value: "\(value)", expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
        }
    }

    /// Throws unless `value` lies in `0...1`.
    static func requireFraction(_ value: Double, _ field: String) throws {
        guard value.isFinite, (0...1).contains(value) else {
            throw CIMEstimateError.invalidParameter(field: field, value: "\(value)", expected: "a fraction in 0...1")
        }
    }
}
