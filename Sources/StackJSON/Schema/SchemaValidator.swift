/// One step of an instance location, materialized into a ``JSONPointer`` only for an error.
enum PathToken {
    case key(String)
    case index(Int)

    var text: String {
        switch self {
        case .key(let k): return k
        case .index(let i): return String(i)
        }
    }
}

/// Which members (of an object) or elements (of an array) some keyword evaluated: the
/// annotations `unevaluatedProperties`/`unevaluatedItems` depend on (Core 2020-12 §11).
struct Annotations {
    var marks: [Bool]
    var all = false

    init(count: Int) { marks = Array(repeating: false, count: count) }

    mutating func merge(_ other: Annotations) {
        if all { return }
        if other.all { all = true; return }
        for i in marks.indices where other.marks[i] { marks[i] = true }
    }

    func isEvaluated(_ i: Int) -> Bool { all || marks[i] }
}

/// The state of one validation run over a compiled ``SchemaProgram``.
///
/// Errors are only built when `collecting` and not inside a silent sub-evaluation (the branches of
/// `anyOf`, `oneOf`, `not`, `if`, `contains`), where the first failure ends the evaluation.
struct SchemaValidator {
    let program: SchemaProgram
    let nodes: [SchemaNode]
    let collecting: Bool
    let maxErrors: Int
    var silent = 0
    var errors: [ValidationError] = []
    var stopped = false
    var path: [PathToken] = []
    /// Schema resources entered, outermost first (the dynamic scope, Core §7.1).
    var scope: [Int] = []
    /// `$ref` targets being evaluated; those from `locationStart` on are at the current instance
    /// location, where re-entering one is an infinite loop.
    var activeRefs: [Int] = []
    var locationStart = 0
    var depth = 0

    /// Deep enough for any document the parser accepts, shallow enough for a small thread stack.
    static let maxDepth = 600

    init(program: SchemaProgram, collecting: Bool, maxErrors: Int) {
        self.program = program
        self.nodes = program.nodes
        self.collecting = collecting
        self.maxErrors = maxErrors
    }

    var quiet: Bool { !collecting || silent > 0 }

    /// Whether evaluation should stop at the first failure.
    var shortCircuit: Bool { !collecting || silent > 0 || stopped }

    /// Records an error at the current instance location (plus `extra`), unless quiet.
    mutating func report(_ keywordPath: JSONPointer, _ message: @autoclosure () -> String, extra: PathToken? = nil) {
        guard !quiet, !stopped else { return }
        var tokens = path.map(\.text)
        if let extra { tokens.append(extra.text) }
        errors.append(ValidationError(instancePath: JSONPointer(tokens: tokens), keywordPath: keywordPath, message: message()))
        if errors.count >= maxErrors { stopped = true }
    }

    /// Validates `instance` against the root schema.
    mutating func run(_ instance: JSON) -> Bool {
        var none: Annotations? = nil
        return evaluate(program.root, instance, &none)
    }

    /// Evaluates node `index` against `value` in place. When `annotations` is non-nil and the
    /// node is valid, what it evaluated is merged into it.
    mutating func evaluate(_ index: Int, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        let node = nodes[index]
        if let boolean = node.boolean {
            if !boolean { report(node.path, "no value is allowed here") }
            return boolean
        }
        if depth >= SchemaValidator.maxDepth {
            report(node.path, "schema evaluation is nested too deeply")
            return false
        }
        depth += 1
        defer { depth -= 1 }
        let enterScope = program.usesDynamicScope && scope.last != node.resource
        if enterScope { scope.append(node.resource) }
        defer { if enterScope { scope.removeLast() } }

        var local: Annotations? = nil
        if annotations != nil || node.hasUnevaluated {
            switch value {
            case .object(let o): local = Annotations(count: o.count)
            case .array(let a): local = Annotations(count: a.count)
            default: break
            }
        }
        var valid = true
        for keyword in node.keywords {
            if !evaluate(keyword, value, &local) {
                valid = false
                if shortCircuit { break }
            }
        }
        if valid, annotations != nil, let local { annotations!.merge(local) }
        return valid
    }

    /// Evaluates `index` against a member or element of the current value.
    mutating func evaluateChild(_ index: Int, _ value: JSON, _ token: PathToken) -> Bool {
        let push = !quiet
        if push { path.append(token) }
        let savedStart = locationStart
        locationStart = activeRefs.count
        var none: Annotations? = nil
        let ok = evaluate(index, value, &none)
        locationStart = savedStart
        if push { path.removeLast() }
        return ok
    }

    /// Evaluates without reporting errors (for a keyword that summarizes the outcome itself).
    mutating func evaluateSilently(_ index: Int, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        silent += 1
        defer { silent -= 1 }
        return evaluate(index, value, &annotations)
    }

    /// Follows a reference, refusing to re-enter a target already active at this instance
    /// location: that evaluation could never end.
    mutating func follow(_ target: Int, _ value: JSON, _ annotations: inout Annotations?, _ keyword: Keyword) -> Bool {
        var i = locationStart
        while i < activeRefs.count {
            if activeRefs[i] == target {
                report(keyword.path, "infinite $ref loop: the schema refers back to itself at the same location")
                return false
            }
            i += 1
        }
        activeRefs.append(target)
        defer { activeRefs.removeLast() }
        return evaluate(target, value, &annotations)
    }

    func isFalse(_ index: Int) -> Bool { nodes[index].boolean == false }
}
