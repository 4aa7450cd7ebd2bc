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
