import StackHTTP

/// What the parser produced for some input: the heads, each request's body, and the error if any.
struct ParseOutcome {
    var heads: [RequestHead] = []
    var bodies: [[UInt8]] = []
    var error: HTTPParseError? = nil
    var pendingBody: [UInt8] = []
}

/// Parses `text` fed whole, and again one byte at a time; both must agree (checked by the caller).
func parse(_ bytes: [UInt8], byteAtATime: Bool = false, limits: ParserLimits = ParserLimits()) -> ParseOutcome {
    var parser = RequestParser(limits: limits)
    var outcome = ParseOutcome()
    let pieces: [[UInt8]] = byteAtATime ? bytes.map { [$0] } : [bytes]
    for piece in pieces {
        parser.append(piece)
        do {
            while let event = try parser.next() {
                switch event {
                case .head(let head):
                    outcome.heads.append(head)
                    outcome.pendingBody = []
                case .body(let chunk):
                    outcome.pendingBody += chunk
                case .end:
                    outcome.bodies.append(outcome.pendingBody)
                    outcome.pendingBody = []
                }
            }
        } catch {
            outcome.error = error
            return outcome
        }
    }
    return outcome
}

func parse(_ text: String, limits: ParserLimits = ParserLimits()) -> ParseOutcome {
    parse(Array(text.utf8), limits: limits)
}

/// Parses both ways and returns the whole-input outcome; records whether both ways agree.
func parseBothWays(_ text: String, limits: ParserLimits = ParserLimits()) -> (ParseOutcome, agree: Bool) {
    let whole = parse(Array(text.utf8), limits: limits)
    let bytewise = parse(Array(text.utf8), byteAtATime: true, limits: limits)
    let agree = whole.error == bytewise.error && whole.bodies == bytewise.bodies
        && whole.heads.map(\.target) == bytewise.heads.map(\.target)
        && whole.heads.map(\.method) == bytewise.heads.map(\.method)
    return (whole, agree)
}
