import Glibc

/// Messages for people on standard error (the C `stderr` global is not usable from Swift 6).
enum StandardError {
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = Glibc.write(2, bytes.baseAddress, bytes.count) }
    }
}
