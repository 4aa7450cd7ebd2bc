import Dispatch
import Foundation
import StackJSON
import StackTesting
import Testing

/// Runs the built `stack` executable (found next to the test binary) as a user would.
@Suite(.enabled(if: StackBinary.path != nil, "the stack executable is not built next to the tests"))
struct BinaryTests {
    @Test func initJSON_printsExactlyOneObject_andRefusesASecondTime() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await StackBinary.run(["init", "--json", "--data", directory])
        #expect(first.status == 0)
        let object = try JSONParser.parse(Array(first.stdout.utf8))
        #expect(Set(object.objectValue?.keys ?? []) == ["entityId", "tokenId", "token"])
        #expect(object["token"]?.stringValue?.hasPrefix("stk_") == true)
        let second = try await StackBinary.run(["init", "--data", directory])
        #expect(second.status == 1)
        #expect(second.stderr.contains("already exists"))
        #expect(second.stdout.isEmpty)
    }

    @Test func tokenCreateListRevoke_onTheDataDirectory() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await StackBinary.run(["init", "--data", directory])
        let created = try await StackBinary.run(
            ["token", "create", "--name", "app", "--create", "note,task", "--json"], environment: ["STACK_DATA": directory])
        #expect(created.status == 0)
        let token = try JSONParser.parse(Array(created.stdout.utf8))
        let id = try #require(token["id"]?.stringValue)
        #expect(token["grants"] == ["create": ["note", "task"]])
        #expect(token["token"]?.stringValue?.hasPrefix("stk_") == true)
        let list = try await StackBinary.run(["token", "list", "--json", "--data", directory])
        let listed = try JSONParser.parse(Array(list.stdout.utf8))
        #expect(listed["count"] == 2)
        #expect(!list.stdout.contains("stk_"))
        #expect(try await StackBinary.run(["token", "revoke", id, "--data", directory]).status == 0)
        let again = try await StackBinary.run(["token", "revoke", id, "--data", directory])
        #expect(again.status == 1)
        #expect(again.stderr.contains("no token"))
    }

    @Test func usageErrors_exit64_onStderr_andHelpExits0() async throws {
        let unknown = try await StackBinary.run(["serve", "--prot", "1"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("unknown option '--prot'"))
        #expect(unknown.stdout.isEmpty)
        let help = try await StackBinary.run(["token", "create", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: stack token create"))
        let missing = try await StackBinary.run(["token", "list", "--data", "/nonexistent/stack"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("stack init"))
    }

    private func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("stack-binary-\(UUID().uuidString)").path
    }
}

enum StackBinary {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `stack` in the directory of the running test executable.
    static let path: String? = {
        guard let executable = Bundle.main.executablePath else { return nil }
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // On macOS the tests run inside an .xctest bundle.
        while directory.path.contains(".xctest") { directory.deleteLastPathComponent() }
        let candidate = directory.appendingPathComponent("stack").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }()

    /// Runs the binary off the cooperative pool and collects its output.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Swift.Result { try runBlocking(arguments, environment: environment) })
            }
        }
    }

    private static func runBlocking(_ arguments: [String], environment: [String: String]) throws -> Result {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "STACK_DATA")
        env.merge(environment) { $1 }
        let outcome = try ChildProcess.run(path!, arguments: arguments, environment: env)
        let status: Int32
        switch outcome.termination {
        case .exited(let code): status = code
        case .signaled(let signal): status = 128 + signal
        }
        return Result(
            status: status, stdout: String(decoding: outcome.standardOutput, as: UTF8.self),
            stderr: String(decoding: outcome.standardError, as: UTF8.self))
    }
}
