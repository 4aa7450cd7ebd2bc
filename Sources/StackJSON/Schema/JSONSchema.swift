/// A compiled JSON Schema (draft 2020-12), reusable across validations.
///
/// Compilation resolves every `$id`, `$ref`, `$anchor` and `$dynamicAnchor`, compiles patterns,
/// and turns the schema into an immutable tree of nodes; validation then walks that tree without
/// looking at the schema JSON again. A compiled schema is `Sendable` and may be shared freely.
///
/// ```swift
/// let schema = try JSONSchema(compiling: try JSON(parsing: #"{"type": "object", "required": ["title"]}"#))
/// schema.validate(["done": true])   // [/: missing required property "title"]
/// ```
///
/// Supported: the 2020-12 core, applicator, unevaluated, validation and format-annotation
/// vocabularies; `format` is asserted (for the formats of ``Options/formatAssertion``) only when asked.
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

    /// The schema as given.
    public let schema: JSON
    /// The options it was compiled with.
    public let options: Options
    let program: SchemaProgram

    /// Compiles `schema`; throws ``SchemaError`` when it is not a valid schema or uses a remote `$ref`.
    public init(compiling schema: JSON, options: Options = Options()) throws(SchemaError) {
        self.schema = schema
        self.options = options
        self.program = try SchemaCompiler.compile(schema, options: options)
    }

    /// Validates `instance`, returning every error (at most `maxErrors`) in a deterministic order:
    /// schema keyword order, then instance member/element order.
    public func validate(_ instance: JSON, maxErrors: Int = 100) -> [ValidationError] {
        guard maxErrors > 0 else { return [] }
        // Most values are valid: the quiet pass (no paths, no messages, first failure ends it)
        // settles those; only an invalid value pays for the pass that collects errors.
        if isValid(instance) { return [] }
        var validator = SchemaValidator(program: program, collecting: true, maxErrors: maxErrors)
        _ = validator.run(instance)
        return validator.errors
    }

    /// Whether `instance` is valid (stops at the first failure, builds no messages).
    public func isValid(_ instance: JSON) -> Bool {
        var validator = SchemaValidator(program: program, collecting: false, maxErrors: 0)
        return validator.run(instance)
    }
}
