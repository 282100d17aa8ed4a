import CZlib
import Foundation

/// gzip through zlib: `status.compressedNodes` is base64 of gzip of the nodes' JSON.
public enum Gzip {
    /// The inflated bytes, or nil when the input is not a whole gzip (or zlib) stream or would inflate past
    /// `limit` bytes.
    public static func inflate(_ data: Data, limit: Int = 256 << 20) -> Data? {
        data.withUnsafeBytes { raw -> Data? in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress else { return nil }
            var out: UnsafeMutablePointer<UInt8>?
            var length = 0
            guard argotop_gunzip(base, raw.count, limit, &out, &length) == 0, let out else { return nil }
            defer { argotop_zlib_free(out) }
            return Data(bytes: out, count: length)
        }
    }

    public static func deflate(_ data: Data) -> Data? {
        data.withUnsafeBytes { raw -> Data? in
            var out: UnsafeMutablePointer<UInt8>?
            var length = 0
            let base = raw.bindMemory(to: UInt8.self).baseAddress ?? UnsafePointer(bitPattern: 1)!
            guard argotop_gzip(base, raw.count, &out, &length) == 0, let out else { return nil }
            defer { argotop_zlib_free(out) }
            return Data(bytes: out, count: length)
        }
    }
}

extension Workflow {
    /// The workflow with `status.nodes` read from `status.compressedNodes` (base64 of gzip of the nodes' JSON)
    /// when the nodes came compressed, as the controller stores big workflows and the Kubernetes API serves
    /// them (Argo Server inflates them itself). Fails in words when the data cannot be read.
    public func expandingCompressedNodes() -> Result<Workflow, APIError> {
        guard let packed = status?.compressedNodes, !packed.isEmpty, (status?.nodes ?? [:]).isEmpty else { return .success(self) }
        guard let zipped = Data(base64Encoded: packed, options: .ignoreUnknownCharacters) else {
            return .failure(.malformed(detail: "status.compressedNodes of \(name) is not base64"))
        }
        guard let json = Gzip.inflate(zipped) else {
            return .failure(.malformed(detail: "status.compressedNodes of \(name) is not gzip (or inflates past 256 MiB)"))
        }
        do {
            var copy = self
            copy.status?.nodes = try FastWorkflowDecoder.decodeNodes(json)
            copy.status?.compressedNodes = nil
            copy.status?.nodesWereCompressed = true
            return .success(copy)
        } catch {
            return .failure(.malformed(detail: "the compressed nodes of \(name): \(ArgoClient.describe(error))"))
        }
    }
}
