/// Why a TLS connection failed, in the terms a person can act on.
public enum TLSProblem: String, Equatable, Sendable {
    /// The server's certificate chains to no CA we trust (an unknown CA, or self-signed).
    case untrusted
    case expired
    case notYetValid
    /// The certificate is good but issued for other names than the one in the URL.
    case hostMismatch
    /// The server wants a client certificate and none was given (it ends the handshake).
    case clientCertificateRequired
    /// A client certificate was given and the server refused it.
    case clientCertificateRefused
    /// A CA file, client certificate or key could not be read or used.
    case localFiles
    case other

    /// Reads the problem from OpenSSL's verification result (`X509_V_ERR_*`, from
    /// `CURLINFO_SSL_VERIFYRESULT`) and, where that says nothing, from libcurl's words: a host name
    /// mismatch is libcurl's own check, and a server's alert arrives only as text.
    /// - Parameter clientCertificateGiven: whether we offered one (a handshake failure then means refused).
    public static func classify(verifyResult: Int, detail: String, clientCertificateGiven: Bool) -> TLSProblem? {
        switch verifyResult {
        case 9: return .notYetValid  // X509_V_ERR_CERT_NOT_YET_VALID
        case 10: return .expired  // X509_V_ERR_CERT_HAS_EXPIRED
        // UNABLE_TO_GET_ISSUER_CERT, DEPTH_ZERO_SELF_SIGNED_CERT, SELF_SIGNED_CERT_IN_CHAIN,
        // UNABLE_TO_GET_ISSUER_CERT_LOCALLY, UNABLE_TO_VERIFY_LEAF_SIGNATURE
        case 2, 18, 19, 20, 21: return .untrusted
        case 62, 64: return .hostMismatch  // X509_V_ERR_HOSTNAME_MISMATCH, IP_ADDRESS_MISMATCH
        default: break
        }
        let text = detail.lowercased()
        func has(_ words: String...) -> Bool { words.contains { text.contains($0) } }
        if has("certificate has expired") { return .expired }
        if has("certificate is not yet valid") { return .notYetValid }
        if has("self-signed", "self signed", "unable to get local issuer", "unable to get issuer", "unable to verify the first certificate") {
            return .untrusted
        }
        if has("no alternative certificate subject name", "does not match target host", "subject name does not match") {
            return .hostMismatch
        }
        // The server's alerts: TLS 1.3 names the missing certificate; TLS 1.2 says only "handshake failure".
        if has("alert certificate required") { return clientCertificateGiven ? .clientCertificateRefused : .clientCertificateRequired }
        if has("alert handshake failure") { return clientCertificateGiven ? .clientCertificateRefused : .clientCertificateRequired }
        if has("alert unknown ca", "alert bad certificate", "alert certificate unknown", "alert certificate revoked",
            "alert certificate expired", "alert access denied", "alert unsupported certificate")
        {
            return clientCertificateGiven ? .clientCertificateRefused : .clientCertificateRequired
        }
        return nil
    }

    /// What went wrong and what to do, before the technical detail.
    func advice(server: String) -> String {
        let skip = "or --insecure-skip-verify to skip checking (not recommended)"
        let skipOnly = "--insecure-skip-verify skips checking, not recommended"
        switch self {
        case .untrusted:
            return "certificate not trusted (unknown CA or self-signed): give --ca-file with the cluster's CA, \(skip)"
        case .expired:
            return "certificate expired: \(server) shows a certificate past its end date; the server needs a new one (\(skipOnly))"
        case .notYetValid:
            return "certificate not yet valid: check this machine's clock and the server's certificate (\(skipOnly))"
        case .hostMismatch:
            return "certificate host name does not match: it was issued for other names than the one in --server; connect by a name it lists, \(skip)"
        case .clientCertificateRequired:
            return "client certificate required: \(server) asks for one and ended the TLS handshake; give --client-cert and --client-key"
        case .clientCertificateRefused:
            return "client certificate refused: \(server) did not accept the certificate given with --client-cert (is it signed by a CA the server trusts, and not expired?)"
        case .localFiles:
            return "cannot use the TLS files given: check --ca-file, --client-cert and --client-key (PEM files)"
        case .other:
            return "TLS failed with \(server): give --ca-file with the cluster's CA, \(skip)"
        }
    }
}
