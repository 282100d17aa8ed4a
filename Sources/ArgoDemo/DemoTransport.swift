import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The demo server's HTTP/1.1 transport: SwiftNIO's server pipeline parses requests and frames answers
/// (Content-Length, or chunked when a stream's length is not known). Each request is answered on a thread of its
/// own, which writes through a `DemoConnection` and waits for each write, so that slow clients hold back the
/// streams that feed them, and the event loop never waits on the simulation.
final class DemoTransport: @unchecked Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: Channel
    let port: Int

    /// Binds 127.0.0.1:`port` (0 picks a free port); `handle` answers each request.
    init(port requested: Int, handle: @escaping @Sendable (DemoRequest, DemoConnection) -> Void) throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 64)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(DemoHTTPHandler(handle: handle))
                }
            }
        do {
            channel = try bootstrap.bind(host: "127.0.0.1", port: requested).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw DemoServerError("cannot listen on 127.0.0.1:\(requested): \(error)")
        }
        port = channel.localAddress?.port ?? requested
    }

    /// Stops listening. Streams see the server stopped and end within a quarter second; the event loop goes a
    /// little later, so that no answer writes to a loop that is gone.
    func stop() {
        channel.close(promise: nil)
        let group = self.group
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) { group.shutdownGracefully { _ in } }
    }
}

/// One request, whole (the demo's bodies are small: at most 1 MiB is kept).
struct DemoRequest: Sendable {
    var method: String
    var target: String
    /// Names in lower case.
    var headers: [String: String]
    var body: [UInt8]
    var keepAlive: Bool
}

/// The connection a request came on, for the thread that answers it: every call waits until its bytes are
/// written (or the client is gone, which makes it return false).
final class DemoConnection: @unchecked Sendable {
    private let channel: Channel
    let keepAlive: Bool
    private let lock = NSLock()
    private var gone = false

    init(channel: Channel, keepAlive: Bool) {
        self.channel = channel
        self.keepAlive = keepAlive
        channel.closeFuture.whenComplete { [weak self] _ in self?.lock.withLock { self?.gone = true } }
    }

    /// The client hung up (or the connection broke).
    var clientLeft: Bool { lock.withLock { gone } || !channel.isActive }

    private func send(_ part: HTTPServerResponsePart) -> Bool {
        guard !clientLeft else { return false }
        do {
            try channel.writeAndFlush(part).wait()
            return true
        } catch {
            return false
        }
    }

    /// The status line and headers; `length` nil means the body is sent in chunks as it comes.
    @discardableResult
    func head(_ status: Int, contentType: String, length: Int?, close: Bool = false, extra: [(String, String)] = []) -> Bool {
        var headers = HTTPHeaders([("Content-Type", contentType)] + extra)
        if let length { headers.add(name: "Content-Length", value: String(length)) }
        if close || !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        return send(.head(head))
    }

    /// Body bytes (a chunk of their own when the length was not given).
    @discardableResult
    func body(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return !clientLeft }
        return send(.body(.byteBuffer(channel.allocator.buffer(bytes: bytes))))
    }

    /// The end of the answer (the last chunk of a chunked one); the connection stays for the next request
    /// unless it is to close.
    @discardableResult
    func end(close: Bool = false) -> Bool {
        let sent = send(.end(nil))
        if close || !keepAlive { self.close() }
        return sent
    }

    /// A whole answer with its length.
    func answer(_ status: Int, contentType: String, body: [UInt8], close: Bool = false) {
        guard head(status, contentType: contentType, length: body.count, close: close), self.body(body) else {
            self.close()
            return
        }
        end(close: close)
    }

    /// Closes the connection where the answer stands (a body shorter than its length, a stream without its
    /// last chunk: the abrupt end a broken proxy gives).
    func close() {
        try? channel.close().wait()
    }

    /// Closes with a TCP reset instead of an orderly end (SO_LINGER 0).
    func reset() {
        if let options = channel as? SocketOptionProvider {
            try? options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).wait()
        }
        close()
    }

    /// Waits until the client hangs up, `seconds` pass, or `stop` says so.
    func waitForClientToLeave(seconds: Double, stop: () -> Bool) {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline, !clientLeft, !stop() { Thread.sleep(forTimeInterval: 0.05) }
    }
}

/// Gathers each request's parts and hands the whole request to a thread that answers it. The server pipeline
/// (pipelining assistance) holds back the next request on a connection until this answer has ended.
private final class DemoHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let handle: @Sendable (DemoRequest, DemoConnection) -> Void
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private static let bodyLimit = 1 << 20

    init(handle: @escaping @Sendable (DemoRequest, DemoConnection) -> Void) {
        self.handle = handle
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            if body.count < DemoHTTPHandler.bodyLimit, let bytes = buffer.readBytes(length: buffer.readableBytes) {
                body += bytes.prefix(DemoHTTPHandler.bodyLimit - body.count)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            var headers: [String: String] = [:]
            for (name, value) in head.headers { headers[name.lowercased()] = value }
            let request = DemoRequest(
                method: head.method.rawValue, target: head.uri, headers: headers, body: body, keepAlive: head.isKeepAlive)
            body = []
            let connection = DemoConnection(channel: context.channel, keepAlive: head.isKeepAlive)
            let handle = self.handle
            let thread = Thread { handle(request, connection) }
            thread.name = "argotop-demo-request"
            thread.start()
        }
    }
}
