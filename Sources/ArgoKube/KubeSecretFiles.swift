import Foundation

/// Private files for credentials that a kubeconfig carries inline (`certificate-authority-data`,
/// `client-certificate-data`, `client-key-data`) or an exec plugin returns: libcurl wants file paths.
///
/// The files live in one directory made with mkdtemp (mode 0700) under `parent`; each file is mode 0600. The same
/// content asked for twice under the same name gives the same file. `shared` removes its directory at exit.
public final class KubeSecretFiles: @unchecked Sendable {
    public static let shared: KubeSecretFiles = {
        let files = KubeSecretFiles()
        atexit { KubeSecretFiles.shared.removeAll() }
        return files
    }()

    private let parent: String
    private let lock = NSLock()
    private var dir: String?
    private var written: [Key: String] = [:]
    private var counter = 0

    private struct Key: Hashable {
        var name: String
        var content: Data
    }

    /// `parent` defaults to TMPDIR, else /tmp.
    public init(parent: String? = nil) {
        let base = parent ?? ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        self.parent = base.count > 1 && base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    /// The private directory, once a file has been written.
    public var directory: String? {
        lock.lock()
        defer { lock.unlock() }
        return dir
    }

    /// Writes `content` to a new private file (or returns the one already written with the same name and content).
    /// `name` is a plain label such as `ca.crt`.
    public func write(_ content: Data, name: String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        let key = Key(name: name, content: content)
        if let path = written[key], FileManager.default.fileExists(atPath: path) { return path }
        let directory = try makeDirectory()
        counter += 1
        let path = "\(directory)/\(counter)-\(name)"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw SecretFileError(path: path, code: errno) }
        defer { close(fd) }
        _ = fchmod(fd, 0o600)
        try content.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SecretFileError(path: path, code: errno)
                }
                offset += n
            }
        }
        written[key] = path
        return path
    }

    /// Deletes the directory and every file in it; later writes make a new directory.
    public func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        if let dir { try? FileManager.default.removeItem(atPath: dir) }
        dir = nil
        written = [:]
    }

    private func makeDirectory() throws -> String {
        if let dir, FileManager.default.fileExists(atPath: dir) { return dir }
        var template = Array("\(parent)/argotop-kube-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw SecretFileError(path: parent, code: errno) }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        dir = path
        written = [:]
        return path
    }
}

struct SecretFileError: Error, CustomStringConvertible {
    var path: String
    var code: Int32
    var description: String { "cannot write a private file in \(path): \(String(cString: strerror(code)))" }
}
