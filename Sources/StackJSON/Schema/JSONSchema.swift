// TEMPORARY INTERFACE STUB — replaced by the JSON Schema 2020-12 validator (issue 3, item 6).
// The public signatures below are the contract other targets build against; keep them.

/// A compiled JSON Schema (draft 2020-12), reusable across validations.
public struct JSONSchema: Sendable {
    /// Compilation options.
    public struct Options: Sendable {
        /// Assert `format` (Stack's type registry) instead of only annotating it (the standard's default).
        public var formatAssertion: Bool
        /// Resolves a remote `$ref` URI to a document; `nil` (production) makes any remote `$ref` a compile error.
        public var remoteResolver: (@Sendable (String) -> JSON?)?

        public init(formatAssertion: Bool = false, remoteResolver: (@Sendable (String) -> JSON?)? = nil) {
            self.formatAssertion = formatAssertion
            self.remoteResolver = remoteResolver
        }
    }

    public let schema: JSON
    public let options: Options

    /// Compiles `schema`; throws ``SchemaError`` when it is not a valid schema or uses a remote `$ref`.
    public init(compiling schema: JSON, options: Options = Options()) throws(SchemaError) {
        guard case .object = schema else {
            if case .bool = schema { self.schema = schema; self.options = options; return }
            throw SchemaError(path: .root, message: "a schema must be an object or a boolean")
        }
        self.schema = schema
        self.options = options
    }

    /// Validates `instance`, returning every error (at most `maxErrors`) in a deterministic order.
    public func validate(_ instance: JSON, maxErrors: Int = 100) -> [ValidationError] {
        if case .bool(false) = schema {
            return [ValidationError(instancePath: .root, keywordPath: .root, message: "no value is allowed here")]
        }
        return []
    }

    /// Whether `instance` is valid.
    public func isValid(_ instance: JSON) -> Bool { validate(instance, maxErrors: 1).isEmpty }
}

/// One validation failure.
public struct ValidationError: Sendable, Hashable, CustomStringConvertible {
    /// Where in the instance (e.g. `/items/0/title`).
    public var instancePath: JSONPointer
    /// Which keyword of the schema failed (e.g. `/properties/items/items/required`).
    public var keywordPath: JSONPointer
    /// A message an app developer can act on, e.g. `missing required property "title"`.
    public var message: String

    public init(instancePath: JSONPointer, keywordPath: JSONPointer, message: String) {
        self.instancePath = instancePath
        self.keywordPath = keywordPath
        self.message = message
    }

    public var description: String { "\(instancePath): \(message)" }
}

/// Why a schema could not be compiled.
public struct SchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where in the schema the problem is.
    public var path: JSONPointer
    public var message: String

    public init(path: JSONPointer, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.tokens.isEmpty ? message : "\(message) at \(path)" }
}
