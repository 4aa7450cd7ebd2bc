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

    /// Empty annotations for the members or elements of `value`; `nil` for a scalar.
    static func tracking(_ value: JSON) -> Annotations? {
        switch value {
        case .object(let o): return Annotations(count: o.count)
        case .array(let a): return Annotations(count: a.count)
        default: return nil
        }
    }

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
    /// Set when evaluation cannot go on (a `$ref` loop, too deep): the value is then invalid,
    /// whatever silent sub-evaluations (`not`, `anyOf`, …) made of the failure.
    var aborted = false
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
    /// The lowest stack address evaluation may reach (the stack grows down on every platform
    /// Stack runs on); see ``StackBounds``.
    var stackLimit: UInt = 0

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
        stackLimit = StackBounds.limit(below: SchemaValidator.stackAddress())
        var none: Annotations? = nil
        let valid = evaluate(program.root, instance, &none)
        return valid && !aborted
    }

    /// Evaluates node `index` against `value` in place. When `annotations` is non-nil and the
    /// node is valid, what it evaluated is merged into it.
    mutating func evaluate(_ index: Int, _ value: JSON, _ annotations: inout Annotations?) -> Bool {
        let node = nodes[index]
        if let boolean = node.boolean { return boolean || reportFalse(node) }
        if aborted || depth >= SchemaValidator.maxDepth || SchemaValidator.stackAddress() < stackLimit {
            return reportTooDeep(node)
        }
        depth += 1
        let enterScope = program.usesDynamicScope && scope.last != node.resource
        if enterScope { scope.append(node.resource) }
        var local = annotations != nil || node.hasUnevaluated ? Annotations.tracking(value) : nil
        var valid = true
        for keyword in node.keywords where !evaluate(keyword, value, &local) {
            valid = false
            if shortCircuit { break }
        }
        if valid, annotations != nil, let local { annotations!.merge(local) }
        if enterScope { scope.removeLast() }
        depth -= 1
        return valid
    }

    /// An address in the caller's stack frame.
    @inline(__always) static func stackAddress() -> UInt {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    }

    @inline(never)
    mutating func reportFalse(_ node: SchemaNode) -> Bool {
        report(node.path, "no value is allowed here")
        return false
    }

    @inline(never)
    mutating func reportTooDeep(_ node: SchemaNode) -> Bool {
        abort(node.path, "schema evaluation is nested too deeply")
    }

    /// Ends the evaluation: reports `message` even inside a silent sub-evaluation, and makes the
    /// result invalid.
    @inline(never)
    mutating func abort(_ keywordPath: JSONPointer, _ message: String) -> Bool {
        if collecting && !stopped && !aborted {
            errors.append(
                ValidationError(instancePath: JSONPointer(tokens: path.map(\.text)), keywordPath: keywordPath, message: message))
        }
        aborted = true
        stopped = true
        return false
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
                return abort(keyword.path, "infinite $ref loop: the schema refers back to itself at the same location")
            }
            i += 1
        }
        activeRefs.append(target)
        defer { activeRefs.removeLast() }
        return evaluate(target, value, &annotations)
    }

    func isFalse(_ index: Int) -> Bool { nodes[index].boolean == false }
}
