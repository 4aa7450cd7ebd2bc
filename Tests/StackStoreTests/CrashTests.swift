import Foundation
import StackJSON
import StackTesting
import Testing
@testable import StackStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The StackStore issue, item 2: no acknowledged write is lost when the process is killed.
///
/// The test re-executes its own test binary with `STACK_CRASH_CHILD_DIR` set, running only
/// `crashChildWriterProcess`, which writes records from several tasks and prints each id once
/// its write is acknowledged (durability `full` in even rounds, `normal` in odd ones: both must
/// survive `kill -9`, SPEC §6). The parent SIGKILLs it at random moments, 20 times, then reopens the
/// stack and finds every printed id, with `PRAGMA integrity_check` = ok.
@Suite struct CrashTests {
    static let childDirectoryVariable = "STACK_CRASH_CHILD_DIR"
    static let childDurabilityVariable = "STACK_CRASH_CHILD_DURABILITY"
    static var childDirectory: String? { ProcessInfo.processInfo.environment[childDirectoryVariable] }

    @Test(.enabled(if: childDirectory == nil, "runs in the parent test process only"))
    func acknowledgedWritesSurviveSIGKILL() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let stackPath = directory.path + "/stack"
        let setup = try await Store.create(at: stackPath)
        _ = try await setup.registerType(NewType(id: "note", schema: ["type": "object"]), as: setup.ownerPrincipal)
        await setup.close()

        var acknowledged: [String] = []
        for round in 0..<20 {
            let output = directory.path + "/out-\(round).txt"
            let ids = try await runAndKillChild(stackPath: stackPath, outputPath: output, round: round)
            acknowledged += ids
        }
        print("crash test: \(acknowledged.count) acknowledged writes over 20 kills")
        #expect(acknowledged.count >= 20, "the child should acknowledge writes before being killed")

        let store = try await Store.open(at: stackPath)
        #expect(try await store.integrityCheck() == ["ok"])
        let present = try await store.read { db in Set(try db.fetchAll("SELECT id FROM records") { $0.text(0) }) }
        let missing = acknowledged.filter { !present.contains($0) }
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(5))")
        // The store still works after all those crashes.
        _ = try await store.createRecord(NewRecord(type: "note", content: ["after": true]), as: store.ownerPrincipal)
        await store.close()
    }

    /// Starts the child, waits until it is writing, kills it after a random delay; returns the ids
    /// it printed (complete lines only).
    private func runAndKillChild(stackPath: String, outputPath: String, round: Int) async throws -> [String] {
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        var environment = ProcessInfo.processInfo.environment
        environment[CrashTests.childDirectoryVariable] = stackPath
        environment[CrashTests.childDurabilityVariable] = round % 2 == 0 ? "full" : "normal"
        let child = try ChildProcess.spawn(
            CommandLine.arguments[0],
            arguments: ["--testing-library", "swift-testing", "--filter", "crashChildWriterProcess"],
            environment: environment, standardOutputPath: outputPath)
        // Wait (up to 60 s) for the child to start writing, then a random 0–250 ms more.
        for _ in 0..<6000 {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            if text.contains("ID ") || kill(child.pid, 0) != 0 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        try await Task.sleep(for: .milliseconds(Int.random(in: 0...250)))
        child.send(SIGKILL)
        let termination = try await Blocking.run { child.wait() }
        #expect(termination == .signaled(SIGKILL), "round \(round): the child must die by SIGKILL, not exit")
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().compactMap { line in
            line.hasPrefix("ID ") ? String(line.dropFirst(3)) : nil
        }
    }

    /// The child's body: write records from 4 tasks and print each acknowledged id, until killed.
    @Test(.enabled(if: childDirectory != nil, "runs only as the crash test's child process"))
    func crashChildWriterProcess() async throws {
        let durability = Durability(rawValue: ProcessInfo.processInfo.environment[CrashTests.childDurabilityVariable] ?? "") ?? .full
        let store = try await Store.open(at: CrashTests.childDirectory!, configuration: StoreConfiguration(durability: durability))
        let owner = store.ownerPrincipal
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    var i = 0
                    while true {
                        let content: JSON = ["writer": .int(writer), "i": .int(i), "pad": .string(String(repeating: "x", count: 200))]
                        let record = try await store.createRecord(NewRecord(type: "note", content: content), as: owner)
                        // One write(2) per line: the line is in the file before the next write starts.
                        let line = Array("ID \(record.id)\n".utf8)
                        _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
                        i += 1
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
