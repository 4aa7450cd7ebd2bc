/// RFC 7396 JSON Merge Patch.
extension JSON {
    /// Applies `patch` to `target` as RFC 7396 §2 defines: an object patch merges member by member
    /// (a `null` member removes the key), anything else replaces the target whole. Arrays are
    /// replaced, never merged, and `null`s inside arrays are kept as they are.
    public static func mergePatch(_ target: JSON, _ patch: JSON) -> JSON {
        guard case .object(let patchObject) = patch else { return patch }
        var result: JSONObject
        if case .object(let t) = target { result = t } else { result = JSONObject() }
        for (key, value) in patchObject {
            if case .null = value {
                result[key] = nil
            } else {
                result[key] = mergePatch(result[key] ?? .null, value)
            }
        }
        return .object(result)
    }

    /// Returns this value with `patch` merged in (RFC 7396).
    public func merging(patch: JSON) -> JSON { JSON.mergePatch(self, patch) }
}
