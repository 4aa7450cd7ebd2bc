import StackJSON

/// The keyset cursor of a record query (SPEC §2 Lists): base64url of the JSON
/// `{"s": <sort signature>, "k": [<sort values of the page's last row>], "r": <row id>}`. The
/// signature ties a cursor to the sort it was made for; anything else is an invalid cursor.
struct QueryCursor: Equatable {
    var signature: String
    var keys: [DatabaseValue]
    var rid: Int64

    var encoded: String {
        let values: [JSON] = keys.map { value in
            switch value {
            case .null, .blob: return .null
            case .integer(let i): return .number(.int(i))
            case .real(let d): return .number(JSONNumber(d))
            case .text(let t): return .string(t)
            }
        }
        let json: JSON = ["s": .string(signature), "k": .array(values), "r": .number(.int(rid))]
        return Base64URL.encode(Array(json.serializedString().utf8))
    }

    /// Decodes `text`; `nil` unless it is a cursor for `signature` with `count` key values.
    init?(decoding text: String, signature: String, count: Int) {
        guard let bytes = Base64URL.decode(text), let json = try? JSON(parsing: bytes),
            json["s"]?.stringValue == signature, let rid = json["r"]?.numberValue, case .int(let r) = rid,
            let values = json["k"]?.arrayValue, values.count == count
        else { return nil }
        var keys: [DatabaseValue] = []
        for value in values {
            switch value {
            case .null: keys.append(.null)
            case .number(.int(let i)): keys.append(.integer(i))
            case .number(.double(let d)): keys.append(.real(d))
            case .string(let s): keys.append(.text(s))
            default: return nil
            }
        }
        self.init(signature: signature, keys: keys, rid: r)
    }

    init(signature: String, keys: [DatabaseValue], rid: Int64) {
        self.signature = signature
        self.keys = keys
        self.rid = rid
    }
}
