/// A place in one of the documents being compiled.
struct SchemaLocation: Hashable {
    let doc: Int
    let pointer: JSONPointer
}

/// The JSON Schema vocabularies a document's meta-schema enables (Core 2020-12 §8.1.2).
struct Vocabularies: OptionSet {
    let rawValue: UInt8
    static let applicator = Vocabularies(rawValue: 1)
    static let unevaluated = Vocabularies(rawValue: 2)
    static let validation = Vocabularies(rawValue: 4)
    static let formatAnnotation = Vocabularies(rawValue: 8)
    static let formatAssertion = Vocabularies(rawValue: 16)
    static let all: Vocabularies = [.applicator, .unevaluated, .validation, .formatAnnotation]
}

/// Compiles schema documents into a ``SchemaProgram``.
///
/// Phase one indexes each document as it is loaded: schema resources (`$id`, resolved against the
/// enclosing base URI per Core §8.2.1 and RFC 3986 §5), `$anchor` and `$dynamicAnchor`. Phase two
/// compiles nodes on demand, starting from the root and following `$ref`s, caching each node by
/// location so that recursive references become cycles in the index graph.
struct SchemaCompiler {
    struct Document {
        let json: JSON
        let vocabularies: Vocabularies
    }

    struct Resource {
        let uri: String
        let location: SchemaLocation
        var dynamicAnchors: [String: SchemaLocation] = [:]
    }

    struct LocationInfo {
        let base: String
        let resource: Int
    }

    /// The base URI of a schema without `$id` (only used to resolve its own relative references).
    static let defaultBaseURI = "urn:stack:schema"

    let options: JSONSchema.Options
    var documents: [Document] = []
    var resources: [Resource] = []
    var resourceByURI: [String: Int] = [:]
    var anchors: [String: SchemaLocation] = [:]
    var locationInfo: [SchemaLocation: LocationInfo] = [:]
    var nodeIndex: [SchemaLocation: Int] = [:]
    var nodes: [SchemaNode?] = []
    var dynamicNames: Set<String> = []

    init(options: JSONSchema.Options) {
        self.options = options
    }

    /// Compiles `schema` (the root document) into a program.
    static func compile(_ schema: JSON, options: JSONSchema.Options) throws(SchemaError) -> SchemaProgram {
        var compiler = SchemaCompiler(options: options)
        let doc = try compiler.load(schema, uri: defaultBaseURI)
        let root = try compiler.compile(SchemaLocation(doc: doc, pointer: .root))
        try compiler.compileDefinitions(of: doc)
        return try compiler.finish(root: root)
    }

    // MARK: Documents and resources

    /// Adds a document retrieved as `uri` and indexes its resources and anchors.
    mutating func load(_ json: JSON, uri: String) throws(SchemaError) -> Int {
        let vocabularies = try vocabularies(of: json)
        let doc = documents.count
        documents.append(Document(json: json, vocabularies: vocabularies))
        index(json, SchemaLocation(doc: doc, pointer: .root), base: uri, resource: -1, alias: uri)
        return doc
    }

    /// The vocabularies enabled by the document's `$schema` (all of them when it is the standard
    /// meta-schema, absent, or unavailable). An unknown vocabulary marked required is an error.
    func vocabularies(of json: JSON) throws(SchemaError) -> Vocabularies {
        guard case .string(let s)? = json["$schema"] else { return .all }
        let uri = URIReference(parsing: s).withoutFragment.string
        if uri == MetaSchemas.base + "schema" || uri == json["$id"]?.stringValue { return .all }
        guard let meta = MetaSchemas.document(for: uri) ?? options.remoteResolver?(uri),
            case .object(let declared)? = meta["$vocabulary"]
        else { return .all }
        var result: Vocabularies = []
        for (vocabulary, required) in declared {
            switch vocabulary {
            case MetaSchemas.base + "vocab/core", MetaSchemas.base + "vocab/meta-data",
                MetaSchemas.base + "vocab/content":
                break
            case MetaSchemas.base + "vocab/applicator": result.insert(.applicator)
            case MetaSchemas.base + "vocab/unevaluated": result.insert(.unevaluated)
            case MetaSchemas.base + "vocab/validation": result.insert(.validation)
            case MetaSchemas.base + "vocab/format-annotation": result.insert(.formatAnnotation)
            case MetaSchemas.base + "vocab/format-assertion": result.insert(.formatAssertion)
            default:
                if required == .bool(true) {
                    throw SchemaError(
                        path: JSONPointer(tokens: ["$schema"]),
                        message: "the meta-schema requires the unsupported vocabulary \(vocabulary)")
                }
            }
        }
        return result
    }

    mutating func addResource(_ uri: String, at location: SchemaLocation) -> Int {
        if let existing = resourceByURI[uri] { return existing }
        resources.append(Resource(uri: uri, location: location))
        resourceByURI[uri] = resources.count - 1
        return resources.count - 1
    }

    /// Records resources, anchors and base URIs for every schema position under `value`.
    mutating func index(_ value: JSON, _ location: SchemaLocation, base: String, resource: Int, alias: String?) {
        var base = base
        var resource = resource
        guard case .object(let object) = value else {
            if resource < 0 { resource = addResource(base, at: location) }
            locationInfo[location] = LocationInfo(base: base, resource: resource)
            return
        }
        if case .string(let id)? = object["$id"] {
            base = URIReference(parsing: id).resolved(against: URIReference(parsing: base)).withoutFragment.string
            resource = addResource(base, at: location)
        } else if resource < 0 {
            resource = addResource(base, at: location)
        }
        if let alias, resourceByURI[alias] == nil { resourceByURI[alias] = resource }
        if case .string(let name)? = object["$anchor"] {
            anchors[base + "#" + name] = location
        }
        if case .string(let name)? = object["$dynamicAnchor"] {
            if anchors[base + "#" + name] == nil { anchors[base + "#" + name] = location }
            if resources[resource].dynamicAnchors[name] == nil { resources[resource].dynamicAnchors[name] = location }
        }
        locationInfo[location] = LocationInfo(base: base, resource: resource)
        for (key, child) in object {
            let at = SchemaLocation(doc: location.doc, pointer: location.pointer.appending(key))
            switch key {
            case "additionalProperties", "items", "contains", "propertyNames", "if", "then", "else", "not",
                "unevaluatedItems", "unevaluatedProperties", "contentSchema":
                index(child, at, base: base, resource: resource, alias: nil)
            case "prefixItems", "allOf", "anyOf", "oneOf":
                guard case .array(let elements) = child else { continue }
                for (i, element) in elements.enumerated() {
                    let elementAt = SchemaLocation(doc: location.doc, pointer: at.pointer.appending(i))
                    index(element, elementAt, base: base, resource: resource, alias: nil)
                }
            case "$defs", "definitions", "properties", "patternProperties", "dependentSchemas", "dependencies":
                guard case .object(let members) = child else { continue }
                for (name, member) in members {
                    let memberAt = SchemaLocation(doc: location.doc, pointer: at.pointer.appending(name))
                    index(member, memberAt, base: base, resource: resource, alias: nil)
                }
            default:
                continue
            }
        }
    }

    /// Base URI and resource of a location, also for one the index did not visit (a `$ref` by
    /// JSON Pointer into an unknown keyword): walk down from the nearest indexed ancestor.
    mutating func info(for location: SchemaLocation) -> LocationInfo {
        if let known = locationInfo[location] { return known }
        var tokens = location.pointer.tokens
        var suffix: [String] = []
        while locationInfo[SchemaLocation(doc: location.doc, pointer: JSONPointer(tokens: tokens))] == nil {
            suffix.insert(tokens.removeLast(), at: 0)
        }
        var current = JSONPointer(tokens: tokens)
        var info = locationInfo[SchemaLocation(doc: location.doc, pointer: current)]!
        for token in suffix {
            current = current.appending(token)
            let here = SchemaLocation(doc: location.doc, pointer: current)
            if case .string(let id)? = current.resolve(in: documents[location.doc].json)?["$id"] {
                let base = URIReference(parsing: id).resolved(against: URIReference(parsing: info.base))
                    .withoutFragment.string
                info = LocationInfo(base: base, resource: addResource(base, at: here))
            }
            locationInfo[here] = info
        }
        return info
    }

    /// The resource for an absolute URI, loading an embedded meta-schema or (with a resolver) a
    /// remote document on first use. Without a resolver, a remote `$ref` is an error.
    mutating func resource(for uri: String, at path: JSONPointer) throws(SchemaError) -> Int {
        if let known = resourceByURI[uri] { return known }
        if let meta = MetaSchemas.document(for: uri) {
            _ = try load(meta, uri: uri)
        } else if let resolver = options.remoteResolver {
            guard let document = resolver(uri) else {
                throw SchemaError(path: path, message: "cannot resolve remote $ref \(uri)")
            }
            _ = try load(document, uri: uri)
        } else {
            throw SchemaError(path: path, message: "remote $ref is not allowed: \(uri)")
        }
        guard let loaded = resourceByURI[uri] else {
            throw SchemaError(path: path, message: "cannot resolve remote $ref \(uri)")
        }
        return loaded
    }

    /// Resolves a `$ref`/`$dynamicRef` value found at `location` to the schema it names, and the
    /// fragment it used.
    mutating func resolve(reference: String, from location: SchemaLocation, keyword: String) throws(SchemaError)
        -> (SchemaLocation, fragment: String)
    {
        let path = location.pointer.appending(keyword)
        let base = info(for: location).base
        let full = URIReference(parsing: reference).resolved(against: URIReference(parsing: base))
        let absolute = full.withoutFragment.string
        let fragment = full.fragment ?? ""
        let resource = try self.resource(for: absolute, at: path)
        let resourceLocation = resources[resource].location
        let target: SchemaLocation
        if fragment.isEmpty {
            target = resourceLocation
        } else if fragment.hasPrefix("/") {
            guard let decoded = URIReference.percentDecoded(fragment), let pointer = JSONPointer(decoded) else {
                throw SchemaError(path: path, message: "invalid JSON Pointer in $ref \"\(reference)\"")
            }
            target = SchemaLocation(
                doc: resourceLocation.doc, pointer: JSONPointer(tokens: resourceLocation.pointer.tokens + pointer.tokens))
        } else if let anchored = anchors[absolute + "#" + fragment] {
            target = anchored
        } else {
            throw SchemaError(path: path, message: "$ref \"\(reference)\" names no anchor")
        }
        guard target.pointer.resolve(in: documents[target.doc].json) != nil else {
            throw SchemaError(path: path, message: "$ref \"\(reference)\" points to nothing")
        }
        return (target, fragment)
    }

    // MARK: Nodes

    /// The node for the schema at `location`, compiling it (and what it references) on first use.
    mutating func compile(_ location: SchemaLocation) throws(SchemaError) -> Int {
        if let existing = nodeIndex[location] { return existing }
        guard let value = location.pointer.resolve(in: documents[location.doc].json) else {
            throw SchemaError(path: location.pointer, message: "no schema at this location")
        }
        let index = nodes.count
        nodes.append(nil)
        nodeIndex[location] = index
        let info = self.info(for: location)
        switch value {
        case .bool(let b):
            nodes[index] = SchemaNode(boolean: b, keywords: [], resource: info.resource, path: location.pointer)
        case .object(let object):
            let keywords = try compileKeywords(object, at: location)
            nodes[index] = SchemaNode(boolean: nil, keywords: keywords, resource: info.resource, path: location.pointer)
        default:
            throw SchemaError(path: location.pointer, message: "a schema must be an object or a boolean")
        }
        return index
    }

    /// Compiles `$defs`/`definitions` of the root document even when unreferenced, so that an
    /// invalid definition is reported at compile time.
    mutating func compileDefinitions(of doc: Int) throws(SchemaError) {
        for key in ["$defs", "definitions"] {
            guard case .object(let defs)? = documents[doc].json[key] else { continue }
            for (name, _) in defs {
                _ = try compile(SchemaLocation(doc: doc, pointer: JSONPointer(tokens: [key, name])))
            }
        }
    }

    /// Compiles every `$dynamicAnchor` a `$dynamicRef` may land on, then freezes the program.
    mutating func finish(root: Int) throws(SchemaError) -> SchemaProgram {
        var changed = true
        while changed {
            changed = false
            var r = 0
            while r < resources.count {
                for (name, location) in resources[r].dynamicAnchors
                where dynamicNames.contains(name) && nodeIndex[location] == nil {
                    _ = try compile(location)
                    changed = true
                }
                r += 1
            }
        }
        let table: [[String: Int]] = resources.map { resource in
            var byName: [String: Int] = [:]
            for (name, location) in resource.dynamicAnchors where dynamicNames.contains(name) {
                byName[name] = nodeIndex[location]
            }
            return byName
        }
        return SchemaProgram(
            nodes: nodes.map { $0! }, root: root, dynamicAnchors: table, usesDynamicScope: !dynamicNames.isEmpty)
    }
}
