// The core's only Foundation import (Schema/ uses Foundation for regular expressions): conveniences
// for `Data`, which HTTP bodies and files arrive as. Everything else works on `[UInt8]` and `String`.
import Foundation

extension JSON {
    /// Parses a JSON text from UTF-8 `data` (see ``JSONParser``).
    public init(parsing data: Data, options: JSONParserOptions = .default) throws(JSONParseError) {
        self = try JSONParser.parse(data, options: options)
    }

    /// The value as UTF-8 JSON text (see ``JSONSerializer``).
    public func serializedData(options: JSONSerializationOptions = []) -> Data {
        var writer = JSONWriter()
        defer { writer.release() }
        JSONSerializer.write(self, to: &writer, options: options)
        return Data(buffer: writer.bytes)
    }
}
