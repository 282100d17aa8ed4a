import XCTest

@testable import ArgoAPI

/// TLS failures told apart from OpenSSL's verdict and libcurl's words; TLS flags checked up front.
final class TLSProblemTests: XCTestCase {
    func testTLSProblemsAreToldApart() {
        func classify(_ verify: Int, _ detail: String, cert: Bool = false) -> TLSProblem? {
            TLSProblem.classify(verifyResult: verify, detail: detail, clientCertificateGiven: cert)
        }
        XCTAssertEqual(classify(20, "SSL certificate problem: unable to get local issuer certificate"), .untrusted)
        XCTAssertEqual(classify(0, "SSL certificate problem: self-signed certificate"), .untrusted)
        XCTAssertEqual(classify(10, ""), .expired)
        XCTAssertEqual(classify(0, "SSL: no alternative certificate subject name matches target host name '127.0.0.1'"), .hostMismatch)
        XCTAssertEqual(classify(0, "OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0"), .clientCertificateRequired)
        XCTAssertEqual(classify(0, "error:0A000410:SSL routines::sslv3 alert handshake failure"), .clientCertificateRequired)
        XCTAssertEqual(classify(0, "error:0A000418:SSL routines::tlsv1 alert unknown ca", cert: true), .clientCertificateRefused)
        XCTAssertNil(classify(0, "Recv failure: Connection reset by peer"))
    }

    func testTLSFlagsNeedReadableFilesAndAKeyNeedsItsCertificate() throws {
        var flags = ConnectionSettings.Flags()
        flags.server = "https://127.0.0.1:2746"
        flags.caFile = "/nonexistent/ca.pem"
        XCTAssertThrowsError(try ConnectionSettings.resolve(flags: flags, environment: [:]))
        flags.caFile = nil
        flags.clientKeyFile = #filePath
        XCTAssertThrowsError(try ConnectionSettings.resolve(flags: flags, environment: [:]))
        flags.clientCertFile = #filePath
        let settings = try ConnectionSettings.resolve(flags: flags, environment: [:])
        XCTAssertEqual(settings.clientCertFile, #filePath)
        XCTAssertEqual(settings.clientKeyFile, #filePath)
    }
}
