import FileSystem
import Glibc
import Locking

/// Serves the current certificate/key pair and picks up changes to the files, including Kubernetes Secret
/// volumes, whose files are symlinks swapped atomically (`..data`): the paths are re-read and compared by
/// content on every check, so a swapped target is seen however it was replaced. A new pair that does not
/// load keeps the old one in service.
public final class CertificateReloader: Sendable {
    public enum Outcome: Sendable, Equatable {
        case reloaded(notAfter: Int64?)
        case failed(TLSSettingsError)
    }

    private struct State {
        var context: TLSServerContext
        var certificatePEM: [UInt8]
        var keyPEM: [UInt8]
        /// The last pair that failed to load, so a broken pair is reported once, not on every poll.
        var failedPair: ([UInt8], [UInt8])?
    }

    public let settings: TLSServerSettings
    private let state: Locked<State>

    /// Loads the initial pair; errors name the file.
    public init(settings: TLSServerSettings) throws(TLSSettingsError) {
        self.settings = settings
        let cert = try Self.readFile(settings.certificatePath)
        let key = try Self.readFile(settings.keyPath)
        let context = try TLSServerContext(settings: settings, certificatePEM: cert, keyPEM: key)
        state = Locked(State(context: context, certificatePEM: cert, keyPEM: key, failedPair: nil))
    }

    /// The context new handshakes should use.
    public var current: TLSServerContext { state.withLock { $0.context } }

    /// Re-reads both files; returns nil when nothing changed (or a known-broken pair is still there).
    public func checkForChanges() -> Outcome? {
        let cert: [UInt8]
        let key: [UInt8]
        do {
            cert = try Self.readFile(settings.certificatePath)
            key = try Self.readFile(settings.keyPath)
        } catch {
            return state.withLock { state in
                // An unreadable file is reported once until the files become readable again.
                if state.failedPair?.0 == [] && state.failedPair?.1 == [] { return nil }
                state.failedPair = ([], [])
                return .failed(error)
            }
        }
        let unchanged = state.withLock { state in
            if state.certificatePEM == cert && state.keyPEM == key {
                state.failedPair = nil  // back to the serving pair: a later failure is news again
                return true
            }
            return state.failedPair?.0 == cert && state.failedPair?.1 == key
        }
        if unchanged { return nil }
        do {
            let context = try TLSServerContext(settings: settings, certificatePEM: cert, keyPEM: key)
            state.withLock { $0 = State(context: context, certificatePEM: cert, keyPEM: key, failedPair: nil) }
            return .reloaded(notAfter: context.notAfter)
        } catch {
            state.withLock { $0.failedPair = (cert, key) }
            return .failed(error)
        }
    }

    /// PEM files are small; anything beyond 1 MiB is not a certificate or key.
    static let maxFileBytes = 1 << 20

    static func readFile(_ path: String) throws(TLSSettingsError) -> [UInt8] {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(path, maxBytes: maxFileBytes)
        } catch {
            throw .unreadableFile(path: path, reason: error.reason)
        }
        if bytes.isEmpty { throw .unreadableFile(path: path, reason: "file is empty") }
        return bytes
    }
}
