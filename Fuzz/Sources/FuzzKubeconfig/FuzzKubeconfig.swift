// Kubeconfig parsing on arbitrary bytes (written to a private temporary file, as the API reads a path), and the
// API server URL parser on the same bytes. Invariant: never crashes; errors name a field.
// Run with stdin at /dev/null (scripts/fuzz.sh does): a kubeconfig may name any file, /dev/stdin included.
import Glibc
import KubernetesClient

private let kubeconfigPath: String = {
    var template = Array("/tmp/fuzz-kubeconfig-XXXXXX".utf8CString)
    guard let directory = mkdtemp(&template) else { fatalError("mkdtemp: \(String(cString: strerror(errno)))") }
    return String(cString: directory) + "/config"
}()

private func write(_ bytes: UnsafeBufferPointer<UInt8>, to path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { fatalError("open \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var offset = 0
    while offset < bytes.count {
        let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        guard written > 0 else { fatalError("write \(path): \(String(cString: strerror(errno)))") }
        offset += written
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKubeconfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    write(bytes, to: kubeconfigPath)
    do {
        _ = try KubernetesClientConfiguration.kubeconfig(path: kubeconfigPath)
    } catch {
        guard !error.description.isEmpty else { fatalError("an error without a description") }
    }
    if size <= 2048, let url = String(validating: bytes, as: UTF8.self) {
        _ = try? APIServerEndpoint(parsing: url)
    }
    return 0
}
