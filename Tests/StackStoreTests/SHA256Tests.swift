import Foundation
import StackTesting
import Testing

@testable import StackStore

@Suite("SHA-256 (FIPS 180-4)")
struct SHA256Tests {
    // NIST examples (FIPS 180-4 / CSRC "SHA256.pdf", SHAVS short and long messages).
    @Test(arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func nistVectors(message: String, expected: String) {
        #expect(SHA256.hexDigest(of: message) == expected)
        #expect(SHA256.hexDigest(of: Array(message.utf8)) == expected)
    }

    @Test func oneMillionA_matchesNIST() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hexDigest(of: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)) == expected)
        // The same message fed in uneven pieces.
        var hasher = SHA256()
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 999)
        var fed = 0
        while fed < 1_000_000 {
            let n = min(piece.count, 1_000_000 - fed)
            hasher.update(piece[0..<n])
            fed += n
        }
        #expect(hasher.finalizeHex() == expected)
    }

    /// Lengths around the padding boundaries (55/56 bytes fit one final block or need two).
    @Test(arguments: [
        (55, "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59"),
        (56, "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562"),
        (63, "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488"),
        (64, "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108"),
        (65, "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781"),
        (119, "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6"),
        (120, "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c"),
        (128, "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5"),
    ])
    func paddingBoundaries(length: Int, expected: String) {
        #expect(SHA256.hexDigest(of: Self.pattern(length)) == expected)
    }

    @Test(arguments: [0, 1, 3, 55, 56, 64, 65, 130, 200])
    func incremental_equalsOneShot_atEverySplitPoint(length: Int) {
        let message = Self.pattern(length)
        let expected = SHA256.digest(of: message)
        for split in 0...length {
            var hasher = SHA256()
            hasher.update(message[0..<split])
            hasher.update(message[split...])
            #expect(hasher.finalize() == expected, "split at \(split) of \(length)")
        }
        // Byte by byte, and through a raw buffer.
        var bytewise = SHA256()
        for byte in message { bytewise.update(CollectionOfOne(byte)) }
        #expect(bytewise.finalize() == expected)
        var raw = SHA256()
        message.withUnsafeBytes { raw.update($0) }
        #expect(raw.finalize() == expected)
    }

    @Test func nonContiguousSequence_hashesLikeItsArray() {
        let message = Self.pattern(3000)
        let lazy = message.lazy.map { $0 }  // a Sequence without contiguous storage
        var hasher = SHA256()
        hasher.update(lazy)
        #expect(hasher.finalize() == SHA256.digest(of: message))
    }

    @Test func finalize_doesNotEndTheHasher() {
        var hasher = SHA256()
        hasher.update("ab")
        #expect(hasher.finalizeHex() == SHA256.hexDigest(of: "ab"))
        hasher.update("c")
        #expect(hasher.finalizeHex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hasher.finalize().count == SHA256.digestByteCount)
    }

    @Test func isHexDigest_acceptsOnlyLowercase64Hex() {
        #expect(SHA256.isHexDigest(SHA256.hexDigest(of: "x")))
        #expect(!SHA256.isHexDigest(SHA256.hexDigest(of: "x").uppercased()))
        #expect(!SHA256.isHexDigest(String(SHA256.hexDigest(of: "x").dropLast())))
        #expect(!SHA256.isHexDigest("../" + String(repeating: "a", count: 61)))
        #expect(!SHA256.isHexDigest(""))
    }

    /// Cross-check against the system's `sha256sum` on files of every length 0…300 plus a large one.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum")))
    func matchesSystemSha256sum() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sha256-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var expected: [String: String] = [:]
        var lengths = Array(0...300)
        lengths.append(3_000_017)
        var generator = SplitMix64(seed: 42)
        for length in lengths {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let name = "f\(length)"
            try Data(bytes).write(to: directory.appendingPathComponent(name))
            expected[name] = SHA256.hexDigest(of: bytes)
        }

        let outcome = try ChildProcess.run(
            "/usr/bin/sha256sum", arguments: lengths.map { directory.appendingPathComponent("f\($0)").path },
            environment: [:])
        #expect(outcome.termination == .exited(0))
        let output = outcome.standardOutput

        var checked = 0
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2 else { continue }
            let name = String(parts[1].split(separator: "/").last ?? "")
            #expect(expected[name] == String(parts[0]), "\(name)")
            checked += 1
        }
        #expect(checked == lengths.count)
    }

    static func pattern(_ length: Int) -> [UInt8] {
        (0..<length).map { UInt8($0 % 251) }
    }
}

