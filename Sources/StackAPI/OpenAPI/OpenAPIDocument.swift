/// The OpenAPI 3.1 document served at `GET /openapi.json` (SPEC §3).
///
/// The source of truth is `Sources/StackAPI/OpenAPI/openapi.json` in the repository; SwiftPM embeds
/// its bytes into the binary at build time (`.embedInCode`), so the executable needs no resource
/// bundle next to it.
public enum OpenAPIDocument {
    /// The document's bytes, exactly as kept in the repository.
    public static var bytes: [UInt8] { PackageResources.openapi_json }
}
