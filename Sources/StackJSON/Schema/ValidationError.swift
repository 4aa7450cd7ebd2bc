/// One validation failure.
public struct ValidationError: Sendable, Hashable, CustomStringConvertible {
    /// Where in the instance (e.g. `/items/0/title`).
    public var instancePath: JSONPointer
    /// Which keyword of the schema failed (e.g. `/properties/items/items/required`): a pointer into
    /// the schema document that holds the keyword (after a `$ref`, the referenced definition,
    /// e.g. `/$defs/node/required`).
    public var keywordPath: JSONPointer
    /// A message an app developer can act on, e.g. `missing required property "title"`.
    public var message: String

    /// Makes an error (``JSONSchema/validate(_:maxErrors:)`` makes them; other layers may add their own).
    public init(instancePath: JSONPointer, keywordPath: JSONPointer, message: String) {
        self.instancePath = instancePath
        self.keywordPath = keywordPath
        self.message = message
    }

    /// `instancePath: message`, e.g. `/title: expected string, got number`.
    public var description: String { "\(instancePath): \(message)" }
}

/// Why a schema could not be compiled.
public struct SchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where in the schema the problem is.
    public var path: JSONPointer
    /// What is wrong, e.g. `remote $ref is not allowed: https://example.com/item.json`.
    public var message: String

    /// Makes a compile error.
    public init(path: JSONPointer, message: String) {
        self.path = path
        self.message = message
    }

    /// The message, followed by `at <path>` unless the problem is at the root.
    public var description: String { path.tokens.isEmpty ? message : "\(message) at \(path)" }
}
