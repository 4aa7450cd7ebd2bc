import Foundation
import StackJSON
import StackStore
import Synchronization

// StoreBench: the StackStore issue's benchmark. Builds (or reuses) a stack of N records of about
// 300 bytes, then measures creates/s (durability full and normal, 1 and 32 writers), point
// reads/s, patches/s (full, 32 writers) and list-page latency. Prints a Markdown table.

struct Options {
    var records = 1_000_000
    var data = NSTemporaryDirectory() + "stack-store-bench"
    var seconds = 5.0
    var keep = false
    var cpu = false
    var only: String?
    var durabilities: [Durability] = [.full, .normal]
    var writerCounts = [1, 32]
    var readers: Int?

    init() {
        var args = CommandLine.arguments.dropFirst().makeIterator()
        while let arg = args.next() {
            switch arg {
            case "--records": records = Int(args.next() ?? "") ?? records
            case "--data": data = args.next() ?? data
            case "--seconds": seconds = Double(args.next() ?? "") ?? seconds
            case "--keep": keep = true
            case "--cpu": cpu = true
            case "--only": only = args.next()
            case "--durability": durabilities = [Durability(rawValue: args.next() ?? "") ?? .full]
            case "--writers": writerCounts = [Int(args.next() ?? "") ?? 32]
            case "--readers": readers = Int(args.next() ?? "")
            default:
                print("usage: StoreBench [--records N] [--data DIR] [--seconds S] [--keep] [--cpu] [--only creates|patches|reads|searches|lists] [--durability full|normal] [--writers N] [--readers N]")
                exit(64)
            }
        }
    }
}

let options = Options()
let typeId = "bench.item"

// The parts of the records that repeat, made once: building them for every record (Foundation's
// String(format:) above all) took a third of the writing tasks' time, which is the benchmark's
// cost, not the store's.
let statuses: [JSON] = ["open", "done", "waiting"]
let tagsByNumber: [JSON] = (0..<97).map { n in ["alpha", "beta", .string("t\(n)")] }
let notes = JSON.string(String(repeating: "lorem ipsum ", count: 14))
let dueDates: [JSON] = (1...28).map { day in .string(day < 10 ? "2026-12-0\(day)" : "2026-12-\(day)") }

func content(_ i: Int) -> JSON {
    // ~300 bytes serialized.
    [
        "title": .string("Item number \(i) of the benchmark stack"),
        "status": statuses[i % 3],
        "priority": .int(i % 5),
        "tags": tagsByNumber[i % 97],
        "notes": notes,
        "due": dueDates[i % 28],
    ]
}

final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func next() -> Int { value.add(1, ordering: .relaxed).oldValue }
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// CPU seconds used so far by each thread of this process (Linux: /proc/self/task/*/stat).
func threadCPUTimes() -> [String: Double] {
    var times: [String: Double] = [:]
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    for task in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? [] {
        guard let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { continue }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
        let name = (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        times[task + " " + name] = (user + system) / ticks
    }
    return times
}

/// What the last `measure` cost in CPU per operation: the whole process, and its busiest thread
/// (under write load, the store's writer). Printed with `--cpu`; unlike ops/s, these figures hold
/// up on a machine busy with other work.
nonisolated(unsafe) var lastCPUReport = ""

/// Runs `work` from `tasks` concurrent tasks until `seconds` pass; returns operations per second.
/// With `executor`, the tasks prefer it (the store's reader threads, for reads).
func measure(
    tasks: Int, seconds: Double, executor: (any TaskExecutor)? = nil, _ work: @escaping @Sendable (Int, Int) async throws -> Void
) async throws -> Double {
    let deadline = now() + seconds
    let cpuBefore = threadCPUTimes()
    let start = now()
    let total = try await withThrowingTaskGroup(of: Int.self) { group in
        for t in 0..<tasks {
            group.addTask(executorPreference: executor) {
                var n = 0
                while now() < deadline {
                    try await work(t, n)
                    n += 1
                }
                return n
            }
        }
        var sum = 0
        for try await n in group { sum += n }
        return sum
    }
    let elapsed = now() - start
    let cpuAfter = threadCPUTimes()
    let used = cpuAfter.map { ($0.value - (cpuBefore[$0.key] ?? 0)) }
    let perOp = { (seconds: Double) in String(format: "%.1f", seconds * 1e6 / Double(max(total, 1))) }
    // Threads grouped by name (the cooperative pool's threads share one), busiest first.
    var byName: [String: Double] = [:]
    for (key, value) in cpuAfter {
        let name = String(key.split(separator: " ", maxSplits: 1).last ?? "?")
        byName[name, default: 0] += value - (cpuBefore[key] ?? 0)
    }
    let threads = byName.filter { $0.value * 1e6 / Double(max(total, 1)) >= 0.5 }.sorted { $0.value > $1.value }
        .map { "\($0.key) \(perOp($0.value))" }.joined(separator: ", ")
    lastCPUReport = "CPU per op: process \(perOp(used.reduce(0, +))) µs, busiest thread \(perOp(used.max() ?? 0)) µs; by thread µs: \(threads)"
    return Double(total) / elapsed
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

func report(_ name: String, _ value: String) {
    print("| \(name) | \(value)\(options.cpu && !lastCPUReport.isEmpty ? " (\(lastCPUReport))" : "") |")
    lastCPUReport = ""
}

func run() async throws {
    let path = options.data
    let fm = FileManager.default
    var generated = false
    if !Store.exists(at: path) {
        try? fm.removeItem(atPath: path)
        let store = try await Store.create(at: path, configuration: StoreConfiguration(durability: .normal))
        let owner = store.ownerPrincipal
        _ = try await store.registerType(NewType(id: typeId, schema: ["type": "object"], indexes: ["status"]), as: owner)
        let start = now()
        let counter = Counter()
        let target = options.records
        // Bulk load: batches of 1,000 records per transaction (Store.createRecords) from 2 tasks.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    while true {
                        let first = counter.next() * 1000
                        if first >= target { return }
                        let batch = (first..<min(target, first + 1000)).map { NewRecord(type: typeId, content: content($0)) }
                        _ = try await store.createRecords(batch, as: owner)
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = now() - start
        print("generated \(target) records in \(String(format: "%.1f", elapsed)) s (\(Int(Double(target) / elapsed))/s)")
        report("generate \(target) records (createRecords, batches of 1,000, durability normal)", String(format: "%.1f s", elapsed))
        await store.close()
        generated = true
    }
    print("| measure | result |")
    print("|---|---|")

    // Sample ids for reads and patches.
    let sampleStore = try await Store.open(at: path)
    var sampleIds: [String] = []
    do {
        var cursor: String?
        for _ in 0..<20 {
            let page = try await sampleStore.listRecords(RecordListQuery(type: typeId, limit: 1000, cursor: cursor), as: sampleStore.ownerPrincipal)
            sampleIds += page.results.map(\.id)
            cursor = page.nextCursor
            // Skip ahead through the stack so samples are spread out.
            if let c = cursor { _ = c }
        }
    }
    // The full-text index (search.db) follows the writes on a thread of its own; a search waits
    // until it has caught up (after the generation, or a rebuild after an upgrade).
    do {
        let start = now()
        let hits = try await sampleStore.queryRecords(
            RecordQuery(list: RecordListQuery(limit: 1), text: "123456"), as: sampleStore.ownerPrincipal)
        report("first search (waits for the full-text index to catch up)", String(format: "%.2f s, %d hit", now() - start, hits.results.count))
    }
    await sampleStore.close()
    let ids = sampleIds

    func wanted(_ phase: String) -> Bool { options.only == nil || options.only == phase }
    for durability in options.durabilities where wanted("creates") {
        for writers in options.writerCounts {
            let store = try await Store.open(at: path, configuration: StoreConfiguration(durability: durability))
            let owner = store.ownerPrincipal
            let rate = try await measure(tasks: writers, seconds: options.seconds) { t, n in
                _ = try await store.createRecord(NewRecord(type: typeId, content: content(t * 1_000_000 + n)), as: owner)
            }
            report("creates/s, durability \(durability.rawValue), \(writers) writer\(writers == 1 ? "" : "s")", "\(Int(rate))")
            await store.close()
        }
    }

    do {
        var configuration = StoreConfiguration(durability: .full)
        if let readers = options.readers { configuration.readerCount = readers }
        let store = try await Store.open(at: path, configuration: configuration)
        let owner = store.ownerPrincipal
        if wanted("patches") {
        let rate = try await measure(tasks: 32, seconds: options.seconds) { t, n in
            let id = ids[(t * 7919 + n * 104_729) % ids.count]
            _ = try await store.patchRecord(id, patch: ["priority": .int(n % 5), "seen": .int(n)], as: owner)
        }
        report("patches/s, durability full, 32 writers", "\(Int(rate))")
        }

        for tasks in [1, 32] where wanted("reads") {
            let reads = try await measure(tasks: tasks, seconds: options.seconds) { t, n in
                _ = try await store.record(ids[(t * 31 + n * 7907) % ids.count], as: owner)
            }
            report("point reads/s, \(tasks) reader task\(tasks == 1 ? "" : "s")", "\(Int(reads))")
        }
        for tasks in [1, 32] where wanted("reads") {
            let reads = try await measure(tasks: tasks, seconds: options.seconds, executor: store.readExecutor) { t, n in
                _ = try await store.record(ids[(t * 31 + n * 7907) % ids.count], as: owner)
            }
            report("point reads/s, \(tasks) reader task\(tasks == 1 ? "" : "s") on store.readExecutor", "\(Int(reads))")
        }

        if wanted("searches") {
            // `q` over the stack: a word in every record, a word in 1 of 97, a word in one record.
            for (label, word) in [("every record", "benchmark"), ("1 record in 97", "t42"), ("one record", "654321")] {
                var latencies: [Double] = []
                for _ in 0..<20 {
                    let start = now()
                    _ = try await store.queryRecords(RecordQuery(list: RecordListQuery(type: typeId, limit: 50), text: word), as: owner)
                    latencies.append((now() - start) * 1000)
                }
                report(
                    "search page (50 records, `q` matching \(label)) latency",
                    String(format: "p50 %.2f ms, p99 %.2f ms", percentile(latencies, 0.5), percentile(latencies, 0.99)))
            }
        }

        if wanted("lists") {
        var latencies: [Double] = []
        var cursor: String?
        for _ in 0..<300 {
            let start = now()
            let page = try await store.listRecords(RecordListQuery(type: typeId, limit: 50, cursor: cursor), as: owner)
            latencies.append((now() - start) * 1000)
            cursor = page.nextCursor
        }
        report(
            "list page (50 records, -createdAt, keyset) latency",
            String(format: "p50 %.2f ms, p99 %.2f ms", percentile(latencies, 0.5), percentile(latencies, 0.99)))
        let entity = try await store.createRecord(NewRecord(type: "entity", content: ["name": "reader"]), as: owner)
        let reader = Principal(entityId: entity.id, isOwner: false)
        latencies = []
        cursor = nil
        for _ in 0..<20 {
            let start = now()
            let page = try await store.listRecords(RecordListQuery(type: typeId, limit: 50, cursor: cursor), as: reader)
            latencies.append((now() - start) * 1000)
            cursor = page.nextCursor
        }
        report(
            "list page as an entity that can read nothing (permission filter scans)",
            String(format: "p50 %.2f ms, p99 %.2f ms", percentile(latencies, 0.5), percentile(latencies, 0.99)))
        }
        await store.close()
    }

    if !options.keep && generated { try? fm.removeItem(atPath: path) }

}

try await run()
