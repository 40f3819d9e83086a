import Glibc

/// Writes test fixtures to real files, since the toolkit reads paths as the CLI does.
enum TemporaryFile {
    static func write(_ contents: String, name: String = "fixture.pem") -> String {
        var template = Array("/tmp/irsa-toolkit-tests-XXXXXX".utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        let path = directory + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot create \(path)")
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        precondition(written == bytes.count)
        close(fd)
        return path
    }
}
