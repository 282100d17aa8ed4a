import CCurl
import Foundation

/// One HTTP exchange to make.
public struct HTTPRequest: Sendable {
    public var method: String
    /// Path and query, appended to the server's base URL.
    public var path: String
    public var accept: String
    /// A JSON body (actions' PUTs), sent with `Content-Type: application/json`.
    public var body: String?

    public init(method: String = "GET", path: String, accept: String = "application/json", body: String? = nil) {
        self.method = method
        self.path = path
        self.accept = accept
        self.body = body
    }
}

/// What came back: a status and a body, or a transport failure before any status.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: Data
}

/// A failure below HTTP: DNS, TCP, TLS, a stall, a cap.
public struct TransportFailure: Error, Sendable {
    public enum Kind: Equatable, Sendable { case unreachable, dns, tls(TLSProblem), timeout, reset, tooLarge, other }
    public var kind: Kind
    public var detail: String

    public init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// The kind and detail in a few words, for the `--debug` log.
    var summary: String {
        let name: String
        switch kind {
        case .unreachable: name = "unreachable"
        case .dns: name = "dns"
        case .tls(let problem): name = "tls \(problem.rawValue)"
        case .timeout: name = "timeout"
        case .reset: name = "reset"
        case .tooLarge: name = "too large"
        case .other: name = "failed"
        }
        return "\(name): \(detail)"
    }
}

/// libcurl on a worker thread of its own (a `curl_multi` loop). Callers never block: `send` queues the
/// request and returns; the completion runs on the worker thread.
public final class CurlTransport: @unchecked Sendable {
    public let settings: ConnectionSettings
    /// When set, gives the Authorization value for each new transfer (a credential that expires, from an exec
    /// plugin, is fetched again when it does); nil from it means none. Called on the worker thread.
    public var authorizationProvider: (@Sendable () -> String?)? {
        get { lock.withLock { provider } }
        set { lock.withLock { provider = newValue } }
    }
    private var provider: (@Sendable () -> String?)?
    /// A response larger than this is cut off and reported (a proxy gone wrong must not eat the memory).
    public var maxBodyBytes = 512 * 1024 * 1024
    /// A transfer that receives nothing for this long is abandoned.
    public var stallSeconds = 15
    /// A stream (`stream(_:)`) that receives nothing, keep-alives included, for this long is abandoned
    /// with a `.timeout`. Argo Server sends a keep-alive every 15 s on server-sent events.
    public var streamStallSeconds: Double = 45

    private let lock = NSLock()
    private var pending: [Transfer] = []
    /// Serial numbers of transfers to drop. Not object identities: a finished transfer's memory can hold the
    /// next one by the time the worker looks, and a stale cancel would then drop a request that was never sent.
    private var cancelRequests: Set<UInt64> = []
    private var running = true
    private let multi: UnsafeMutableRawPointer?
    /// Set, under the lock, once the worker has cleaned `multi` up: nobody may wake it after that.
    private var multiClosed = false
    private var thread: Thread?
    /// Signalled once by the worker as it exits.
    private let stopped = DispatchSemaphore(value: 0)
    /// `--debug`: one line per finished transfer, written by the worker.
    public let transferLog: TransferLog?
    /// The path part of the base URL (`/argo` of `https://host/argo`), which the log puts before each path.
    private let basePath: String

    /// The detail of the failure a transfer gets once the transport is shut down.
    public static let shutDownDetail = "client is shut down"

    /// A size in words: bytes, KiB or MiB.
    public static func byteSize(_ bytes: Int) -> String {
        if bytes >= 1_048_576 { return bytes % 1_048_576 == 0 ? "\(bytes / 1_048_576) MiB" : String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
        if bytes >= 1024 { return "\(bytes / 1024) KiB" }
        return "\(bytes) bytes"
    }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    public init(settings: ConnectionSettings, transferLog: TransferLog? = nil) {
        _ = CurlTransport.globalInit
        self.settings = settings
        self.transferLog = transferLog
        basePath = CurlTransport.path(of: settings.baseURL)
        // For tests: shorter stall limits (plain calls; streams) and a lower body cap.
        let environment = ProcessInfo.processInfo.environment
        if let text = environment["ARGOTOP_STALL_SECONDS"], let seconds = Int(text), seconds > 0 { stallSeconds = seconds }
        if let text = environment["ARGOTOP_STREAM_STALL_SECONDS"], let seconds = Double(text), seconds > 0 { streamStallSeconds = seconds }
        if let text = environment["ARGOTOP_MAX_BODY_BYTES"], let bytes = Int(text), bytes > 0 { maxBodyBytes = bytes }
        multi = curl_multi_init()
        let worker = Thread { [weak self] in self?.loop() }
        worker.name = "argotop-curl"
        thread = worker
        worker.start()
    }

    deinit { shutdown() }

    /// Stops the worker; transfers still running complete with a failure.
    public func shutdown() {
        lock.lock()
        let wasRunning = running
        running = false
        lock.unlock()
        if wasRunning { wake() }
    }

    /// Waits, at most `timeout` seconds, for the worker to finish after `shutdown()`: transfers still
    /// running have then completed (and been logged). True when it finished in time.
    @discardableResult
    public func waitUntilStopped(timeout: Double) -> Bool {
        guard stopped.wait(timeout: .now() + timeout) == .success else { return false }
        stopped.signal()
        return true
    }

    /// The path of a URL, without scheme, credentials, host, port or query.
    static func path(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return "" }
        let rest = url[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "" }
        var path = String(rest[slash...])
        if let mark = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<mark]) }
        while path.hasSuffix("/") { path.removeLast() }
        return path
    }

    public func send(_ request: HTTPRequest, completion: @escaping @Sendable (Result<HTTPResponse, TransportFailure>) -> Void) {
        enqueue(Transfer(request: request, url: settings.baseURL + request.path, completion: completion))
    }

    /// Hands a transfer to the worker, or fails it at once when the transport has shut down.
    private func enqueue(_ transfer: Transfer) {
        lock.lock()
        let accepting = running
        if accepting { pending.append(transfer) }
        lock.unlock()
        guard accepting else {
            transfer.completion(.failure(TransportFailure(kind: .other, detail: CurlTransport.shutDownDetail)))
            return
        }
        wake()
    }

    /// Wakes the worker's poll; a no-op once the worker has finished (the check and the call share the lock).
    private func wake() {
        lock.lock()
        defer { lock.unlock() }
        if !multiClosed, let multi { curl_multi_wakeup(multi) }
    }

    /// One part of a streamed answer, in order: the head once the status is 2xx, then the body's bytes as
    /// they arrive.
    public enum StreamPart: Sendable {
        case head(status: Int, contentType: String)
        case body(Data)
    }

    /// Sends a request whose answer is a stream: a 2xx answer's body goes to `onPart` as it arrives (no
    /// size cap), after its `.head`; any other answer is read whole (with the usual cap) and given to
    /// `completion` as an ordinary response, so refusals read like those of `send`. `completion` runs last,
    /// once: a 2xx stream ends with an empty body. Nothing arrives after the transfer is cancelled by the
    /// worker; callbacks already running may finish. All callbacks run on the worker thread: keep them short.
    /// - Parameter stallSeconds: silence that abandons the stream (default `streamStallSeconds`).
    @discardableResult
    public func stream(
        _ request: HTTPRequest, stallSeconds: Double? = nil, onPart: @escaping @Sendable (StreamPart) -> Void,
        completion: @escaping @Sendable (Result<HTTPResponse, TransportFailure>) -> Void
    ) -> TransferHandle {
        let transfer = Transfer(request: request, url: settings.baseURL + request.path, completion: completion)
        transfer.onPart = onPart
        transfer.streamStall = stallSeconds ?? streamStallSeconds
        enqueue(transfer)
        return TransferHandle(transport: self, transfer: transfer)
    }

    /// Asks the worker to drop a transfer: it is removed from libcurl and its completion is not called.
    func cancel(_ transfer: Transfer) {
        lock.lock()
        let live = running
        if live { cancelRequests.insert(transfer.serial) }
        lock.unlock()
        if live { wake() }
    }

    private func loop() {
        guard let multi else {
            stopped.signal()
            return
        }
        var active: [UnsafeMutableRawPointer: Transfer] = [:]
        while true {
            lock.lock()
            let stillRunning = running
            var newTransfers = pending
            pending.removeAll()
            let cancels = cancelRequests
            cancelRequests.removeAll()
            lock.unlock()
            if !stillRunning { break }
            if !cancels.isEmpty {
                newTransfers.removeAll { cancels.contains($0.serial) }
                for (easy, transfer) in active where cancels.contains(transfer.serial) {
                    curl_multi_remove_handle(multi, easy)
                    log(transfer, easy: easy, error: "cancelled")
                    curl_easy_cleanup(easy)
                    transfer.cleanup()
                    active.removeValue(forKey: easy)
                }
            }
            for transfer in newTransfers {
                guard let easy = configure(transfer) else {
                    transfer.completion(.failure(TransportFailure(kind: .other, detail: "libcurl could not start")))
                    continue
                }
                active[easy] = transfer
                transfer.lastActivity = CurlTransport.monotonic()
                curl_multi_add_handle(multi, easy)
            }
            var runningCount: Int32 = 0
            curl_multi_perform(multi, &runningCount)
            var done: UnsafeMutableRawPointer?
            var code = CURLE_OK
            while argotop_curl_multi_next_done(multi, &done, &code) == 1 {
                guard let raw = done else { continue }
                curl_multi_remove_handle(multi, raw)
                if let transfer = active.removeValue(forKey: raw) {
                    finish(transfer, easy: raw, code: code)
                }
                curl_easy_cleanup(raw)
            }
            // Streams that went silent for too long are abandoned (keep-alives count as life).
            var timeout: Int32 = 1000
            let now = CurlTransport.monotonic()
            for (easy, transfer) in active {
                guard let stall = transfer.streamStall else { continue }
                if now - transfer.lastActivity > stall {
                    curl_multi_remove_handle(multi, easy)
                    let failure = TransportFailure(
                        kind: .timeout, detail: "no data for \(CurlTransport.seconds(stall)) (the stream stalled)")
                    log(transfer, easy: easy, error: failure.summary)
                    curl_easy_cleanup(easy)
                    transfer.cleanup()
                    active.removeValue(forKey: easy)
                    transfer.completion(.failure(failure))
                } else {
                    timeout = min(timeout, Int32(max(10, min(1000, stall * 250))))
                }
            }
            var ready: Int32 = 0
            curl_multi_poll(multi, nil, 0, timeout, &ready)
        }
        for (easy, transfer) in active {
            curl_multi_remove_handle(multi, easy)
            log(transfer, easy: easy, error: CurlTransport.shutDownDetail)
            curl_easy_cleanup(easy)
            transfer.cleanup()
            transfer.completion(.failure(TransportFailure(kind: .other, detail: CurlTransport.shutDownDetail)))
        }
        lock.lock()
        multiClosed = true
        curl_multi_cleanup(multi)
        lock.unlock()
        stopped.signal()
    }

    private func configure(_ transfer: Transfer) -> UnsafeMutableRawPointer? {
        guard let easy = curl_easy_init() else { return nil }
        let owner = Unmanaged.passUnretained(transfer).toOpaque()
        transfer.maxBodyBytes = maxBodyBytes
        argotop_curl_setopt_string(easy, CURLOPT_URL, transfer.url)
        argotop_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        argotop_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT, 10)
        if transfer.streamStall == nil {
            argotop_curl_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, 1)
            argotop_curl_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, stallSeconds)
        } else {
            argotop_curl_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        }
        argotop_curl_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, "")
        // ARGO_HTTP1: HTTP/1.1 only; otherwise libcurl may agree on HTTP/2 over TLS.
        if settings.http1Only { argotop_curl_setopt_long(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1) }
        argotop_curl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, settings.insecureSkipVerify ? 0 : 1)
        argotop_curl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, settings.insecureSkipVerify ? 0 : 2)
        if let caFile = settings.caFile { argotop_curl_setopt_string(easy, CURLOPT_CAINFO, caFile) }
        if let certificate = settings.clientCertFile {
            argotop_curl_setopt_string(easy, CURLOPT_SSLCERT, certificate)
            argotop_curl_setopt_string(easy, CURLOPT_SSLCERTTYPE, "PEM")
        }
        if let key = settings.clientKeyFile {
            argotop_curl_setopt_string(easy, CURLOPT_SSLKEY, key)
            argotop_curl_setopt_string(easy, CURLOPT_SSLKEYTYPE, "PEM")
        }
        argotop_curl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, transfer.errorBuffer)
        argotop_curl_setopt_pointer(easy, CURLOPT_PRIVATE, owner)
        argotop_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, owner)
        argotop_curl_setopt_pointer(easy, CURLOPT_HEADERDATA, owner)
        argotop_curl_setopt_write_function(easy, curlWriteBody)
        argotop_curl_setopt_header_function(easy, curlWriteHeader)
        if transfer.request.method != "GET" {
            argotop_curl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, transfer.request.method)
        }
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        headers = curl_slist_append(headers, "Accept: " + transfer.request.accept)
        if let body = transfer.request.body {
            // COPYPOSTFIELDS copies the bytes; the custom method (PUT) stays the verb sent.
            argotop_curl_setopt_long(easy, CURLOPT_POSTFIELDSIZE, Int(body.utf8.count))
            argotop_curl_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, body)
            headers = curl_slist_append(headers, "Content-Type: application/json")
        }
        let authorization = authorizationProvider.map { $0() } ?? settings.authorization
        if let authorization {
            headers = curl_slist_append(headers, "Authorization: " + authorization)
        }
        for header in settings.extraHeaders { headers = curl_slist_append(headers, header) }
        transfer.headers = headers
        argotop_curl_setopt_slist(easy, CURLOPT_HTTPHEADER, headers)
        return easy
    }

    private func finish(_ transfer: Transfer, easy: UnsafeMutableRawPointer, code: CURLcode) {
        let status = Int(argotop_curl_response_code(easy))
        let detail = transfer.errorText(code: code)
        transfer.cleanup()
        var failure: TransportFailure?
        if transfer.tooLarge {
            failure = TransportFailure(kind: .tooLarge, detail: "response larger than \(CurlTransport.byteSize(maxBodyBytes))")
        } else if code != CURLE_OK {
            // OpenSSL's verdict on the server's certificate counts only when verification is what failed.
            let verifyResult = code == CURLE_PEER_FAILED_VERIFICATION ? Int(argotop_curl_getinfo_long(easy, CURLINFO_SSL_VERIFYRESULT)) : 0
            failure = TransportFailure(
                kind: CurlTransport.kind(
                    of: code, verifyResult: verifyResult, detail: detail, clientCertificateGiven: settings.clientCertFile != nil),
                detail: detail)
        }
        log(transfer, easy: easy, error: failure?.summary)
        if let failure {
            transfer.completion(.failure(failure))
            return
        }
        transfer.completion(.success(HTTPResponse(status: status, contentType: transfer.contentType, body: transfer.body)))
    }

    /// Writes the `--debug` line of a transfer that has ended (before its handle is cleaned up).
    private func log(_ transfer: Transfer, easy: UnsafeMutableRawPointer, error: String?) {
        guard let transferLog else { return }
        let status = Int(argotop_curl_response_code(easy))
        let connects = argotop_curl_getinfo_long(easy, CURLINFO_NUM_CONNECTS)
        let connection = connects > 0 ? "new" : (status > 0 || transfer.bytesReceived > 0 || transfer.status > 0 ? "reused" : "none")
        let record = TransferRecord(
            time: Date().timeIntervalSince1970, method: transfer.request.method, basePath: basePath,
            requestPath: transfer.request.path, status: status > 0 ? status : nil, error: error.map(scrub),
            connection: connection,
            timeToHeadersMs: argotop_curl_getinfo_double(easy, CURLINFO_STARTTRANSFER_TIME) * 1000,
            totalMs: argotop_curl_getinfo_double(easy, CURLINFO_TOTAL_TIME) * 1000,
            bytes: transfer.bytesReceived)
        transferLog.write(record)
    }

    /// Takes secrets out of words bound for the log: the credentials and the URL's query never appear.
    private func scrub(_ text: String) -> String {
        var out = text
        var secrets = [settings.authorization, settings.authorization?.split(separator: " ").last.map(String.init)]
        for header in settings.extraHeaders {
            secrets.append(header.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) })
        }
        for secret in secrets.compactMap({ $0 }) where secret.count >= 4 {
            out = out.replacingOccurrences(of: secret, with: "(hidden)")
        }
        // A URL in curl's words loses its query.
        var cleaned = ""
        var inQuery = false
        for character in out {
            if character == "?" { inQuery = true }
            if inQuery && (character == " " || character == "'" || character == "\"") { inQuery = false }
            if !inQuery { cleaned.append(character) }
        }
        return cleaned
    }

    static func monotonic() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1_000_000_000 }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }

    /// The kind of a failed transfer. TLS problems are told apart by OpenSSL's verification result and
    /// libcurl's words; a server that ends a TLS 1.3 handshake over a client certificate is seen only when
    /// the answer is read, so a receive error may be one too.
    static func kind(of code: CURLcode, verifyResult: Int = 0, detail: String = "", clientCertificateGiven: Bool = false) -> TransportFailure.Kind {
        switch code {
        case CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CRL_BADFILE:
            return .tls(.localFiles)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR,
            CURLE_RECV_ERROR, CURLE_SEND_ERROR:
            if let problem = TLSProblem.classify(verifyResult: verifyResult, detail: detail, clientCertificateGiven: clientCertificateGiven) {
                return .tls(problem)
            }
        default: break
        }
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .dns
        case CURLE_COULDNT_CONNECT: return .unreachable
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR:
            return .tls(.other)
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING: return .reset
        default: return .other
        }
    }
}

/// A transfer started by `CurlTransport.stream`; `cancel()` drops it (idempotent, any thread).
public final class TransferHandle: @unchecked Sendable {
    private weak var transport: CurlTransport?
    private let transfer: Transfer

    init(transport: CurlTransport, transfer: Transfer) {
        self.transport = transport
        self.transfer = transfer
    }

    public func cancel() { transport?.cancel(transfer) }
}

/// The state of one transfer, owned by the worker while libcurl runs it.
final class Transfer {
    private static let counter = Counter()
    /// Unique for the life of the process.
    let serial = Transfer.counter.next()
    let request: HTTPRequest
    let url: String
    let completion: @Sendable (Result<HTTPResponse, TransportFailure>) -> Void
    var body = Data()
    var contentType = ""
    var maxBodyBytes = Int.max
    var tooLarge = false
    /// Set for a stream: its parts go here once the status is 2xx, and this much silence abandons it.
    var onPart: (@Sendable (CurlTransport.StreamPart) -> Void)?
    var streamStall: Double?
    var status = 0
    /// Body bytes received, streamed or kept.
    var bytesReceived = 0
    var streaming = false
    var lastActivity = 0.0
    var headers: UnsafeMutablePointer<curl_slist>?
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init(request: HTTPRequest, url: String, completion: @escaping @Sendable (Result<HTTPResponse, TransportFailure>) -> Void) {
        self.request = request
        self.url = url
        self.completion = completion
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit { errorBuffer.deallocate() }

    func cleanup() {
        if let headers { curl_slist_free_all(headers) }
        headers = nil
    }

    func errorText(code: CURLcode) -> String {
        let specific = String(cString: errorBuffer)
        return specific.isEmpty ? String(cString: curl_easy_strerror(code)) : specific
    }
}

private let curlWriteBody: argotop_curl_write_fn = { data, size, count, owner in
    guard let data, let owner else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(owner).takeUnretainedValue()
    let length = size * count
    transfer.lastActivity = CurlTransport.monotonic()
    transfer.bytesReceived += length
    if transfer.streaming, let onPart = transfer.onPart {
        onPart(.body(Data(bytes: data, count: length)))
        return length
    }
    if transfer.body.count + length > transfer.maxBodyBytes {
        transfer.tooLarge = true
        return 0
    }
    data.withMemoryRebound(to: UInt8.self, capacity: length) { transfer.body.append($0, count: length) }
    return length
}

private let curlWriteHeader: argotop_curl_write_fn = { data, size, count, owner in
    guard let data, let owner else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(owner).takeUnretainedValue()
    let length = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    transfer.lastActivity = CurlTransport.monotonic()
    if line.lowercased().hasPrefix("content-type:") {
        transfer.contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespacesAndNewlines)
    } else if line.hasPrefix("HTTP/") {
        transfer.contentType = ""
        let parts = line.split(separator: " ")
        transfer.status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
    } else if line == "\r\n" || line == "\n", let onPart = transfer.onPart, (200..<300).contains(transfer.status) {
        // The end of a 2xx head: from here on the body is the stream.
        transfer.streaming = true
        onPart(.head(status: transfer.status, contentType: transfer.contentType))
    }
    return length
}

/// A thread-safe counter.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value: UInt64 = 0

    func next() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
