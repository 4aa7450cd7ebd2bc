import Foundation
import StackJSON

// Measures StackJSON against Foundation side by side. Each measurement repeats an operation for
// about `seconds` of the thread's CPU time (after a warm-up) and reports operations/s and input
// MB/s (MB = 10^6 bytes of the input document). BENCH_SECONDS overrides the default of 1 s.

let seconds = Double(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "") ?? 1.0

@inline(never) func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

struct Measurement {
    var opsPerSecond: Double
    var megabytesPerSecond: Double
}

/// CPU time of the calling thread, in seconds. The machine the figures are taken on is shared,
/// so wall-clock time would include time other processes held the cores; thread CPU time does not.
func threadCPUTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func measure(_ label: String, bytes: Int, _ body: () throws -> Void) rethrows -> Measurement {
    // Warm up and size a batch to ~10 ms.
    var batch = 1
    while true {
        let start = threadCPUTime()
        for _ in 0..<batch { try? body() }
        if threadCPUTime() - start > 0.01 || batch > 1 << 24 { break }
        batch *= 2
    }
    var ops = 0
    var elapsed = 0.0
    while elapsed < seconds {
        let start = threadCPUTime()
        for _ in 0..<batch { try body() }
        elapsed += threadCPUTime() - start
        ops += batch
    }
    let result = Measurement(opsPerSecond: Double(ops) / elapsed, megabytesPerSecond: Double(ops * bytes) / elapsed / 1e6)
    let opsText = String(format: "%12.0f ops/s", result.opsPerSecond)
    let mbText = String(format: "%9.1f MB/s", result.megabytesPerSecond)
    print("  \(label.padding(toLength: 44, withPad: " ", startingAt: 0))\(opsText)\(mbText)")
    return result
}

func run(name: String, input: [UInt8]) throws {
    print("\(name) (\(input.count) bytes)")
    let data = Data(input)
    let value = try JSONParser.parse(input)
    let foundationObject = try JSONSerialization.jsonObject(with: data)
    let anyValue = try JSONDecoder().decode(AnyJSON.self, from: data)
    // Sanity: every contender sees the same document.
    let reparsed = try JSONParser.parse(value.serialized())
    precondition(reparsed == value)
    let redecoded = try JSONDecoder().decode(AnyJSON.self, from: JSONEncoder().encode(anyValue))
    precondition(redecoded == anyValue)

    let parse = try measure("StackJSON parse", bytes: input.count) { blackHole(try JSONParser.parse(input)) }
    let foundationParse = try measure("JSONSerialization parse", bytes: input.count) {
        blackHole(try JSONSerialization.jsonObject(with: data))
    }
    let decoder = JSONDecoder()
    _ = try measure("JSONDecoder parse (AnyJSON)", bytes: input.count) {
        blackHole(try decoder.decode(AnyJSON.self, from: data))
    }
    _ = measure("StackJSON serialize", bytes: input.count) { blackHole(value.serialized()) }
    _ = try measure("JSONSerialization serialize", bytes: input.count) {
        blackHole(try JSONSerialization.data(withJSONObject: foundationObject))
    }
    let stackRoundTrip = try measure("StackJSON parse+serialize", bytes: input.count) {
        blackHole(try JSONParser.parse(input).serialized())
    }
    let foundationRoundTrip = try measure("JSONSerialization parse+serialize", bytes: input.count) {
        blackHole(try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: data)))
    }
    let encoder = JSONEncoder()
    let codableRoundTrip = try measure("JSONDecoder+JSONEncoder (AnyJSON)", bytes: input.count) {
        blackHole(try encoder.encode(try decoder.decode(AnyJSON.self, from: data)))
    }
    print(String(format: "  parse: %.1fx JSONSerialization; parse+serialize: %.1fx JSONSerialization, %.1fx Codable",
                 parse.opsPerSecond / foundationParse.opsPerSecond,
                 stackRoundTrip.opsPerSecond / foundationRoundTrip.opsPerSecond,
                 stackRoundTrip.opsPerSecond / codableRoundTrip.opsPerSecond))
}

/// A 10-property schema for the small record.
let recordSchema: JSON = [
    "type": "object",
    "required": ["id", "title", "done", "priority"],
    "properties": [
        "id": ["type": "integer", "minimum": 0],
        "title": ["type": "string", "minLength": 1, "maxLength": 200],
        "done": ["type": "boolean"],
        "priority": ["type": "integer", "minimum": 1, "maximum": 5],
        "score": ["type": "number"],
        "tags": ["type": "array", "items": ["type": "string"], "maxItems": 10],
        "created": ["type": "string", "format": "date-time"],
        "owner": [
            "type": "object",
            "properties": ["name": ["type": "string"], "email": ["type": "string"], "id": ["type": "integer"]],
        ],
        "location": ["type": "object", "properties": ["lat": ["type": "number"], "lon": ["type": "number"]]],
        "notes": ["type": ["string", "null"]],
    ],
]

func runValidation() throws {
    let record = try JSONParser.parse(BenchData.smallRecord)
    print("JSON Schema validation (\(BenchData.smallRecord.count)-byte record, 10 properties)")
    let schema = try JSONSchema(compiling: recordSchema)
    let errors = schema.validate(record)
    precondition(errors.isEmpty, "the bench record must be valid: \(errors)")
    _ = measure("JSONSchema.validate", bytes: BenchData.smallRecord.count) { blackHole(schema.validate(record)) }
}

let only = CommandLine.arguments.dropFirst().first
if only == nil || only == "small" { try run(name: "small record", input: BenchData.smallRecord) }
if only == nil || only == "large" { try run(name: "large document", input: BenchData.largeDocument) }
if only == nil || only == "validate" { try runValidation() }
if only == "parse-large" {
    // For profiling: parse the large document repeatedly.
    for _ in 0..<Int(ProcessInfo.processInfo.environment["BENCH_REPEAT"] ?? "50")! {
        blackHole(try JSONParser.parse(BenchData.largeDocument))
    }
}
if only == "parse-small" {
    for _ in 0..<Int(ProcessInfo.processInfo.environment["BENCH_REPEAT"] ?? "10000")! {
        blackHole(try JSONParser.parse(BenchData.smallRecord))
    }
}
if only == "edge-cases" {
    // For memory checkers: stack growth, error paths with pending values, escapes, caches.
    var inputs: [String] = [
        String(repeating: "[", count: 200) + String(repeating: "]", count: 200),
        String(repeating: "[", count: 300) + String(repeating: "]", count: 300),
        "[" + (0..<1000).map { "\"s\($0)\\n\"" }.joined(separator: ",") + "]",
        "{" + (0..<100).map { "\"k\($0)\":[\($0),{\"x\":\"\\u00e9\"}]" }.joined(separator: ",") + ",\"k5\":0}",
        "[" + (0..<500).map { "{\"a\":\"\($0) long enough string value\",\"b\":[1,2,3]}" }.joined(separator: ",") + ",tru]",
        "{\"a\":[1,2,{\"b\":\"x\\ud800\"}]}",
    ]
    inputs.append(String(repeating: "{\"key\":", count: 100) + "\"unterminated")
    for input in inputs {
        if let value = try? JSONParser.parse(input) { blackHole(value.serialized(options: [.pretty, .sortedKeys])) }
    }
}
if only == "roundtrip-large" {
    for _ in 0..<Int(ProcessInfo.processInfo.environment["BENCH_REPEAT"] ?? "50")! {
        blackHole(try JSONParser.parse(BenchData.largeDocument).serialized())
    }
}
